// What one call into the search module borrows for its duration: a Xapian
// handle and a tokenizer leased by this thread, the shared snapshot of the
// index revision, and the time.
#pragma once

#include <xapian.h>

#include "analysis/analyzer.h"
#include "search/snapshot.h"

namespace portalkb {

// Thread-safety: a SearchContext lives on one thread's stack; `db` and
// `tokenizer` are that thread's alone, `snapshot` is shared and immutable.
struct SearchContext {
  const Xapian::Database& db;
  const IndexSnapshot& snapshot;
  const Tokenizer& tokenizer;
  long long now = 0;  // seconds since the epoch: scheduled publishing, date facets
};

}  // namespace portalkb
