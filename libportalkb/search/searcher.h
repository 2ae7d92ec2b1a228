// Runs searches against a ReadableStore: query building, matching, hits,
// snippets, corrections and suggestions. The engine facade owns one.
#pragma once

#include <memory>

#include "analysis/analyzer.h"
#include "portalkb/document.h"
#include "portalkb/engine.h"
#include "portalkb/options.h"
#include "portalkb/search.h"
#include "portalkb/settings.h"
#include "portalkb/synonyms.h"
#include "facets/facet_index.h"
#include "facets/filter.h"
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
  Result<std::vector<Hit>> Related(const std::string& id, const Principal& principal, std::size_t limit);
  Result<std::vector<Suggestion>> Suggest(const SuggestRequest& request);
  Result<IndexStats> Stats();
  Result<std::vector<SynonymRule>> Synonyms();
  Result<IndexSettings> Settings();

  // The options in force at the last call: the engine's options with the
  // index's stored settings applied.
  const EngineOptions& options() const { return options_; }

 private:
  // Reloads the vocabulary, synonyms and settings when the index changed.
  void Refresh(const Xapian::Database& db);
  QueryContext Context(const SearchRequest& request) const;
  long long Now() const;
  // The access filter and the parsed user filters of a request.
  struct Constraints {
    Xapian::Query access;  // MatchAll for an admin
    std::vector<std::pair<Filter, Xapian::Query>> filters;
    // access AND every filter except those on `skip_field`.
    Xapian::Query Combined(const std::string& skip_field = "") const;
  };
  Result<Constraints> MakeConstraints(const SearchRequest& request) const;
  // Runs one query text; fills hits, total, facets and the built query.
  void Run(const Xapian::Database& db, const SearchRequest& request, const Constraints& constraints,
           const std::string& query_text, SearchResponse& response, BuiltQuery& built, Status& status);
  Hit MakeHit(const Document& doc, double score, const BuiltQuery* built) const;
  // The query with "did you mean" corrections built only from words of
  // documents the request's principal may see, or "" when none applies.
  std::string Correct(const Xapian::Database& db, const Constraints& constraints, const std::string& query_text,
                      const BuiltQuery& built) const;

  std::unique_ptr<ReadableStore> store_;
  const EngineOptions base_options_;  // as the engine was opened with
  EngineOptions options_;             // base_options_ + stored settings
  Tokenizer tokenizer_;
  Xapian::rev revision_ = 0;
  bool loaded_ = false;
  std::shared_ptr<const Vocabulary> vocabulary_;
  std::vector<SynonymRule> synonym_rules_;
  std::unique_ptr<SynonymSet> synonyms_;
  std::shared_ptr<const FacetIndex> facet_index_;
  std::map<std::string, unsigned> slots_;
};

}  // namespace portalkb
