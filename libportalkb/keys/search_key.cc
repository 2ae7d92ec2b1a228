// Scoped search keys (see portalkb/keys.h).
//
// The payload is a JSON object with exactly these members:
//   "v": 1, "kid": KEY_ID, "exp": seconds since the epoch,
//   "user": str, "org": str, "roles": [str], "filter": str, "public": bool
// (user, org, roles, filter and public may be omitted when empty/false).
#include "portalkb/keys.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace portalkb {
namespace {

using nlohmann::json;

constexpr std::size_t kMacBytes = crypto_auth_hmacsha256_BYTES;
constexpr std::size_t kMaxSecretFileBytes = 1 << 20;

bool SodiumReady() {
  // sodium_init is thread-safe and idempotent; < 0 means the library could not start.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

bool ValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Base64Url(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Strict decoding: the whole input must be base64url without padding
// (libsodium also refuses non-zero unused bits in the last character, so
// one token has one text; keys_test pins that).
std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string Mac(std::string_view secret, std::string_view message) {
  unsigned char mac[kMacBytes];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  std::string out(reinterpret_cast<const char*>(mac), kMacBytes);
  sodium_memzero(&state, sizeof state);
  return out;
}

Status Bad(std::string reason) { return Status::Unauthenticated("search key rejected: " + std::move(reason)); }

// Normalises and checks what a key may carry; `bad` makes the error (an
// InvalidArgument when minting, Unauthenticated when verifying).
template <typename MakeError>
Result<SearchKeyClaims> CheckClaims(SearchKeyClaims claims, MakeError bad) {
  if (!ValidKeyId(claims.key_id)) {
    return bad("key_id '" + Abbreviate(claims.key_id) + "': must be 1-64 of A-Z a-z 0-9 _ -");
  }
  if (claims.principal.admin) return bad("principal: a search key can never be an admin key");
  auto principal = NormalizePrincipal(claims.principal);
  if (!principal.ok()) return bad(principal.status().message());
  claims.principal = std::move(principal).value();
  if (claims.is_public &&
      (!claims.principal.user.empty() || !claims.principal.org.empty() || !claims.principal.roles.empty())) {
    return bad("public: a public key carries no user, org or roles");
  }
  if (claims.filter.size() > kMaxSearchKeyFilterBytes) {
    return bad("filter: " + std::to_string(claims.filter.size()) + " bytes, over the limit of " +
               std::to_string(kMaxSearchKeyFilterBytes));
  }
  if (!IsValidUtf8(claims.filter)) return bad("filter: not valid UTF-8");
  return claims;
}

}  // namespace

Result<std::string> MintSearchKey(std::string_view secret, const SearchKeyClaims& claims, long long now) {
  if (!SodiumReady()) return Status::Internal("libsodium could not be initialised");
  if (secret.size() < kMinKeySecretBytes) {
    return Status::InvalidArgument("secret: " + std::to_string(secret.size()) + " bytes, at least " +
                                   std::to_string(kMinKeySecretBytes) + " needed");
  }
  auto checked = CheckClaims(claims, [](std::string m) { return Status::InvalidArgument(std::move(m)); });
  if (!checked.ok()) return checked.status();
  const SearchKeyClaims& c = checked.value();
  if (c.expires_at <= now) return Status::InvalidArgument("expiry: must be after now (a ttl of at least 1 second)");
  if (c.expires_at - now > kMaxSearchKeyTtlSeconds) {
    return Status::InvalidArgument("expiry: at most " + std::to_string(kMaxSearchKeyTtlSeconds / 86400) +
                                   " days ahead");
  }
  json payload = {{"v", 1}, {"kid", c.key_id}, {"exp", c.expires_at}};
  if (!c.principal.user.empty()) payload["user"] = c.principal.user;
  if (!c.principal.org.empty()) payload["org"] = c.principal.org;
  if (!c.principal.roles.empty()) payload["roles"] = c.principal.roles;
  if (!c.filter.empty()) payload["filter"] = c.filter;
  if (c.is_public) payload["public"] = true;
  const std::string body = payload.dump();
  std::string signed_part = std::string(kSearchKeyPrefix) + c.key_id + "." +
                            Base64Url(reinterpret_cast<const unsigned char*>(body.data()), body.size());
  const std::string mac = Mac(secret, signed_part);
  std::string token = signed_part + "." + Base64Url(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  if (token.size() > kMaxSearchKeyBytes) {
    return Status::InvalidArgument("search key would be " + std::to_string(token.size()) + " bytes, over " +
                                   std::to_string(kMaxSearchKeyBytes) + " (fewer roles or a shorter filter)");
  }
  return token;
}

Result<SearchKeyClaims> VerifySearchKey(std::string_view token, const std::map<std::string, std::string>& secrets,
                                        long long now) {
  if (!SodiumReady()) return Status::Internal("libsodium could not be initialised");
  if (token.size() > kMaxSearchKeyBytes) return Bad("longer than " + std::to_string(kMaxSearchKeyBytes) + " bytes");
  if (!StartsWith(token, kSearchKeyPrefix)) return Bad("not a search key (expected the prefix pkb1.)");
  const std::string_view rest = token.substr(kSearchKeyPrefix.size());
  const std::size_t dot1 = rest.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : rest.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || rest.find('.', dot2 + 1) != std::string_view::npos) {
    return Bad("malformed (expected pkb1.KEY_ID.PAYLOAD.MAC)");
  }
  const std::string key_id(rest.substr(0, dot1));
  const std::string_view payload_b64 = rest.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view mac_b64 = rest.substr(dot2 + 1);
  if (!ValidKeyId(key_id)) return Bad("malformed key id");
  const auto secret = secrets.find(key_id);
  if (secret == secrets.end()) return Bad("unknown key id '" + key_id + "'");
  const auto mac = FromBase64Url(mac_b64);
  if (!mac || mac->size() != kMacBytes) return Bad("malformed signature");
  const std::string expected = Mac(secret->second, token.substr(0, kSearchKeyPrefix.size() + dot2));
  if (sodium_memcmp(expected.data(), mac->data(), kMacBytes) != 0) return Bad("signature does not match");

  // Signed by us from here on; still checked strictly, as a bug or an old
  // format must not turn into access.
  const auto body = FromBase64Url(payload_b64);
  if (!body) return Bad("malformed payload encoding");
  const json payload = json::parse(*body, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return Bad("payload is not a JSON object");
  SearchKeyClaims claims;
  bool have_exp = false;
  for (const auto& [name, value] : payload.items()) {
    if (name == "v") {
      if (!value.is_number_integer() || value.get<long long>() != 1) return Bad("unsupported version");
    } else if (name == "kid" && value.is_string()) {
      claims.key_id = value.get<std::string>();
    } else if (name == "exp" && value.is_number_integer()) {
      claims.expires_at = value.get<long long>();
      have_exp = true;
    } else if (name == "user" && value.is_string()) {
      claims.principal.user = value.get<std::string>();
    } else if (name == "org" && value.is_string()) {
      claims.principal.org = value.get<std::string>();
    } else if (name == "roles" && value.is_array()) {
      for (const auto& role : value) {
        if (!role.is_string()) return Bad("roles: not a list of strings");
        claims.principal.roles.push_back(role.get<std::string>());
      }
    } else if (name == "filter" && value.is_string()) {
      claims.filter = value.get<std::string>();
    } else if (name == "public" && value.is_boolean()) {
      claims.is_public = value.get<bool>();
    } else {
      return Bad("payload member '" + Abbreviate(name, 40) + "' unknown or of the wrong type");
    }
  }
  if (!payload.contains("v")) return Bad("payload without version");
  if (!have_exp) return Bad("payload without expiry");
  if (claims.key_id != key_id) return Bad("payload key id differs from the token's");
  auto checked = CheckClaims(std::move(claims), [](std::string m) { return Bad(std::move(m)); });
  if (!checked.ok()) return checked.status();
  if (now >= checked->expires_at) return Bad("expired at " + FormatIsoDateTime(checked->expires_at));
  return checked;
}

Result<std::map<std::string, std::string>> ParseKeySecrets(std::string_view text) {
  std::map<std::string, std::string> secrets;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    const std::size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return Status::InvalidArgument(where + "expected KEY_ID SECRET");
    const std::string id(line.substr(0, space));
    const std::string secret(Trim(line.substr(space + 1)));
    if (!ValidKeyId(id)) return Status::InvalidArgument(where + "key id must be 1-64 of A-Z a-z 0-9 _ -");
    if (secret.size() < kMinKeySecretBytes) {
      return Status::InvalidArgument(where + "secret of key '" + id + "' is " + std::to_string(secret.size()) +
                                     " bytes, at least " + std::to_string(kMinKeySecretBytes) + " needed");
    }
    if (!secrets.emplace(id, secret).second) return Status::InvalidArgument(where + "key id '" + id + "' repeated");
  }
  if (secrets.empty()) return Status::InvalidArgument("no KEY_ID SECRET lines");
  return secrets;
}

Result<std::string> ReadSecretFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::IOError(path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied(path + " has mode " + mode +
                                    ": a secret file must not be accessible to group or others (chmod 600 " + path +
                                    ")");
  }
  if (st.st_size > static_cast<off_t>(kMaxSecretFileBytes)) {
    return Status::InvalidArgument(path + ": over the 1 MiB limit of a secret file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path + ": cannot be read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

Result<std::map<std::string, std::string>> LoadKeySecrets(const std::string& path) {
  auto text = ReadSecretFile(path);
  if (!text.ok()) return text.status();
  auto secrets = ParseKeySecrets(text.value());
  sodium_memzero(text.value().data(), text.value().size());
  if (!secrets.ok()) return Status::InvalidArgument(path + ": " + secrets.status().message());
  return secrets;
}

std::string Sha256Hex(std::string_view data) {
  (void)SodiumReady();
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace portalkb
