// The portalkb HTTP server: the /v1 JSON API, the search page, health and
// metrics, over one shared Engine and one IndexWriter. A thin shell: it
// authenticates, bounds and parses requests, calls one library API per
// endpoint and writes the answer in the wire format of portalkb/json.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "portalkb/oidc.h"
#include "portalkb/options.h"
#include "portalkb/status.h"
#include "rate_limiter.h"

namespace portalkb::server {

// Bounds on what one request may ask for, on top of the engine's own
// SearchLimits. Over one: 413 for a body, 400 for the rest, naming the limit.
struct ServerLimits {
  std::size_t max_body_bytes = 1u << 20;       // a JSON body (search, settings, synonyms, one document: see below)
  std::size_t max_document_bytes = 11u << 20;  // PUT /v1/documents/{id} (a document body may hold 10 MiB)
  std::size_t max_batch_bytes = 64u << 20;     // POST /v1/documents (NDJSON)
  std::size_t max_batch_lines = 10000;         // documents per batch
  std::size_t max_query_bytes = 1024;          // q / query / prefix
  std::size_t max_page_size = 100;             // limit
  std::size_t max_offset = 10000;              // offset
  std::size_t max_facets = 10;                 // facet fields
  std::size_t max_filters = 16;                // filter expressions (a key's own filter not counted)
  std::size_t max_suggest_limit = 20;
  std::size_t max_related_limit = 20;
};

struct ServerOptions {
  std::string db;  // index directory
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (Server::port() says which)
  // Request threads (1..256). httplib serves a connection on one thread
  // until it closes, so this bounds the concurrent connections served.
  int threads = 16;
  // Serve without keys: a request without Authorization searches as an
  // anonymous visitor, and the page offers demo principals (keys minted at
  // start). For trying portalkb out only; logged and shown on the page.
  bool demo = false;
  std::map<std::string, std::string> key_secrets;  // search-key secrets by key id (keys.h)
  std::string admin_key_sha256;                    // hex SHA-256 of the admin key; "" disables the admin endpoints
  // Hex SHA-256 of a key that may read /metrics and nothing else (for a
  // scraper that must not hold the admin key). /metrics takes it or the
  // admin key; without either it answers 401 (outside demo mode).
  std::string metrics_key_sha256;
  std::string tls_cert_file;  // both or neither: HTTPS
  std::string tls_key_file;
  ServerLimits limits;
  int read_timeout_ms = 5000;  // a request must arrive within this
  int write_timeout_ms = 5000;
  // An idle keep-alive connection keeps its thread this long (seconds).
  int keep_alive_timeout_s = 2;
  RateLimit per_key{20, 40};      // requests per second and burst, per search key (token)
  RateLimit per_client{50, 100};  // per client address
  // Origins allowed to call the API from a browser ("https://portal.example");
  // "*" allows any. Empty: no CORS headers.
  std::vector<std::string> cors_origins;
  int commit_interval_ms = 1000;   // pending writes are committed at least this often (50..60000)
  std::string log_level = "info";  // error, warn, info (access log), debug
  // Lines of the access and event log (one JSON object each); null: stderr.
  std::function<void(const std::string&)> log_sink;
  // Seconds since the epoch, for key expiry; null: the system clock.
  std::function<long long()> clock;
  EngineOptions engine;
  // Accounts: the key file sealing the accounts store's personal fields.
  // Set: the accounts store and audit trail beside the index are opened,
  // the account endpoints (/v1/login, /v1/me, /v1/account-requests, ...)
  // answer, and a session token from /v1/login is a key that searches as
  // its user. Empty: those endpoints answer 404.
  std::string accounts_key_file;
  // Argon2id cost and the like for tests; the library's defaults otherwise.
  std::uint64_t accounts_pwhash_opslimit = 0;  // 0: the library default
  std::size_t accounts_pwhash_memlimit = 0;
  // Single sign-on (POST /v1/login/oidc): tokens of `issuer` for one of
  // `audiences`, verified against a JWKS file or an https URL; claims give
  // the user, organisation and roles. Needs accounts_key_file. Empty
  // issuer: no single sign-on.
  struct Oidc {
    std::string issuer;
    std::vector<std::string> audiences;
    std::string jwks_file;
    std::string jwks_url;
    bool allow_http_loopback = false;  // tests: a JWKS served on http://127.0.0.1
    ClaimMapping claims;
    std::string email_claim = "email";  // "" for none
    std::string name_claim = "name";
  } oidc;
};

// InvalidArgument naming the first option out of range.
Status ValidateServerOptions(const ServerOptions& options);

// Thread-safety: Stop() may be called from any thread (e.g. a signal
// watcher) while Run() serves; everything else from one thread.
class Server {
 public:
  // Opens the index (and, when an admin key is set, its writer, creating an
  // empty index if there is none), loads TLS material and binds the port.
  // IndexNotFound without an index and without an admin key; Busy when
  // another writer holds the index; IOError when the port cannot be bound.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  // "http://127.0.0.1:8080/" (https with TLS).
  std::string url() const;

  // Serves until Stop(); then, after in-flight requests have finished,
  // commits pending writes and flushes analytics. The first failure of
  // those is returned.
  Status Run();
  // Stops accepting connections; Run() returns once in-flight requests
  // are done. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace portalkb::server
