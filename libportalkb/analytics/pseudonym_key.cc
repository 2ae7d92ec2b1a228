// The pseudonym key file (see pseudonym_key.h), on the key file discipline
// shared with the audit key and the accounts key (core/key_file.h).
#include "analytics/pseudonym_key.h"

#include <sodium.h>

#include "core/key_file.h"

namespace portalkb {

Result<std::string> LoadOrCreatePseudonymKey(const std::string& path, const std::string& legacy) {
  const KeyFileKind kind = KeyFileKind::Exactly("pseudonym key file", kPseudonymKeyBytes);
  auto existing = ReadKeyFile(path, kind);
  if (existing.ok()) {
    if (!legacy.empty() && legacy != existing.value()) {
      return Status::Corruption("pseudonym key file '" + path +
                                "' differs from the key stored in the log; move one aside to choose which to keep");
    }
    return existing;
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  std::string key = legacy;
  if (key.empty()) {
    key.resize(kPseudonymKeyBytes);
    randombytes_buf(key.data(), key.size());
  } else if (key.size() != kPseudonymKeyBytes) {
    return Status::Corruption("the pseudonym key stored in the log beside '" + path + "' is " +
                              std::to_string(key.size()) + " bytes, expected " + std::to_string(kPseudonymKeyBytes));
  }
  if (Status s = CreateKeyFile(path, kind.name, key); !s.ok()) return s;
  // Read back what is in place: another process may have linked first.
  return ReadKeyFile(path, kind);
}

}  // namespace portalkb
