// Search-as-you-type from article titles: titles of visible articles that
// contain every typed word, the last one as a prefix.
#pragma once

#include <vector>

#include "portalkb/search.h"
#include "search/search_context.h"

namespace portalkb {

// `request.principal` must be normalised. Throws Xapian::Error (run under
// ReadableStore::Read).
std::vector<Suggestion> SuggestTitles(const SearchContext& context, const SuggestRequest& request);

}  // namespace portalkb
