// Scoped search keys: signed, expiring tokens that carry who searches and a
// fixed filter, so a portal can hand a browser a key that only ever searches
// as that principal. A server verifies them without any per-key state.
//
// A token is "pkb1.KEY_ID.PAYLOAD.MAC": PAYLOAD is the base64url (no padding)
// of a small JSON object (see keys.cc), MAC the base64url of the
// HMAC-SHA-256 (libsodium) of every byte before the last '.', under the
// secret named by KEY_ID. The MAC is checked, in constant time, before the
// payload is parsed; every id inside it is then checked with
// NormalizePrincipal. Several secrets may be active at once (rotation): a
// token names the one it was signed with.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "portalkb/principal.h"
#include "portalkb/status.h"

namespace portalkb {

// What a search key grants.
struct SearchKeyClaims {
  std::string key_id;   // which secret signs it: 1-64 of A-Z a-z 0-9 _ -
  Principal principal;  // who searches; never admin
  // A filter expression (as SearchRequest::filters) ANDed to every search
  // made with the key; "" for none. At most kMaxSearchKeyFilterBytes.
  std::string filter;
  // A key for anonymous visitors (a public site): its principal must be
  // anonymous. Only says what the key is meant for; access still comes from
  // the principal alone.
  bool is_public = false;
  long long expires_at = 0;  // seconds since the epoch; mandatory
};

inline constexpr std::size_t kMinKeySecretBytes = 32;
inline constexpr std::size_t kMaxSearchKeyBytes = 4096;
inline constexpr std::size_t kMaxSearchKeyFilterBytes = 1024;
inline constexpr long long kMaxSearchKeyTtlSeconds = 400LL * 24 * 3600;
inline constexpr std::string_view kSearchKeyPrefix = "pkb1.";

// Signs `claims` with `secret` (at least kMinKeySecretBytes bytes).
// InvalidArgument naming the field for a bad key id, an admin principal, a
// malformed principal id, a public key with a non-anonymous principal, a
// filter over its limit, or an expiry not after `now` or more than
// kMaxSearchKeyTtlSeconds after it. The principal is stored normalised.
Result<std::string> MintSearchKey(std::string_view secret, const SearchKeyClaims& claims, long long now);

// Checks `token` against the secret its key id names in `secrets` (key id ->
// secret) at time `now` (seconds since the epoch) and returns its claims.
// Unauthenticated, with the reason, for a token that is malformed, too long,
// signed with an unknown key id, tampered with, or expired. Bounded work on
// any input: tokens over kMaxSearchKeyBytes are refused before decoding.
// Thread-safe (pure).
Result<SearchKeyClaims> VerifySearchKey(std::string_view token, const std::map<std::string, std::string>& secrets,
                                        long long now);

// Parses a key-secrets file: one "KEY_ID SECRET" per line ('#' starts a
// comment line; blank lines skipped). InvalidArgument naming the line for a
// bad key id, a secret shorter than kMinKeySecretBytes, or a repeated id;
// an empty set is InvalidArgument too.
Result<std::map<std::string, std::string>> ParseKeySecrets(std::string_view text);

// Reads a file holding a secret. PermissionDenied naming the file and its
// mode when group or others have any access to it (chmod 600); IOError when
// it cannot be read; InvalidArgument over 1 MiB.
Result<std::string> ReadSecretFile(const std::string& path);

// ReadSecretFile then ParseKeySecrets (errors name the file).
Result<std::map<std::string, std::string>> LoadKeySecrets(const std::string& path);

// Lower-case hex SHA-256 of `data` (how admin keys are stored).
std::string Sha256Hex(std::string_view data);

// Compares two strings in time that depends on their lengths only.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace portalkb
