#include "portalkb/engine.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "access/access_filter.h"
#include "analysis/analyzer.h"
#include "core/pool.h"
#include "portalkb/document.h"
#include "core/thread_annotations.h"
#include "search/query_executor.h"
#include "search/related.h"
#include "search/search_context.h"
#include "search/snapshot.h"
#include "search/statistics.h"
#include "search/title_suggester.h"
#include "storage/schema.h"
#include "storage/store.h"

namespace portalkb {
namespace {

// The normalised form analytics groups queries by: folded words separated by
// spaces, with redaction placeholders ("[email]") kept as they are.
std::string NormalizeForAnalytics(const Tokenizer& tokenizer, const std::string& redacted) {
  std::string out;
  auto add_words = [&](std::string_view chunk) {
    for (const Token& t : tokenizer.Tokenize(chunk)) {
      if (!t.joined) out += (out.empty() ? "" : " ") + t.folded;
    }
  };
  std::size_t i = 0;
  while (i < redacted.size()) {
    const auto open = redacted.find('[', i);
    const auto close = open == std::string::npos ? std::string::npos : redacted.find(']', open);
    if (close == std::string::npos || close - open > 33) {
      add_words(std::string_view(redacted).substr(i));
      break;
    }
    add_words(std::string_view(redacted).substr(i, open - i));
    out += (out.empty() ? "" : " ") + redacted.substr(open, close - open + 1);
    i = close + 1;
  }
  return out;
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

struct Engine::Impl {
  Impl(std::string p, EngineOptions o)
      : path(std::move(p)),
        options(std::move(o)),
        stores([this]() -> std::unique_ptr<ReadableStore> {
          auto store = ReadableStore::Open(path);
          return store.ok() ? std::move(store).value() : nullptr;
        }),
        tokenizers([] { return std::make_unique<Tokenizer>(); }) {}

  long long Now() const { return options.clock ? options.clock() : static_cast<long long>(std::time(nullptr)); }

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(refresh_mutex);
      stopping = true;
    }
    refresh_wanted.notify_all();
    if (refresher.joinable()) refresher.join();
  }

  // The snapshot for `db`'s revision. The current one when it is as new as
  // `db`. Otherwise the cheap part (settings, synonyms, slots) is read now,
  // so a search right after a commit uses the new rules, and the heavy part
  // (typo vocabulary, facet columns) is carried over and rebuilt by the
  // refresher thread, off the search path. Only the very first call builds
  // everything.
  std::shared_ptr<const IndexSnapshot> SnapshotFor(const Xapian::Database& db, const Tokenizer& tokenizer)
      EXCLUDES(snapshot_mutex, build_mutex) {
    const Xapian::rev revision = db.get_revision();
    // Another database in its place (a restore, a new index's compaction)
    // starts again at a low revision: its snapshot is built anew, since
    // the old one's structures are keyed by the old documents' ids.
    const std::string uuid = db.get_uuid();
    auto usable = [&](const std::shared_ptr<const IndexSnapshot>& s) {
      return s != nullptr && s->uuid() == uuid && s->revision() >= revision;
    };
    std::shared_ptr<const IndexSnapshot> current = Current();
    if (usable(current)) return current;
    // The cheap part takes a metadata read and a mapping, so concurrent
    // callers wait for the one that builds it: every call sees the settings
    // and synonyms committed before it started.
    MutexLock build(build_mutex);
    current = Current();  // another thread may have built it meanwhile
    if (usable(current)) return current;
    std::shared_ptr<const IndexSnapshot> fresh = current == nullptr || current->uuid() != uuid
                                                     ? IndexSnapshot::Build(db, path, options, tokenizer)
                                                     : IndexSnapshot::Refresh(*current, db, tokenizer);
    {
      MutexLock lock(snapshot_mutex);
      snapshot = fresh;
    }
    if (fresh->heavy_revision() < fresh->revision()) WakeRefresher();
    return fresh;
  }

  void WakeRefresher() {
    {
      std::lock_guard<std::mutex> lock(refresh_mutex);
      refresh_pending = true;
      if (!refresher.joinable() && !stopping) refresher = std::thread([this] { RefreshLoop(); });
    }
    refresh_wanted.notify_one();
  }

  // The refresher: rebuilds the vocabulary and facet columns (those only if
  // a search used them) of the newest revision on its own Xapian handle and
  // swaps them into the current snapshot.
  void RefreshLoop() {
    Tokenizer tokenizer;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(refresh_mutex);
        refresh_wanted.wait(lock, [&] { return stopping || refresh_pending; });
        if (stopping) return;
        refresh_pending = false;
      }
      auto store = stores.Acquire();
      if (!store) continue;
      std::shared_ptr<const IndexSnapshot> heavy;
      const bool want_facets = Current() != nullptr && Current()->facets_loaded();
      Status s = store->Read("refresh", [&](const Xapian::Database& db) {
        heavy = IndexSnapshot::Build(db, path, options, tokenizer);
        if (want_facets) (void)heavy->Facets(db);
      });
      if (!s.ok() || heavy == nullptr) continue;  // the next commit or search tries again
      MutexLock build(build_mutex);
      std::shared_ptr<const IndexSnapshot> current = Current();
      std::shared_ptr<const IndexSnapshot> next =
          current == nullptr || heavy->uuid() != current->uuid() || heavy->revision() >= current->revision()
              ? heavy
              : current->WithHeavyPartsOf(*heavy);
      MutexLock lock(snapshot_mutex);
      snapshot = next;
    }
  }

  std::shared_ptr<const IndexSnapshot> Current() EXCLUDES(snapshot_mutex) {
    MutexLock lock(snapshot_mutex);
    return snapshot;
  }

  // Leases a Xapian handle and a tokenizer, reopens, and runs `fn` with the
  // matching snapshot; the whole of `fn` is retried when the index changed
  // underneath (ReadableStore::Read).
  template <typename Fn>
  Status Read(const std::string& what, Fn&& fn) {
    auto store = stores.Acquire();
    if (!store) return Status::Unavailable(what + ": cannot open the index at '" + path + "'");
    auto tokenizer = tokenizers.Acquire();
    const long long now = Now();
    return store->Read(what, [&](const Xapian::Database& db) {
      const std::shared_ptr<const IndexSnapshot> pinned = SnapshotFor(db, *tokenizer);
      const SearchContext context{db, *pinned, *tokenizer, now};
      fn(context);
    });
  }

  const std::string path;
  const EngineOptions options;  // as the engine was opened with
  Pool<ReadableStore> stores;
  Pool<Tokenizer> tokenizers;
  Mutex snapshot_mutex;
  std::shared_ptr<const IndexSnapshot> snapshot GUARDED_BY(snapshot_mutex);
  Mutex build_mutex;  // held by the one thread building a snapshot
  // The refresher thread, started on the first newer revision.
  std::mutex refresh_mutex;
  std::condition_variable refresh_wanted;
  bool refresh_pending = false;  // guarded by refresh_mutex
  bool stopping = false;         // guarded by refresh_mutex
  std::thread refresher;         // guarded by refresh_mutex (started once)
  // The analytics log, opened on first use (OpenAnalytics): opening compiles
  // the redaction patterns (about 30 ms), which a process that never logs
  // (`portalkb search --no-log`) should not pay. Written once under
  // analytics_once, then only used through Analytics' thread-safe methods.
  Analytics* AnalyticsLog() {
    std::call_once(analytics_once, [this] { OpenAnalytics(); });
    return analytics.get();
  }
  void OpenAnalytics() {
    if (!log_searches) {
      analytics_status = Status::InvalidArgument("search logging is switched off for this index");
      return;
    }
    if (!options.analytics) {
      analytics_status = Status::InvalidArgument("analytics switched off for this engine");
      return;
    }
    AnalyticsOptions analytics_options = options.analytics_options;
    if (!analytics_options.normalize) {
      // Called on the analytics writer's thread and on callers' threads: a
      // tokenizer per call, from the engine's pool.
      Pool<Tokenizer>* pool = &tokenizers;
      analytics_options.normalize = [pool](const std::string& text) {
        auto tokenizer = pool->Acquire();
        return NormalizeForAnalytics(*tokenizer, text);
      };
    }
    auto opened = Analytics::OpenForIndex(path, std::move(analytics_options));
    if (opened.ok()) {
      analytics = std::move(opened).value();
    } else {
      analytics_status = opened.status();
    }
  }
  // The index's log_searches setting as Open read it.
  bool log_searches = true;
  std::once_flag analytics_once;
  std::unique_ptr<Analytics> analytics;
  Status analytics_status;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path, EngineOptions options) {
  if (Status s = ValidateEngineOptions(options); !s.ok()) return s;
  auto store = ReadableStore::Open(path);
  if (!store.ok()) return store.status();
  auto impl = std::make_unique<Impl>(path, options);
  std::unique_ptr<Engine> engine(new Engine(std::move(impl)));
  Impl& self = *engine->impl_;
  // The first snapshot, built on the handle that proved the index opens;
  // the handle then joins the pool.
  std::unique_ptr<ReadableStore> first = std::move(store).value();
  {
    Tokenizer tokenizer;
    Status s = first->Read("open", [&](const Xapian::Database& db) {
      const auto snapshot = self.SnapshotFor(db, tokenizer);
      // Unreadable settings do not stop reading (Settings() reports them);
      // the engine's own options stay in force.
      if (snapshot->settings().ok() && snapshot->settings()->log_searches == false) self.log_searches = false;
    });
    if (!s.ok()) return s;
  }
  { auto lease = Pool<ReadableStore>::Lease(&self.stores, std::move(first)); }
  return engine;
}

Result<SearchResponse> Engine::Search(const SearchRequest& original) {
  const auto started = std::chrono::steady_clock::now();
  auto principal = NormalizePrincipal(original.principal);
  if (!principal.ok()) return principal.status();
  SearchRequest request = original;
  request.principal = std::move(principal).value();

  Result<SearchResponse> response = Status::Internal("search did not run");
  bool log = false;
  Status read = impl_->Read("search", [&](const SearchContext& context) {
    const EngineOptions& options = context.snapshot.options();
    if (Status s = ValidateSearchRequest(request, options.search, context.tokenizer); !s.ok()) {
      response = s;
      return;
    }
    response = ExecuteSearch(context, request);
    // The index's own setting may have switched logging off since Open.
    log = options.analytics;
  });
  if (!read.ok()) return read;
  if (!response.ok()) return response;
  response->as_admin = request.principal.admin;
  response->took_ms = MillisecondsSince(started);
  if (!request.log || !log) return response;
  Analytics* analytics = impl_->AnalyticsLog();
  if (analytics == nullptr) return response;
  SearchEvent event;
  event.ts_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  event.query_id = Analytics::NewQueryId();
  event.query = request.query;
  event.lang = request.lang;
  event.roles = request.principal.roles;
  event.org = request.principal.org;
  event.user = request.principal.user;
  event.session = request.session;
  event.results = response->total;
  event.corrected = response->corrected_query;
  event.detected_lang = response->detected_lang;
  event.latency_ms = response->took_ms;
  response->query_id = event.query_id;
  analytics->LogSearch(std::move(event));
  return response;
}

Result<std::vector<Hit>> Engine::Related(const std::string& id, const Principal& principal, std::size_t limit) {
  RelatedRequest request;
  request.id = id;
  request.principal = principal;
  request.limit = limit;
  return Related(request);
}

Result<std::vector<Hit>> Engine::Related(const RelatedRequest& original) {
  auto principal = NormalizePrincipal(original.principal);
  if (!principal.ok()) return principal.status();
  RelatedRequest request = original;
  request.principal = std::move(principal).value();
  if (request.limit > impl_->options.search.limits.max_related_limit) {
    return Status::InvalidArgument("limit " + std::to_string(request.limit) + " is over the limit max_related_limit (" +
                                   std::to_string(impl_->options.search.limits.max_related_limit) + ")");
  }
  Result<std::vector<Hit>> hits = std::vector<Hit>{};
  Status read = impl_->Read("related", [&](const SearchContext& context) {
    // The filters are held to the limits a search's filters are.
    SearchRequest filters_only;
    filters_only.filters = request.filters;
    if (Status s = ValidateSearchRequest(filters_only, context.snapshot.options().search, context.tokenizer); !s.ok()) {
      hits = s;
      return;
    }
    hits = FindRelated(context, request);
  });
  if (!read.ok()) return read;
  return hits;
}

Result<std::vector<Suggestion>> Engine::Suggest(const SuggestRequest& original) {
  auto principal = NormalizePrincipal(original.principal);
  if (!principal.ok()) return principal.status();
  SuggestRequest request = original;
  request.principal = std::move(principal).value();
  const SearchLimits& limits = impl_->options.search.limits;
  if (request.limit > limits.max_suggest_limit) {
    return Status::InvalidArgument("limit " + std::to_string(request.limit) + " is over the limit max_suggest_limit (" +
                                   std::to_string(limits.max_suggest_limit) + ")");
  }
  if (request.prefix.size() > limits.max_query_bytes) {
    return Status::InvalidArgument("prefix of " + std::to_string(request.prefix.size()) +
                                   " bytes is over the limit max_query_bytes (" +
                                   std::to_string(limits.max_query_bytes) + ")");
  }
  if (!request.lang.empty() && !IsSupportedLanguage(request.lang)) {
    return Status::InvalidArgument("lang '" + request.lang.substr(0, 80) + "' is not supported (nl, en, sv, de)");
  }
  std::vector<Suggestion> suggestions;
  Status read = impl_->Read("suggest", [&](const SearchContext& context) {
    suggestions = SuggestTitles(context, request);
    if (suggestions.size() >= request.limit) return;
    Analytics* analytics = impl_->AnalyticsLog();
    if (analytics == nullptr) return;
    // Then frequent successful queries. Another visitor's query is shown
    // only when every word of it occurs in a document this principal may
    // see, so no word of it hints at hidden content.
    const std::string prefix = NormalizeForAnalytics(context.tokenizer, request.prefix) +
                               (!request.prefix.empty() && request.prefix.back() == ' ' ? " " : "");
    // Like prefix matching, from prefix_min_length letters: one letter would
    // only rank the whole log.
    const auto letters = std::count_if(prefix.begin(), prefix.end(), [](char c) { return (c & 0xC0) != 0x80; });
    if (static_cast<std::size_t>(letters) < context.snapshot.options().search.prefix_min_length) return;
    auto frequent = analytics->FrequentQueries(prefix, 5);
    if (!frequent.ok()) return;
    const Xapian::Query access =
        AccessFilter(request.principal, context.now, context.snapshot.options().draft_viewer_roles, context.db,
                     context.snapshot.access_sets());
    auto visible = [&](const std::string& word) { return OccursUnder(context.db, word, access); };
    for (const auto& entry : frequent.value()) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
      const auto& query = entry.first;
      if (suggestions.size() >= request.limit) break;
      const bool repeated = std::any_of(suggestions.begin(), suggestions.end(), [&](const Suggestion& s) {
        return NormalizeForAnalytics(context.tokenizer, s.text) == query;
      });
      if (repeated) continue;
      const auto words = context.tokenizer.Tokenize(query);
      const bool all_visible = !words.empty() && std::all_of(words.begin(), words.end(), [&](const Token& t) {
        return t.joined || visible(t.folded);
      });
      if (all_visible) suggestions.push_back({query, "query", ""});
    }
  });
  if (!read.ok()) return read;
  return suggestions;
}

Result<IndexStats> Engine::Stats() {
  IndexStats stats;
  Status read = impl_->Read("stats", [&](const SearchContext& context) { stats = CollectStats(context.db); });
  if (!read.ok()) return read;
  stats.bytes = DirectoryBytes(impl_->path);
  if (Analytics* analytics = impl_->AnalyticsLog(); analytics == nullptr) {
    stats.analytics = impl_->analytics_status.message();
  } else if (Status health = analytics->Health(); !health.ok()) {
    stats.analytics = health.message();
  }
  return stats;
}

Result<std::vector<GrantedDocument>> Engine::DocumentsGrantedTo(const Grant& grant, std::size_t limit,
                                                                bool* truncated) {
  if (limit < 1 || limit > 100000) {
    return Status::InvalidArgument("limit " + std::to_string(limit) + ": must be 1..100000");
  }
  Result<std::vector<GrantedDocument>> found = std::vector<GrantedDocument>{};
  bool more = false;
  Status read = impl_->Read("documents granted", [&](const SearchContext& context) {
    found = CollectGranted(context.db, grant, limit, more);
  });
  if (!read.ok()) return read;
  if (truncated != nullptr) *truncated = more;
  return found;
}

Result<IndexSettings> Engine::Settings() {
  Result<IndexSettings> settings = IndexSettings{};
  Status read = impl_->Read("settings", [&](const SearchContext& context) { settings = context.snapshot.settings(); });
  if (!read.ok()) return read;
  return settings;
}

EngineOptions Engine::EffectiveOptions() {
  EngineOptions effective = impl_->options;
  Status read = impl_->Read("settings", [&](const SearchContext& context) { effective = context.snapshot.options(); });
  (void)read;  // unreadable: the engine's own options
  return effective;
}

Result<std::vector<SynonymRule>> Engine::Synonyms() {
  Result<std::vector<SynonymRule>> rules = std::vector<SynonymRule>{};
  Status read =
      impl_->Read("synonyms", [&](const SearchContext& context) { rules = context.snapshot.synonym_rules(); });
  if (!read.ok()) return read;
  return rules;
}

const std::string& Engine::path() const { return impl_->path; }

Analytics* Engine::analytics() { return impl_->AnalyticsLog(); }

const Status& Engine::analytics_status() const {
  (void)impl_->AnalyticsLog();  // the status of the attempt, made now if not yet
  return impl_->analytics_status;
}

}  // namespace portalkb
