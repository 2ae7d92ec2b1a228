// Turns a query string into a Xapian query: clauses -> analysis -> units of
// weighted alternatives -> ranked combination.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "portalkb/options.h"

namespace portalkb {

// The words a query looks for, used to highlight snippets.
struct HighlightTerms {
  std::set<std::string> folded;  // folded word forms
  std::set<std::string> stems;   // stems (in the query's language(s))
  bool empty() const { return folded.empty() && stems.empty(); }
};

struct BuiltQuery {
  Xapian::Query query;        // MatchNothing when the query has nothing to look for
  HighlightTerms highlight;
  bool matches_nothing = true;
};

// Ranking: each positive clause (a word or a phrase) is a unit. A document
// gets a fixed bonus per unit it matches, far above any BM25 weight, so
// documents matching more query words come first; within a tier BM25 orders
// them, with a title match weighted above a body match and an exact word form
// above a stem-only match.
// Thread-safety: Build is const but uses the Tokenizer, which is not safe for
// concurrent use.
class QueryBuilder {
 public:
  QueryBuilder(const SearchOptions& options, const Tokenizer& tokenizer)
      : options_(options), tokenizer_(tokenizer) {}

  // `lang` empty: analyse with every supported language's stemmer.
  BuiltQuery Build(std::string_view query, const std::string& lang) const;

  // The bonus per matched unit; scores above a multiple of it mean that many
  // units matched.
  static constexpr double kUnitBonus = 1000.0;

 private:
  const SearchOptions& options_;
  const Tokenizer& tokenizer_;
};

}  // namespace portalkb
