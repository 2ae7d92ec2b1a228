// OIDC / JWT verification: tokens signed in the test with RSA and EC keys made
// in the test (OpenSSL), the JWKS served on loopback (httplib), every refusal
// and the happy paths.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "oidc/jwt_test_keys.h"
#include "portalkb/oidc.h"
#include "portalkb/oidc_https.h"
#include "test_util.h"

namespace portalkb {
namespace {

using nlohmann::json;
using testing::B64;
using testing::MakeToken;
using testing::TestKey;

constexpr long long kNow = 1'750'000'000;
const char* const kIssuer = "https://login.example.com/realms/portal";
const char* const kAudience = "portal-web";

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::optional<std::string> Unbase64(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto at = kBase64Url.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

json GoodClaims() {
  return json{
      {"iss", kIssuer},   {"aud", kAudience}, {"sub", "Alice"},   {"exp", kNow + 300},
      {"iat", kNow - 10}, {"nbf", kNow - 10}, {"org_id", "acme"}, {"roles", json::array({"customer", "finance"})}};
}

std::string Hs256(const std::string& secret, const json& header, const json& claims) {
  const std::string signing_input = B64(header.dump()) + "." + B64(claims.dump());
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &length);
  return signing_input + "." + B64(std::string_view(reinterpret_cast<char*>(mac), length));
}

class OidcTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new TestKey(TestKey::Rsa("rsa-1"));
    ec_ = new TestKey(TestKey::Ec("ec-1"));
    other_rsa_ = new TestKey(TestKey::Rsa("rsa-1"));  // same kid, other key
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
    delete other_rsa_;
  }

  static std::string JwksText() { return json{{"keys", json::array({rsa_->Jwk(), ec_->Jwk()})}}.dump(); }
  Jwks Set() {
    auto jwks = Jwks::Parse(JwksText());
    EXPECT_TRUE(jwks.ok()) << jwks.status().ToString();
    return jwks.ok() ? jwks.value() : Jwks();
  }
  TokenVerifyOptions Options() {
    TokenVerifyOptions options;
    options.issuer = kIssuer;
    options.audiences = {"other-app", kAudience};
    options.now = kNow;
    return options;
  }
  // The refusal reason of `token`, "" when it verified.
  std::string Refusal(const std::string& token, TokenVerifyOptions options) {
    auto verified = VerifyToken(token, Set(), options);
    if (verified.ok()) return "";
    EXPECT_EQ(verified.status().code(), StatusCode::kUnauthenticated) << verified.status().ToString();
    return verified.status().message();
  }
  std::string Refusal(const std::string& token) { return Refusal(token, Options()); }

  static TestKey* rsa_;
  static TestKey* ec_;
  static TestKey* other_rsa_;
};
TestKey* OidcTest::rsa_ = nullptr;
TestKey* OidcTest::ec_ = nullptr;
TestKey* OidcTest::other_rsa_ = nullptr;

#define EXPECT_REFUSED(token, reason)                                             \
  do {                                                                            \
    const std::string why = Refusal(token);                                       \
    EXPECT_NE(why.find(reason), std::string::npos) << "refusal: '" << why << "'"; \
  } while (0)

TEST_F(OidcTest, Rs256AndEs256TokensVerify) {
  for (const TestKey* key : {rsa_, ec_}) {
    auto verified = VerifyToken(MakeToken(*key, GoodClaims()), Set(), Options());
    ASSERT_TRUE(verified.ok()) << key->alg() << ": " << verified.status().ToString();
    EXPECT_EQ(verified->alg, key->alg());
    EXPECT_EQ(verified->kid, key->kid());
    EXPECT_EQ(verified->claims["sub"], "Alice");
  }
  auto jwks = Set();
  ASSERT_EQ(jwks.size(), 2u);
  EXPECT_EQ(jwks.Keys()[0].bits, 2048);
  EXPECT_EQ(jwks.Keys()[1].kty, "EC");
}

TEST_F(OidcTest, ClaimsWithinTheLeewayAndAudienceArraysPass) {
  json claims = GoodClaims();
  claims["exp"] = kNow - 30;  // expired 30 s ago, leeway 60
  claims["nbf"] = kNow + 30;
  claims["aud"] = json::array({"someone-else", kAudience});
  EXPECT_EQ(Refusal(MakeToken(*rsa_, claims)), "");
}

TEST_F(OidcTest, RefusesWrongIssuerAudienceAndTimes) {
  struct Case {
    const char* claim;
    json value;
    const char* reason;
  };
  const Case cases[] = {
      {"iss", "https://evil.example.com", "issuer \"https://evil.example.com\" is not trusted"},
      {"iss", nullptr, "no \"iss\" claim"},
      {"aud", "another-portal", "audience \"another-portal\" is not this portal"},
      {"aud", json::array({"a", "b"}), "audience \"a\" is not this portal"},
      {"aud", nullptr, "no \"aud\" claim"},
      {"aud", 7, "neither a string nor an array"},
      {"exp", kNow - 61, "expired at"},
      {"exp", nullptr, "no \"exp\" claim"},
      {"exp", "tomorrow", "claim \"exp\" is not a number"},
      {"nbf", kNow + 61, "not valid before"},
      {"iat", kNow + 3600, "issued in the future"},
  };
  for (const auto& c : cases) {
    json claims = GoodClaims();
    if (c.value.is_null()) {
      claims.erase(c.claim);
    } else {
      claims[c.claim] = c.value;
    }
    EXPECT_REFUSED(MakeToken(*rsa_, claims), c.reason);
  }
}

TEST_F(OidcTest, RefusesAlgNoneAndHmacWithThePublicKey) {
  const json claims = GoodClaims();
  const std::string unsigned_token = B64(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." + B64(claims.dump()) + ".";
  EXPECT_REFUSED(unsigned_token, "alg \"none\"");
  const std::string none_upper = B64(json{{"alg", "NONE"}}.dump()) + "." + B64(claims.dump()) + ".c2ln";
  EXPECT_REFUSED(none_upper, "alg \"none\"");
  // The classic confusion attack: HS256 with the provider's public key (as
  // PEM, and as the raw modulus) for the HMAC secret.
  const json hs_header{{"alg", "HS256"}, {"kid", rsa_->kid()}};
  EXPECT_REFUSED(Hs256(rsa_->PublicPem(), hs_header, claims), "alg \"HS256\"");
  EXPECT_REFUSED(Hs256(rsa_->Jwk()["n"].get<std::string>(), hs_header, claims), "alg \"HS256\"");
  EXPECT_REFUSED(MakeToken(*rsa_, claims, json{{"alg", "RS384"}, {"kid", "rsa-1"}}), "alg \"RS384\" is not allowed");
  // Only ES256 allowed: an RS256 token is refused though its signature is good.
  TokenVerifyOptions es_only = Options();
  es_only.allowed_algs = {"ES256"};
  EXPECT_NE(Refusal(MakeToken(*rsa_, claims), es_only).find("alg \"RS256\" is not allowed"), std::string::npos);
  // Options cannot switch HMAC on.
  TokenVerifyOptions hmac = Options();
  hmac.allowed_algs = {"RS256", "HS256"};
  auto verified = VerifyToken(MakeToken(*rsa_, claims), Set(), hmac);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(verified.status().message().find("HS256"), std::string::npos);
}

TEST_F(OidcTest, RefusesUnknownKidsBadSignaturesAndKeyMismatches) {
  const json claims = GoodClaims();
  EXPECT_REFUSED(MakeToken(*rsa_, claims, json{{"alg", "RS256"}, {"kid", "rotated-away"}}),
                 "unknown key id \"rotated-away\"");
  // Signed by another key under a known kid.
  EXPECT_REFUSED(MakeToken(*other_rsa_, claims), "bad signature");
  // A payload swapped after signing.
  std::string token = MakeToken(*rsa_, claims);
  json admin = claims;
  admin["roles"] = json::array({"editor"});
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  const std::string forged = token.substr(0, dot1 + 1) + B64(admin.dump()) + token.substr(dot2);
  EXPECT_REFUSED(forged, "bad signature");
  // An EC token claiming the RSA key, and an RS256 header over an EC key.
  EXPECT_REFUSED(MakeToken(*ec_, claims, json{{"alg", "ES256"}, {"kid", "rsa-1"}}), "is RSA, not for ES256");
  EXPECT_REFUSED(MakeToken(*rsa_, claims, json{{"alg", "RS256"}, {"kid", "ec-1"}}), "is EC, not for RS256");
  // No kid: only when the set has exactly one key of the type.
  EXPECT_EQ(Refusal(MakeToken(*ec_, claims, json{{"alg", "ES256"}})), "");
  EXPECT_REFUSED(MakeToken(*rsa_, claims, json{{"alg", "RS256"}, {"kid", 5}}), "\"kid\" is not a string");
  EXPECT_REFUSED(MakeToken(*rsa_, claims, json{{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", {"exp"}}}), "crit");
}

TEST_F(OidcTest, Es256SignaturesMustBeJoseRAndS) {
  EXPECT_EQ(Refusal(MakeToken(*ec_, GoodClaims())), "");
  // The DER form OpenSSL makes is not what JWS carries.
  EXPECT_REFUSED(MakeToken(*ec_, GoodClaims(), nullptr, /*der=*/true), "not 64 bytes (r||s)");
  // r||s with s replaced by zero bytes.
  std::string token = MakeToken(*ec_, GoodClaims());
  const auto dot2 = token.rfind('.');
  std::string sig = *Unbase64(token.substr(dot2 + 1));
  for (int i = 32; i < 64; ++i) sig[i] = 0;
  EXPECT_REFUSED(token.substr(0, dot2 + 1) + B64(sig), "bad signature");
}

TEST_F(OidcTest, RefusesMalformedAndOversizeTokens) {
  const std::string good = MakeToken(*rsa_, GoodClaims());
  const auto dot1 = good.find('.');
  const auto dot2 = good.rfind('.');
  EXPECT_REFUSED("", "not a signed JWT");
  EXPECT_REFUSED("abc", "not a signed JWT");
  EXPECT_REFUSED(good + ".x", "not a signed JWT");
  EXPECT_REFUSED("a.b.c.d.e", "encrypted token (JWE)");
  EXPECT_REFUSED("eyJ+bGciOi." + good.substr(dot1 + 1), "header is not base64url");
  EXPECT_REFUSED(good.substr(0, dot1) + "=" + good.substr(dot1), "header is not base64url");
  EXPECT_REFUSED(B64("{\"alg\":") + good.substr(dot1), "header: malformed JSON");
  EXPECT_REFUSED(B64("[\"RS256\"]") + good.substr(dot1), "header is not a JSON object");
  EXPECT_REFUSED(B64(R"({"alg":"RS256","alg":"none"})") + good.substr(dot1), "duplicate member \"alg\"");
  EXPECT_REFUSED(good.substr(0, dot2 + 1) + "!!", "signature is not base64url");
  EXPECT_REFUSED(good.substr(0, dot2 + 1), "signature is not base64url");
  // Signed, but a payload that is not one JSON object, or is one read two ways.
  const json header{{"alg", "RS256"}, {"kid", "rsa-1"}};
  auto signed_raw = [&](const std::string& payload) {
    const std::string input = B64(header.dump()) + "." + B64(payload);
    return input + "." + B64(rsa_->Sign(input));
  };
  EXPECT_REFUSED(signed_raw("not json"), "payload: malformed JSON");
  EXPECT_REFUSED(signed_raw("[1]"), "payload is not a JSON object");
  EXPECT_REFUSED(signed_raw(R"({"sub":"alice","sub":"admin"})"), "duplicate member \"sub\"");
  EXPECT_REFUSED(signed_raw(std::string(40, '[') + std::string(40, ']')), "nested deeper than 32");
  // Bounded before anything is decoded.
  EXPECT_REFUSED(std::string(kMaxTokenBytes + 1, 'a'), "bytes, at most 16384");
  TokenVerifyOptions small = Options();
  small.max_token_bytes = 100;
  EXPECT_NE(Refusal(good, small).find("at most 100"), std::string::npos);
}

TEST_F(OidcTest, RefusesMisconfiguredOptions) {
  const std::string token = MakeToken(*rsa_, GoodClaims());
  for (auto change : std::vector<std::function<void(TokenVerifyOptions&)>>{
           [](TokenVerifyOptions& o) { o.issuer.clear(); }, [](TokenVerifyOptions& o) { o.audiences.clear(); },
           [](TokenVerifyOptions& o) { o.now = 0; }, [](TokenVerifyOptions& o) { o.leeway_s = 3600; },
           [](TokenVerifyOptions& o) { o.allowed_algs.clear(); },
           [](TokenVerifyOptions& o) { o.max_token_bytes = kMaxTokenBytes + 1; }}) {
    TokenVerifyOptions options = Options();
    change(options);
    EXPECT_EQ(VerifyToken(token, Set(), options).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(OidcTest, JwksParsingSkipsForeignKeysAndRefusesBadOnes) {
  json oct{{"kty", "oct"}, {"kid", "h"}, {"k", "c2VjcmV0"}};
  json enc = rsa_->Jwk();
  enc["use"] = "enc";
  enc["kid"] = "enc-1";
  json ed{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AAAA"}};
  auto jwks = Jwks::Parse(json{{"keys", {oct, enc, ed, ec_->Jwk()}}}.dump());
  ASSERT_TRUE(jwks.ok()) << jwks.status().ToString();
  ASSERT_EQ(jwks->size(), 1u);
  EXPECT_EQ(jwks->Keys()[0].kid, "ec-1");

  // Keys without a kid: one of each type is no repetition, and a token
  // without a kid finds its key by type.
  json rsa_no_kid = rsa_->Jwk(), ec_no_kid = ec_->Jwk();
  rsa_no_kid.erase("kid");
  ec_no_kid.erase("kid");
  auto unnamed = Jwks::Parse(json{{"keys", {rsa_no_kid, ec_no_kid}}}.dump());
  ASSERT_TRUE(unnamed.ok()) << unnamed.status().ToString();
  EXPECT_TRUE(VerifyToken(MakeToken(*ec_, GoodClaims(), json{{"alg", "ES256"}}), unnamed.value(), Options()).ok());
  EXPECT_TRUE(VerifyToken(MakeToken(*rsa_, GoodClaims(), json{{"alg", "RS256"}}), unnamed.value(), Options()).ok());

  TestKey weak = TestKey::Rsa("weak", 1024);
  json off_curve = ec_->Jwk();
  std::string y = *Unbase64(off_curve["y"].get<std::string>());
  y[31] = static_cast<char>(y[31] ^ 1);
  off_curve["y"] = B64(y);
  json bad_n = rsa_->Jwk();
  bad_n["n"] = "not base64url!";
  const std::pair<std::string, std::string> cases[] = {
      {json{{"keys", {weak.Jwk()}}}.dump(), "keys[0]: RSA modulus of 1024 bits"},
      {json{{"keys", {ec_->Jwk(), off_curve}}}.dump(), "keys[1]: not a valid EC public key"},
      {json{{"keys", {bad_n}}}.dump(), "keys[0].n: not base64url"},
      {json{{"keys", {rsa_->Jwk(), other_rsa_->Jwk()}}}.dump(), "keys[1]: kid \"rsa-1\" repeated"},
      {"{\"keys\": 5}", "\"keys\" array"},
      {"{", "malformed JSON"},
      {std::string(kMaxJwksBytes + 1, ' '), "at most"},
  };
  for (const auto& [text, reason] : cases) {
    auto parsed = Jwks::Parse(text);
    ASSERT_FALSE(parsed.ok()) << reason;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(reason), std::string::npos) << parsed.status().message();
  }
}

TEST_F(OidcTest, ClaimMappingGivesThePrincipal) {
  auto principal = PrincipalFromClaims(GoodClaims(), ClaimMapping{});
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->user, "alice");  // normalised
  EXPECT_EQ(principal->org, "acme");
  EXPECT_EQ(principal->roles, (std::vector<std::string>{"customer", "finance"}));
  EXPECT_FALSE(principal->admin);

  // Keycloak-style nested roles, a space-separated scope, another org claim.
  json claims = GoodClaims();
  claims["realm_access"] = {{"roles", {"editor"}}};
  claims["tenant"] = "globex";
  claims["scope"] = "reader  writer";
  auto nested =
      PrincipalFromClaims(claims, {.user_claim = "sub", .org_claim = "tenant", .roles_claim = "realm_access.roles"});
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->org, "globex");
  EXPECT_EQ(nested->roles, std::vector<std::string>{"editor"});
  auto scoped = PrincipalFromClaims(claims, {.roles_claim = "scope"});
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->roles, (std::vector<std::string>{"reader", "writer"}));

  json bad = GoodClaims();
  bad["roles"] = 3;
  EXPECT_EQ(PrincipalFromClaims(bad, {}).status().code(), StatusCode::kUnauthenticated);
  bad = GoodClaims();
  bad["org_id"] = "acme/role:editor";  // cannot smuggle a grant
  EXPECT_EQ(PrincipalFromClaims(bad, {}).status().code(), StatusCode::kInvalidArgument);
  bad = GoodClaims();
  bad.erase("sub");
  auto no_user = PrincipalFromClaims(bad, {});
  EXPECT_EQ(no_user.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(no_user.status().message().find("\"sub\""), std::string::npos);
}

// The JWKS served on loopback by an httplib server of the test.
class JwksServer {
 public:
  explicit JwksServer(std::string body) : body_(std::move(body)) {
    server_.Get("/jwks", [this](const httplib::Request&, httplib::Response& res) {
      ++hits_;
      std::lock_guard<std::mutex> lock(mutex_);
      res.status = status_;
      res.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~JwksServer() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/jwks"; }
  void Set(std::string body, int status = 200) {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = std::move(body);
    status_ = status;
  }
  int hits() const { return hits_; }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::string body_;
  int status_ = 200;
  std::atomic<int> hits_{0};
  int port_ = 0;
  std::thread thread_;
};

TEST_F(OidcTest, JwksFromALoopbackUrlIsCachedAndRefetched) {
  JwksServer server(json{{"keys", {rsa_->Jwk()}}}.dump());
  long long now = kNow;
  HttpsFetchOptions fetch_options;
  fetch_options.allow_http_loopback = true;
  auto source = JwksSource::Create({.url = server.Url(),
                                    .fetch = MakeHttpsJwksFetcher(fetch_options),
                                    .ttl_s = 600,
                                    .min_refetch_interval_s = 60,
                                    .clock = [&now] { return now; }});
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto& jwks = *source.value();
  auto verified = jwks.Verify(MakeToken(*rsa_, GoodClaims()), Options());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  ASSERT_TRUE(jwks.Verify(MakeToken(*rsa_, GoodClaims()), Options()).ok());
  EXPECT_EQ(server.hits(), 1);  // cached

  // The provider rotates in the EC key: a token with its kid refetches once.
  server.Set(json{{"keys", {rsa_->Jwk(), ec_->Jwk()}}}.dump());
  now += 61;
  verified = jwks.Verify(MakeToken(*ec_, GoodClaims()), Options());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(server.hits(), 2);
  // Made-up kids do not make us hammer the provider.
  for (int i = 0; i < 5; ++i) {
    auto refused = jwks.Verify(MakeToken(*rsa_, GoodClaims(), json{{"alg", "RS256"}, {"kid", "k" + std::to_string(i)}}),
                               Options());
    EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(server.hits(), 2);
  // After the TTL it is fetched again; a failing provider leaves the old set
  // in use until twice the TTL.
  server.Set("oops", 500);
  now += 601;
  EXPECT_TRUE(jwks.Verify(MakeToken(*ec_, GoodClaims()), Options()).ok());
  EXPECT_EQ(server.hits(), 3);
  now += 700;
  auto down = jwks.Get();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(down.status().message().find("HTTP status 500"), std::string::npos) << down.status().message();
  // Nor is a provider that is down asked again on every token.
  const int asked = server.hits();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(jwks.Get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(server.hits(), asked);
  now += 61;
  EXPECT_FALSE(jwks.Get().ok());
  EXPECT_EQ(server.hits(), asked + 1);
}

TEST_F(OidcTest, FetcherRefusesPlainHttpOversizeBodiesAndErrors) {
  JwksServer server(JwksText());
  auto strict = MakeHttpsJwksFetcher();
  auto refused = strict(server.Url());  // loopback http not allowed by default
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  HttpsFetchOptions loopback;
  loopback.allow_http_loopback = true;
  EXPECT_EQ(MakeHttpsJwksFetcher(loopback)("http://login.example.com/jwks").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeHttpsJwksFetcher(loopback)("ftp://127.0.0.1/jwks").status().code(), StatusCode::kInvalidArgument);
  loopback.max_bytes = 100;
  auto big = MakeHttpsJwksFetcher(loopback)(server.Url());
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("body over 100 bytes"), std::string::npos) << big.status().message();
  loopback.max_bytes = kMaxJwksBytes;
  server.Set("", 404);
  auto missing = MakeHttpsJwksFetcher(loopback)(server.Url());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
}

TEST_F(OidcTest, JwksFromAFile) {
  testing::TempDir dir;
  const std::string file = dir.Write("jwks.json", JwksText());
  auto source = JwksSource::Create({.file = file});
  ASSERT_TRUE(source.ok());
  EXPECT_TRUE((*source)->Verify(MakeToken(*ec_, GoodClaims()), Options()).ok());
  auto missing = JwksSource::Create({.file = dir / "none.json"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ((*missing)->Get().status().code(), StatusCode::kIOError);
  EXPECT_EQ(JwksSource::Create({}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(JwksSource::Create({.url = "https://x/jwks"}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portalkb
