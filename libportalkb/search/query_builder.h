// Turns a query string into a Xapian query: clauses -> analysis -> units of
// alternatives in ranking tiers (exact, synonyms, typos, prefix, split/join)
// -> ranked combination.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "portalkb/options.h"
#include "synonyms/synonym_set.h"
#include "typo/typo_expander.h"

namespace portalkb {

// The words a query looks for, used to highlight snippets.
struct HighlightTerms {
  std::set<std::string> folded;  // folded word forms
  std::set<std::string> stems;   // stems (in the query's language(s))
  bool empty() const { return folded.empty() && stems.empty(); }
};

// What a query may draw on besides its own words.
struct QueryContext {
  const Vocabulary* vocabulary = nullptr;  // null: no typos, prefixes, split/join
  const SynonymSet* synonyms = nullptr;    // null: no synonyms
  bool typos = true;
  bool prefix_last_word = true;
};

// Why a Xapian term is in the query: it stands for query word `word` (an
// index into BuiltQuery::words) as `matched`, with `typos` typos.
struct TermOrigin {
  std::size_t word = 0;
  std::string matched;
  int typos = 0;
  const char* kind = "exact";  // "exact", "synonym", "typo", "prefix", "split", "join"
};

// One positive clause of the query.
struct QueryWord {
  std::string text;          // as typed (a word, or a phrase without quotes)
  std::string folded;        // the folded word; empty for phrases and compounds
  // The folded word occurs in the index, or has alternatives there (typo
  // candidates, completions, split/join, synonyms); false: a correction candidate.
  bool in_vocabulary = true;
  bool phrase = false;
  Token token;               // the analysed word (single words only)
};

struct BuiltQuery {
  Xapian::Query query;        // MatchNothing when the query has nothing to look for
  HighlightTerms highlight;
  bool matches_nothing = true;
  std::vector<QueryWord> words;
  std::map<std::string, std::vector<TermOrigin>> origins;
};

// Ranking: each positive clause (a word or a phrase) is a unit. A document
// gets a fixed bonus per unit it matches, far above any BM25 weight, less a
// step per typo tier of its best alternative; so documents matching more
// query words come first, then those matching them with fewer typos, and
// within that BM25 orders them (title above body, exact form above stem).
// Thread-safety: Build is const but uses the Tokenizer, which is not safe for
// concurrent use.
class QueryBuilder {
 public:
  QueryBuilder(const SearchOptions& options, const Tokenizer& tokenizer)
      : options_(options), tokenizer_(tokenizer) {}

  // `lang` empty: analyse with every supported language's stemmer.
  BuiltQuery Build(std::string_view query, const std::string& lang, const QueryContext& context) const;

  static constexpr double kUnitBonus = 1e6;
  static constexpr double kTierStep = 1e4;

 private:
  const SearchOptions& options_;
  const Tokenizer& tokenizer_;
};

}  // namespace portalkb
