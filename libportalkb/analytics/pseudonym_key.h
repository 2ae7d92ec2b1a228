// The key behind pseudonymous ids, kept in a file of its own beside the log
// ("<log>.key", 32 random bytes, mode 0600), so a copy of the log alone does
// not let anyone test a guessed user id against it.
//
// Rotation: move the key file away (or delete it) while no process has the
// log open; the next open creates a new key. Searches logged after that get
// new pseudonyms that do not link to the old ones (reports then count a user
// seen before and after as two). Erasing a user's earlier searches needs the
// old key: keep it until those searches are purged by retention, or erase
// with a process opened on it.
#pragma once

#include <string>

#include "portalkb/status.h"

namespace portalkb {

inline constexpr std::size_t kPseudonymKeyBytes = 32;

// Reads the key at `path`, creating it (O_EXCL, mode 0600, from libsodium's
// random generator) when there is none. `legacy` (raw bytes, may be empty)
// is the key an older log kept inside the database: it becomes the file's
// content, so pseudonyms keep linking. Errors: a key file readable or
// writable by group or others (PermissionDenied naming the file and its
// mode), not a regular file or not 32 bytes (Corruption), a legacy key that
// differs from an existing file (Corruption), I/O (IOError).
Result<std::string> LoadOrCreatePseudonymKey(const std::string& path, const std::string& legacy);

}  // namespace portalkb
