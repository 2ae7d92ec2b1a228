// "More like this": documents like a given one, by its most telling stems,
// among those the principal may see.
#pragma once

#include <string>
#include <vector>

#include "portalkb/search.h"
#include "search/search_context.h"

namespace portalkb {

// NotFound when `id` does not exist or is not visible to `principal` (the two
// are indistinguishable on purpose). `principal` must be normalised. Throws
// Xapian::Error (run under ReadableStore::Read).
Result<std::vector<Hit>> FindRelated(const SearchContext& context, const std::string& id, const Principal& principal,
                                     std::size_t limit);

}  // namespace portalkb
