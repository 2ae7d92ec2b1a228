// Server lifecycle and the plumbing every route goes through: CORS, rate
// limits, authentication, error bodies, metrics and the access log.
#include "server.h"

#include <sodium.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "http_errors.h"
#include "portalkb/analytics.h"
#include "portalkb/document.h"
#include "portalkb/json.h"
#include "portalkb/json_value.h"
#include "portalkb/keys.h"
#include "portalkb/oidc_https.h"
#include "server_impl.h"

namespace portalkb::server {
namespace {

int LevelRank(const std::string& level) {
  if (level == "error") return 0;
  if (level == "warn") return 1;
  if (level == "info") return 2;
  if (level == "debug") return 3;
  return -1;
}

std::string NowIso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The body limit of a route, known from its path before the body is read.
std::size_t BodyLimitFor(const ServerLimits& limits, const std::string& method, const std::string& path) {
  if (method == "POST" && path == "/v1/documents") return limits.max_batch_bytes;
  if (method == "PUT" && StartsWith(path, "/v1/documents/")) return limits.max_document_bytes;
  return limits.max_body_bytes;
}

// The demo principals the page offers, matching the bundled corpus's grants.
struct DemoSpec {
  const char* id;
  const char* label;
  const char* org;
  const char* role;
};
constexpr DemoSpec kDemoPrincipals[] = {
    {"anonymous", "Anonymous visitor", "", ""},
    {"acme-customer", "Customer of Acme", "acme", "customer"},
    {"globex-finance", "Finance at Globex", "globex", "finance"},
    {"support-agent", "Support agent", "", "support-agent"},
    {"editor", "Editor (sees drafts)", "", "editor"},
};

}  // namespace

Status ValidateServerOptions(const ServerOptions& o) {
  if (o.db.empty()) return Status::InvalidArgument("--db: an index directory is needed");
  if (o.port < 0 || o.port > 65535)
    return Status::InvalidArgument("port " + std::to_string(o.port) + ": must be 0..65535");
  if (o.threads < 1 || o.threads > 256)
    return Status::InvalidArgument("threads " + std::to_string(o.threads) + ": must be 1..256");
  if (o.commit_interval_ms < 50 || o.commit_interval_ms > 60000) {
    return Status::InvalidArgument("commit interval " + std::to_string(o.commit_interval_ms) +
                                   " ms: must be 50..60000");
  }
  if (o.read_timeout_ms < 1 || o.write_timeout_ms < 1) return Status::InvalidArgument("timeouts must be at least 1 ms");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  if (LevelRank(o.log_level) < 0)
    return Status::InvalidArgument("log level '" + o.log_level + "': error, warn, info or debug");
  for (const RateLimit* r : {&o.per_key, &o.per_client}) {
    if (r->rate < 0 || (r->rate > 0 && r->burst < 1)) {
      return Status::InvalidArgument("rate limit: rate must be >= 0 and burst >= 1");
    }
  }
  if (!o.oidc.issuer.empty()) {
    if (o.accounts_key_file.empty()) {
      return Status::InvalidArgument("single sign-on needs accounts (--accounts-key-file)");
    }
    if (o.oidc.audiences.empty()) return Status::InvalidArgument("single sign-on needs an audience (--oidc-audience)");
    if (o.oidc.jwks_file.empty() == o.oidc.jwks_url.empty()) {
      return Status::InvalidArgument("single sign-on needs exactly one of --oidc-jwks-file and --oidc-jwks-url");
    }
  }
  if (!o.admin_key_sha256.empty()) {
    auto hex = ParseSha256Hex(o.admin_key_sha256, "admin key hash");
    if (!hex.ok()) return hex.status();
  }
  if (!o.metrics_key_sha256.empty()) {
    auto hex = ParseSha256Hex(o.metrics_key_sha256, "metrics key hash");
    if (!hex.ok()) return hex.status();
  }
  return Status::Ok();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  if (Status s = ValidateServerOptions(options); !s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  if (!options.admin_key_sha256.empty()) options.admin_key_sha256 = *ParseSha256Hex(options.admin_key_sha256, "");
  if (!options.metrics_key_sha256.empty()) {
    options.metrics_key_sha256 = *ParseSha256Hex(options.metrics_key_sha256, "");
  }
  impl->options = options;
  Impl& s = *impl;

  // The writer first: it creates an empty index for an admin to fill.
  if (!options.admin_key_sha256.empty()) {
    auto committer = IndexCommitter::Open(options.db, options.commit_interval_ms);
    if (!committer.ok()) return committer.status();
    s.committer = std::move(committer).value();
  }
  auto engine = Engine::Open(options.db, options.engine);
  if (!engine.ok()) return engine.status();
  s.engine = std::move(engine).value();

  if (options.demo) {
    if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
    std::string demo_secret;
    std::string demo_key_id;
    if (options.key_secrets.empty()) {
      // A fresh secret per run: demo keys die with the process.
      unsigned char random[32];
      randombytes_buf(random, sizeof random);
      char hex[65];
      sodium_bin2hex(hex, sizeof hex, random, sizeof random);
      demo_key_id = "demo";
      options.key_secrets[demo_key_id] = hex;
    }
    demo_key_id = options.key_secrets.begin()->first;
    demo_secret = options.key_secrets.begin()->second;
    const long long now = options.clock ? options.clock() : std::time(nullptr);
    for (const auto& d : kDemoPrincipals) {
      SearchKeyClaims claims;
      claims.key_id = demo_key_id;
      claims.principal.org = d.org;
      if (*d.role != '\0') claims.principal.roles = {d.role};
      claims.is_public = *d.org == '\0' && *d.role == '\0';
      claims.expires_at = now + 7 * 24 * 3600;
      auto key = MintSearchKey(demo_secret, claims, now);
      if (!key.ok()) return key.status();
      s.demo_principals.push_back({d.id, d.label, key.value()});
    }
    s.options.key_secrets = options.key_secrets;
  }

  if (!options.accounts_key_file.empty()) {
    PortalOptions portal;
    portal.accounts.key_file = options.accounts_key_file;
    if (options.accounts_pwhash_opslimit > 0) portal.accounts.pwhash_opslimit = options.accounts_pwhash_opslimit;
    if (options.accounts_pwhash_memlimit > 0) portal.accounts.pwhash_memlimit = options.accounts_pwhash_memlimit;
    if (options.clock) portal.accounts.clock = [clock = options.clock] { return static_cast<std::int64_t>(clock()); };
    if (options.clock) portal.audit.clock = options.clock;
    auto opened = Portal::Open(options.db, std::move(portal));
    if (!opened.ok()) return opened.status();
    s.portal = std::move(opened).value();
    if (!options.oidc.issuer.empty()) {
      JwksSourceOptions jwks;
      jwks.file = options.oidc.jwks_file;
      jwks.url = options.oidc.jwks_url;
      if (!jwks.url.empty()) {
        HttpsFetchOptions fetch;
        fetch.allow_http_loopback = options.oidc.allow_http_loopback;
        jwks.fetch = MakeHttpsJwksFetcher(fetch);
      }
      if (options.clock) jwks.clock = options.clock;
      auto source = JwksSource::Create(std::move(jwks));
      if (!source.ok()) return source.status();
      s.jwks = std::move(source).value();
    }
  }

  if (s.portal) {
    s.audit = &s.portal->audit();
  } else if (s.committer) {
    AuditOptions audit;
    if (options.clock) audit.clock = options.clock;
    auto trail = AuditTrail::OpenForIndex(options.db, audit);
    if (!trail.ok()) return trail.status();
    s.own_audit = std::move(trail).value();
    s.audit = s.own_audit.get();
  }

  AuthOptions auth;
  auth.admin_key_sha256 = options.admin_key_sha256;
  auth.metrics_key_sha256 = options.metrics_key_sha256;
  auth.secrets = s.options.key_secrets;
  auth.demo = options.demo;
  auth.clock = options.clock;
  if (s.portal) {
    Portal* portal = s.portal.get();
    auth.session_principal = [portal](const std::string& token) {
      return portal->accounts().PrincipalForSession(token);
    };
  }
  s.auth = std::make_unique<Authenticator>(std::move(auth));
  s.key_limiter = std::make_unique<RateLimiter>(options.per_key);
  s.client_limiter = std::make_unique<RateLimiter>(options.per_client);

  if (!options.tls_cert_file.empty()) {
    for (const auto& f : {options.tls_cert_file, options.tls_key_file}) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(f, ec)) return Status::IOError(f + ": no such file");
    }
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(), options.tls_key_file.c_str());
    if (!tls->is_valid()) {
      return Status::InvalidArgument("TLS: cannot load the certificate " + options.tls_cert_file + " with the key " +
                                     options.tls_key_file + " (PEM files that belong together are needed)");
    }
    s.http = std::move(tls);
    s.tls = true;
  } else {
    s.http = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *s.http;
  const int threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http.set_read_timeout(options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000);
  http.set_write_timeout(options.write_timeout_ms / 1000, (options.write_timeout_ms % 1000) * 1000);
  http.set_keep_alive_timeout(options.keep_alive_timeout_s);
  // httplib serves a connection on one pool thread until it closes; an idle
  // one lets go after keep_alive_timeout_s, a busy one after this many requests.
  http.set_keep_alive_max_count(100);
  // Small JSON answers: without this, Nagle and delayed ACKs add up to 40 ms.
  http.set_tcp_nodelay(true);
  // The hard cap for any body (chunked ones included); per-route limits are
  // checked on Content-Length before the body is read.
  http.set_payload_max_length(
      std::max({options.limits.max_body_bytes, options.limits.max_document_bytes, options.limits.max_batch_bytes}));
  Impl* self = impl.get();
  http.set_pre_routing_handler([self](const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("Content-Length")) {
      const std::string value = req.get_header_value("Content-Length");
      const std::size_t limit = BodyLimitFor(self->options.limits, req.method, req.path);
      if (value.size() > 19 || value.find_first_not_of("0123456789") != std::string::npos ||
          std::stoull(value) > limit) {
        self->SetCors(req, res);
        self->WriteError(res, Status::ResourceExhausted("request body over the limit of " + std::to_string(limit) +
                                                        " bytes for " + req.method + " " + req.path));
        res.set_header("Connection", "close");
        self->metrics.Record("body_too_large", res.status, 0);
        if (self->LogEnabled("info")) {
          self->Log("info", DumpJson(nlohmann::json{{"ts", NowIso()},
                                                    {"level", "info"},
                                                    {"method", req.method},
                                                    {"path", Abbreviate(req.path, 200)},
                                                    {"endpoint", "body_too_large"},
                                                    {"status", res.status},
                                                    {"client", req.remote_addr}}));
        }
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own refusals (no route, a body over the hard cap, a bad
  // request line) get the same error body as ours.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([self](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        self->SetCors(req, res);
        const int code = res.status;
        Status status = code == 404   ? Status::NotFound("no such endpoint: " + req.method + " " + Abbreviate(req.path))
                        : code == 413 ? Status::ResourceExhausted("request body too large")
                        : code == 405 ? Status::InvalidArgument("method not allowed")
                        : code >= 500 ? Status::Internal("server error")
                                      : Status::InvalidArgument("bad request");
        res.set_content(ToJson(status), "application/json");
        // Requests no route took still count, under one name (paths are unbounded).
        self->metrics.Record("unmatched", res.status, 0);
        if (self->LogEnabled("info")) {
          self->Log("info", DumpJson(nlohmann::json{{"ts", NowIso()},
                                                    {"level", "info"},
                                                    {"method", req.method},
                                                    {"path", Abbreviate(req.path, 200)},
                                                    {"endpoint", "unmatched"},
                                                    {"status", res.status},
                                                    {"client", req.remote_addr}}));
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([self](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    self->WriteError(res, Status::Internal("unexpected failure"));
  });
  // CORS preflight for every path.
  http.Options(R"(/.*)", [self](const httplib::Request& req, httplib::Response& res) {
    self->SetCors(req, res);
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    res.status = 204;
  });
  s.AddApiRoutes();
  s.AddAdminRoutes();
  s.AddPageRoutes();
  s.AddAccountRoutes();

  if (options.port == 0) {
    s.bound_port = http.bind_to_any_port(options.host);
    if (s.bound_port <= 0) return Status::IOError("cannot listen on " + options.host + " (any port)");
  } else {
    if (!http.bind_to_port(options.host, options.port)) {
      return Status::IOError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                             " (in use, or not an address of this host)");
    }
    s.bound_port = options.port;
  }

  if (options.demo) {
    s.Log("warn", "demo mode: searches without a key run as an anonymous visitor; do not expose this server");
  }
  if (!s.auth->admin_enabled()) s.Log("info", "admin endpoints are disabled: no admin key (--admin-key-hash)");
  if (!options.demo && !s.auth->admin_enabled() && options.metrics_key_sha256.empty()) {
    s.Log("info", "/metrics is closed: it needs the admin key or a metrics key (--metrics-key-hash)");
  }
  if (!s.auth->search_keys_enabled() && !options.demo) {
    s.Log("info", s.auth->admin_enabled()
                      ? "no search-key secrets (--key-secrets): searches need a key, so only the admin key can search"
                      : "no keys configured: every search needs a key and is answered 401 (--key-secrets, "
                        "--admin-key-hash, or --demo to try it out)");
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return impl_->bound_port; }

std::string Server::url() const {
  return std::string(impl_->tls ? "https://" : "http://") + impl_->options.host + ":" + std::to_string(port()) + "/";
}

Status Server::Run() {
  Impl& s = *impl_;
  s.run_started = true;
  if (!s.stopping) {
    s.Log("info", "listening on " + url());
    s.http->listen_after_bind();
  }
  s.run_finished = true;
  // In-flight requests are done (httplib joins its workers); now make their
  // effects durable.
  Status result;
  if (s.committer) {
    if (Status c = s.committer->CommitPending(); !c.ok()) result = c;
    s.committer->Stop();
  }
  if (Analytics* analytics = s.engine->analytics()) {
    if (Status f = analytics->Flush(); !f.ok() && result.ok()) result = f;
  }
  s.Log("info", "stopped");
  return result;
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  // Run() may be about to listen: wait until it does (or has given up), so
  // the stop is not lost.
  if (s.run_started) {
    while (!s.http->is_running() && !s.run_finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s.http->stop();
}

// --- plumbing ---------------------------------------------------------------

void Server::Impl::Add(const char* method, const std::string& pattern, std::string name, Need need, Route route) {
  auto handler = [this, name = std::move(name), need, route = std::move(route)](
                     const httplib::Request& req, httplib::Response& res) { Dispatch(name, need, route, req, res); };
  const std::string m = method;
  if (m == "GET")
    http->Get(pattern, handler);
  else if (m == "POST")
    http->Post(pattern, handler);
  else if (m == "PUT")
    http->Put(pattern, handler);
  else if (m == "DELETE")
    http->Delete(pattern, handler);
}

void Server::Impl::Dispatch(const std::string& name, Need need, const Route& route, const httplib::Request& req,
                            httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  SetCors(req, res);
  // Answers depend on the key: no shared cache may keep or reuse them.
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  Caller caller;
  Status error;
  int retry_after = 0;
  std::string log_query;
  if (int wait = client_limiter->Take("addr:" + req.remote_addr); wait > 0) {
    error = Status::ResourceExhausted("rate limit of this client address reached");
    retry_after = wait;
  } else if (need != Need::kNothing) {
    auto who = auth->Identify(req.get_header_value("Authorization"));
    if (!who.ok()) {
      error = who.status();
    } else {
      caller = std::move(who).value();
      if (need == Need::kAdmin && caller.kind != Caller::Kind::kAdmin) {
        error = !auth->admin_enabled()
                    ? Status::PermissionDenied("admin endpoints are disabled: the server has no admin key")
                : caller.kind == Caller::Kind::kMetrics
                    ? Status::PermissionDenied(name + " needs the admin key; the metrics key may only read /metrics")
                    : Status::PermissionDenied(name + " needs the admin key; a search key may only search");
      } else if (need == Need::kSession && caller.kind != Caller::Kind::kSession) {
        error = Status::Unauthenticated(name + " needs a session token: log in with POST /v1/login");
      } else if (need == Need::kMetrics &&
                 (caller.kind == Caller::Kind::kSearchKey || caller.kind == Caller::Kind::kSession)) {
        error =
            Status::PermissionDenied("/metrics needs the admin key or the metrics key; a search key may only search");
      } else if (need == Need::kSearchKey && caller.kind == Caller::Kind::kMetrics) {
        error = Status::PermissionDenied(name + ": the metrics key may only read /metrics");
      } else if (caller.kind == Caller::Kind::kSearchKey || caller.kind == Caller::Kind::kSession) {
        if (int wait = key_limiter->Take(caller.rate_key); wait > 0) {
          error = Status::ResourceExhausted("rate limit of this key reached");
          retry_after = wait;
        }
      }
    }
  }
  if (error.ok()) {
    try {
      auto reply = route(req, caller);
      if (reply.ok()) {
        res.status = reply->http;
        for (const auto& [k, v] : reply->headers) res.set_header(k, v);
        log_query = std::move(reply->log_query);
        res.set_content(std::move(reply->body), reply->content_type);
      } else {
        error = reply.status();
      }
    } catch (const std::exception& e) {
      // Nothing below throws by contract; if something does, answer 500
      // rather than drop the connection, and log it.
      Log("error", std::string("unexpected exception in ") + name + ": " + e.what());
      error = Status::Internal("unexpected failure");
    }
  }
  if (!error.ok()) WriteError(res, error, retry_after);

  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  metrics.Record(name, res.status, ms);
  if (LogEnabled("info")) {
    nlohmann::json line = {{"ts", NowIso()},
                           {"level", "info"},
                           {"method", req.method},
                           {"path", Abbreviate(req.path, 200)},
                           {"endpoint", name},
                           {"status", res.status},
                           {"ms", static_cast<double>(static_cast<long long>(ms * 100)) / 100},
                           {"client", req.remote_addr}};
    if (!caller.key_id.empty()) line["key_id"] = caller.key_id;
    // The query may hold personal data: only its redacted form is logged.
    for (const char* q : {"q", "query", "prefix"}) {
      if (req.has_param(q)) line["q"] = RedactPersonalData(req.get_param_value(q), 200);
    }
    if (!log_query.empty()) line["q"] = RedactPersonalData(log_query, 200);
    if (!error.ok()) line["error"] = StatusCodeName(error.code());
    Log("info", DumpJson(line));
  }
}

void Server::Impl::RecordAdmin(const std::string& action, const nlohmann::json& detail) {
  if (audit == nullptr) return;
  AuditRecord record;
  record.actor = "admin-key";
  record.action = action;
  record.detail = DumpJson(detail);
  if (auto appended = audit->Append(record); !appended.ok()) {
    Log("error", DumpJson(nlohmann::json{
                     {"ts", NowIso()}, {"level", "error"}, {"audit", action}, {"error", appended.status().message()}}));
  }
}

void Server::Impl::WriteError(httplib::Response& res, const Status& status, int retry_after_s) {
  res.status = HttpStatusFor(status.code(), retry_after_s);
  if (res.status == 401) res.set_header("WWW-Authenticate", "Bearer");
  if (retry_after_s > 0) res.set_header("Retry-After", std::to_string(retry_after_s));
  res.set_content(ToJson(status), "application/json");
}

void Server::Impl::SetCors(const httplib::Request& req, httplib::Response& res) const {
  if (options.cors_origins.empty() || !req.has_header("Origin")) return;
  const std::string origin = req.get_header_value("Origin");
  for (const auto& allowed : options.cors_origins) {
    if (allowed == "*" || allowed == origin) {
      res.set_header("Access-Control-Allow-Origin", allowed == "*" ? "*" : origin);
      res.set_header("Vary", "Origin");
      return;
    }
  }
}

bool Server::Impl::LogEnabled(const std::string& level) const {
  return LevelRank(level) <= LevelRank(options.log_level);
}

void Server::Impl::Log(const std::string& level, const std::string& line) {
  if (!LogEnabled(level)) return;
  std::string text = line;
  if (text.empty() || text.front() != '{') {
    text = DumpJson(nlohmann::json{{"ts", NowIso()}, {"level", level}, {"message", line}});
  }
  MutexLock lock(log_mutex);
  if (options.log_sink) {
    options.log_sink(text);
  } else {
    std::cerr << text << "\n";
  }
}

// --- helpers ----------------------------------------------------------------

QueryOwners::QueryOwners() {
  // Idempotent and thread-safe; on Linux randombytes_buf (getrandom) works
  // even if it failed, so its answer changes nothing here.
  if (sodium_init() < 0) {
    // Nothing to do: the key below is still drawn from getrandom(2).
  }
  randombytes_buf(key_.data(), key_.size());
  MutexLock lock(mutex_);
  // Value-initialised, so every page is written now rather than on first use.
  slots_.resize(kSlots);
  order_.resize(kMaxRemembered);
}

QueryOwners::Digest QueryOwners::Hash(const std::string& text) const {
  Digest d;
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(), key_.data(),
                     key_.size());
  if (d == Digest{}) d[0] = 1;  // keep all zeros for "free"
  return d;
}

std::size_t QueryOwners::Home(const Digest& id) const {
  std::size_t h;
  std::memcpy(&h, id.data(), sizeof h);  // already uniformly random
  return h & (kSlots - 1);
}

std::size_t QueryOwners::Find(const Digest& id) const {
  std::size_t i = Home(id);
  while (slots_[i].id != Digest{} && slots_[i].id != id) i = (i + 1) & (kSlots - 1);
  return i;
}

void QueryOwners::Forget(const Digest& id) {
  std::size_t hole = Find(id);
  if (slots_[hole].id == Digest{}) return;
  --size_;
  // Backward shift: move each later slot of the run into the hole unless its
  // home lies cyclically in (hole, j], where it must stay to be found.
  for (std::size_t j = (hole + 1) & (kSlots - 1); slots_[j].id != Digest{}; j = (j + 1) & (kSlots - 1)) {
    const std::size_t home = Home(slots_[j].id);
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    hole = j;
  }
  slots_[hole] = Slot{};
}

void QueryOwners::Remember(const std::string& query_id, const std::string& owner) {
  if (query_id.empty()) return;
  const Digest id = Hash(query_id);
  const Digest who = Hash(owner);
  MutexLock lock(mutex_);
  if (slots_[Find(id)].id == id) return;
  // The ring slot being reused holds the oldest id once the ring is full.
  Digest& oldest = order_[next_];
  if (size_ == kMaxRemembered) Forget(oldest);
  slots_[Find(id)] = Slot{id, who};  // found again: Forget may have shifted the run
  ++size_;
  oldest = id;
  next_ = (next_ + 1) % kMaxRemembered;
}

QueryOwners::Owner QueryOwners::Check(const std::string& query_id, const std::string& owner) {
  const Digest id = Hash(query_id);
  const Digest who = Hash(owner);
  MutexLock lock(mutex_);
  const Slot& slot = slots_[Find(id)];
  if (slot.id != id) return Owner::kUnknown;
  return slot.owner == who ? Owner::kSame : Owner::kOther;
}

std::string PrincipalFingerprint(const Principal& p) {
  if (p.admin) return "admin";
  std::string roles;
  for (const auto& r : p.roles) roles += (roles.empty() ? "" : ",") + r;
  return "user=" + p.user + ";org=" + p.org + ";roles=" + roles;
}

Result<std::string> Param(const httplib::Request& req, const std::string& name, std::size_t max_bytes) {
  if (!req.has_param(name)) return std::string();
  if (req.get_param_value_count(name) > 1) return Status::InvalidArgument(name + ": given more than once");
  std::string value = req.get_param_value(name);
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(name + ": " + std::to_string(value.size()) + " bytes, over the limit of " +
                                   std::to_string(max_bytes));
  }
  if (!IsValidUtf8(value)) return Status::InvalidArgument(name + ": not valid UTF-8");
  return value;
}

Result<std::size_t> NumberParam(const httplib::Request& req, const std::string& name, std::size_t fallback,
                                std::size_t max) {
  auto text = Param(req, name, 20);
  if (!text.ok()) return text.status();
  if (text->empty()) return fallback;
  if (text->size() > 9 || text->find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(name + " '" + Abbreviate(*text, 20) + "': a whole number 0.." + std::to_string(max) +
                                   " expected");
  }
  const std::size_t value = std::stoul(*text);
  if (value > max) {
    return Status::InvalidArgument(name + " " + *text + ": over the limit of " + std::to_string(max));
  }
  return value;
}

Result<bool> BoolParam(const httplib::Request& req, const std::string& name, bool fallback) {
  auto text = Param(req, name, 8);
  if (!text.ok()) return text.status();
  if (text->empty()) return fallback;
  const std::string v = AsciiLower(*text);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return Status::InvalidArgument(name + " '" + Abbreviate(*text, 8) + "': true or false expected");
}

Result<std::string> DocumentIdFromPath(const httplib::Request& req, std::string_view suffix) {
  constexpr std::string_view kPrefix = "/v1/documents/";
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  const auto no_endpoint = [&] {
    return Status::NotFound("no such endpoint: " + req.method + " " + Abbreviate(std::string(path)) +
                            " (a document id with '/' is sent as %2F)");
  };
  if (!StartsWith(path, kPrefix) || path.size() < kPrefix.size() + suffix.size() ||
      path.substr(path.size() - suffix.size()) != suffix) {
    return no_endpoint();
  }
  const std::string_view encoded = path.substr(kPrefix.size(), path.size() - kPrefix.size() - suffix.size());
  if (encoded.empty() || encoded.find('/') != std::string_view::npos) return no_endpoint();
  std::string id;
  id.reserve(encoded.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      id += encoded[i];
      continue;
    }
    const int high = i + 2 < encoded.size() ? hex(encoded[i + 1]) : -1;
    const int low = high >= 0 ? hex(encoded[i + 2]) : -1;
    if (low < 0) {
      return Status::InvalidArgument("document id in the path: a malformed percent escape at byte " +
                                     std::to_string(kPrefix.size() + i));
    }
    id += static_cast<char>(high * 16 + low);
    i += 2;
  }
  if (Status s = ValidateDocumentId(id); !s.ok()) return Status::InvalidArgument("path: " + s.message());
  return id;
}

Reply JsonReply(std::string body, int http) {
  Reply r;
  r.http = http;
  r.body = std::move(body);
  return r;
}

}  // namespace portalkb::server
