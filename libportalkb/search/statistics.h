// Index statistics: document counts by type and language, distinct terms.
#pragma once

#include <xapian.h>

#include "portalkb/search.h"

namespace portalkb {

// Everything but `bytes` (the caller adds the directory size). Throws
// Xapian::Error (run under ReadableStore::Read).
IndexStats CollectStats(const Xapian::Database& db);

// The documents whose visibility names `grant`, by id, at most `limit`;
// sets `truncated` when there were more. Throws Xapian::Error; a document
// that does not decode is Corruption.
Result<std::vector<GrantedDocument>> CollectGranted(const Xapian::Database& db, const Grant& grant, std::size_t limit,
                                                    bool& truncated);

}  // namespace portalkb
