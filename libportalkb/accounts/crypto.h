// The accounts module's cryptography, on libsodium: the key file, sealing
// personal fields (XChaCha20-Poly1305, a random nonce per value, the row's
// identity as associated data), the e-mail blind index (keyed BLAKE2b under
// a key derived apart from the sealing key) and hashes of random secrets.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "portalkb/status.h"

namespace portalkb::accounts {

inline constexpr std::size_t kMasterKeyBytes = 32;

// One master key and the two keys derived from it.
struct AccountKey {
  std::string id;         // 16 hex digits derived from the key, stored with every row sealed under it
  std::string seal_key;   // XChaCha20-Poly1305 key
  std::string index_key;  // BLAKE2b key of the blind index
};

// Reads a key file: a regular file without group/other access
// (PermissionDenied naming it and its octal mode), holding 32 raw bytes or
// 64 hex digits with at most one trailing newline (Corruption otherwise).
Result<AccountKey> LoadAccountKey(const std::string& path);
// Writes a fresh random key (64 hex digits) to a new 0600 file.
Status CreateAccountKeyFile(const std::string& path);

// The keys a store knows: the current one seals, all of them open.
class KeyRing {
 public:
  explicit KeyRing(AccountKey current) : current_id_(current.id) { keys_.emplace(current.id, std::move(current)); }
  void Add(AccountKey key) { keys_.emplace(key.id, std::move(key)); }
  const AccountKey& current() const { return keys_.at(current_id_); }
  const std::map<std::string, AccountKey>& all() const { return keys_; }

  // base64(nonce || ciphertext) of `plain` under the key `key_id` (empty:
  // the current key, which must then be what the row's key_id says), bound
  // to `context`. An unknown key_id seals under the current key.
  std::string Seal(std::string_view plain, std::string_view context, std::string_view key_id = "") const;
  // Opens what Seal made under the key `key_id`; Corruption when the key is
  // unknown or the value was altered or moved to another row.
  Result<std::string> Open(std::string_view sealed, std::string_view key_id, std::string_view context) const;
  // Hex of keyed BLAKE2b-256 of `value` under `key`'s index key.
  static std::string BlindIndex(const AccountKey& key, std::string_view value);

 private:
  std::string current_id_;
  std::map<std::string, AccountKey> keys_;
};

// `bytes` random bytes as base64url without padding.
std::string RandomToken(std::size_t bytes);
// Lower-case hex of SHA-256 of `secret`.
std::string HashSecret(std::string_view secret);
std::string RandomHex(std::size_t bytes);
// Constant-time comparison of equal-length strings (false if lengths differ).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace portalkb::accounts
