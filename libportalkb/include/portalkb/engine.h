// The read side of an index: search, suggestions, related documents,
// statistics, and the settings and synonyms stored with the index.
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

// A read-only handle on an on-disk index, meant to be opened once per index
// per process and shared.
//
// Thread-safety: every method may be called from any number of threads at
// once. What is derived from one revision of the index (typo vocabulary,
// synonyms, settings, facet columns) is an immutable snapshot shared by all
// threads, and a search finishes on the snapshot it started with. After a
// commit, settings and synonyms apply from the next call of every thread;
// the typo vocabulary and facet columns map from the writer's derived files,
// or, when those are not written yet, follow from a background rebuild a
// moment later (see ARCHITECTURE.md, Threads). Xapian handles
// and tokenizers are per-call scratch, leased from small pools. No call waits
// for an IndexWriter (in this process or another): each call reopens the
// index and sees everything committed before it started.
// Many Engines, in many processes, may read one index while one IndexWriter
// writes it.
class Engine {
 public:
  // Opens the index at `path`. IndexNotFound if there is none; Corruption if
  // it is not a portalkb index or is of an unknown format version;
  // InvalidArgument naming an option outside its documented range.
  static Result<std::unique_ptr<Engine>> Open(const std::string& path, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one search as request.principal. InvalidArgument for a malformed
  // principal id, filter or sort, an unsupported language, or a request over
  // one of SearchOptions::limits (the message names the limit); an empty
  // query matches nothing (total 0). Thread-safe.
  Result<SearchResponse> Search(const SearchRequest& request);

  // Articles and documents like `id` (by its most telling stems), among
  // those `principal` may see. NotFound when `id` does not exist or is not
  // visible to `principal` (the two are indistinguishable on purpose).
  // Thread-safe.
  Result<std::vector<Hit>> Related(const std::string& id, const Principal& principal, std::size_t limit = 5);
  // The same within request.filters as well: the source and every result
  // must pass them (NotFound for a source outside them). InvalidArgument for
  // a malformed filter or one over SearchLimits. Thread-safe.
  Result<std::vector<Hit>> Related(const RelatedRequest& request);

  // Up to request.limit completions of what has been typed: titles of
  // articles containing every typed word (the last one as a prefix), then
  // frequent successful queries from the analytics log typed by several
  // distinct people (AnalyticsOptions::suggest_min_users), never one that
  // held personal data, and only when every word of it occurs in a document
  // the principal may see. Thread-safe.
  Result<std::vector<Suggestion>> Suggest(const SuggestRequest& request);

  // Counts over the whole index (an administrative view). Thread-safe.
  Result<IndexStats> Stats();

  // Documents whose visibility names `grant` exactly (drafts and
  // unpublished ones included), by id, at most `limit` (1..100000;
  // `truncated` says whether there were more). An administrative view: no
  // principal applies. Thread-safe.
  Result<std::vector<GrantedDocument>> DocumentsGrantedTo(const Grant& grant, std::size_t limit = 10000,
                                                          bool* truncated = nullptr);

  // The search settings stored with the index (see settings.h). Thread-safe.
  Result<IndexSettings> Settings();
  // The options this engine searches with now: those it was opened with,
  // overridden by the index's stored settings. Thread-safe.
  EngineOptions EffectiveOptions();

  // The synonym rules stored with the index. Thread-safe.
  Result<std::vector<SynonymRule>> Synonyms();

  const std::string& path() const;

  // The analytics log (one writer per engine, shared by all threads), or
  // nullptr when logging is off or could not start (analytics_status() says
  // why). Opened on the first call of either, or of a search that logs, a
  // suggestion that reads it or Stats(), so an engine that never logs does
  // not pay for opening it. Owned by the engine; both are thread-safe.
  Analytics* analytics();
  const Status& analytics_status() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace portalkb
