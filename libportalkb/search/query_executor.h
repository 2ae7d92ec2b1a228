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

}  // namespace portalkb
