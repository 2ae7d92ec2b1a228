// The read side of an index: search and statistics.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "portalkb/analytics.h"
#include "portalkb/options.h"
#include "portalkb/principal.h"
#include "portalkb/search.h"
#include "portalkb/settings.h"
#include "portalkb/status.h"
#include "portalkb/synonyms.h"

namespace portalkb {

struct IndexStats {
  std::uint64_t documents = 0;
  std::map<std::string, std::uint64_t> by_type;
  std::map<std::string, std::uint64_t> by_lang;
  std::uint64_t terms = 0;   // distinct terms in the index
  std::uint64_t bytes = 0;   // size of the index directory on disk
};

class Searcher;
class Tokenizer;

// A read-only handle on an on-disk index. Each call first reopens the index,
// so it sees everything committed before the call started.
// Thread-safety: an Engine is not safe for concurrent use; use one per thread
// (opening is cheap). Many Engines, in many processes, may read one index
// while one IndexWriter writes it.
class Engine {
 public:
  // Opens the index at `path`. IndexNotFound if there is none; Corruption if it is
  // not a portalkb index or is of an unknown format version.
  static Result<std::unique_ptr<Engine>> Open(const std::string& path, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one search. InvalidArgument for an unsupported language or a limit
  // over 1000; an empty query matches nothing (total 0).
  Result<SearchResponse> Search(const SearchRequest& request);

  // Articles and documents like `id` (by its most telling stems), among
  // those `principal` may see. NotFound when `id` does not exist or is not
  // visible to `principal` (the two are indistinguishable on purpose).
  Result<std::vector<Hit>> Related(const std::string& id, const Principal& principal, std::size_t limit = 5);

  // Up to request.limit completions of what has been typed: titles of
  // articles containing every typed word (the last one as a prefix), then
  // frequent successful queries from the analytics log that find something
  // the principal may see.
  Result<std::vector<Suggestion>> Suggest(const SuggestRequest& request);

  Result<IndexStats> Stats();

  // The search settings stored with the index (see settings.h).
  Result<IndexSettings> Settings();
  // The options this engine searches with now: those it was opened with,
  // overridden by the index's stored settings.
  EngineOptions EffectiveOptions();

  // The synonym rules stored with the index.
  Result<std::vector<SynonymRule>> Synonyms();

  const std::string& path() const { return path_; }

  // The analytics log, or nullptr when logging is off or could not start
  // (analytics_status() says why). Owned by the engine.
  Analytics* analytics() { return analytics_.get(); }
  const Status& analytics_status() const { return analytics_status_; }

 private:
  Engine(std::string path, EngineOptions options, std::unique_ptr<Searcher> searcher);
  std::string path_;
  EngineOptions options_;
  std::unique_ptr<Searcher> searcher_;
  std::unique_ptr<Analytics> analytics_;
  Status analytics_status_;
  std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace portalkb
