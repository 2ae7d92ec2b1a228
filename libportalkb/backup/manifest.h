// MANIFEST.json: writing it, and reading it from a hostile archive.
#pragma once

#include <string>

#include "portalkb/backup.h"

namespace portalkb::backup {

// Parses and checks a manifest: a JSON object with exactly the known keys of
// the right types, format_version kBackupFormatVersion (a newer one is
// refused naming both), at most `max_files` files, each path a valid member
// name listed once, sizes within `max_file_bytes` and `max_total_bytes`,
// checksums 64 hex digits. Corruption / ResourceExhausted naming the field.
Result<BackupManifest> ParseManifest(const std::string& text, const RestoreOptions& limits);

}  // namespace portalkb::backup
