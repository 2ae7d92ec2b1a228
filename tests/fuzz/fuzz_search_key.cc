// Scoped search keys. Byte 0 picks the mode:
//   0: the rest is a token for VerifySearchKey: refused as Unauthenticated
//      with a reason, or (a seed minted with the fuzz secret, mutated where
//      it does not matter) accepted with claims that are never admin, not
//      expired and signed by a known key id;
//   1: the rest is a key-secrets file for ParseKeySecrets: a non-empty set
//      of ids and secrets of at least kMinKeySecretBytes, or InvalidArgument;
//   2: the rest makes claims: MintSearchKey either refuses them
//      (InvalidArgument) or gives a token that verifies to the same
//      (normalised) claims, and that no longer verifies once any one of its
//      characters is changed.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "portalkb/keys.h"

namespace {

constexpr long long kNow = 1800000000;

const std::map<std::string, std::string>& Secrets() {
  static const std::map<std::string, std::string> secrets = {
      {"fuzz", "fuzz-secret-0123456789abcdef0123456789abcdef"},
      {"rotated", "another-secret-of-more-than-thirty-two-bytes"},
  };
  return secrets;
}

void CheckAccepted(const portalkb::SearchKeyClaims& claims) {
  FUZZ_CHECK(!claims.principal.admin, "an admin key verified");
  FUZZ_CHECK(claims.expires_at > kNow, "an expired key verified (%lld)", claims.expires_at);
  FUZZ_CHECK(Secrets().count(claims.key_id) == 1, "unknown key id [%s] verified", claims.key_id.c_str());
  FUZZ_CHECK(claims.filter.size() <= portalkb::kMaxSearchKeyFilterBytes, "a filter of %zu bytes", claims.filter.size());
  auto normal = portalkb::NormalizePrincipal(claims.principal);
  FUZZ_CHECK(normal.ok(), "a verified principal does not normalise: %s", normal.status().ToString().c_str());
}

void Verify(std::string_view token) {
  auto verified = portalkb::VerifySearchKey(token, Secrets(), kNow);
  if (!verified.ok()) {
    FUZZ_CHECK(verified.status().code() == portalkb::StatusCode::kUnauthenticated, "unexpected code: %s",
               verified.status().ToString().c_str());
    FUZZ_CHECK(!verified.status().message().empty(), "a refusal without a reason");
    return;
  }
  CheckAccepted(verified.value());
}

void ParseSecrets(std::string_view text) {
  auto parsed = portalkb::ParseKeySecrets(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               parsed.status().ToString().c_str());
    return;
  }
  FUZZ_CHECK(!parsed.value().empty(), "an empty set of secrets accepted");
  for (const auto& [id, secret] : parsed.value()) {
    FUZZ_CHECK(!id.empty() && id.size() <= 64, "key id of %zu bytes", id.size());
    FUZZ_CHECK(secret.size() >= portalkb::kMinKeySecretBytes, "a secret of %zu bytes", secret.size());
  }
}

void MintAndVerify(FuzzedDataProvider& in) {
  portalkb::SearchKeyClaims claims;
  claims.key_id = in.ConsumeBool() ? "fuzz" : in.ConsumeRandomLengthString(80);
  claims.principal.user = in.ConsumeRandomLengthString(80);
  claims.principal.org = in.ConsumeRandomLengthString(80);
  const std::size_t roles = in.ConsumeIntegralInRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < roles; ++i) claims.principal.roles.push_back(in.ConsumeRandomLengthString(40));
  claims.principal.admin = in.ConsumeIntegralInRange<int>(0, 15) == 0;
  claims.is_public = in.ConsumeBool();
  claims.expires_at = kNow + in.ConsumeIntegralInRange<long long>(-10, portalkb::kMaxSearchKeyTtlSeconds + 10);
  claims.filter = in.ConsumeRandomLengthString(1100);
  const std::size_t flip = in.ConsumeIntegral<std::size_t>();
  const auto secret = Secrets().find(claims.key_id);
  auto token = portalkb::MintSearchKey(secret != Secrets().end() ? secret->second : "fuzz-secret-of-an-unknown-key-id!",
                                       claims, kNow);
  if (!token.ok()) {
    FUZZ_CHECK(token.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               token.status().ToString().c_str());
    return;
  }
  FUZZ_CHECK(!claims.principal.admin, "an admin key minted");
  const std::string& t = token.value();
  FUZZ_CHECK(t.size() <= portalkb::kMaxSearchKeyBytes, "a minted key of %zu bytes cannot be verified", t.size());
  auto verified = portalkb::VerifySearchKey(t, Secrets(), kNow);
  if (secret == Secrets().end()) {
    FUZZ_CHECK(!verified.ok(), "a key signed with an unknown key id verified");
    return;
  }
  FUZZ_CHECK(verified.ok(), "a minted key does not verify: %s", verified.status().ToString().c_str());
  const portalkb::SearchKeyClaims& got = verified.value();
  CheckAccepted(got);
  auto normal = portalkb::NormalizePrincipal(claims.principal);
  FUZZ_CHECK(normal.ok(), "minted with a principal that does not normalise");
  FUZZ_CHECK(got.key_id == claims.key_id && got.filter == claims.filter && got.is_public == claims.is_public &&
                 got.expires_at == claims.expires_at && got.principal.user == normal.value().user &&
                 got.principal.org == normal.value().org && got.principal.roles == normal.value().roles,
             "the verified claims differ from the minted ones");
  std::string tampered = t;
  const std::size_t at = flip % tampered.size();
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  auto refused = portalkb::VerifySearchKey(tampered, Secrets(), kNow);
  FUZZ_CHECK(!refused.ok(), "a key changed at byte %zu still verifies: %s", at, tampered.c_str());
  FUZZ_CHECK(refused.status().code() == portalkb::StatusCode::kUnauthenticated, "unexpected code: %s",
             refused.status().ToString().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      Verify(rest);
      break;
    case 1:
      ParseSecrets(rest);
      break;
    default: {
      FuzzedDataProvider in(data + 1, size - 1);
      MintAndVerify(in);
      break;
    }
  }
  return 0;
}
