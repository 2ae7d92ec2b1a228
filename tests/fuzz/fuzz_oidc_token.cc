// Single sign-on tokens and key sets (portalkb/oidc.h). Byte 0 picks the mode:
//   0: the rest is a JWKS for Jwks::Parse: InvalidArgument naming the JWKS,
//      or a set of at most kMaxJwksKeys usable signing keys (RSA of
//      2048-8192 bits, EC P-256) with distinct kids; two fixed good tokens
//      then either verify against it with a key of theirs or are refused;
//   1: the rest is a token verified against the fixed set of
//      fuzz_oidc_keys.h with fixed options: Unauthenticated "token rejected:
//      <reason>", or a token with exactly the issuer, one of the audiences,
//      an exp not passed, nbf and iat not in the future, and a key of the set
//      that fits its alg;
//   2: the rest is a token for PeekTokenKeyId: never more than its header
//      could hold, nothing for an oversize token;
//   3: byte 1 picks a claim mapping, the rest is claims JSON for
//      PrincipalFromClaims: never admin, ids normalised (a fixed point of
//      NormalizePrincipal), or Unauthenticated / InvalidArgument with a reason;
//   4: byte 1 picks a byte to change, the rest is a header, a NUL and a
//      payload that the target signs with fuzz-ec (ES256): the token is
//      checked as in mode 1, verifies only with fuzz-ec, and no longer
//      verifies once that one byte is changed.
// Seeds and the key set come from make_oidc_token_seeds.py.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "fuzz_check.h"
#include "fuzz_oidc_keys.h"
#include "oidc/jose.h"
#include "portalkb/oidc.h"

namespace {

using nlohmann::json;
using portalkb::StatusCode;

// Must match make_oidc_token_seeds.py, so that its good seeds verify.
constexpr long long kNow = 1750000000;
constexpr long long kLeeway = 60;
constexpr const char* kIssuer = "https://login.example.com/realms/portal";

portalkb::TokenVerifyOptions Options() {
  portalkb::TokenVerifyOptions options;
  options.issuer = kIssuer;
  options.audiences = {"portal-web", "other-app"};
  options.now = kNow;
  options.leeway_s = kLeeway;
  return options;
}

const portalkb::Jwks& FixedJwks() {
  static const portalkb::Jwks jwks = [] {
    auto parsed = portalkb::Jwks::Parse(portalkb::fuzz::kOidcJwks);
    FUZZ_CHECK(parsed.ok(), "the fixed JWKS does not parse: %s", parsed.status().ToString().c_str());
    FUZZ_CHECK(parsed.value().size() == 3, "the fixed JWKS has %zu keys", parsed.value().size());
    return parsed.value();
  }();
  return jwks;
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::string Unbase64(std::string_view text) {
  auto bytes = portalkb::oidc::Base64UrlDecode(text);
  FUZZ_CHECK(bytes.has_value(), "fuzz_oidc_keys.h holds bad base64url");
  return *bytes;
}

// fuzz-ec's key pair, from its private scalar and the point in the JWKS.
EVP_PKEY* SigningKey() {
  static const std::unique_ptr<EVP_PKEY, PkeyFree> key = [] {
    const json jwks = json::parse(portalkb::fuzz::kOidcJwks);
    json ec;
    for (const auto& k : jwks["keys"]) {
      if (k["kid"] == "fuzz-ec") ec = k;
    }
    FUZZ_CHECK(ec.is_object(), "no fuzz-ec in the fixed JWKS");
    const std::string priv = Unbase64(portalkb::fuzz::kOidcEcPrivate);
    const std::string point = "\x04" + Unbase64(ec["x"].get<std::string>()) + Unbase64(ec["y"].get<std::string>());
    BIGNUM* d = BN_bin2bn(reinterpret_cast<const unsigned char*>(priv.data()), static_cast<int>(priv.size()), nullptr);
    OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
    FUZZ_CHECK(d != nullptr && builder != nullptr, "out of memory");
    FUZZ_CHECK(OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
                   OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_PRIV_KEY, d) == 1 &&
                   OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1,
               "cannot build the EC key parameters");
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* raw = nullptr;
    FUZZ_CHECK(params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
                   EVP_PKEY_fromdata(ctx, &raw, EVP_PKEY_KEYPAIR, params) == 1,
               "cannot make fuzz-ec's key pair");
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    BN_free(d);
    return std::unique_ptr<EVP_PKEY, PkeyFree>(raw);
  }();
  return key.get();
}

// The JWS signature of `message` by fuzz-ec: r||s (RFC 7518 3.4).
std::string SignEs256(std::string_view message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t length = 0;
  FUZZ_CHECK(ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, SigningKey()) == 1 &&
                 EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size()) == 1,
             "cannot sign");
  std::string der(length, '\0');
  FUZZ_CHECK(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &length,
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1,
             "cannot sign");
  EVP_MD_CTX_free(ctx);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(length));
  FUZZ_CHECK(sig != nullptr, "OpenSSL made a signature it cannot read");
  std::string out(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(out.data() + 32), 32);
  ECDSA_SIG_free(sig);
  return out;
}

std::string SignedToken(std::string_view header, std::string_view payload) {
  const std::string input = portalkb::oidc::Base64UrlEncode(header) + "." + portalkb::oidc::Base64UrlEncode(payload);
  return input + "." + portalkb::oidc::Base64UrlEncode(SignEs256(input));
}

// A good ES256 token by fuzz-ec, made once (an ECDSA signature is randomised).
const std::string& GoodEs256Token() {
  static const std::string token =
      SignedToken(R"({"alg":"ES256","kid":"fuzz-ec"})",
                  json{{"iss", kIssuer}, {"aud", "portal-web"}, {"sub", "alice"}, {"exp", kNow + 300}}.dump());
  return token;
}

void CheckRefusal(const portalkb::Status& status) {
  FUZZ_CHECK(status.code() == StatusCode::kUnauthenticated, "a token refused with the wrong code: %s",
             status.ToString().c_str());
  FUZZ_CHECK(portalkb::StartsWith(status.message(), "token rejected: ") &&
                 status.message().size() > std::string_view("token rejected: ").size(),
             "a refusal without a reason: %s", status.ToString().c_str());
}

// A NumericDate the verifier accepted: a number within the range it allows.
double Date(const json& claims, const char* name) {
  const auto it = claims.find(name);
  FUZZ_CHECK(it->is_number(), "claim \"%s\" accepted as %s", name, it->type_name());
  const double value = it->get<double>();
  FUZZ_CHECK(value >= 0 && value <= 1e13, "claim \"%s\" accepted at %g", name, value);
  return value;
}

// What every verified token must be, whatever its route through the verifier.
void CheckAccepted(const portalkb::VerifiedToken& verified, std::string_view token, const portalkb::Jwks& jwks) {
  FUZZ_CHECK(verified.alg == "RS256" || verified.alg == "ES256", "alg \"%s\" verified", verified.alg.c_str());
  FUZZ_CHECK(verified.header.is_object() && verified.header.value("alg", json()) == verified.alg,
             "the header's alg is not the one verified");
  FUZZ_CHECK(!verified.header.contains("crit"), "a token with \"crit\" verified");
  const std::string kty = verified.alg == "RS256" ? "RSA" : "EC";
  const auto keys = jwks.Keys();
  const auto key = std::find_if(keys.begin(), keys.end(), [&](const portalkb::JwkInfo& k) {
    return k.kid == verified.kid && k.kty == kty && (k.alg.empty() || k.alg == verified.alg);
  });
  FUZZ_CHECK(key != keys.end(), "verified with kid \"%s\", which the set has no %s key for", verified.kid.c_str(),
             verified.alg.c_str());
  if (verified.header.contains("kid")) {
    FUZZ_CHECK(verified.header.at("kid") == verified.kid, "verified with another key than the header names");
    FUZZ_CHECK(portalkb::PeekTokenKeyId(token) == verified.kid, "PeekTokenKeyId disagrees with the verifier");
  }

  const json& claims = verified.claims;
  FUZZ_CHECK(claims.is_object(), "verified claims are not an object");
  FUZZ_CHECK(claims.value("iss", json()) == kIssuer, "a token of another issuer verified");
  const auto options = Options();
  const json aud = claims.value("aud", json());
  const auto ours = [&](const json& a) {
    return a.is_string() && std::find(options.audiences.begin(), options.audiences.end(), a.get<std::string>()) !=
                                options.audiences.end();
  };
  FUZZ_CHECK(ours(aud) || (aud.is_array() && std::any_of(aud.begin(), aud.end(), ours)),
             "a token for another audience verified");
  FUZZ_CHECK(claims.contains("exp"), "a token without exp verified");
  // The verifier compares whole seconds, so allow one for the fraction.
  FUZZ_CHECK(Date(claims, "exp") + kLeeway + 1 > kNow, "an expired token verified");
  for (const char* name : {"nbf", "iat"}) {
    if (claims.contains(name)) FUZZ_CHECK(Date(claims, name) < kNow + kLeeway + 1, "%s in the future", name);
  }
  auto principal = portalkb::PrincipalFromClaims(claims, portalkb::ClaimMapping{});
  FUZZ_CHECK(!principal.ok() || !principal->admin, "a token made an admin");
}

void Verify(std::string_view token, const portalkb::Jwks& jwks) {
  auto verified = portalkb::VerifyToken(token, jwks, Options());
  if (!verified.ok()) {
    CheckRefusal(verified.status());
    return;
  }
  CheckAccepted(verified.value(), token, jwks);
}

void ParseJwks(std::string_view text) {
  auto parsed = portalkb::Jwks::Parse(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == StatusCode::kInvalidArgument, "a JWKS refused with the wrong code: %s",
               parsed.status().ToString().c_str());
    FUZZ_CHECK(portalkb::StartsWith(parsed.status().message(), "JWKS"), "a refusal that does not name the JWKS: %s",
               parsed.status().ToString().c_str());
    return;
  }
  const portalkb::Jwks& jwks = parsed.value();
  const auto keys = jwks.Keys();
  FUZZ_CHECK(keys.size() == jwks.size() && keys.size() <= portalkb::kMaxJwksKeys, "a set of %zu keys", keys.size());
  std::set<std::string> kids;
  for (const auto& key : keys) {
    FUZZ_CHECK((key.kty == "RSA" && key.bits >= 2048 && key.bits <= 8192) || (key.kty == "EC" && key.bits == 256),
               "a %s key of %d bits accepted", key.kty.c_str(), key.bits);
    FUZZ_CHECK(key.use != "enc", "an encryption key kept for signatures");
    FUZZ_CHECK(key.kid.empty() || kids.insert(key.kid).second, "kid \"%s\" twice", key.kid.c_str());
  }
  // Key lookup on a hostile set: the fixed good tokens verify with a key of
  // theirs or are refused, never anything else.
  Verify(portalkb::fuzz::kOidcRs256Token, jwks);
  Verify(GoodEs256Token(), jwks);
}

void Peek(std::string_view token) {
  const std::string kid = portalkb::PeekTokenKeyId(token);
  if (token.size() > portalkb::kMaxTokenBytes) FUZZ_CHECK(kid.empty(), "a kid from an oversize token");
  // The kid is a JSON string inside the base64url header: 3 bytes per 4.
  FUZZ_CHECK(kid.size() * 4 <= token.size() * 3, "a kid of %zu bytes from a token of %zu", kid.size(), token.size());
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@';
}

void CheckId(const std::string& id, const char* what) {
  FUZZ_CHECK(!id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), IsIdChar),
             "%s \"%s\" is not normalised", what, id.c_str());
}

void MapClaims(std::uint8_t pick, std::string_view text) {
  static const portalkb::ClaimMapping kMappings[] = {
      {},
      {.user_claim = "sub", .org_claim = "tenant", .roles_claim = "realm_access.roles"},
      {.user_claim = "email", .org_claim = "", .roles_claim = "scope"},
      {.user_claim = "profile.id", .org_claim = "org.id", .roles_claim = ""},
  };
  const portalkb::ClaimMapping& mapping = kMappings[pick % 4];
  auto parsed = portalkb::oidc::ParseStrictJson(text);
  // Verified claims always went through the strict parser; anything else
  // still makes a value the mapping must cope with.
  const json claims = parsed.ok() ? std::move(parsed).value() : json(text.size());
  auto principal = portalkb::PrincipalFromClaims(claims, mapping);
  if (!principal.ok()) {
    const portalkb::Status& s = principal.status();
    FUZZ_CHECK((s.code() == StatusCode::kUnauthenticated && portalkb::StartsWith(s.message(), "token rejected: ")) ||
                   (s.code() == StatusCode::kInvalidArgument && portalkb::StartsWith(s.message(), "token claims: ")),
               "claims refused with the wrong code or no reason: %s", s.ToString().c_str());
    return;
  }
  const portalkb::Principal& p = principal.value();
  FUZZ_CHECK(!p.admin, "claims made an admin");
  CheckId(p.user, "user");
  if (!p.org.empty()) CheckId(p.org, "org");
  FUZZ_CHECK(!mapping.org_claim.empty() || p.org.empty(), "an org without an org claim");
  FUZZ_CHECK(!mapping.roles_claim.empty() || p.roles.empty(), "roles without a roles claim");
  for (const auto& role : p.roles) CheckId(role, "role");
  FUZZ_CHECK(std::set<std::string>(p.roles.begin(), p.roles.end()).size() == p.roles.size(), "a role twice");
  auto again = portalkb::NormalizePrincipal(p);
  FUZZ_CHECK(again.ok() && again->user == p.user && again->org == p.org && again->roles == p.roles,
             "the principal is not a fixed point of NormalizePrincipal");
}

void SignAndVerify(std::uint8_t flip, std::string_view rest) {
  const auto nul = rest.find('\0');
  const std::string_view header = rest.substr(0, nul);
  const std::string_view payload = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  const std::string token = SignedToken(header, payload);
  auto verified = portalkb::VerifyToken(token, FixedJwks(), Options());
  if (!verified.ok()) {
    CheckRefusal(verified.status());
    return;
  }
  CheckAccepted(verified.value(), token, FixedJwks());
  FUZZ_CHECK(verified->alg == "ES256" && verified->kid == "fuzz-ec", "fuzz-ec's signature verified as %s with %s",
             verified->alg.c_str(), verified->kid.c_str());
  std::string tampered = token;
  const std::size_t at = flip % tampered.size();
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  auto refused = portalkb::VerifyToken(tampered, FixedJwks(), Options());
  FUZZ_CHECK(!refused.ok(), "a token changed at byte %zu still verifies: %s", at, tampered.c_str());
  CheckRefusal(refused.status());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      ParseJwks(rest);
      break;
    case 1:
      Verify(rest, FixedJwks());
      break;
    case 2:
      Peek(rest);
      break;
    case 3:
      if (!rest.empty()) MapClaims(data[1], rest.substr(1));
      break;
    default:
      if (!rest.empty()) SignAndVerify(data[1], rest.substr(1));
      break;
  }
  return 0;
}
