// "More like this": documents like a given one, by its most telling stems,
// among those the principal may see.
#pragma once

#include <string>
#include <vector>

#include "portalkb/search.h"
#include "search/search_context.h"

namespace portalkb {

// NotFound when `request.id` does not exist, is not visible to
// `request.principal` or is outside `request.filters` (indistinguishable on
// purpose); the results pass the access filter and `request.filters` too.
// InvalidArgument for a malformed filter. `request.principal` must be
// normalised. Throws Xapian::Error (run under ReadableStore::Read).
Result<std::vector<Hit>> FindRelated(const SearchContext& context, const RelatedRequest& request);

}  // namespace portalkb
