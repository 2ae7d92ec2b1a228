// Query execution: validates a request against the limits, builds the query,
// matches it inside the principal's access filter and the user filters,
// counts facets, makes hits with snippets and per-word match reports, and
// retries with "did you mean" corrections when the query finds little.
#pragma once

#include "portalkb/search.h"
#include "portalkb/status.h"
#include "search/search_context.h"

namespace portalkb {

// InvalidArgument naming the limit (SearchLimits) or option a request breaks.
Status ValidateSearchRequest(const SearchRequest& request, const SearchOptions& options, const Tokenizer& tokenizer);

// Runs one search. `request.principal` must be normalised. Throws
// Xapian::Error (the engine runs it under ReadableStore::Read, which retries
// the whole call when the index changed underneath).
Result<SearchResponse> ExecuteSearch(const SearchContext& context, const SearchRequest& request);

// The principal's access filter AND the filter expressions `filters`, as
// one boolean query: what a search with those filters may match (before its
// words). Used by related documents so they are narrowed as searches are.
// InvalidArgument for a malformed filter. `principal` must be normalised.
Result<Xapian::Query> ConstraintQuery(const SearchContext& context, const Principal& principal,
                                      const std::vector<std::string>& filters);

}  // namespace portalkb
