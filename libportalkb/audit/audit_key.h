// The key behind the keyed digests (HMAC-SHA-256) of user ids that the audit
// chain's hashes cover: a file of its own beside the trail ("<trail>.key", 32
// random bytes, mode 0600). Losing it does not break the chain (the digests
// are stored), but Verify can then no longer check the clear ids against
// them, and pseudonymised ids become unlinkable for good.
#pragma once

#include <string>

#include "portalkb/status.h"

namespace portalkb {

inline constexpr std::size_t kAuditKeyBytes = 32;

// Reads the key at `path`; when there is none and `may_create` (a new trail),
// creates it (O_EXCL link, mode 0600, libsodium's random generator).
// PermissionDenied naming the file and its mode when group or others may use
// it; Corruption when it is missing and !may_create, not a regular file or
// not 32 bytes; IOError.
Result<std::string> LoadOrCreateAuditKey(const std::string& path, bool may_create);

}  // namespace portalkb
