// JWKS parsing and JWS verification on OpenSSL 3's EVP interface (see
// portalkb/oidc.h).
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.h"
#include "oidc/jose.h"
#include "portalkb/oidc.h"

namespace portalkb {

using nlohmann::json;
using oidc::Base64UrlDecode;
using oidc::ParseStrictJson;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

constexpr int kMinRsaBits = 2048;
// Verification cost grows with the modulus; nobody signs with more.
constexpr int kMaxRsaBits = 8192;
constexpr std::size_t kP256CoordinateBytes = 32;

struct Key {
  JwkInfo info;
  Pkey pkey;
};

Status Bad(const std::string& reason) { return Status::Unauthenticated("token rejected: " + reason); }

// keys[i]'s member `name` as decoded base64url bytes.
Result<std::string> KeyBytes(const json& key, const char* name, const std::string& where) {
  const auto it = key.find(name);
  if (it == key.end() || !it->is_string()) {
    return Status::InvalidArgument(where + "." + name + ": missing or not a string");
  }
  auto bytes = Base64UrlDecode(it->get_ref<const std::string&>());
  if (!bytes || bytes->empty()) return Status::InvalidArgument(where + "." + name + ": not base64url");
  return std::move(*bytes);
}

Result<Pkey> FromParams(const char* type, OSSL_PARAM_BLD* builder, const std::string& where) {
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(builder), OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr),
                                                                  EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Status::InvalidArgument(where + ": not a valid " + type + " public key");
  }
  Pkey key(raw);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> check(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr),
                                                                    EVP_PKEY_CTX_free);
  // For EC this checks that the point lies on the curve (invalid-curve attacks).
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return Status::InvalidArgument(where + ": not a valid " + type + " public key");
  }
  return key;
}

Result<Pkey> RsaKey(const json& key, const std::string& where, int& bits) {
  auto n = KeyBytes(key, "n", where);
  if (!n.ok()) return n.status();
  auto e = KeyBytes(key, "e", where);
  if (!e.ok()) return e.status();
  if (e->size() > 4) return Status::InvalidArgument(where + ".e: exponent over 32 bits");
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn_n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr), BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn_e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr), BN_free);
  if (!bn_n || !bn_e) return Status::Internal("out of memory");
  bits = BN_num_bits(bn_n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return Status::InvalidArgument(where + ": RSA modulus of " + std::to_string(bits) + " bits (expected " +
                                   std::to_string(kMinRsaBits) + "-" + std::to_string(kMaxRsaBits) + ")");
  }
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return Status::Internal("out of memory");
  }
  return FromParams("RSA", builder.get(), where);
}

Result<Pkey> EcKey(const json& key, const std::string& where) {
  auto x = KeyBytes(key, "x", where);
  if (!x.ok()) return x.status();
  auto y = KeyBytes(key, "y", where);
  if (!y.ok()) return y.status();
  if (x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return Status::InvalidArgument(where + ": P-256 coordinates must be 32 bytes each");
  }
  const std::string point = std::string(1, '\x04') + x.value() + y.value();  // SEC 1 uncompressed
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return Status::Internal("out of memory");
  }
  return FromParams("EC", builder.get(), where);
}

std::string OptionalString(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The JOSE r||s form of an ES256 signature (RFC 7518 3.4) as the DER
// ECDSA-Sig-Value OpenSSL verifies.
std::optional<std::string> JoseToDer(std::string_view signature) {
  if (signature.size() != 2 * kP256CoordinateBytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);  // frees r and s too
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool SignatureValid(EVP_PKEY* key, std::string_view signed_part, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

// A NumericDate claim (RFC 7519 2): nullopt when absent; error when present
// but not a finite number.
Result<std::optional<long long>> NumericDate(const json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<long long>();
  if (!it->is_number()) return Bad(std::string("claim \"") + name + "\" is not a number");
  const double value = it->get<double>();
  if (!std::isfinite(value) || value < 0 || value > 1e13) {
    return Bad(std::string("claim \"") + name + "\" is out of range");
  }
  return std::optional<long long>(static_cast<long long>(value));
}

}  // namespace

struct Jwks::Impl {
  std::vector<Key> keys;
};

Jwks::Jwks() : impl_(std::make_shared<const Impl>()) {}
Jwks::~Jwks() = default;
Jwks::Jwks(const Jwks&) = default;
Jwks& Jwks::operator=(const Jwks&) = default;

std::size_t Jwks::size() const { return impl_->keys.size(); }

std::vector<JwkInfo> Jwks::Keys() const {
  std::vector<JwkInfo> out;
  for (const auto& key : impl_->keys) out.push_back(key.info);
  return out;
}

Result<Jwks> Jwks::Parse(std::string_view text) {
  if (text.size() > kMaxJwksBytes) {
    return Status::InvalidArgument("JWKS of " + std::to_string(text.size()) + " bytes: at most " +
                                   std::to_string(kMaxJwksBytes));
  }
  auto parsed = ParseStrictJson(text);
  if (!parsed.ok()) return Status::InvalidArgument("JWKS: " + parsed.status().message());
  const json& doc = parsed.value();
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Status::InvalidArgument("JWKS: expected an object with a \"keys\" array");
  }
  if (doc["keys"].size() > kMaxJwksKeys) {
    return Status::InvalidArgument("JWKS: " + std::to_string(doc["keys"].size()) + " keys, at most " +
                                   std::to_string(kMaxJwksKeys));
  }
  auto impl = std::make_shared<Impl>();
  for (std::size_t i = 0; i < doc["keys"].size(); ++i) {
    const json& entry = doc["keys"][i];
    const std::string where = "JWKS keys[" + std::to_string(i) + "]";
    if (!entry.is_object()) return Status::InvalidArgument(where + ": not an object");
    Key key;
    key.info.kty = OptionalString(entry, "kty");
    key.info.kid = OptionalString(entry, "kid");
    key.info.alg = OptionalString(entry, "alg");
    key.info.use = OptionalString(entry, "use");
    // Keys for encryption, or of types and curves we never verify with,
    // are no use to us and are skipped rather than refused.
    if (key.info.use == "enc") continue;
    if (key.info.kty == "RSA") {
      auto pkey = RsaKey(entry, where, key.info.bits);
      if (!pkey.ok()) return pkey.status();
      key.pkey = std::move(pkey).value();
    } else if (key.info.kty == "EC" && OptionalString(entry, "crv") == "P-256") {
      auto pkey = EcKey(entry, where);
      if (!pkey.ok()) return pkey.status();
      key.pkey = std::move(pkey).value();
      key.info.bits = 256;
    } else {
      continue;
    }
    for (const auto& other : impl->keys) {
      // Keys without a kid are told apart by type (VerifyToken).
      if (!key.info.kid.empty() && other.info.kid == key.info.kid) {
        return Status::InvalidArgument(where + ": kid \"" + Abbreviate(key.info.kid) + "\" repeated");
      }
    }
    impl->keys.push_back(std::move(key));
  }
  Jwks jwks;
  jwks.impl_ = std::move(impl);
  return jwks;
}

std::string PeekTokenKeyId(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return {};
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return {};
  auto header_bytes = Base64UrlDecode(token.substr(0, dot));
  if (!header_bytes) return {};
  auto header = ParseStrictJson(*header_bytes);
  if (!header.ok() || !header->is_object()) return {};
  return OptionalString(header.value(), "kid");
}

Result<VerifiedToken> VerifyToken(std::string_view token, const Jwks& jwks, const TokenVerifyOptions& options) {
  // Options first: a misconfigured verifier must fail loudly, not open.
  if (options.issuer.empty()) return Status::InvalidArgument("token verification: issuer is required");
  if (options.audiences.empty()) return Status::InvalidArgument("token verification: audiences are required");
  if (options.now <= 0) return Status::InvalidArgument("token verification: now is required");
  if (options.leeway_s < 0 || options.leeway_s > 600) {
    return Status::InvalidArgument("token verification: leeway_s " + std::to_string(options.leeway_s) +
                                   ": expected 0-600");
  }
  if (options.max_token_bytes < 1 || options.max_token_bytes > kMaxTokenBytes) {
    return Status::InvalidArgument("token verification: max_token_bytes: expected 1-" + std::to_string(kMaxTokenBytes));
  }
  if (options.allowed_algs.empty()) return Status::InvalidArgument("token verification: allowed_algs is empty");
  for (const auto& alg : options.allowed_algs) {
    if (alg != "RS256" && alg != "ES256") {
      return Status::InvalidArgument("token verification: allowed_algs: \"" + Abbreviate(alg) +
                                     "\" is not supported (RS256, ES256)");
    }
  }

  if (token.size() > options.max_token_bytes) {
    return Bad("token of " + std::to_string(token.size()) + " bytes, at most " +
               std::to_string(options.max_token_bytes));
  }
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    const auto dots = std::count(token.begin(), token.end(), '.');
    return Bad(dots == 4 ? "an encrypted token (JWE) is not supported"
                         : "not a signed JWT (expected three base64url parts separated by dots)");
  }
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = token.substr(dot2 + 1);

  auto header_bytes = Base64UrlDecode(header_part);
  if (!header_bytes) return Bad("header is not base64url");
  auto header = ParseStrictJson(*header_bytes);
  if (!header.ok()) return Bad("header: " + header.status().message());
  if (!header->is_object()) return Bad("header is not a JSON object");
  const auto alg_it = header->find("alg");
  if (alg_it == header->end() || !alg_it->is_string()) return Bad("header has no \"alg\"");
  const std::string alg = alg_it->get<std::string>();
  if (AsciiLower(alg) == "none") return Bad("alg \"none\" (an unsigned token) is never accepted");
  if (StartsWith(alg, "HS")) {
    return Bad("alg \"" + Abbreviate(alg, 16) +
               "\" (an HMAC shared secret) is never accepted: the provider's keys are public");
  }
  if (std::find(options.allowed_algs.begin(), options.allowed_algs.end(), alg) == options.allowed_algs.end()) {
    return Bad("alg \"" + Abbreviate(alg, 16) + "\" is not allowed");
  }
  // RFC 7515 4.1.11: extensions we do not understand must not be ignored.
  if (header->contains("crit")) return Bad("header has \"crit\" extensions, none of which are supported");
  const auto kid_it = header->find("kid");
  if (kid_it != header->end() && !kid_it->is_string()) return Bad("header \"kid\" is not a string");
  const std::string kid = kid_it != header->end() ? kid_it->get<std::string>() : std::string();

  const std::string kty = alg == "RS256" ? "RSA" : "EC";
  const Key* key = nullptr;
  if (!kid.empty()) {
    for (const auto& k : jwks.impl().keys) {
      if (k.info.kid == kid) key = &k;
    }
    if (key == nullptr) return Bad("unknown key id \"" + Abbreviate(kid, 64) + "\"");
  } else {
    // Without a kid only an unambiguous set will do.
    int candidates = 0;
    for (const auto& k : jwks.impl().keys) {
      if (k.info.kty == kty) {
        key = &k;
        ++candidates;
      }
    }
    if (candidates != 1)
      return Bad("no \"kid\" in the header and the key set has " + std::to_string(candidates) + " " + kty + " keys");
  }
  if (key->info.kty != kty) return Bad("key \"" + Abbreviate(kid, 64) + "\" is " + key->info.kty + ", not for " + alg);
  if (!key->info.alg.empty() && key->info.alg != alg) {
    return Bad("key \"" + Abbreviate(kid, 64) + "\" is for " + Abbreviate(key->info.alg, 16) + ", not " + alg);
  }

  auto signature = Base64UrlDecode(signature_part);
  if (!signature || signature->empty()) return Bad("signature is not base64url");
  std::string verified_signature = std::move(*signature);
  if (alg == "ES256") {
    auto der = JoseToDer(verified_signature);
    if (!der) return Bad("ES256 signature is not 64 bytes (r||s)");
    verified_signature = std::move(*der);
  }
  const std::string_view signed_part = token.substr(0, dot2);
  if (!SignatureValid(key->pkey.get(), signed_part, verified_signature)) return Bad("bad signature");

  // Only now is the payload read: nothing unsigned reaches a parser of claims.
  auto payload_bytes = Base64UrlDecode(payload_part);
  if (!payload_bytes) return Bad("payload is not base64url");
  auto claims = ParseStrictJson(*payload_bytes);
  if (!claims.ok()) return Bad("payload: " + claims.status().message());
  if (!claims->is_object()) return Bad("payload is not a JSON object");

  const std::string iss = OptionalString(claims.value(), "iss");
  if (iss != options.issuer) {
    return Bad(iss.empty() ? std::string("no \"iss\" claim") : "issuer \"" + Abbreviate(iss) + "\" is not trusted");
  }
  const auto aud_it = claims->find("aud");
  std::vector<std::string> audiences;
  if (aud_it != claims->end() && aud_it->is_string()) {
    audiences.push_back(aud_it->get<std::string>());
  } else if (aud_it != claims->end() && aud_it->is_array()) {
    for (const auto& a : *aud_it) {
      if (!a.is_string()) return Bad("claim \"aud\" holds a non-string");
      audiences.push_back(a.get<std::string>());
    }
  } else if (aud_it != claims->end()) {
    return Bad("claim \"aud\" is neither a string nor an array");
  }
  const bool audience_ok = std::any_of(audiences.begin(), audiences.end(), [&](const std::string& a) {
    return std::find(options.audiences.begin(), options.audiences.end(), a) != options.audiences.end();
  });
  if (!audience_ok) {
    return Bad(audiences.empty() ? std::string("no \"aud\" claim")
                                 : "audience \"" + Abbreviate(audiences.front()) + "\" is not this portal");
  }
  auto exp = NumericDate(claims.value(), "exp");
  if (!exp.ok()) return exp.status();
  if (!exp.value()) return Bad("no \"exp\" claim (tokens without an expiry are not accepted)");
  if (options.now > *exp.value() + options.leeway_s) {
    return Bad("expired at " + FormatIsoDateTime(*exp.value()) + " (now " + FormatIsoDateTime(options.now) + ")");
  }
  auto nbf = NumericDate(claims.value(), "nbf");
  if (!nbf.ok()) return nbf.status();
  if (nbf.value() && options.now + options.leeway_s < *nbf.value()) {
    return Bad("not valid before " + FormatIsoDateTime(*nbf.value()));
  }
  auto iat = NumericDate(claims.value(), "iat");
  if (!iat.ok()) return iat.status();
  if (iat.value() && options.now + options.leeway_s < *iat.value()) {
    return Bad("issued in the future (" + FormatIsoDateTime(*iat.value()) + ")");
  }

  VerifiedToken out;
  out.alg = alg;
  out.kid = key->info.kid;
  out.header = std::move(header).value();
  out.claims = std::move(claims).value();
  return out;
}

}  // namespace portalkb
