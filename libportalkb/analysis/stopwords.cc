#include "analysis/stopwords.h"

#include <string>
#include <unordered_set>

namespace portalkb {
namespace {

// Function words only: pronouns, articles, auxiliaries, prepositions and
// conjunctions, after the Snowball project's lists, folded (no diacritics).
// Content words a portal visitor searches for (e.g. "account", "kan" in the
// sense of "jug") are deliberately absent where the risk of losing them
// outweighs the noise.
const std::unordered_set<std::string>& Dutch() {
  static const std::unordered_set<std::string> words = {
      "de",     "en",      "van",    "ik",      "te",     "dat",   "die",    "in",    "een",  "hij",   "het",    "niet",
      "zijn",   "is",      "was",    "op",      "aan",    "met",   "als",    "voor",  "had",  "er",    "maar",   "om",
      "hem",    "dan",     "zou",    "of",      "wat",    "mijn",  "men",    "dit",   "zo",   "door",  "over",   "ze",
      "zich",   "bij",     "ook",    "tot",     "je",     "mij",   "uit",    "der",   "daar", "haar",  "naar",   "heb",
      "hoe",    "heeft",   "hebben", "deze",    "u",      "want",  "nog",    "zal",   "me",   "zij",   "nu",     "ge",
      "geen",   "omdat",   "iets",   "worden",  "toch",   "al",    "waren",  "veel",  "meer", "doen",  "toen",   "moet",
      "ben",    "zonder",  "kan",    "hun",     "dus",    "alles", "onder",  "ja",    "eens", "hier",  "wie",    "werd",
      "altijd", "doch",    "wordt",  "wezen",   "kunnen", "ons",   "zelf",   "tegen", "na",   "reeds", "wil",    "kon",
      "niets",  "uw",      "iemand", "geweest", "andere", "ik",    "jij",    "jou",   "jouw", "we",    "wij",    "onze",
      "waar",   "wanneer", "welke",  "mijn",    "mag",    "moet",  "moeten", "kun",   "kunt", "word",  "waarom",
  };
  return words;
}

const std::unordered_set<std::string>& English() {
  static const std::unordered_set<std::string> words = {
      "i",       "me",       "my",         "myself",  "we",      "our",   "ours",    "ourselves", "you",        "your",
      "yours",   "yourself", "yourselves", "he",      "him",     "his",   "himself", "she",       "her",        "hers",
      "herself", "it",       "its",        "itself",  "they",    "them",  "their",   "theirs",    "themselves", "what",
      "which",   "who",      "whom",       "this",    "that",    "these", "those",   "am",        "is",         "are",
      "was",     "were",     "be",         "been",    "being",   "have",  "has",     "had",       "having",     "do",
      "does",    "did",      "doing",      "would",   "should",  "could", "a",       "an",        "the",        "and",
      "but",     "if",       "or",         "because", "as",      "until", "while",   "of",        "at",         "by",
      "for",     "with",     "about",      "against", "between", "into",  "through", "during",    "before",     "after",
      "above",   "below",    "to",         "from",    "up",      "down",  "in",      "out",       "on",         "off",
      "over",    "under",    "again",      "further", "then",    "once",  "here",    "there",     "when",       "where",
      "why",     "how",      "all",        "any",     "both",    "each",  "few",     "more",      "most",       "other",
      "some",    "such",     "no",         "nor",     "not",     "only",  "same",    "so",        "than",       "too",
      "very",    "can",      "will",       "just",    "dont",    "im",    "ive",     "cant",      "doesnt",     "isnt",
      "wont",    "shall",    "may",        "might",   "must",
  };
  return words;
}

const std::unordered_set<std::string>& Swedish() {
  static const std::unordered_set<std::string> words = {
      "och",    "det",    "att",    "i",      "en",     "jag",    "hon",    "som",    "han",  "pa",    "den",
      "med",    "var",    "sig",    "for",    "sa",     "till",   "ar",     "men",    "ett",  "om",    "hade",
      "de",     "av",     "icke",   "mig",    "du",     "henne",  "da",     "sin",    "nu",   "har",   "inte",
      "hans",   "honom",  "skulle", "hennes", "dar",    "min",    "man",    "ej",     "vid",  "kunde", "nagot",
      "fran",   "ut",     "nar",    "efter",  "upp",    "vi",     "dem",    "vara",   "vad",  "over",  "an",
      "dig",    "kan",    "sina",   "har",    "era",    "allt",   "mycket", "sedan",  "ju",   "denna", "sjalv",
      "detta",  "at",     "utan",   "varit",  "hur",    "ingen",  "mitt",   "ni",     "bli",  "blev",  "oss",
      "din",    "dessa",  "nagra",  "deras",  "blir",   "mina",   "samma",  "vilken", "er",   "sadan", "var",
      "blivit", "dess",   "inom",   "mellan", "sadant", "varfor", "varje",  "vilka",  "ditt", "vem",   "vilket",
      "sitt",   "sadana", "vart",   "dina",   "vars",   "vart",   "ert",    "mitt",   "vill", "maste", "jag",
  };
  return words;
}

const std::unordered_set<std::string>& German() {
  static const std::unordered_set<std::string> words = {
      "aber",    "alle",   "allem",   "allen",   "aller",    "alles",   "als",    "also",     "am",      "an",
      "ander",   "andere", "anderem", "anderen", "anderer",  "anderes", "auch",   "auf",      "aus",     "bei",
      "bin",     "bis",    "bist",    "da",      "damit",    "dann",    "der",    "den",      "des",     "dem",
      "die",     "das",    "dass",    "daß",     "derselbe", "dich",    "dir",    "du",       "dies",    "diese",
      "diesem",  "diesen", "dieser",  "dieses",  "doch",     "dort",    "durch",  "ein",      "eine",    "einem",
      "einen",   "einer",  "eines",   "einig",   "einige",   "er",      "ihn",    "ihm",      "es",      "etwas",
      "euer",    "eure",   "fur",     "gegen",   "gewesen",  "hab",     "habe",   "haben",    "hat",     "hatte",
      "hatten",  "hier",   "hin",     "hinter",  "ich",      "mich",    "mir",    "ihr",      "ihre",    "ihrem",
      "ihren",   "ihrer",  "ihres",   "euch",    "im",       "in",      "indem",  "ins",      "ist",     "jede",
      "jedem",   "jeden",  "jeder",   "jedes",   "jene",     "jetzt",   "kann",   "kein",     "keine",   "konnen",
      "man",     "manche", "mein",    "meine",   "mit",      "muss",    "musste", "nach",     "nicht",   "nichts",
      "noch",    "nun",    "nur",     "ob",      "oder",     "ohne",    "sehr",   "sein",     "seine",   "selbst",
      "sich",    "sie",    "ihnen",   "sind",    "so",       "solche",  "soll",   "sollte",   "sondern", "sonst",
      "uber",    "um",     "und",     "uns",     "unser",    "unter",   "viel",   "vom",      "von",     "vor",
      "wahrend", "war",    "waren",   "warst",   "was",      "weg",     "weil",   "weiter",   "welche",  "wenn",
      "werde",   "werden", "wie",     "wieder",  "will",     "wir",     "wird",   "wirst",    "wo",      "wollen",
      "wollte",  "wurde",  "wurden",  "zu",      "zum",      "zur",     "zwar",   "zwischen", "wie",
  };
  return words;
}

}  // namespace

bool IsStopWord(std::string_view lang, std::string_view folded_word) {
  const std::unordered_set<std::string>* set = nullptr;
  if (lang == "nl")
    set = &Dutch();
  else if (lang == "en")
    set = &English();
  else if (lang == "sv")
    set = &Swedish();
  else if (lang == "de")
    set = &German();
  if (set == nullptr) return false;
  return set->count(std::string(folded_word)) != 0;
}

}  // namespace portalkb
