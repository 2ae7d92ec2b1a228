// Index statistics: document counts by type and language, distinct terms.
#pragma once

#include <xapian.h>

#include "portalkb/search.h"

namespace portalkb {

// Everything but `bytes` (the caller adds the directory size). Throws
// Xapian::Error (run under ReadableStore::Read).
IndexStats CollectStats(const Xapian::Database& db);

}  // namespace portalkb
