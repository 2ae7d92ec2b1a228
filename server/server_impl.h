// Internals of Server shared by its source files: the plumbing every route
// goes through (server.cc) and the routes themselves (api_routes.cc,
// admin_routes.cc, page.cc).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth.h"
#include "core/thread_annotations.h"
#include "index_committer.h"
#include "metrics.h"
#include "portalkb/engine.h"
#include "portalkb/oidc.h"
#include "portalkb/portal.h"
#include "rate_limiter.h"
#include "server.h"

namespace portalkb::server {

// What a route answers on success; failures are a Status.
struct Reply {
  int http = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string log_query;  // a query from a body, for the access log (redacted there)
};

enum class Need {
  kNothing,    // health, metrics, the page
  kSearchKey,  // search endpoints: a search key, the admin key, or none in demo mode
  kAdmin,      // admin endpoints: the admin key only
  kSession,    // account endpoints: a session token from /v1/login only
  kMetrics,    // /metrics: the admin key or the metrics key, or none in demo mode
};

// Which search made a query id, so events on it are attributed to that
// search's principal only. Bounded: the oldest ids are forgotten first.
// Ids and owners are kept as 16-byte keyed BLAKE2b digests (a random key per
// process, so no one can craft two owners with one digest) in a table and a
// ring that are allocated and written up front (about 6 MiB): the server's
// memory does not grow as it remembers its first kMaxRemembered searches.
// The table is open addressing with linear probing; an all-zero id marks a
// free slot (a digest is all zeros with probability 2^-128), and forgetting
// an id shifts the slots after it back, so lookups never meet tombstones.
class QueryOwners {
 public:
  static constexpr std::size_t kMaxRemembered = 100000;

  QueryOwners();
  void Remember(const std::string& query_id, const std::string& owner);
  enum class Owner { kUnknown, kSame, kOther };
  // Whether `owner` made the search `query_id`; kUnknown when the id is not
  // remembered (forgotten, or from before a restart).
  Owner Check(const std::string& query_id, const std::string& owner);

 private:
  using Digest = std::array<unsigned char, 16>;
  struct Slot {
    Digest id{};  // all zeros: free
    Digest owner{};
  };
  static constexpr std::size_t kSlots = std::size_t{1} << 17;  // > kMaxRemembered / 0.8
  Digest Hash(const std::string& text) const;
  std::size_t Home(const Digest& id) const;
  // The slot holding `id`, or the free slot where it would go.
  std::size_t Find(const Digest& id) const REQUIRES(mutex_);
  void Forget(const Digest& id) REQUIRES(mutex_);

  std::array<unsigned char, 32> key_{};  // BLAKE2b key; immutable after construction
  Mutex mutex_;
  std::vector<Slot> slots_ GUARDED_BY(mutex_);
  std::vector<Digest> order_ GUARDED_BY(mutex_);  // a ring of kMaxRemembered ids, oldest at next_
  std::size_t next_ GUARDED_BY(mutex_) = 0;
  std::size_t size_ GUARDED_BY(mutex_) = 0;
};

// A stable description of a principal for attribution ("user=jan;org=acme;roles=a,b").
std::string PrincipalFingerprint(const Principal& principal);

struct Server::Impl {
  using Route = std::function<Result<Reply>(const httplib::Request&, const Caller&)>;

  ServerOptions options;
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<IndexCommitter> committer;  // null when admin endpoints are disabled
  std::unique_ptr<Portal> portal;             // null without accounts_key_file
  std::unique_ptr<JwksSource> jwks;           // null without single sign-on
  // The audit trail admin writes are recorded in: the portal's, or one of
  // the server's own when it has an admin key but no accounts.
  std::unique_ptr<AuditTrail> own_audit;
  AuditTrail* audit = nullptr;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<RateLimiter> key_limiter;
  std::unique_ptr<RateLimiter> client_limiter;
  Metrics metrics;
  QueryOwners query_owners;
  std::atomic<bool> stopping{false};
  std::atomic<bool> run_started{false};
  std::atomic<bool> run_finished{false};
  int bound_port = 0;
  bool tls = false;
  // Demo mode: labelled principals and the keys minted for them.
  struct DemoPrincipal {
    std::string id, label, key;
  };
  std::vector<DemoPrincipal> demo_principals;
  Mutex log_mutex;

  // Registers `route` for `method` and `pattern` (an httplib regex) under
  // the metrics/log name `name`; every request goes through Dispatch.
  void Add(const char* method, const std::string& pattern, std::string name, Need need, Route route);
  void Dispatch(const std::string& name, Need need, const Route& route, const httplib::Request& req,
                httplib::Response& res);
  void WriteError(httplib::Response& res, const Status& status, int retry_after_s = 0);
  void SetCors(const httplib::Request& req, httplib::Response& res) const;
  void Log(const std::string& level, const std::string& line);
  // Records an admin action (after it was accepted) in the audit trail;
  // a failure to record is logged, not answered.
  void RecordAdmin(const std::string& action, const nlohmann::json& detail);
  bool LogEnabled(const std::string& level) const;

  void AddApiRoutes();      // api_routes.cc
  void AddAdminRoutes();    // admin_routes.cc
  void AddPageRoutes();     // page.cc
  void AddAccountRoutes();  // account_routes.cc
};

// Request helpers shared by the routes.
// The one value of query parameter `name` ("" when absent); InvalidArgument
// when it is over `max_bytes`.
Result<std::string> Param(const httplib::Request& req, const std::string& name, std::size_t max_bytes = 4096);
// A whole number in [0, max] or `fallback` when absent; InvalidArgument naming it otherwise.
Result<std::size_t> NumberParam(const httplib::Request& req, const std::string& name, std::size_t fallback,
                                std::size_t max);
// true/false/1/0/yes/no; `fallback` when absent.
Result<bool> BoolParam(const httplib::Request& req, const std::string& name, bool fallback);
Reply JsonReply(std::string body, int http = 200);
// The document id of /v1/documents/{id}{suffix}, read from the request's
// raw target (httplib routes on the decoded path, where an id's %2F is a
// '/'): the one path segment after /v1/documents/, percent-decoded once and
// checked with the library's id rules. NotFound (no such endpoint) when the
// raw path is not of that form, e.g. an id with a literal '/';
// InvalidArgument for a malformed escape or an invalid id.
Result<std::string> DocumentIdFromPath(const httplib::Request& req, std::string_view suffix);

}  // namespace portalkb::server
