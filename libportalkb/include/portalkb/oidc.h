// Single sign-on tokens: verifies an OpenID Connect ID token or a JWT access
// token (RFC 7519, JWS compact form RFC 7515) issued by a customer-identity
// platform (Okta, Azure AD B2C, Keycloak) against the provider's JSON Web Key
// Set (RFC 7517), and maps its claims to a Principal.
//
// Only RS256 (RSA PKCS#1 v1.5, SHA-256, keys of 2048 bits or more) and ES256
// (ECDSA P-256, SHA-256, signatures in the JOSE r||s form of RFC 7518 3.4)
// are accepted; "none" and every HMAC algorithm are refused whatever the
// options say, so a token "signed" with the public key as an HMAC secret can
// never pass. Signatures are checked with OpenSSL 3 (EVP) before any claim is
// read; every refusal is Unauthenticated with the reason.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "portalkb/principal.h"
#include "portalkb/status.h"

namespace portalkb {

inline constexpr std::size_t kMaxTokenBytes = 16 * 1024;
inline constexpr std::size_t kMaxJwksBytes = 1024 * 1024;
inline constexpr std::size_t kMaxJwksKeys = 100;

// What a JWKS says about one of its keys (the key material stays inside).
struct JwkInfo {
  std::string kid{};
  std::string kty{};  // "RSA" or "EC"
  std::string alg{};  // "" when the set does not say
  std::string use{};  // "" or "sig"
  int bits = 0;       // RSA modulus size, 256 for P-256
};

// A parsed key set: immutable, cheap to copy (shared), thread-safe.
class Jwks {
 public:
  // Parses {"keys": [...]}. Keys of other types (oct, OKP, EC on other
  // curves) or with use "enc" are skipped, as RFC 7517 5 allows; a usable
  // key that is malformed (bad base64url, a point off the curve, an RSA
  // modulus under 2048 bits) or a repeated kid is InvalidArgument naming
  // keys[i]. At most kMaxJwksBytes and kMaxJwksKeys keys.
  static Result<Jwks> Parse(std::string_view json);
  Jwks();
  ~Jwks();
  Jwks(const Jwks&);
  Jwks& operator=(const Jwks&);

  std::vector<JwkInfo> Keys() const;
  std::size_t size() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

struct TokenVerifyOptions {
  // Required: the exact "iss" the provider puts in its tokens.
  std::string issuer{};
  // Required: "aud" must contain at least one of these (the client ids of
  // this portal).
  std::vector<std::string> audiences{};
  // A subset of {"RS256", "ES256"} (InvalidArgument for anything else).
  std::vector<std::string> allowed_algs = {"RS256", "ES256"};
  // Clock skew tolerated on exp, nbf and iat, in seconds (0..600).
  long long leeway_s = 60;
  // Seconds since the epoch; required (0 is InvalidArgument).
  long long now = 0;
  // Tokens longer than this are refused before anything is decoded
  // (1..kMaxTokenBytes).
  std::size_t max_token_bytes = kMaxTokenBytes;
};

struct VerifiedToken {
  std::string alg{};
  std::string kid{};
  nlohmann::json header{};  // the JOSE header
  nlohmann::json claims{};  // the payload: iss, sub, aud, exp, ... and the provider's own
};

// Verifies `token` against `jwks`: size, form, header (alg allowed, no
// "crit"), key (by kid; without a kid only when the set has exactly one key
// for the alg; key type, alg and use must fit), signature, then the claims
// (iss exact, aud, exp required and not passed, nbf and iat not in the
// future, beyond the leeway). Unauthenticated "token rejected: <reason>" for
// a bad token; InvalidArgument for bad options. Thread-safe (pure).
Result<VerifiedToken> VerifyToken(std::string_view token, const Jwks& jwks, const TokenVerifyOptions& options);

// Which claims name the user, the organisation and the roles. A name with
// dots walks into objects ("realm_access.roles", as Keycloak puts them).
struct ClaimMapping {
  std::string user_claim = "sub";
  std::string org_claim = "org_id";   // "" for none
  std::string roles_claim = "roles";  // "" for none; an array of strings or one space-separated string
};

// The principal a verified token stands for, its ids normalised
// (NormalizePrincipal). Unauthenticated naming the claim when the user claim
// is missing or a claim has the wrong type; InvalidArgument naming the claim
// for ids the principal rules refuse. Never admin.
Result<Principal> PrincipalFromClaims(const nlohmann::json& claims, const ClaimMapping& mapping);

// Fetches the body at an https URL (the implementation bounds size and time).
using JwksFetcher = std::function<Result<std::string>(const std::string& url)>;

struct JwksSourceOptions {
  // Exactly one of: a JWKS file, or a URL fetched through `fetch`.
  std::string file{};
  std::string url{};
  JwksFetcher fetch{};
  // How long a fetched or read set is used before it is fetched again.
  long long ttl_s = 3600;
  // A token with a kid the cached set lacks triggers one early refetch (the
  // provider rotated its keys), at most once per this many seconds, so
  // tokens with made-up kids cannot make us hammer the provider.
  long long min_refetch_interval_s = 60;
  // Seconds since the epoch; the system clock when empty.
  std::function<long long()> clock{};
};

// A JWKS from a file or a URL, cached with a TTL. Thread-safe: one fetch at
// a time; a failed refetch keeps serving the previous set until twice the
// TTL has passed (the provider being down must not log everyone out).
class JwksSource {
 public:
  // InvalidArgument for options without exactly one source, a URL without a
  // fetcher, or a non-positive ttl.
  static Result<std::unique_ptr<JwksSource>> Create(JwksSourceOptions options);

  // The current set (fetching it when due). `kid` (may be empty) is the key
  // a token asks for: when the cached set lacks it, it is refetched early
  // (rate-limited as above).
  Result<Jwks> Get(const std::string& kid = "");

  // Peeks at the token's header for its kid, gets the set and verifies.
  Result<VerifiedToken> Verify(std::string_view token, const TokenVerifyOptions& options);

 private:
  explicit JwksSource(JwksSourceOptions options) : options_(std::move(options)) {}
  long long Now() const;
  Result<Jwks> Load();

  const JwksSourceOptions options_;
  std::mutex mutex_;
  bool have_ = false;
  Jwks cached_;
  long long fetched_at_ = 0;
  long long last_attempt_ = -1;
  Status last_error_;  // of the last attempt
};

// The "kid" of a token's header, without verifying anything ("" when it has
// none or the header is malformed; VerifyToken then says why).
std::string PeekTokenKeyId(std::string_view token);

}  // namespace portalkb
