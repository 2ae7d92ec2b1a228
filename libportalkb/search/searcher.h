// Runs searches against a ReadableStore: query building, matching, hits,
// snippets, corrections and suggestions. The engine facade owns one.
#pragma once

#include <memory>

#include "analysis/analyzer.h"
#include "portalkb/engine.h"
#include "portalkb/options.h"
#include "portalkb/search.h"
#include "portalkb/synonyms.h"
#include "search/query_builder.h"
#include "storage/store.h"
#include "synonyms/synonym_set.h"
#include "typo/typo_expander.h"

namespace portalkb {

// Thread-safety: not safe for concurrent use.
class Searcher {
 public:
  Searcher(std::unique_ptr<ReadableStore> store, const EngineOptions& options);
  ~Searcher();

  Result<SearchResponse> Search(const SearchRequest& request);
  Result<std::vector<Suggestion>> Suggest(const SuggestRequest& request);
  Result<IndexStats> Stats();
  Result<std::vector<SynonymRule>> Synonyms();

 private:
  // Reloads the vocabulary and synonyms when the index changed.
  void Refresh(const Xapian::Database& db);
  QueryContext Context(const SearchRequest& request) const;
  // Runs one query text; fills hits, total and the built query.
  void Run(const Xapian::Database& db, const SearchRequest& request, const std::string& query_text,
           SearchResponse& response, BuiltQuery& built, Status& status);
  // The query with "did you mean" corrections, or "" when none applies.
  std::string Correct(const std::string& query_text, const BuiltQuery& built) const;

  std::unique_ptr<ReadableStore> store_;
  EngineOptions options_;
  Tokenizer tokenizer_;
  Xapian::rev revision_ = 0;
  bool loaded_ = false;
  std::shared_ptr<const Vocabulary> vocabulary_;
  std::vector<SynonymRule> synonym_rules_;
  std::unique_ptr<SynonymSet> synonyms_;
};

}  // namespace portalkb
