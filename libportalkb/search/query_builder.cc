#include "search/query_builder.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <set>

#include "portalkb/document.h"
#include "search/query_parser.h"
#include "storage/schema.h"
#include "typo/edit_distance.h"

namespace portalkb {
namespace {

using schema::Term;
using Q = Xapian::Query;

// One analysed query clause: a single word, a compound or a phrase.
struct AnalysedClause {
  std::string text;
  std::vector<Token> parts;     // non-joined tokens, in order
  std::optional<Token> joined;  // the compound written together, if any
  bool phrase = false;
  bool excluded = false;
  bool single() const { return !phrase && !joined && parts.size() == 1; }
};

// One alternative of a unit: the query that ranks it, and one that matches
// the same documents more cheaply (without the title and accented forms,
// which only ever occur beside the word and stem they rank up), for the
// passes that only count.
struct Alt {
  Q rank;
  Q match;
};

// Alternatives of one unit by ranking tier: 0 exact (and synonyms),
// 1 one typo (and prefix completions, split and joined words), 2 two typos.
struct Tiers {
  std::vector<Alt> tier[3];
  // The word as typed occurs nowhere in the index and has no synonym: its
  // typo tiers then rank relative to the best one it has (a misspelling
  // with no exact match anywhere is not worse than another word's exact
  // match; BM25 decides between them).
  bool no_exact = false;
};

bool InFields(std::uint32_t fields, Xapian::PositionIterator pos, const Xapian::PositionIterator& end) {
  for (; pos != end; ++pos) {
    if ((fields >> schema::FieldOfPosition(*pos)) & 1u) return true;
  }
  return false;
}

// Matches the documents where `word` has a position in one of the fields of
// `fields` (bit i: schema::kTextFields[i]), without weight: a filter for
// typo candidates under typo.disabled_fields. Reads the word's positions in
// each document that has it, so it costs about what a phrase does; it is
// built only when fields are switched off.
class WordInFieldsSource : public Xapian::PostingSource {
 public:
  WordInFieldsSource(std::string word, std::uint32_t fields) : word_(std::move(word)), fields_(fields) {}

  Xapian::PostingSource* clone() const override { return new WordInFieldsSource(word_, fields_); }
  std::string name() const override { return "portalkb.WordInFields"; }
  std::string get_description() const override { return "WordInFieldsSource(" + word_ + ")"; }

  void init(const Xapian::Database& db) override {
    db_ = db;
    it_ = db_.postlist_begin(word_);
    end_ = db_.postlist_end(word_);
    started_ = false;
    termfreq_ = db_.get_termfreq(word_);
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return termfreq_ / 2; }
  Xapian::doccount get_termfreq_max() const override { return termfreq_; }

  void next(double) override {
    if (started_) ++it_;
    started_ = true;
    SettleOnAMatch();
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    it_.skip_to(did);
    SettleOnAMatch();
  }
  bool at_end() const override { return it_ == end_; }
  Xapian::docid get_docid() const override { return *it_; }

 private:
  // Moves on to the first document, from here, with a position in `fields_`.
  void SettleOnAMatch() {
    for (; it_ != end_; ++it_) {
      if (InFields(fields_, it_.positionlist_begin(), it_.positionlist_end())) return;
    }
  }

  std::string word_;
  std::uint32_t fields_;
  Xapian::Database db_;
  Xapian::PostingIterator it_, end_;
  Xapian::doccount termfreq_ = 0;
  bool started_ = false;
};

Q Or(std::vector<Q> subqueries) {
  if (subqueries.size() == 1) return subqueries.front();
  return Q(Q::OP_OR, subqueries.begin(), subqueries.end());
}

Q Scaled(Q q, double factor) { return factor == 1.0 ? q : Q(Q::OP_SCALE_WEIGHT, q, factor); }
Q Boolean(Q q) { return Q(Q::OP_SCALE_WEIGHT, q, 0.0); }

Q Bonus(double weight) {
  auto* source = new Xapian::FixedWeightPostingSource(weight);
  return Q(source->release());
}

// The common end of every query: exclusions, then the language filter or boost.
// `matching`: the positive clauses without their ranking parts (empty: the
// same as `positive`).
BuiltQuery Finish(BuiltQuery built, std::vector<Q> positive, std::vector<Q> matching,
                  const std::vector<const AnalysedClause*>& excluded, const std::vector<LanguageRules>& langs,
                  const std::string& lang, const QueryContext& context);

}  // namespace

BuiltQuery QueryBuilder::Build(std::string_view query_text, const std::string& lang,
                               const QueryContext& context) const {
  BuiltQuery built;

  // 1. Parse and analyse every clause.
  std::vector<AnalysedClause> clauses;
  for (const auto& clause : ParseQuery(query_text)) {
    AnalysedClause a;
    a.text = clause.text;
    a.phrase = clause.kind == QueryClause::Kind::kPhrase;
    a.excluded = clause.excluded;
    for (Token& t : tokenizer_.Tokenize(clause.text)) {
      if (t.joined) {
        a.joined = std::move(t);
      } else {
        a.parts.push_back(std::move(t));
      }
    }
    if (a.parts.empty()) continue;
    if (!a.phrase && !a.joined && a.parts.size() > 1) {
      // "a/b": independent words, not a compound.
      for (const Token& t : a.parts) {
        AnalysedClause single;
        single.text = t.lowered;
        single.parts = {t};
        single.excluded = a.excluded;
        clauses.push_back(std::move(single));
      }
      continue;
    }
    clauses.push_back(std::move(a));
  }

  // 2. Languages: stems from the requested language, or from all; stop words
  // from the requested language, or the one the query uses most.
  std::vector<LanguageRules> langs;
  if (!lang.empty()) {
    langs.emplace_back(lang);
  } else {
    for (const auto& code : SupportedLanguages()) langs.emplace_back(code);
  }
  const LanguageRules* stop_rules = lang.empty() ? nullptr : &langs.front();
  if (lang.empty()) {
    std::size_t best = 0;
    for (const auto& rules : langs) {
      std::size_t hits = 0;
      for (const auto& a : clauses) hits += a.single() && rules.IsStop(a.parts[0].folded) ? 1 : 0;
      if (hits > best) {
        best = hits;
        stop_rules = &rules;
      }
    }
  }
  auto is_stop = [&](const AnalysedClause& a) {
    return a.single() && stop_rules != nullptr && stop_rules->IsStop(a.parts[0].folded);
  };
  const bool all_stop =
      std::all_of(clauses.begin(), clauses.end(), [&](const AnalysedClause& a) { return a.excluded || is_stop(a); });

  // The positive clauses that become units.
  std::vector<const AnalysedClause*> units;
  std::vector<const AnalysedClause*> excluded;
  for (const auto& a : clauses) {
    if (a.excluded) {
      excluded.push_back(&a);
    } else if (all_stop || !is_stop(a)) {
      units.push_back(&a);
    }
  }
  const Vocabulary* vocabulary = context.vocabulary;
  auto frequency = [&](const std::string& folded) -> std::uint32_t {
    return vocabulary == nullptr ? 1 : vocabulary->words().Frequency(folded);
  };
  for (const auto* a : units) {
    QueryWord w;
    w.text = a->text;
    w.phrase = !a->single();
    if (a->single()) {
      w.token = a->parts[0];
      w.folded = a->parts[0].folded;
      w.in_vocabulary = frequency(w.folded) > 0;
    }
    built.words.push_back(std::move(w));
  }

  // 3. Term-level building blocks, recording where each term comes from.
  auto note = [&](const std::string& term, std::size_t unit, const std::string& matched, int typos, const char* kind,
                  std::uint32_t fields = TermOrigin::kAllTextFields) {
    if (unit == SIZE_MAX) return;
    auto& list = built.origins[term];
    for (const auto& o : list) {
      if (o.word == unit && o.matched == matched && o.typos == typos && o.fields == fields) return;
    }
    list.push_back({unit, matched, typos, kind, fields});
  };
  built.bm25_k1 = options_.bm25_k1;
  built.bm25_b = options_.bm25_b;
  if (context.baseline) {
    built.bm25_k1 = kBaselineK1;
    built.bm25_b = kBaselineB;
    std::vector<Q> positive;
    for (std::size_t u = 0; u < units.size(); ++u) {
      const AnalysedClause& a = *units[u];
      if (!a.single()) {
        std::vector<Q> terms;
        std::string matched;
        for (const auto& p : a.parts) {
          terms.emplace_back(p.folded);
          built.highlight.folded.insert(p.folded);
          matched += (matched.empty() ? "" : " ") + p.folded;
        }
        for (const auto& p : a.parts) note(p.folded, u, matched, 0, "exact");
        positive.emplace_back(Q::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(terms.size()));
        continue;
      }
      const std::string& folded = a.parts[0].folded;
      built.highlight.folded.insert(folded);
      std::vector<std::string> stems;
      for (const auto& rules : langs) {
        const std::string stem = Term(schema::kStem, rules.Stem(folded));
        if (std::find(stems.begin(), stems.end(), stem) == stems.end()) stems.push_back(stem);
      }
      for (const auto& stem : stems) note(stem, u, folded, 0, "exact");
      positive.emplace_back(Q::OP_SYNONYM, stems.begin(), stems.end());
    }
    return Finish(std::move(built), std::move(positive), {}, excluded, langs, lang, context);
  }
  const bool tiered = units.size() <= options_.tier_max_words;
  const double title_weight = tiered ? options_.title_weight : options_.long_query_title_weight;
  // Synonyms of a query in a detected language come from that language's
  // rules, are stemmed only by it and match only its documents: the Swedish
  // "lösen" must not meet "losse" in a Dutch one (both stem to "los").
  // word_query stems with *stem_langs.
  std::vector<LanguageRules> synonym_langs = langs;
  const bool synonym_lang_only =
      lang.empty() && !context.prefer_lang.empty() && IsSupportedLanguage(context.prefer_lang);
  if (synonym_lang_only) synonym_langs = {LanguageRules(context.prefer_lang)};
  const std::vector<LanguageRules>* stem_langs = &langs;
  // A word through the full analysis: stems anywhere and in the title, exact
  // folded form, accented form.
  // The documents index every title word as a word too, and each stem in
  // the title also as a stem: the match query needs only words and stems.
  auto word_query = [&](const std::string& folded, const std::string& lowered, bool stop, double scale,
                        std::size_t unit, int typos, const char* kind) -> Alt {
    built.highlight.folded.insert(folded);
    std::vector<Q> alternatives;
    note(folded, unit, folded, typos, kind);
    if (stop) {
      alternatives.emplace_back(folded);
      alternatives.push_back(Scaled(Q(Term(schema::kTitleWord, folded)), title_weight));
      note(Term(schema::kTitleWord, folded), unit, folded, typos, kind);
      return {Scaled(Or(std::move(alternatives)), scale), Q(folded)};
    }
    std::vector<Q> body_stems;
    std::vector<Q> title_stems;
    std::vector<std::string> seen;
    for (const auto& rules : *stem_langs) {
      const std::string stem = rules.Stem(folded);
      if (std::find(seen.begin(), seen.end(), stem) != seen.end()) continue;
      seen.push_back(stem);
      built.highlight.stems.insert(stem);
      const std::string body = Term(schema::kStem, stem);
      const std::string title = Term(schema::kTitleStem, stem);
      body_stems.emplace_back(body);
      title_stems.emplace_back(title);
      note(body, unit, folded, typos, kind);
      note(title, unit, folded, typos, kind);
    }
    const Q stems(Q::OP_SYNONYM, body_stems.begin(), body_stems.end());
    alternatives.push_back(stems);
    alternatives.push_back(Scaled(Q(Q::OP_SYNONYM, title_stems.begin(), title_stems.end()), title_weight));
    alternatives.push_back(Scaled(Q(folded), options_.exact_word_weight));
    if (!lowered.empty() && lowered != folded) {
      alternatives.push_back(Scaled(Q(Term(schema::kAccented, lowered)), options_.exact_accent_weight));
    }
    // A stop word of the document's language has no stem there: the word stays.
    return {Scaled(Or(std::move(alternatives)), scale), Q(Q::OP_OR, stems, Q(folded))};
  };
  // A typo candidate: like word_query, or only in the fields where typos count.
  std::uint32_t typo_fields = 0;  // bit i: schema::kTextFields[i]
  for (std::size_t f = 0; f < std::size(schema::kTextFields); ++f) {
    const auto& off = options_.typo.disabled_fields;
    if (std::find(off.begin(), off.end(), schema::kTextFields[f]) == off.end()) typo_fields |= 1u << f;
  }
  constexpr std::uint32_t kAllFields = (1u << std::size(schema::kTextFields)) - 1;
  auto same = [](Q q) { return Alt{q, q}; };
  auto typo_query = [&](const std::string& folded, double scale, std::size_t unit, int typos, const char* kind) -> Alt {
    if (typo_fields == kAllFields) return word_query(folded, "", false, scale, unit, typos, kind);
    built.highlight.folded.insert(folded);
    if (typo_fields == 0) return {};
    // Only the title has words of its own; the other fields need the
    // word's positions.
    if (typo_fields == 1u) {
      note(Term(schema::kTitleWord, folded), unit, folded, typos, kind);
      return same(Scaled(Q(Term(schema::kTitleWord, folded)), scale));
    }
    note(folded, unit, folded, typos, kind, typo_fields);
    return same(Scaled(Q(Q::OP_FILTER, Q(folded), Q((new WordInFieldsSource(folded, typo_fields))->release())), scale));
  };
  auto phrase_query = [&](const std::vector<std::string>& words, double scale, std::size_t unit, int typos,
                          const char* kind) -> Alt {
    if (words.size() == 1) return word_query(words[0], "", false, scale, unit, typos, kind);
    std::vector<Q> terms;
    std::string matched;
    for (const auto& w : words) {
      terms.emplace_back(w);
      built.highlight.folded.insert(w);
      matched += (matched.empty() ? "" : " ") + w;
    }
    for (const auto& w : words) note(w, unit, matched, typos, kind);
    return same(
        Scaled(Q(Q::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(terms.size())), scale));
  };
  // Capped per word and per query: the query's size must not grow with the rules.
  std::size_t synonyms_left = kMaxSynonymAlternativesPerQuery;
  auto synonym_queries = [&](const std::vector<std::string>& words, std::size_t unit, int typos,
                             std::vector<Alt>& out) {
    if (context.synonyms == nullptr || context.synonyms->empty() || synonyms_left == 0) return;
    const auto alternatives =
        context.synonyms->Alternatives(words, synonym_langs, std::min(kMaxSynonymAlternativesPerWord, synonyms_left));
    synonyms_left -= alternatives.size();
    stem_langs = &synonym_langs;
    for (const auto& alt : alternatives) {
      Alt q = phrase_query(alt, options_.synonym_weight, unit, typos, "synonym");
      if (synonym_lang_only) {
        const Q lang_term(Term(schema::kLang, synonym_langs.front().lang()));
        q = {Q(Q::OP_FILTER, q.rank, lang_term), Q(Q::OP_FILTER, q.match, lang_term)};
      }
      out.push_back(std::move(q));
    }
    stem_langs = &langs;
  };

  // 4. Alternatives per unit.
  std::vector<Tiers> tiers(units.size());
  const double typo_weight[3] = {1.0, options_.one_typo_weight, options_.two_typo_weight};
  static const Vocabulary kNoVocabulary{TermTrie()};
  const TypoExpander expander(options_.typo, vocabulary != nullptr ? *vocabulary : kNoVocabulary);
  const bool typos_on = context.typos && vocabulary != nullptr;
  const bool query_ends_in_word = !query_text.empty() && query_text.back() != ' ' && query_text.back() != '"';
  // Languages that write compounds as one word; without a query language a
  // compound must occur in one of them.
  static const std::string kCompoundingLangs[] = {"nl", "de", "sv"};
  const std::string& query_lang = !lang.empty() ? lang : context.prefer_lang;
  const bool compounding =
      std::find(std::begin(kCompoundingLangs), std::end(kCompoundingLangs), query_lang) != std::end(kCompoundingLangs);
  auto compound_counts = [&](const std::string& word) {
    if (compounding) return true;
    if (!query_lang.empty() || !context.occurs_in) return false;
    return std::any_of(std::begin(kCompoundingLangs), std::end(kCompoundingLangs),
                       [&](const std::string& l) { return context.occurs_in(word, l); });
  };
  for (std::size_t u = 0; u < units.size(); ++u) {
    const AnalysedClause& a = *units[u];
    Tiers& t = tiers[u];
    if (!a.single()) {
      std::vector<std::string> words;
      for (const auto& p : a.parts) words.push_back(p.folded);
      Alt phrase = phrase_query(words, 1.0, u, 0, "exact");
      if (a.joined) {
        const Alt joined = word_query(a.joined->folded, a.joined->lowered, false, 1.0, u, 0, "exact");
        t.tier[0].push_back({Q(Q::OP_OR, phrase.rank, joined.rank), Q(Q::OP_OR, phrase.match, joined.match)});
      } else {
        t.tier[0].push_back(phrase);
      }
      continue;
    }
    const Token& token = a.parts[0];
    const bool stop = all_stop && is_stop(a);
    t.tier[0].push_back(word_query(token.folded, token.lowered, stop, 1.0, u, 0, "exact"));
    if (stop) continue;
    synonym_queries({token.folded}, u, 0, t.tier[0]);
    t.no_exact = t.tier[0].size() == 1 && frequency(token.folded) == 0;
    // In a long query a known word is taken as meant: its typo variants
    // would add noise that its neighbours already outweigh.
    const bool known = !tiered && frequency(token.folded) > 0;
    // The word whose compounds match a tier down (a misspelt word's: those of
    // the word taken as meant, another tier down).
    std::string compound_head = token.folded;
    int compound_tier = 1;
    if (typos_on && !known && expander.Eligible(token)) {
      // Variants from the query's own language only, so "losenord" does not
      // reach a Dutch "losse"; all of them when none is of it.
      auto own_language = [&](std::vector<TypoCandidate> candidates) {
        if (context.prefer_lang.empty() || !context.occurs_in) return candidates;
        decltype(candidates) own;
        for (auto& c : candidates) {
          if (context.occurs_in(c.term, context.prefer_lang)) own.push_back(std::move(c));
        }
        return own.empty() ? candidates : own;
      };
      const auto candidates = own_language(expander.Candidates(token, context.visible));
      struct Weighted {
        std::string term;
        int tier;
        double weight;
      };
      std::vector<Weighted> weighted;
      if (tiered && t.no_exact && !candidates.empty()) {
        // In a short query, a word that matches nothing as typed is taken as
        // its best variant (fewest typos, then most frequent) was meant: that
        // word at full weight, and its own typo variants as a query for it
        // would have them, a tier down. So the documents rank as for the
        // word spelt right, not by how the misspelling lies among other
        // words. The typed word's other variants follow at their weights.
        // (A question's unknown words are more often words the documents do
        // not use than misspellings: their variants stay weak.)
        const TypoCandidate& meant = candidates.front();
        weighted.push_back({meant.term, meant.typos, 1.0});
        compound_head = meant.term;
        compound_tier = 2;
        Token as_meant = token;
        as_meant.folded = meant.term;
        as_meant.lowered = meant.term;
        std::set<std::string> seen{meant.term};
        for (const auto& v : own_language(expander.Candidates(as_meant, context.visible))) {
          if (seen.insert(v.term).second) weighted.push_back({v.term, 2, typo_weight[v.typos]});
        }
        for (std::size_t k = 1; k < candidates.size(); ++k) {
          const TypoCandidate& c = candidates[k];
          if (seen.insert(c.term).second) weighted.push_back({c.term, c.typos, typo_weight[c.typos]});
        }
      } else {
        for (const auto& c : candidates) weighted.push_back({c.term, c.typos, typo_weight[c.typos]});
      }
      for (const Weighted& w : weighted) {
        t.tier[w.tier].push_back(typo_query(w.term, w.weight, u, w.tier, "typo"));
        if (w.tier == 1) synonym_queries({w.term}, u, 1, t.tier[1]);
      }
    }
    if (vocabulary != nullptr) {
      // A long word written as one that the documents write as two.
      const std::u32string cps = ToCodePoints(token.folded);
      std::vector<std::pair<std::uint32_t, std::vector<std::string>>> splits;
      for (std::size_t k = 3; !token.has_digit && cps.size() >= 6 && k + 3 <= cps.size(); ++k) {
        const std::string left = ToUtf8(cps.substr(0, k));
        const std::string right = ToUtf8(cps.substr(k));
        const std::uint32_t fl = frequency(left);
        const std::uint32_t fr = fl > 0 ? frequency(right) : 0;
        if (fl > 0 && fr > 0) splits.push_back({std::min(fl, fr), {left, right}});
      }
      std::sort(splits.begin(), splits.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
      for (std::size_t s = 0; s < splits.size() && s < 2; ++s) {
        t.tier[1].push_back(phrase_query(splits[s].second, typo_weight[1], u, 1, "split"));
      }
      // A compound's head. Dutch, German and Swedish write compounds as one
      // word, which ends in its head: "vergunning" is in "parkeervergunning",
      // "hämtning" in "sophämtning". The index's words that end in this one
      // match it a tier down, when the query is in such a language.
      // As with typo variants, a long query's known words are taken as meant.
      if ((compounding || query_lang.empty()) && !known && !token.has_digit &&
          ToCodePoints(compound_head).size() >= kCompoundMinHead) {
        // Among words the principal may see, as typo candidates are, so
        // hidden documents' compounds never crowd out visible ones.
        std::size_t compounds = 0;
        for (const auto& c : vocabulary->EndingIn(compound_head, kCompoundMinModifier, 2 * kMaxCompounds)) {
          if (compounds == kMaxCompounds) break;
          if ((context.visible && !context.visible(c.term)) || !compound_counts(c.term)) continue;
          t.tier[compound_tier].push_back(word_query(c.term, "", false, typo_weight[1], u, compound_tier, "compound"));
          ++compounds;
        }
      }
      // Search-as-you-type: the last word also as a prefix.
      const bool last = u + 1 == units.size() && &a == &clauses.back();
      // A long query is a question typed out, not a search box mid-word.
      if (last && tiered && context.prefix_last_word && query_ends_in_word && !token.has_digit &&
          cps.size() >= options_.prefix_min_length) {
        std::vector<Q> words;
        std::vector<Q> titles;
        for (const auto& c : vocabulary->words().Complete(token.folded, options_.prefix_expansions + 1)) {
          if (c.term == token.folded) continue;
          words.emplace_back(c.term);
          titles.emplace_back(Term(schema::kTitleWord, c.term));
          built.highlight.folded.insert(c.term);
          note(c.term, u, c.term, 0, "prefix");
          note(Term(schema::kTitleWord, c.term), u, c.term, 0, "prefix");
        }
        if (!words.empty()) {
          const Q completed(Q::OP_SYNONYM, words.begin(), words.end());
          Q completions(Q::OP_OR, completed, Scaled(Q(Q::OP_SYNONYM, titles.begin(), titles.end()), title_weight));
          t.tier[1].push_back({Scaled(completions, options_.prefix_weight), completed});
        }
      }
    }
  }

  // 5. Spans of consecutive single words: multi-word synonyms, and words
  // typed apart that the documents write together ("wacht woord").
  for (std::size_t u = 0; u < units.size(); ++u) {
    std::vector<std::string> words;
    std::string joined;
    bool all_single = true;
    for (std::size_t v = u; v < units.size() && v - u < 4; ++v) {
      if (units[v]->phrase) break;
      all_single = all_single && units[v]->single();
      for (const auto& p : units[v]->parts) {
        words.push_back(p.folded);
        joined += p.folded;
      }
      if (v == u) continue;
      for (std::size_t k = u; k <= v; ++k) synonym_queries(words, k, 0, tiers[k].tier[0]);
      if (all_single && vocabulary != nullptr && words.size() <= 3 && frequency(joined) > 0) {
        const Alt q = word_query(joined, "", false, typo_weight[1], u, 1, "join");
        for (std::size_t k = u; k <= v; ++k) {
          if (k != u) note(joined, k, joined, 1, "join");
          tiers[k].tier[1].push_back(q);
        }
      }
    }
  }

  // A word with any alternative (a typo candidate, a completion, a split or
  // join, a synonym) matched something: it is not a candidate for correction.
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Tiers& t = tiers[u];
    if (t.tier[0].size() > 1 || !t.tier[1].empty() || !t.tier[2].empty()) built.words[u].in_vocabulary = true;
  }

  // 6. Short queries: each unit a bonus for the best tier it matches, plus
  // BM25 of what it matches. Longer ones: BM25 of every alternative (typos
  // weighted down), and one bonus for matching every unit.
  std::vector<Q> positive;
  std::vector<Q> matching;       // each unit's alternatives, unranked
  std::vector<Q> matched_units;  // each unit as a boolean match, for the all-units bonus
  for (const Tiers& t : tiers) {
    std::vector<Q> all;
    std::vector<Q> all_matching;
    for (const auto& tier : t.tier) {
      for (const auto& q : tier) {
        if (q.rank.empty()) continue;
        all.push_back(q.rank);
        all_matching.push_back(q.match);
      }
    }
    if (all.empty()) continue;
    matching.push_back(Or(std::move(all_matching)));
    if (!tiered) {
      matched_units.push_back(Boolean(Or(all)));
      positive.push_back(Or(std::move(all)));
      continue;
    }
    const int worst = !t.tier[2].empty() ? 2 : !t.tier[1].empty() ? 1 : 0;
    const int best = !t.no_exact ? 0 : !t.tier[1].empty() ? 1 : worst;
    Q unit(Q::OP_AND, Bonus(kUnitBonus - (worst - best) * kTierStep), Or(all));
    if (worst > best) {
      // Step back up for each better tier the document also matches.
      std::vector<Q> better;
      std::vector<Q> tier_or_better;
      for (int tier = 0; tier < best; ++tier) {
        for (const auto& q : t.tier[tier]) tier_or_better.push_back(q.match);
      }
      for (int tier = best; tier < worst; ++tier) {
        for (const auto& q : t.tier[tier]) tier_or_better.push_back(q.match);
        if (!tier_or_better.empty()) better.emplace_back(Q::OP_AND, Bonus(kTierStep), Boolean(Or(tier_or_better)));
      }
      if (!better.empty()) unit = Q(Q::OP_AND_MAYBE, unit, Or(better));
    }
    positive.push_back(unit);
  }
  if (!tiered && !positive.empty()) {
    Q ranked = Or(std::move(positive));
    if (matched_units.size() == units.size()) {
      matched_units.push_back(Bonus(kUnitBonus));
      ranked = Q(Q::OP_AND_MAYBE, ranked, Q(Q::OP_AND, matched_units.begin(), matched_units.end()));
    }
    positive = {ranked};
  }
  // The floor against off-topic queries: one shared word ("time",
  // "weekend") does not make a document an answer to a four-word query. Not
  // for longer ones, whose answer often shares just the topic word -- unless
  // most of their words are foreign to the index (no match, no alternative):
  // then the query is most likely about something else.
  std::size_t unknown = 0;
  for (const auto& w : built.words) unknown += w.in_vocabulary ? 0 : 1;
  const double share_unknown = units.empty() ? 0.0 : static_cast<double>(unknown) / static_cast<double>(units.size());
  const bool mostly_unknown = !units.empty() && share_unknown >= options_.off_topic_unknown_share;
  if (!positive.empty() && options_.min_matched_words > 0 && units.size() > options_.min_matched_words &&
      (units.size() <= options_.min_matched_words_max_query || mostly_unknown)) {
    built.min_matched_words = options_.min_matched_words;
  }
  return Finish(std::move(built), std::move(positive), std::move(matching), excluded, langs, lang, context);
}

namespace {

BuiltQuery Finish(BuiltQuery built, std::vector<Q> positive, std::vector<Q> matching,
                  const std::vector<const AnalysedClause*>& excluded, const std::vector<LanguageRules>& langs,
                  const std::string& lang, const QueryContext& context) {
  // Excluded words and phrases: their stems and forms, never highlighted.
  std::vector<Q> negative;
  for (const auto* a : excluded) {
    if (a->single()) {
      std::vector<Q> forms{Q(a->parts[0].folded)};
      for (const auto& rules : langs) forms.emplace_back(Term(schema::kStem, rules.Stem(a->parts[0].folded)));
      negative.push_back(Or(std::move(forms)));
      continue;
    }
    std::vector<Q> terms;
    for (const auto& p : a->parts) terms.emplace_back(p.folded);
    Q q(Q::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(terms.size()));
    if (a->joined) q = Q(Q::OP_OR, q, Q(a->joined->folded));
    negative.push_back(q);
  }
  if (positive.empty() && negative.empty()) return built;
  if (matching.empty()) matching = positive;
  Q query = positive.empty() ? schema::MatchAllQuery() : Or(std::move(positive));
  Q match = matching.empty() ? schema::MatchAllQuery() : Or(std::move(matching));
  if (!negative.empty()) {
    const Q excluded_query = Or(std::move(negative));
    query = Q(Q::OP_AND_NOT, query, excluded_query);
    match = Q(Q::OP_AND_NOT, match, excluded_query);
  }
  if (!lang.empty()) {
    query = Q(Q::OP_FILTER, query, Q(Term(schema::kLang, lang)));
    match = Q(Q::OP_FILTER, match, Q(Term(schema::kLang, lang)));
  } else if (!context.baseline && !context.prefer_lang.empty()) {
    query = Q(Q::OP_AND_MAYBE, query,
              Q(Q::OP_AND, Bonus(QueryBuilder::kLanguageBonus), Boolean(Q(Term(schema::kLang, context.prefer_lang)))));
  }
  built.query = std::move(query);
  built.match_query = std::move(match);
  built.matches_nothing = false;
  return built;
}

}  // namespace

bool CountsIn(const TermOrigin& origin, Xapian::PositionIterator begin, const Xapian::PositionIterator& end) {
  return origin.fields == TermOrigin::kAllTextFields || InFields(origin.fields, std::move(begin), end);
}

bool MatchedWordsDecider::operator()(const Xapian::Document& doc) const {
  if (built_.min_matched_words == 0) return true;
  std::vector<bool> matched(built_.words.size(), false);
  std::size_t words = 0;
  // Both the term list and `origins` are sorted: one merge pass.
  auto origin = built_.origins.begin();
  for (auto t = doc.termlist_begin(); t != doc.termlist_end() && origin != built_.origins.end(); ++t) {
    const std::string term = *t;
    while (origin != built_.origins.end() && origin->first < term) ++origin;
    if (origin == built_.origins.end() || origin->first != term) continue;
    for (const TermOrigin& o : origin->second) {
      if (o.word < matched.size() && !matched[o.word] &&
          (o.fields == TermOrigin::kAllTextFields || CountsIn(o, t.positionlist_begin(), t.positionlist_end()))) {
        matched[o.word] = true;
        if (++words >= built_.min_matched_words) return true;
      }
    }
  }
  return false;
}

}  // namespace portalkb
