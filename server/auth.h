// Who is calling: the bearer key of a request, checked against the admin key
// hash and the search-key secrets. The server's only source of a Principal.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "portalkb/keys.h"
#include "portalkb/principal.h"
#include "portalkb/status.h"

namespace portalkb::server {

struct Caller {
  enum class Kind { kAnonymousDemo, kSearchKey, kAdmin, kMetrics, kSession };
  Kind kind = Kind::kAnonymousDemo;
  Principal principal;        // searches run as this; admin for the admin key (anonymous for the metrics key)
  std::string filter;         // the search key's fixed filter ("" for none)
  std::string key_id;         // for logs: the search key's key id, "admin", or ""
  std::string rate_key;       // what per-key rate limits count on; "" without a key
  std::string session_token;  // kSession: the token (for logout; never logged)
};

struct AuthOptions {
  std::string admin_key_sha256;                // lower-case hex; "" disables admin endpoints
  std::string metrics_key_sha256;              // lower-case hex; "" for none (a key for /metrics only)
  std::map<std::string, std::string> secrets;  // search-key secrets by key id
  bool demo = false;                           // a request without a key searches anonymously
  // Resolves a session token (POST /v1/login) to its user's principal;
  // null when the server has no accounts store.
  std::function<Result<Principal>(const std::string& token)> session_principal;
  std::function<long long()> clock;  // seconds since the epoch; null: system clock
};

// Thread-safety: immutable after construction; Identify is safe to call
// from any number of threads.
class Authenticator {
 public:
  explicit Authenticator(AuthOptions options);

  // `authorization` is the Authorization header ("" when absent). A "Bearer
  // pkb1..." value is a search key; any other bearer value is compared, as a
  // SHA-256 in constant time, with the admin key hash and then the metrics
  // key hash (Kind::kMetrics; the routes decide what it may do), and then,
  // when the server has accounts, looked up as a session token. Unauthenticated with
  // the reason for a missing key (outside demo mode), a malformed header, an
  // expired, tampered or unknown search key, or a wrong admin key.
  Result<Caller> Identify(std::string_view authorization) const;

  bool admin_enabled() const { return !options_.admin_key_sha256.empty(); }
  bool search_keys_enabled() const { return !options_.secrets.empty(); }
  long long Now() const;

 private:
  AuthOptions options_;
};

// Checks that `hex` is a SHA-256 in hex (64 hex digits; case ignored) and
// returns it lower-cased; InvalidArgument naming `source` otherwise.
Result<std::string> ParseSha256Hex(std::string_view hex, const std::string& source);

}  // namespace portalkb::server
