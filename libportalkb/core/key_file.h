// Private key files: a file of its own holding a secret, readable by its
// owner only. Shared by the audit key, the analytics pseudonym key and the
// accounts key file, so all three refuse the same things in the same words.
// Internal to the library (not a public header).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "portalkb/status.h"

namespace portalkb {

// How errors name a key file and which sizes it may have.
struct KeyFileKind {
  std::string name;           // "audit key file": every error names the file with it
  std::size_t min_bytes = 0;  // a size outside [min_bytes, max_bytes] is refused before anything is
  std::size_t max_bytes = 0;  // read, so max_bytes also bounds the read
  std::string size_rule;      // ends the size error, after "holds N bytes": ", expected 32"

  // A file of exactly `bytes` bytes ("holds 9 bytes, expected 32").
  static KeyFileKind Exactly(std::string name, std::size_t bytes);
};

// Reads the whole key file at `path` without following a symbolic link.
// Errors: NotFound ("no <name> '<path>'") when there is none; Corruption when
// it is not a regular file or its size breaks `kind`; PermissionDenied naming
// the file and its octal mode when group or others may use it (checked before
// the size); IOError naming the file. Callers wipe the returned secret when
// done with it.
Result<std::string> ReadKeyFile(const std::string& path, const KeyFileKind& kind);

// Writes `contents` to a fresh private file (O_EXCL, mode 0600, fsynced) and
// links it to `path`. The link is atomic and fails if the name exists, so two
// processes creating a key at once agree on one and nobody reads a
// half-written key. Returns Ok when `path` existed already as well: callers
// read back what is in place. IOError naming the file (the temporary one,
// `<path>.tmp-<random hex>`, for failures before the link).
Status CreateKeyFile(const std::string& path, std::string_view name, std::string_view contents);

}  // namespace portalkb
