// Search requests and responses: plain values, cheap to copy.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "portalkb/document.h"
#include "portalkb/principal.h"

namespace portalkb {

// Query syntax: words are matched through the same analysis as documents
// (folding, stemming); "double quotes" make a phrase; -word or -"a phrase"
// excludes. Stop words do not count as query words. A query of at most
// SearchOptions::tier_max_words words ranks documents matching more of them
// first, then those matching with fewer typos, then by BM25; a longer query
// (a question) ranks documents matching every word first, then by BM25 with
// typo matches discounted. A title match outranks a body match.
struct SearchRequest {
  std::string query;
  // Who searches. Only documents this principal may see take part in hits,
  // counts, facets, snippets and corrections. Default: anonymous.
  Principal principal;
  // Filters such as "category=Billing", "tags=invoice|payment",
  // "updated_at>=2026-01-01", "!lang=sv" (see facets/filter.h); ANDed, and
  // always inside the principal's access filter. Malformed: InvalidArgument.
  std::vector<std::string> filters;
  // Fields to count: type, lang, category, tags, org, updated_at, or a
  // further field. Counts are exact over all matching visible documents; a
  // field that is also filtered on is counted without its own filter
  // (disjunctive faceting).
  std::vector<std::string> facets;
  // "" or "relevance" (default), "updated_at", or a numeric further field,
  // optionally ":asc" or ":desc" (default desc).
  std::string sort;
  // ISO 639-1 code. Empty: search every language, analysing the query with
  // all supported stemmers. Otherwise: only documents in this language,
  // analysed as this language. Unsupported codes are InvalidArgument.
  std::string lang;
  std::size_t limit = 10;  // 0..1000
  std::size_t offset = 0;  // for pagination
  // Per-query switches on top of the engine's SearchOptions.
  bool typo_tolerance = true;  // fuzzy matching of query words
  bool prefix = true;          // the last word also matches as a prefix (search-as-you-type)
  bool correct = true;         // retry a query that finds little with "did you mean" corrections
  bool log = true;             // record this search in the analytics log
  std::string session;         // pseudonymous session id, for analytics (typing bursts, success rate)
  // "" (default): the engine's ranking. "bm25": plain BM25 (k1 1.2, b 0.75)
  // over the stems of the query's words, with no tiers, typos, prefixes,
  // synonyms, field weights, language boost or corrections -- the baseline
  // `portalkb eval` measures the engine's ranking against, documented for
  // evaluation rather than for portals. Anything else is InvalidArgument.
  std::string ranking;
};

// A document that names one grant in its visibility (an administrative
// view, for GDPR exports and erasure: the documents granted to user:U).
struct GrantedDocument {
  std::string id;
  std::string title;
  DocumentType type = DocumentType::kDocument;
  // The grant is the document's only one: nobody else may see it.
  bool only_grant = false;
};

struct IndexStats {
  std::uint64_t documents = 0;
  std::map<std::string, std::uint64_t> by_type;
  std::map<std::string, std::uint64_t> by_lang;
  std::uint64_t terms = 0;  // distinct terms in the index
  std::uint64_t bytes = 0;  // size of the index directory on disk
  // "ok" while the analytics log is written; otherwise why it is not (off,
  // could not open, or the last write error), so a broken log is visible.
  std::string analytics = "ok";
};

struct FacetCount {
  std::string value;
  std::uint64_t count = 0;
};

// How one query word matched a hit.
struct WordMatch {
  std::string query_word;  // as analysed (folded)
  std::string matched;     // the indexed word it matched (folded)
  int typos = 0;           // 0, 1 or 2
  std::string kind;        // "exact", "typo", "synonym", "prefix", "split", "join", "compound"
};

struct Hit {
  std::string id;
  std::string title;
  std::string type;  // "article" | "document"
  std::string lang;
  std::string url;
  std::string category;
  std::string updated_at;
  double score = 0;  // higher is better; comparable within one response only
  // Up to SearchOptions::snippet_words words of the best-matching passage,
  // HTML-escaped, with matched words wrapped in <mark>...</mark>.
  std::string snippet;
  std::vector<WordMatch> matches;
  // True when the hit matches fewer than all of the query's words: a partial
  // match, shown for recall but flagged so a portal can present it as such.
  bool weak = false;
};

struct SearchResponse {
  std::string query;
  // The query actually searched when the one typed found (almost) nothing
  // and a correction found more; empty when not corrected.
  std::string corrected_query;
  // A "did you mean" offer when the typed query found results but a
  // correction would find clearly more; not searched. Empty when none.
  std::string suggestion;
  // The number of matching documents: exact when total_exact; otherwise a
  // lower bound (SearchOptions::count_limit, reached by a search without
  // facets: there are at least this many).
  std::uint64_t total = 0;
  bool total_exact = true;
  std::map<std::string, std::vector<FacetCount>> facets;
  bool as_admin = false;  // the search ran as an admin principal (sees everything)
  std::string query_id;   // the analytics id of this search ("" when not logged)
  // The language the query was judged to be in when the request had no
  // `lang` (its documents ranked first, typo variants drawn from its words);
  // "" when `lang` was given or no language stood out.
  std::string detected_lang;
  std::vector<Hit> hits;
  double took_ms = 0;
};

// Search-as-you-type completions for a search box.
struct SuggestRequest {
  Principal principal;     // suggestions come only from titles it may see
  std::string prefix;      // what has been typed; the last word is completed unless it ends in a space
  std::string lang;        // empty: any language
  std::size_t limit = 10;  // 0..100
};

// "More like this" for one document (Engine::Related).
struct RelatedRequest {
  std::string id;       // the document the results should be like
  Principal principal;  // the source and the results are among what it may see
  // Filter expressions, as SearchRequest::filters, ANDed to the access filter
  // for the source and the results alike: a scoped key's fixed filter
  // narrows related documents as it narrows searches. At most
  // SearchLimits::max_filters (and max_filter_values).
  std::vector<std::string> filters;
  std::size_t limit = 5;  // 0..SearchLimits::max_related_limit
};

struct Suggestion {
  std::string text;  // the completion to show
  std::string kind;  // "title": an article title; "query": a frequent successful query
  std::string id;    // the article it comes from ("" for a query)
};

}  // namespace portalkb
