// The audit key file (see audit_key.h), on the key file discipline shared
// with the analytics pseudonym key and the accounts key (core/key_file.h).
#include "audit/audit_key.h"

#include <sodium.h>

#include "core/key_file.h"

namespace portalkb {

Result<std::string> LoadOrCreateAuditKey(const std::string& path, bool may_create) {
  const KeyFileKind kind = KeyFileKind::Exactly("audit key file", kAuditKeyBytes);
  auto existing = ReadKeyFile(path, kind);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  if (!may_create) {
    return Status::Corruption("audit key file '" + path +
                              "' is missing but the trail has entries; restore it from the backup it was kept with");
  }
  std::string key(kAuditKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  if (Status s = CreateKeyFile(path, kind.name, key); !s.ok()) return s;
  sodium_memzero(key.data(), key.size());
  // Read back what is in place: another process may have linked first.
  return ReadKeyFile(path, kind);
}

}  // namespace portalkb
