// portalkb serve: the HTTP server (server/) over one index.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "cli_common.h"
#include "portalkb/keys.h"
#include "server.h"
#include "server_config.h"

namespace portalkb::cli {

int RunServe(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, listen, config, key_secrets, admin_hash_file, metrics_hash_file, tls_cert, tls_key, log_level;
  int threads = 0;
  std::vector<std::string> cors;
  std::string accounts_key_file;
  server::ServerOptions::Oidc oidc;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "listen", po::value(&listen), "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one)")(
      "threads", po::value(&threads), "request threads, one per connection being served (default 16)")(
      "config", po::value(&config), "YAML configuration file (limits, rate limits, CORS, timeouts); options here win")(
      "demo", "serve without keys: anonymous searches and demo principals on the page (never in production)")(
      "key-secrets", po::value(&key_secrets), "search-key secrets: KEY_ID SECRET lines, mode 600")(
      "admin-key-hash", po::value(&admin_hash_file),
      "file with the SHA-256 (hex) of the admin key (portalkb keys hash); or env PORTALKB_ADMIN_KEY_SHA256")(
      "metrics-key-hash", po::value(&metrics_hash_file),
      "file with the SHA-256 (hex) of a key for /metrics only; or env PORTALKB_METRICS_KEY_SHA256")(
      "tls-cert", po::value(&tls_cert), "PEM certificate (with --tls-key: serve HTTPS)")("tls-key", po::value(&tls_key),
                                                                                         "PEM private key")(
      "cors-origin", po::value(&cors)->composing(), "an origin allowed to call the API from a browser (repeatable)")(
      "log-level", po::value(&log_level), "error, warn, info (access log; default) or debug")(
      "accounts-key-file", po::value(&accounts_key_file),
      "the accounts key file (mode 600): enables /v1/login, /v1/me and account requests")(
      "oidc-issuer", po::value(&oidc.issuer), "single sign-on: the identity provider's issuer (\"iss\")")(
      "oidc-audience", po::value(&oidc.audiences)->composing(), "single sign-on: an accepted audience (repeatable)")(
      "oidc-jwks-file", po::value(&oidc.jwks_file), "single sign-on: the provider's JWKS as a file")(
      "oidc-jwks-url", po::value(&oidc.jwks_url), "single sign-on: the provider's JWKS URL (https)")(
      "oidc-org-claim", po::value(&oidc.claims.org_claim)->default_value("org_id"),
      "single sign-on: the claim naming the organisation")(
      "oidc-roles-claim", po::value(&oidc.claims.roles_claim)->default_value("roles"),
      "single sign-on: the claim listing the roles (dots walk into objects)");
  bool help = false;
  auto vm =
      ParseOptions("serve", args, options, {},
                   "--db DIR [--listen 127.0.0.1:8080] [--threads N] [--config FILE] [--demo] [--key-secrets FILE] "
                   "[--admin-key-hash FILE] [--metrics-key-hash FILE] [--tls-cert F --tls-key F] [--log-level L]",
                   help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  server::ServerOptions o;
  o.db = db;
  if (!config.empty()) {
    std::ifstream in(config, std::ios::binary);
    if (!in) return ReportError("serve", Status::InvalidArgument("--config " + config + ": cannot be read"));
    std::string text;
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (text.size() > (1u << 20))
      return ReportError("serve", Status::InvalidArgument("--config " + config + ": over 1 MiB"));
    if (Status s = server::ApplyServerConfig(text, config, o); !s.ok()) return ReportError("serve", s);
  }
  if (!listen.empty()) {
    if (Status s = server::ParseListenAddress(listen, o); !s.ok()) return ReportError("serve", s);
  }
  if (vm->count("threads")) o.threads = threads;  // range checked by the server
  if (vm->count("demo")) o.demo = true;
  if (!log_level.empty()) o.log_level = log_level;
  if (!tls_cert.empty()) o.tls_cert_file = tls_cert;
  if (!tls_key.empty()) o.tls_key_file = tls_key;
  if (!cors.empty()) o.cors_origins = cors;
  if (!accounts_key_file.empty()) o.accounts_key_file = accounts_key_file;
  if (!oidc.issuer.empty()) o.oidc = oidc;
  if (!key_secrets.empty()) {
    auto secrets = LoadKeySecrets(key_secrets);
    if (!secrets.ok()) return ReportError("serve", secrets.status());
    o.key_secrets = std::move(secrets).value();
  }
  // A hash file and its environment variable are alternatives, never both.
  struct KeyHash {
    const std::string& file;
    const char* option;
    const char* env;
    Status (*load)(const std::string&, server::ServerOptions&);
    std::string server::ServerOptions::*field;
  };
  for (const KeyHash& k : {KeyHash{admin_hash_file, "--admin-key-hash", "PORTALKB_ADMIN_KEY_SHA256",
                                   server::LoadAdminKeyHash, &server::ServerOptions::admin_key_sha256},
                           KeyHash{metrics_hash_file, "--metrics-key-hash", "PORTALKB_METRICS_KEY_SHA256",
                                   server::LoadMetricsKeyHash, &server::ServerOptions::metrics_key_sha256}}) {
    const char* env_hash = std::getenv(k.env);
    const bool env_set = env_hash != nullptr && *env_hash != '\0';
    if (!k.file.empty() && env_set) {
      return ReportError("serve",
                         Status::InvalidArgument(std::string(k.option) + " and " + k.env + " both given; use one"));
    }
    if (!k.file.empty()) {
      if (Status s = k.load(k.file, o); !s.ok()) return ReportError("serve", s);
    } else if (env_set) {
      o.*k.field = env_hash;
    }
  }

  // SIGINT and SIGTERM are handled by one watcher thread (sigwait), never
  // by an asynchronous handler; every other thread inherits them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto created = server::Server::Create(std::move(o));
  if (!created.ok() && created.status().code() == StatusCode::kIndexNotFound) {
    return ReportError("serve", Status::IndexNotFound(created.status().message() +
                                                      " (make one with portalkb index, or give an admin key: the "
                                                      "server then starts with an empty index)"));
  }
  if (!created.ok()) return ReportError("serve", created.status());
  server::Server& srv = *created.value();
  std::cerr << "portalkb serve: " << srv.url() << (vm->count("demo") ? " (demo mode: open to anyone)" : "") << "\n";
  std::thread watcher([&srv, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    srv.Stop();
  });
  const Status run = srv.Run();
  // Run ended without a signal (a listen failure): release the watcher.
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  if (!run.ok()) return ReportError("serve", run);
  return kExitOk;
}

}  // namespace portalkb::cli
