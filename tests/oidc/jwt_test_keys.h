// Keys made in a test and JWTs signed with them (RS256, ES256), for the
// single sign-on tests of the oidc module and the server.
#pragma once

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace portalkb::testing {

using nlohmann::json;

// base64url without padding.
inline std::string B64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

inline std::string BnBytes(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// A key pair made for the test, with its JWK and a signer.
class TestKey {
 public:
  static TestKey Rsa(std::string kid, unsigned bits = 2048) {
    TestKey k;
    k.kid_ = std::move(kid);
    k.alg_ = "RS256";
    k.key_ = EVP_RSA_gen(bits);
    return k;
  }
  static TestKey Ec(std::string kid) {
    TestKey k;
    k.kid_ = std::move(kid);
    k.alg_ = "ES256";
    k.key_ = EVP_EC_gen("P-256");
    return k;
  }
  TestKey(TestKey&& other) noexcept : key_(other.key_), kid_(other.kid_), alg_(other.alg_) { other.key_ = nullptr; }
  ~TestKey() { EVP_PKEY_free(key_); }

  json Jwk() const {
    json jwk{{"kid", kid_}, {"use", "sig"}, {"alg", alg_}};
    if (alg_ == "RS256") {
      jwk["kty"] = "RSA";
      jwk["n"] = B64(BnBytes(key_, OSSL_PKEY_PARAM_RSA_N));
      jwk["e"] = B64(BnBytes(key_, OSSL_PKEY_PARAM_RSA_E));
    } else {
      unsigned char point[65];
      std::size_t length = 0;
      EXPECT_EQ(EVP_PKEY_get_octet_string_param(key_, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length), 1);
      EXPECT_EQ(length, 65u);
      jwk["kty"] = "EC";
      jwk["crv"] = "P-256";
      jwk["x"] = B64(std::string_view(reinterpret_cast<char*>(point + 1), 32));
      jwk["y"] = B64(std::string_view(reinterpret_cast<char*>(point + 33), 32));
    }
    return jwk;
  }

  std::string PublicPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key_);
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return pem;
  }

  // DER signature as OpenSSL makes it.
  std::string SignDer(std::string_view message) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_), 1);
    std::size_t length = 0;
    EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::string sig(length, '\0');
    EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length,
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()),
              1);
    sig.resize(length);
    EVP_MD_CTX_free(ctx);
    return sig;
  }

  // The JWS signature: PKCS#1 bytes for RSA, r||s for EC (unless `der`).
  std::string Sign(std::string_view message, bool der = false) const {
    std::string sig = SignDer(message);
    if (alg_ == "RS256" || der) return sig;
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string out(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(out.data() + 32), 32);
    ECDSA_SIG_free(ecdsa);
    return out;
  }

  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }

 private:
  TestKey() = default;
  EVP_PKEY* key_ = nullptr;
  std::string kid_, alg_;
};

inline  // header.payload.signature with `key` (header defaults: its alg and kid).
    std::string
    MakeToken(const TestKey& key, const json& claims, json header = nullptr, bool der = false) {
  if (header.is_null()) header = json{{"alg", key.alg()}, {"kid", key.kid()}, {"typ", "JWT"}};
  const std::string signing_input = B64(header.dump()) + "." + B64(claims.dump());
  return signing_input + "." + B64(key.Sign(signing_input, der));
}

}  // namespace portalkb::testing
