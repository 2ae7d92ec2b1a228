#include "auth.h"

#include <chrono>

#include "core/text.h"

namespace portalkb::server {

Authenticator::Authenticator(AuthOptions options) : options_(std::move(options)) {}

long long Authenticator::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<Caller> Authenticator::Identify(std::string_view authorization) const {
  Caller caller;
  if (authorization.empty()) {
    if (options_.demo) return caller;
    return Status::Unauthenticated("a key is needed: send Authorization: Bearer KEY");
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || AsciiLower(authorization.substr(0, kBearer.size())) != "bearer ") {
    return Status::Unauthenticated("Authorization header: expected 'Bearer KEY'");
  }
  const std::string_view key = Trim(authorization.substr(kBearer.size()));
  if (key.size() > kMaxSearchKeyBytes)
    return Status::Unauthenticated("key longer than " + std::to_string(kMaxSearchKeyBytes) + " bytes");
  if (StartsWith(key, kSearchKeyPrefix)) {
    if (options_.secrets.empty())
      return Status::Unauthenticated("search keys are not enabled on this server (--key-secrets)");
    auto claims = VerifySearchKey(key, options_.secrets, Now());
    if (!claims.ok()) return claims.status();
    caller.kind = Caller::Kind::kSearchKey;
    caller.principal = std::move(claims->principal);
    caller.filter = std::move(claims->filter);
    caller.key_id = claims->key_id;
    // Per-key limits count per token (its hash), not per key id: one key id
    // signs the keys of many visitors.
    caller.rate_key = "key:" + Sha256Hex(key).substr(0, 32);
    return caller;
  }
  // Always hash, so a wrong key and a disabled admin take the same time.
  const std::string hash = Sha256Hex(key);
  const bool admin = !options_.admin_key_sha256.empty() && ConstantTimeEquals(hash, options_.admin_key_sha256);
  const bool metrics = !options_.metrics_key_sha256.empty() && ConstantTimeEquals(hash, options_.metrics_key_sha256);
  if (metrics && !admin) {
    caller.kind = Caller::Kind::kMetrics;
    caller.key_id = "metrics";
    caller.rate_key = "metrics";
    return caller;
  }
  if (!admin) {
    if (options_.session_principal) {
      auto principal = options_.session_principal(std::string(key));
      if (principal.ok()) {
        caller.kind = Caller::Kind::kSession;
        caller.principal = std::move(principal).value();
        caller.key_id = "session";
        caller.rate_key = "session:" + hash.substr(0, 32);
        caller.session_token = std::string(key);
        return caller;
      }
      // Expired, revoked or idle sessions say so; anything else is just
      // not a key this server accepts.
      if (principal.status().message() != "unknown session") return principal.status();
    }
    return Status::Unauthenticated("key not accepted");
  }
  caller.kind = Caller::Kind::kAdmin;
  caller.principal = Principal::Admin();
  caller.key_id = "admin";
  caller.rate_key = "admin";
  return caller;
}

Result<std::string> ParseSha256Hex(std::string_view hex, const std::string& source) {
  const std::string lower = AsciiLower(Trim(hex));
  if (lower.size() != 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Status::InvalidArgument(source +
                                   ": expected the SHA-256 of the admin key as 64 hex digits (portalkb keys hash)");
  }
  return lower;
}

}  // namespace portalkb::server
