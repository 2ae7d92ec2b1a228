// Configuration structs with documented defaults.
#pragma once

#include <cstddef>

namespace portalkb {

// Affects ranking and presentation of search results.
struct SearchOptions {
  // Extra weight of a title match relative to a body match (>= 0).
  double title_weight = 2.5;
  // Weight of an exact (unstemmed) word match on top of its stem match (>= 0).
  double exact_word_weight = 0.6;
  // Weight of a match that keeps the query's accents ("café" vs "cafe") (>= 0).
  double exact_accent_weight = 0.3;
  // Number of words in a result snippet (8..200).
  std::size_t snippet_words = 30;
};

struct EngineOptions {
  SearchOptions search;
};

struct WriterOptions {
  // Create the index directory if it does not exist. Otherwise opening a
  // missing index is NotFound.
  bool create_if_missing = true;
  // Commit after this many added/replaced/deleted documents within one
  // Ingest call, bounding memory; each commit is atomic (>= 1).
  std::size_t commit_every = 5000;
};

}  // namespace portalkb
