#include "search/query_builder.h"

#include <algorithm>
#include <optional>

#include "portalkb/document.h"
#include "search/query_parser.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

using schema::Term;

// One analysed query clause: either a single word or a sequence (phrase).
struct AnalysedClause {
  std::vector<Token> parts;      // non-joined tokens, in order
  std::optional<Token> joined;   // the compound written together, if any
  bool phrase = false;
  bool excluded = false;
};

// The language(s) a query is analysed in.
struct QueryLanguages {
  std::vector<LanguageRules> stemmers;
  // Stop words are removed only for one language: the requested one, or the
  // one whose stop words the query uses most.
  const LanguageRules* stop_rules = nullptr;
};

Xapian::Query Or(std::vector<Xapian::Query> subqueries) {
  if (subqueries.size() == 1) return subqueries.front();
  return Xapian::Query(Xapian::Query::OP_OR, subqueries.begin(), subqueries.end());
}

std::vector<std::string> StemsOf(const Token& token, const QueryLanguages& langs) {
  std::vector<std::string> stems;
  for (const auto& rules : langs.stemmers) {
    std::string stem = rules.Stem(token.folded);
    if (std::find(stems.begin(), stems.end(), stem) == stems.end()) stems.push_back(std::move(stem));
  }
  return stems;
}

}  // namespace

BuiltQuery QueryBuilder::Build(std::string_view query_text, const std::string& lang) const {
  BuiltQuery built;
  const std::vector<QueryClause> clauses = ParseQuery(query_text);

  // Analyse every clause.
  std::vector<AnalysedClause> analysed;
  for (const auto& clause : clauses) {
    AnalysedClause a;
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
      // "a/b" or "a.b": independent words, not a compound.
      for (const Token& t : a.parts) {
        AnalysedClause single;
        single.parts = {t};
        single.excluded = a.excluded;
        analysed.push_back(std::move(single));
      }
      continue;
    }
    analysed.push_back(std::move(a));
  }

  QueryLanguages langs;
  if (!lang.empty()) {
    langs.stemmers.emplace_back(lang);
  } else {
    for (const auto& code : SupportedLanguages()) langs.stemmers.emplace_back(code);
  }
  {
    std::size_t best_hits = 0;
    for (const auto& rules : langs.stemmers) {
      std::size_t hits = 0;
      for (const auto& a : analysed) {
        if (!a.phrase && a.parts.size() == 1 && rules.IsStop(a.parts[0].folded)) ++hits;
      }
      if (hits > best_hits || (!lang.empty() && langs.stop_rules == nullptr)) {
        best_hits = hits;
        langs.stop_rules = &rules;
      }
    }
  }
  auto is_stop = [&](const AnalysedClause& a) {
    return !a.phrase && a.parts.size() == 1 && !a.joined && langs.stop_rules != nullptr &&
           langs.stop_rules->IsStop(a.parts[0].folded);
  };
  const bool all_stop = std::all_of(analysed.begin(), analysed.end(),
                                    [&](const AnalysedClause& a) { return a.excluded || is_stop(a); });

  // A single word: its stems anywhere, its stems in the title, its exact
  // folded form, and its accented form.
  auto word_unit = [&](const Token& t, bool stop) {
    built.highlight.folded.insert(t.folded);
    std::vector<Xapian::Query> alternatives;
    if (stop) {
      alternatives.emplace_back(t.folded);
      alternatives.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Term(schema::kTitleWord, t.folded)),
                                options_.title_weight);
      return Or(std::move(alternatives));
    }
    std::vector<Xapian::Query> body_stems;
    std::vector<Xapian::Query> title_stems;
    for (const auto& stem : StemsOf(t, langs)) {
      built.highlight.stems.insert(stem);
      body_stems.emplace_back(Term(schema::kStem, stem));
      title_stems.emplace_back(Term(schema::kTitleStem, stem));
    }
    alternatives.emplace_back(Xapian::Query::OP_SYNONYM, body_stems.begin(), body_stems.end());
    alternatives.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                              Xapian::Query(Xapian::Query::OP_SYNONYM, title_stems.begin(), title_stems.end()),
                              options_.title_weight);
    alternatives.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.folded), options_.exact_word_weight);
    if (t.lowered != t.folded) {
      alternatives.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Term(schema::kAccented, t.lowered)),
                                options_.exact_accent_weight);
    }
    return Or(std::move(alternatives));
  };
  auto phrase_unit = [&](const std::vector<Token>& parts) {
    std::vector<Xapian::Query> terms;
    for (const Token& t : parts) {
      terms.emplace_back(t.folded);
      built.highlight.folded.insert(t.folded);
    }
    return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(terms.size()));
  };
  auto clause_unit = [&](const AnalysedClause& a) {
    if (a.parts.size() == 1) return word_unit(a.parts[0], is_stop(a));
    Xapian::Query phrase = phrase_unit(a.parts);
    if (a.joined) return Xapian::Query(Xapian::Query::OP_OR, phrase, word_unit(*a.joined, false));
    return phrase;
  };

  std::vector<Xapian::Query> positive;
  std::vector<Xapian::Query> negative;
  for (const auto& a : analysed) {
    if (a.excluded) {
      negative.push_back(clause_unit(a));
      continue;
    }
    if (!all_stop && is_stop(a)) continue;
    // The fixed per-unit bonus makes "matches more units" dominate ranking.
    auto* bonus = new Xapian::FixedWeightPostingSource(kUnitBonus);
    positive.emplace_back(Xapian::Query::OP_AND, Xapian::Query(bonus->release()), clause_unit(a));
  }
  // Excluded words are never highlighted, even if also given positively.
  if (positive.empty() && negative.empty()) return built;
  Xapian::Query query = positive.empty() ? Xapian::Query::MatchAll : Or(std::move(positive));
  if (!negative.empty()) query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Or(std::move(negative)));
  if (!lang.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(Term(schema::kLang, lang)));
  }
  built.query = std::move(query);
  built.matches_nothing = false;
  return built;
}

}  // namespace portalkb
