// Configuration structs with documented defaults.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "portalkb/document.h"
#include "portalkb/status.h"

namespace portalkb {

// How the analytics log of an engine behaves (see analytics.h).
struct AnalyticsOptions {
  // Turns a redacted query into its normalised form (folded words,
  // space-separated, placeholders kept) for grouping. The engine supplies
  // its analyzer; null: ASCII lower-cased. Called on the searching threads,
  // concurrently: it must be thread-safe.
  std::function<std::string(const std::string&)> normalize;
  // Extra redaction patterns: "NAME REGEX" per line (see Redactor).
  std::string redaction_patterns;
  // Pending events are written at least this often (ms); a crash loses at
  // most this much. Writes never happen on the searching thread.
  int flush_interval_ms = 200;
  // FrequentQueries offers a query only once this many distinct users
  // (signed-in users by their pseudonym, anonymous ones by session) typed
  // it, so what one or two people searched is never shown to others.
  // Values below 1 count as 1. Default 3.
  int suggest_min_users = 3;
  // Called (on the writer thread) when writing to the log fails after it
  // last succeeded, and the first time search events are dropped because
  // the queue of unwritten ones is full (EventWriter::kMaxQueued, 50,000;
  // Analytics::DroppedEvents counts them); searching goes on and Health()
  // reports a write error. Null: one line on stderr, once per process.
  std::function<void(const Status&)> on_write_error;
};

// Typo tolerance (Damerau-Levenshtein: a swap of two neighbouring letters is
// one typo). On by default; a SearchRequest can switch it off per query.
struct TypoOptions {
  bool enabled = true;
  // Words shorter than this (in letters) must match exactly or as a prefix.
  std::size_t min_length_one_typo = 5;
  // Words at least this long may have two typos.
  std::size_t min_length_two_typos = 9;
  // What an edit that changes the first letter counts as (>= 1).
  int first_letter_cost = 2;
  // Vocabulary words a query word may stand for, best first (>= 1).
  std::size_t max_candidates = 6;
  // Words that only ever match exactly (product codes, acronyms, brand
  // names), in folded form: a query word on the list gets no typo variants or
  // "did you mean" corrections, and an indexed word on the list is never
  // offered as a typo variant or correction of another query word. Synonyms,
  // stemming and prefix completion still apply. Words containing digits are
  // never matched fuzzily, whatever this says.
  std::vector<std::string> disabled_words;
  // Fields in which a typo match does not count: any of "title", "summary",
  // "body", "tags", "category".
  std::vector<std::string> disabled_fields;
};

// Bounds on what one request may ask for, so that no request can make the
// engine spend unbounded time or memory. The defaults are far above what a
// portal sends; a request over one is InvalidArgument naming the limit.
struct SearchLimits {
  std::size_t max_query_bytes = 2048;   // the query text
  std::size_t max_query_words = 64;     // words of the query, as analysed
  std::size_t max_filters = 32;         // filter expressions per request
  std::size_t max_filter_values = 256;  // values over all filters ("a|b|c" counts 3)
  std::size_t max_facets = 20;          // facet fields per request
  std::size_t max_limit = 1000;         // hits per page
  std::size_t max_offset = 100000;      // pagination depth
  std::size_t max_suggest_limit = 100;  // suggestions per request
  std::size_t max_related_limit = 100;  // related documents per request
};

// Affects ranking and presentation of search results.
struct SearchOptions {
  // Extra weight of a title match relative to a body match (>= 0).
  double title_weight = 2.5;
  // The same for queries longer than tier_max_words (>= 0). Low: a question's
  // incidental words ("change", "new") in some title outweigh its topic word
  // in the body of the answer.
  double long_query_title_weight = 0.0;
  // Weight of an exact (unstemmed) word match on top of its stem match (>= 0).
  double exact_word_weight = 1.0;
  // Weight of a match that keeps the query's accents ("café" vs "cafe") (>= 0).
  double exact_accent_weight = 0.3;
  // Weight of a synonym match relative to the word itself (>= 0).
  double synonym_weight = 0.9;
  // Weight of a 1-typo and a 2-typo match, and of a prefix completion,
  // relative to an exact match. Ranking tiers come first: a document matching
  // a query word exactly always outranks one matching it only with a typo, at
  // an equal number of matched words.
  double one_typo_weight = 0.6;
  double two_typo_weight = 0.4;
  double prefix_weight = 0.7;
  // Ranking (see QueryBuilder and ARCHITECTURE.md, search): BM25's term
  // frequency saturation k1 (0..10) and length normalisation b (0..1).
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  // Queries with at most this many content words (stop words do not count)
  // rank by tiers: more words matched first, then fewer typos, then BM25.
  // Longer queries rank by BM25 with typo matches discounted, documents
  // matching every word first (0..64; 0: always BM25 after the all-words tier).
  std::size_t tier_max_words = 3;
  // A search without facets counts its matches exactly up to this many;
  // beyond, SearchResponse::total is this lower bound and total_exact false
  // (as Algolia's exhaustiveNbHits and Meilisearch's estimated totals). A
  // search with facets walks every match and always counts exactly.
  // 0: always count exactly (about twice the cost of a ranked pass).
  std::size_t count_limit = 1000;
  // Facet counts (and their totals) come from the query terms' posting
  // lists combined as bitsets, when the query and filters are combinations
  // of terms and the access filter is had as sets: the same documents as a
  // pass of Xapian's matcher, at a fraction of its cost. false: always the
  // matcher's pass (for comparison). The same goes for the min_matched_words
  // rule below: a bitset from the words' posting lists filters the ranked
  // pass instead of a check of each candidate's term list.
  bool count_from_postings = true;
  // A query of more than min_matched_words content words: a hit must match
  // at least min_matched_words of them (0: off) if the query has at most
  // min_matched_words_max_query words, or if at least off_topic_unknown_share
  // of its words have no match and no alternative in the index (0..1; above
  // 1: never). A longer query's answer often shares only its topic word, so
  // it otherwise has no floor. Measured on corpus/queries (tuned there): 9 of
  // 32 off-topic queries find something (24 without), no question loses its
  // answer.
  std::size_t min_matched_words = 2;            // 0..64
  std::size_t min_matched_words_max_query = 4;  // 0..64
  double off_topic_unknown_share = 0.66;
  // A search without `lang` ranks documents in the query's detected language
  // above others at equal words matched and typos (true), or not (false).
  bool detect_language = true;
  // Search-as-you-type: the last query word also matches as a prefix, from
  // this many letters, expanded to the most frequent completions.
  std::size_t prefix_min_length = 2;
  std::size_t prefix_expansions = 30;
  // A query with fewer results than this is retried with "did you mean"
  // corrections when some word is not in the index (>= 1).
  std::size_t correction_threshold = 3;
  TypoOptions typo;
  // Number of words in a result snippet (8..200).
  std::size_t snippet_words = 30;
  SearchLimits limits;
};

struct EngineOptions {
  SearchOptions search;
  // Record every search in the analytics log beside the index
  // (Analytics::PathFor). A log that cannot be opened disables logging; see
  // Engine::analytics_status().
  bool analytics = true;
  AnalyticsOptions analytics_options;
  // The current time in seconds since the epoch, for scheduled publishing
  // and date facets. Null: the system clock. Tests inject their own.
  std::function<long long()> clock;
  // Principals holding any of these roles see drafts (documents not yet
  // published); role names are data, so which roles those are is
  // configuration. Each must be a normalised role id (lower-case a-z 0-9 .
  // _ - @; InvalidArgument otherwise). Default {"editor"}.
  std::vector<std::string> draft_viewer_roles = {"editor"};
};

// InvalidArgument naming the first option outside the range its comment
// documents (e.g. "search.snippet_words 3: must be 8..200"). Engine::Open
// checks the options it is given.
Status ValidateEngineOptions(const EngineOptions& options);

inline constexpr std::size_t kMaxAnalysisThreads = 64;

struct WriterOptions {
  // Create the index directory if it does not exist. Otherwise opening a
  // missing index is IndexNotFound.
  bool create_if_missing = true;
  // Commit after this many added/replaced/deleted documents within one
  // Ingest call, bounding memory; each commit is atomic (>= 1).
  std::size_t commit_every = 5000;
  // Ingest: follow symbolic links that lead out of a directory being indexed
  // (otherwise each is reported as a rejection and skipped). Default false.
  bool follow_symlinks = false;
  // Ingest: threads analysing documents (tokenising, folding, stemming)
  // while one thread reads files and writes to the index. 0: one per
  // hardware thread (at most kMaxAnalysisThreads); 1: everything on the
  // calling thread. More than kMaxAnalysisThreads: InvalidArgument. A first
  // load into a new index that is compacted at its end (compact_new_index)
  // is also written by these threads, in up to 8 parts merged by the
  // compaction, and shows its documents when it ends.
  std::size_t analysis_threads = 0;
  // Commit() writes the typo vocabulary and facet columns of the new
  // revision beside the index, so readers map them instead of building them
  // on their first search (about 25 ms and 130 ms at 100,000 documents).
  // Writing them costs each commit about as much; a writer that commits
  // single documents many times a second may switch it off. Default true.
  bool write_derived_files = true;
  // Ingest into an index this writer created compacts it after the last
  // commit (full B-tree blocks: about a third smaller, quicker to search;
  // costs a few seconds at 100,000 documents). Readers opening the index
  // while it is compacted retry; do not point a server at an index being
  // built. Default false; `portalkb index` switches it on for a new index.
  bool compact_new_index = false;
  // Bounds on each record read by Ingest and each document Put (see
  // document.h for the defaults).
  DocumentLimits limits;
};

}  // namespace portalkb
