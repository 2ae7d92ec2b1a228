#include "audit/audit_chain.h"

#include <sodium.h>

namespace portalkb::audit {
namespace {

constexpr std::string_view kDomain = "portalkb-audit-v1";

void AddU64(crypto_hash_sha256_state& state, std::uint64_t value) {
  unsigned char bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
  crypto_hash_sha256_update(&state, bytes, sizeof bytes);
}

void AddField(crypto_hash_sha256_state& state, std::string_view field) {
  AddU64(state, field.size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}

void AddInt(crypto_hash_sha256_state& state, std::int64_t value) {
  AddU64(state, 8);
  AddU64(state, static_cast<std::uint64_t>(value));
}

}  // namespace

std::string EntryHash(const ChainFields& f) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  AddField(state, kDomain);
  AddInt(state, f.seq);
  AddInt(state, f.time);
  AddField(state, f.actor_digest);
  AddField(state, f.action);
  AddField(state, f.subject_digest);
  AddField(state, f.org);
  AddField(state, f.detail);
  AddField(state, f.prev_hash);
  std::string out(kHashBytes, '\0');
  crypto_hash_sha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string IdDigest(std::string_view key, std::string_view id) {
  if (id.empty()) return {};
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string GenesisHash() { return std::string(kHashBytes, '\0'); }

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return {};
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return {};
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace portalkb::audit
