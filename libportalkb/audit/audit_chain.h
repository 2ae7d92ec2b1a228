// The hash chain of the audit trail: the canonical encoding an entry's hash
// covers, and the keyed digest of user ids (see portalkb/audit.h and
// doc/audit-format.md). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portalkb::audit {

inline constexpr std::size_t kHashBytes = 32;  // SHA-256

// The hashed form of one entry. Ids appear as their keyed digests.
struct ChainFields {
  std::int64_t seq = 0;
  long long time = 0;
  std::string_view actor_digest;  // raw bytes, "" for no actor
  std::string_view action;
  std::string_view subject_digest;  // raw bytes, "" for no subject
  std::string_view org;
  std::string_view detail;
  std::string_view prev_hash;  // raw 32 bytes
};

// SHA-256 over "portalkb-audit-v1" then each field as an 8-byte big-endian
// length followed by its bytes (seq and time as 8-byte big-endian two's
// complement), so no two different entries encode alike.
std::string EntryHash(const ChainFields& fields);

// HMAC-SHA-256(key, id), raw bytes; "" for an empty id.
std::string IdDigest(std::string_view key, std::string_view id);

// The hash entry 1 chains to: 32 zero bytes.
std::string GenesisHash();

std::string ToHex(std::string_view bytes);
// "" when `hex` is not 2*n lower-case hex digits.
std::string FromHex(std::string_view hex);

}  // namespace portalkb::audit
