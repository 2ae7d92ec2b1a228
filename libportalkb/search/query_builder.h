// Turns a query string into a Xapian query: clauses -> analysis -> units of
// alternatives in ranking tiers (exact, synonyms, typos, prefix, split/join)
// -> ranked combination.
#pragma once

#include <cstdint>
#include <functional>
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
  // SearchRequest::ranking "bm25": plain BM25 over the words' stems, nothing else.
  bool baseline = false;
  // Without a requested language: the query's detected language, whose
  // documents get kLanguageBonus ("" for none).
  std::string prefer_lang;
  // Whether a vocabulary word occurs in a document the principal may see
  // (null: every word, as for an admin). Typo candidates are chosen among
  // such words only, so hidden documents' words never crowd them out.
  std::function<bool(const std::string&)> visible;
  // Whether a word occurs in a document of a language (code) the principal
  // may see. With prefer_lang, a word's typo candidates are kept only if they
  // occur in it, unless none does; without a query language, a compound
  // matches a head only if it occurs in a language that writes compounds as
  // one word. Null: never.
  std::function<bool(const std::string& word, const std::string& lang)> occurs_in;
};

// Why a Xapian term is in the query: it stands for query word `word` (an
// index into BuiltQuery::words) as `matched`, with `typos` typos.
struct TermOrigin {
  std::size_t word = 0;
  std::string matched;
  int typos = 0;
  const char* kind = "exact";  // "exact", "synonym", "typo", "prefix", "split", "join", "compound"
  // The text fields (bit i: schema::kTextFields[i]) where the term counts for
  // this word: all but for a typo candidate under typo.disabled_fields, which
  // counts only where its positions lie in the others (CountsIn).
  std::uint32_t fields = kAllTextFields;
  static constexpr std::uint32_t kAllTextFields = ~std::uint32_t{0};
};

// Whether a term with the positions [begin, end) in a document counts for
// `origin` there. Reading positions costs: callers skip it for origins that
// count in every field.
bool CountsIn(const TermOrigin& origin, Xapian::PositionIterator begin, const Xapian::PositionIterator& end);

// One positive clause of the query.
struct QueryWord {
  std::string text;    // as typed (a word, or a phrase without quotes)
  std::string folded;  // the folded word; empty for phrases and compounds
  // The folded word occurs in the index, or has alternatives there (typo
  // candidates, completions, split/join, synonyms); false: a correction candidate.
  bool in_vocabulary = true;
  bool phrase = false;
  Token token;  // the analysed word (single words only)
};

struct BuiltQuery {
  Xapian::Query query;  // MatchNothing when the query has nothing to look for
  // The same set of documents as `query`, without its ranking parts (tier
  // bonuses, the language bonus): cheaper to walk where only the matches
  // count (facets, totals), with BoolWeight.
  Xapian::Query match_query;
  HighlightTerms highlight;
  bool matches_nothing = true;
  std::vector<QueryWord> words;
  std::map<std::string, std::vector<TermOrigin>> origins;
  // BM25 parameters the query is to be weighted with.
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  // A document is a hit only if it matches at least this many of `words`
  // (see MatchedWordsDecider); 0: any match is a hit.
  std::size_t min_matched_words = 0;
};

// Accepts a document only if it matches (through any of their terms in
// BuiltQuery::origins) at least BuiltQuery::min_matched_words query words.
// Cost: one pass over the document's term list per candidate, so the
// executor filters by the same rule from posting lists where it can (a
// bitset, see MatchBitsEvaluator::AtLeast) and uses this only where a word
// counts in some fields only. `built` must outlive the decider.
class MatchedWordsDecider : public Xapian::MatchDecider {
 public:
  explicit MatchedWordsDecider(const BuiltQuery& built) : built_(built) {}
  bool operator()(const Xapian::Document& doc) const override;

 private:
  const BuiltQuery& built_;
};

// Ranking: each positive clause (a word or a phrase, not a stop word) is a
// unit with alternatives in tiers (exact, one typo, two typos).
// - Short queries (at most SearchOptions::tier_max_words units): a document
//   gets a fixed bonus per unit it matches, far above any BM25 weight, less a
//   step per typo tier of its best alternative; so documents matching more
//   query words come first, then those matching them with fewer typos, and
//   within that BM25 orders them (title above body, exact form above stem).
// - Longer queries (questions): documents matching every unit get one bonus
//   and come first; otherwise BM25 alone ranks, typo alternatives weighted
//   down by one_typo_weight/two_typo_weight; known words get no typo variants
//   and the last word no prefix completions. Counting matched words
//   loses to BM25 here: a question's incidental words ("volgende", "maand")
//   outvote the one rare word that names its topic.
// - Queries of min_matched_words + 1 .. min_matched_words_max_query units:
//   a hit must match at least min_matched_words of them.
// - Either way a document in QueryContext::prefer_lang gets kLanguageBonus,
//   above BM25 but below a typo step.
// - QueryContext::baseline: plain BM25 over the units' stems (and phrases).
// Thread-safety: Build is const but uses the Tokenizer, which is not safe for
// concurrent use.
class QueryBuilder {
 public:
  QueryBuilder(const SearchOptions& options, const Tokenizer& tokenizer) : options_(options), tokenizer_(tokenizer) {}

  // `lang` empty: analyse with every supported language's stemmer.
  BuiltQuery Build(std::string_view query, const std::string& lang, const QueryContext& context) const;

  static constexpr double kUnitBonus = 1e6;
  static constexpr double kTierStep = 1e4;
  static constexpr double kLanguageBonus = 5e3;
  // Compound heads (see Build): a head of at least kCompoundMinHead code
  // points matches up to kMaxCompounds of the most frequent indexed words
  // that end in it and are kCompoundMinModifier or more code points longer.
  static constexpr std::size_t kCompoundMinHead = 4;
  static constexpr std::size_t kCompoundMinModifier = 3;
  static constexpr std::size_t kMaxCompounds = 5;
  // SearchRequest::ranking "bm25": the textbook BM25 parameters, fixed so the
  // baseline does not move with the ranking settings.
  static constexpr double kBaselineK1 = 1.2;
  static constexpr double kBaselineB = 0.75;

 private:
  const SearchOptions& options_;
  const Tokenizer& tokenizer_;
};

}  // namespace portalkb
