// Typo tolerance, search-as-you-type, split/join, synonyms, corrections and
// suggestions, each on a small index built in the test.
#include "search/scenario_fixture.h"
#include "typo/edit_distance.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

const WordMatch* MatchFor(const Hit& hit, const std::string& query_word) {
  for (const auto& m : hit.matches) {
    if (m.query_word == query_word) return &m;
  }
  return nullptr;
}

TEST_F(SearchScenario, TypoQueriesFindTheArticleAndReportTheTypos) {
  Add(MakeArticle("dl", "Factuur downloaden", "Download uw factuur als pdf.", "nl"));
  Add(MakeArticle("other", "Adres wijzigen", "Wijzig uw adres.", "nl"));
  const auto r = Search("factuur dwonloaden");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "dl");
  const WordMatch* m = MatchFor(r.hits[0], "dwonloaden");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->matched, "downloaden");
  EXPECT_EQ(m->typos, 1);
  EXPECT_EQ(m->kind, "typo");
  EXPECT_FALSE(r.hits[0].weak);
  EXPECT_TRUE(r.corrected_query.empty());
}

TEST_F(SearchScenario, ExactMatchOutranksOneTypoWhichOutranksTwoTypos) {
  // The query word has 12 letters (two typos allowed from 9); the variants
  // change interior letters only (a first-letter edit costs 2).
  const std::string query = "registrateur";
  const std::string one = "registraleur";  // t -> l
  const std::string two = "registralaur";  // t -> l, e -> a
  ASSERT_EQ(TypoDistance(ToCodePoints(query), ToCodePoints(one)), 1);
  ASSERT_EQ(TypoDistance(ToCodePoints(query), ToCodePoints(two)), 2);
  // Make the typo'd documents look better on every other signal.
  Add(MakeArticle("two", two + " " + two, two + " " + two + " " + two + ".", "nl"));
  Add(MakeArticle("one", one + " " + one, one + " " + one + " " + one + ".", "nl"));
  Add(MakeArticle("exact", "Over ons", "Lange tekst over het " + query + " en nog veel meer woorden hier.", "nl"));
  SearchRequest request;
  request.query = query;
  request.correct = false;
  request.prefix = false;
  const auto r = Search(request);
  ASSERT_EQ(Ids(r), (std::vector<std::string>{"exact", "one", "two"}));
  const int typos[] = {0, 1, 2};
  const std::string matched[] = {query, one, two};
  for (std::size_t i = 0; i < 3; ++i) {
    const WordMatch* m = MatchFor(r.hits[i], query);
    ASSERT_NE(m, nullptr) << r.hits[i].id;
    EXPECT_EQ(m->typos, typos[i]) << r.hits[i].id;
    EXPECT_EQ(m->matched, matched[i]) << r.hits[i].id;
  }
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
  EXPECT_GT(r.hits[1].score, r.hits[2].score);
}

TEST_F(SearchScenario, AMisspeltWordThatMatchesNothingRanksLikeTheWordSpeltRight) {
  // Every document matches "afrekneing" only through "afrekening", so the
  // typo says nothing about which is better: they rank as for the word spelt
  // right. (Weighting the variant down would let the other word's BM25 decide.)
  ASSERT_EQ(TypoDistance(ToCodePoints("afrekening"), ToCodePoints("afrekneing")), 1);
  Add(MakeArticle("a", "Kwartaal", "Het kwartaal en het kwartaal, met een afrekening achteraf en nog meer tekst hier.",
                  "nl"));
  Add(MakeArticle("b", "Afrekening", "De afrekening van het kwartaal.", "nl"));
  Add(MakeArticle("c", "Overzicht", "Afrekening, afrekening en afrekening per kwartaal.", "nl"));
  Add(MakeArticle("d", "Kwartaal kwartaal", "Kwartaal afrekening.", "nl"));
  Add(MakeArticle("e", "Kwartaalcijfers", "Een lange tekst over het kwartaal, de cijfers, de afrekening en de rest.",
                  "nl"));
  // A word one typo from "afrekening" and three from "afrekneing": it counts
  // as it would for the word spelt right.
  ASSERT_EQ(TypoDistance(ToCodePoints("afrekening"), ToCodePoints("afrekenins")), 1);
  Add(MakeArticle("f", "Afrekenins", "Kwartaal afrekening, afrekenins.", "nl"));
  Add(MakeArticle("g", "Kwartaal", "Afrekenins afrekening voor het kwartaal, met nog meer tekst erbij.", "nl"));
  SearchRequest request;
  request.correct = false;
  request.prefix = false;
  request.query = "kwartaal afrekening";
  const auto exact = Search(request);
  ASSERT_EQ(exact.hits.size(), 7u);
  request.query = "kwartaal afrekneing";
  const auto typo = Search(request);
  EXPECT_EQ(Ids(typo), Ids(exact));
  ASSERT_FALSE(typo.hits.empty());
  const WordMatch* m = MatchFor(typo.hits[0], "afrekneing");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->typos, 1);
}

TEST_F(SearchScenario, TypoToleranceCanBeSwitchedOffPerQueryAndPerWord) {
  Add(MakeArticle("pw", "Wachtwoord vergeten", "Kies een nieuw wachtwoord.", "nl"));
  SearchRequest request;
  request.query = "wachtwoorf";
  request.correct = false;
  EXPECT_EQ(Search(request).total, 1u);
  request.typo_tolerance = false;
  EXPECT_EQ(Search(request).total, 0u);
  request.typo_tolerance = true;
  options_.search.typo.disabled_words = {"wachtwoorf"};
  EXPECT_EQ(Search(request).total, 0u);
}

TEST_F(SearchScenario, DisabledIndexedWordIsNotReachedByATypoOfIt) {
  Add(MakeArticle("pw", "Wachtwoord vergeten", "Kies een nieuw wachtwoord.", "nl"));
  Add(MakeArticle("fact", "Factuur downloaden", "Download uw factuur.", "nl"));
  SearchRequest request;
  request.correct = false;
  request.prefix = false;
  request.query = "wachtwoorf";
  ASSERT_EQ(Ids(Search(request)), std::vector<std::string>{"pw"}) << "without the setting a typo reaches it";
  options_.search.typo.disabled_words = {"wachtwoord"};
  EXPECT_EQ(Search(request).total, 0u) << "a disabled word only matches exactly";
  request.correct = true;
  const auto corrected = Search(request);
  EXPECT_EQ(corrected.total, 0u);
  EXPECT_TRUE(corrected.corrected_query.empty()) << corrected.corrected_query;
  EXPECT_TRUE(corrected.suggestion.empty()) << corrected.suggestion;
  request.query = "wachtwoord";
  EXPECT_EQ(Ids(Search(request)), std::vector<std::string>{"pw"}) << "exactly it still matches";
  request.query = "factur";
  EXPECT_EQ(Ids(Search(request)), std::vector<std::string>{"fact"}) << "other words keep their typos";
}

TEST_F(SearchScenario, TypoToleranceCanBeSwitchedOffPerField) {
  Document doc = MakeArticle("tagged", "Overview", "Nothing to see.");
  doc.tags = {"warranty"};
  Add(doc);
  Add(MakeArticle("titled", "Warranty claims", "How to claim."));
  SearchRequest request;
  request.query = "waranty";
  request.correct = false;
  EXPECT_EQ(Search(request).total, 2u);
  options_.search.typo.disabled_fields = {"tags"};
  const auto r = Search(request);
  ASSERT_EQ(r.total, 1u);
  EXPECT_EQ(r.hits[0].id, "titled");
}

// The fields are told apart by position ranges (format 2), so a word in
// several fields, or only in the body, is matched by its fields as typed.
TEST_F(SearchScenario, TypoToleranceOffForSomeFieldsStillMatchesTheOthers) {
  Add(MakeArticle("body", "Overview", "The warranty covers parts."));
  Document both = MakeArticle("both", "Coverage", "A warranty for two years.");
  both.tags = {"warranty"};
  Add(both);
  Document tagged = MakeArticle("tagged", "Parts", "Nothing to see.");
  tagged.tags = {"warranty"};
  Add(tagged);
  SearchRequest request;
  request.query = "waranty";
  request.correct = false;
  auto sorted_ids = [&] {
    auto ids = Ids(Search(request));
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  options_.search.typo.disabled_fields = {"tags"};
  EXPECT_EQ(sorted_ids(), (std::vector<std::string>{"body", "both"})) << "body matches, tags alone do not";
  options_.search.typo.disabled_fields = {"body", "summary", "category"};
  EXPECT_EQ(sorted_ids(), (std::vector<std::string>{"both", "tagged"})) << "only the tags count";
  options_.search.typo.disabled_fields = {"title", "summary", "tags", "category", "body"};
  EXPECT_TRUE(sorted_ids().empty());
  request.query = "warranty";
  EXPECT_EQ(Search(request).total, 3u) << "the word as typed matches in every field";
}

// Format 2 has no per-field terms: a document holding the candidate only in
// a switched-off field must not be reported (nor counted) as matching it.
TEST_F(SearchScenario, ATypoCandidateInASwitchedOffFieldIsNotReportedAsAMatch) {
  Document tagged = MakeArticle("tagged", "Overview", "Nothing to see.");
  tagged.tags = {"warranty"};
  Add(tagged);
  Add(MakeArticle("body", "Claims", "The warranty covers parts."));
  options_.search.typo.disabled_fields = {"tags"};
  SearchRequest request;
  request.query = "waranty overview";
  request.correct = false;
  const auto r = Search(request);
  const auto hit = std::find_if(r.hits.begin(), r.hits.end(), [](const Hit& h) { return h.id == "tagged"; });
  ASSERT_NE(hit, r.hits.end()) << "'overview' still matches";
  for (const auto& m : hit->matches) EXPECT_NE(m.query_word, "waranty") << "matched '" << m.matched << "' in the tags";
  EXPECT_TRUE(hit->weak) << "one of two words matched";
  const auto body = std::find_if(r.hits.begin(), r.hits.end(), [](const Hit& h) { return h.id == "body"; });
  ASSERT_NE(body, r.hits.end());
  ASSERT_EQ(body->matches.size(), 1u);
  EXPECT_EQ(body->matches[0].matched, "warranty");
  EXPECT_EQ(body->matches[0].typos, 1);
}

TEST_F(SearchScenario, ShortWordsAndCodesMatchOnlyExactly) {
  Add(MakeArticle("code", "Order AB12345", "Status of order AB12345.", "en"));
  Add(MakeArticle("mail", "Mail settings", "Mail.", "en"));
  SearchRequest request;
  request.correct = false;
  request.prefix = false;
  request.query = "ab12346";
  EXPECT_EQ(Search(request).total, 0u);
  request.query = "mial";
  EXPECT_EQ(Search(request).total, 0u);
}

TEST_F(SearchScenario, LastWordMatchesAsAPrefixWithTyposOnTheWordsBefore) {
  Add(MakeArticle("pw", "Wachtwoord vergeten", "Stel een nieuw wachtwoord in.", "nl"));
  Add(MakeArticle("park", "Parkeervergunning aanvragen", "Vraag een vergunning aan.", "nl"));
  const auto r = Search("wachtwoord ver");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "pw");
  EXPECT_FALSE(r.hits[0].weak);
  EXPECT_EQ(Search("wachtwrood verg").hits.at(0).id, "pw");
  SearchRequest request;
  request.query = "wachtwoord ver";
  request.prefix = false;
  request.correct = false;
  EXPECT_TRUE(Search(request).hits.at(0).weak) << "without prefix matching 'ver' matches nothing";
}

TEST_F(SearchScenario, WordsTypedApartFindCompoundsAndCompoundsFindWordsWrittenApart) {
  Add(MakeArticle("compound", "Wachtwoord wijzigen", "Uw wachtwoord wijzigt u hier.", "nl"));
  Add(MakeArticle("apart", "Inloggen", "Ga naar de login pagina van het portaal.", "nl"));
  EXPECT_EQ(Search("wacht woord").hits.at(0).id, "compound");
  const auto r = Search("loginpagina");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "apart");
  EXPECT_EQ(MatchFor(r.hits[0], "loginpagina")->kind, "split");
}

TEST_F(SearchScenario, EmailWrittenThreeWaysMeets) {
  Add(MakeArticle("hyphen", "E-mail wijzigen", "Wijzig uw e-mail.", "nl"));
  for (const char* q : {"email", "e-mail", "e mail"}) {
    const auto r = Search(q);
    ASSERT_FALSE(r.hits.empty()) << q;
    EXPECT_EQ(r.hits[0].id, "hyphen") << q;
  }
}

TEST_F(SearchScenario, SynonymsApplyWithoutReindexingAndCombineWithTyposAndStems) {
  Add(MakeArticle("rek", "Rekening betalen", "Betaal uw rekening via iDEAL.", "nl"));
  Add(MakeArticle("phone", "Smartphone instellen", "Zo stelt u uw smartphone in.", "nl"));
  ASSERT_TRUE(Writer().Commit().ok());
  EXPECT_EQ(Search("factuur").total, 0u);
  auto rules = ParseSynonyms("factuur, rekening, nota\niphone => smartphone\n", "nl");
  ASSERT_TRUE(rules.ok());
  ASSERT_TRUE(Writer().AddSynonyms(rules.value()).ok());
  ASSERT_TRUE(Writer().Commit().ok());
  EXPECT_EQ(Search("factuur").hits.at(0).id, "rek");
  EXPECT_EQ(Search("facturen").hits.at(0).id, "rek") << "by stem";
  EXPECT_EQ(Search("factur").hits.at(0).id, "rek") << "typo -> factuur -> rekening";
  EXPECT_EQ(Search("iphone").hits.at(0).id, "phone");
  SearchRequest one_way;
  one_way.query = "smartphone";
  one_way.correct = false;
  const auto r = Search(one_way);
  EXPECT_EQ(r.total, 1u);
  EXPECT_EQ(MatchFor(Search("factuur").hits.at(0), "factuur")->kind, "synonym");
}

TEST_F(SearchScenario, MultiWordSynonymsMatchPhrases) {
  Add(MakeArticle("adres", "Mailadres wijzigen", "Pas uw mailadres aan.", "nl"));
  ASSERT_TRUE(Writer().AddSynonyms(ParseSynonyms("e-mail adres, mailadres\n", "nl").value()).ok());
  const auto r = Search("e-mail adres wijzigen");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "adres");
  EXPECT_FALSE(r.hits[0].weak);
}

TEST_F(SearchScenario, QueryThatFindsNothingIsCorrectedAutomatically) {
  Add(MakeArticle("park", "Parkeervergunning aanvragen", "Vraag een parkeervergunning aan.", "nl"));
  // Two typos in a long word are tolerated by matching itself; three are
  // not, and then the correction (up to three in long words) takes over.
  const auto r = Search("parkeervergunnig aanvragn");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "park");
  const auto corrected = Search("xparkeervergunnig");
  EXPECT_EQ(corrected.total, 1u);
  EXPECT_EQ(corrected.corrected_query, "parkeervergunning");
  EXPECT_EQ(corrected.query, "xparkeervergunnig");
  const auto nothing = Search("zzzqqq");
  EXPECT_EQ(nothing.total, 0u);
  EXPECT_TRUE(nothing.corrected_query.empty());
}

TEST_F(SearchScenario, ShortQueryAboutSomethingElseIsNotCorrectedIntoAnotherTopic) {
  Add(MakeArticle("ticket", "Raise a support case", "You receive a case number by e-mail.", "en"));
  Add(MakeArticle("other", "Change your address", "Update the address we deliver to.", "en"));
  // "recipe" and "cake" are within correction reach of "receive" and
  // "case"; "chocolate" and "easy" are in no document and have no
  // correction, so the query is about something the index does not hold.
  const auto off_topic = Search("easy recipe for chocolate cake");
  EXPECT_EQ(off_topic.total, 0u) << ::testing::PrintToString(Ids(off_topic));
  EXPECT_TRUE(off_topic.corrected_query.empty()) << off_topic.corrected_query;
  EXPECT_TRUE(off_topic.suggestion.empty()) << off_topic.suggestion;
  // Every unknown word correctable: corrected as before.
  const auto typos = Search("recieve cse numbr");
  ASSERT_FALSE(typos.hits.empty());
  EXPECT_EQ(typos.hits[0].id, "ticket");
}

TEST_F(SearchScenario, SuggestCompletesArticleTitles) {
  Add(MakeArticle("pw", "Wachtwoord vergeten", "x", "nl"));
  Add(MakeArticle("pw2", "Wachtwoord wijzigen", "x", "nl"));
  Add(MakeArticle("park", "Parkeervergunning aanvragen", "x", "nl"));
  Document doc = MakeArticle("doc", "Wachtwoordbeleid", "x", "nl");
  doc.type = DocumentType::kDocument;
  doc.visibility = {*Grant::Parse("org:acme")};
  Add(doc);
  ASSERT_TRUE(Writer().Commit().ok());
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  SuggestRequest request;
  request.prefix = "wachtwoord ver";
  auto s = engine->Suggest(request);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].text, "Wachtwoord vergeten");
  request.prefix = "wacht";
  s = engine->Suggest(request);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 2u) << "articles only, not customer documents";
  request.prefix = "";
  EXPECT_TRUE(engine->Suggest(request)->empty());
}

}  // namespace
}  // namespace portalkb
