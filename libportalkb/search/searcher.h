// Runs searches against a ReadableStore: query building, matching, hits and
// snippets. The engine facade owns one.
#pragma once

#include <memory>

#include "analysis/analyzer.h"
#include "portalkb/engine.h"
#include "portalkb/options.h"
#include "portalkb/search.h"
#include "storage/store.h"

namespace portalkb {

// Thread-safety: not safe for concurrent use.
class Searcher {
 public:
  Searcher(std::unique_ptr<ReadableStore> store, const EngineOptions& options);
  ~Searcher();

  Result<SearchResponse> Search(const SearchRequest& request);
  Result<IndexStats> Stats();

 private:
  std::unique_ptr<ReadableStore> store_;
  EngineOptions options_;
  Tokenizer tokenizer_;
};

}  // namespace portalkb
