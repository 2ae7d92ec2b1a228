// Online backup and restore of an index and the SQLite stores beside it
// (the analytics log, and its pseudonym key), as one tar archive with a
// manifest of checksums. Format: doc/backup-format.md.
//
// Consistency: the index is copied as of one committed revision, and each
// SQLite store as of one committed transaction, while searches, commits and
// analytics writes go on. The index and the stores are copied one after the
// other, so they are each consistent but not at one common instant (a search
// logged during the backup may be in the log and not find its document).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

// The layout version of the archive this build writes and reads.
inline constexpr int kBackupFormatVersion = 1;

// One file of an archive.
struct BackupFile {
  std::string path;  // member name: "index/<file>" or a store's name ("analytics.sqlite", ...)
  std::uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
};

// What MANIFEST.json, an archive's first member, says.
struct BackupManifest {
  int format_version = kBackupFormatVersion;
  std::string created_at;  // ISO 8601, UTC, seconds ("2026-12-01T11:40:00Z")
  long long created_at_ms = 0;
  std::uint64_t index_revision = 0;  // the Xapian revision copied
  std::uint64_t documents = 0;       // documents at that revision
  // Rows per table of each SQLite store copied, e.g. {"analytics": {"searches": 120, "clicks": 4, ...}}.
  std::map<std::string, std::map<std::string, std::int64_t>> store_rows;
  std::vector<BackupFile> files;  // every member but the manifest, in archive order
};

struct BackupOptions {
  // Replace `out_file` when it exists (only once the new archive is complete:
  // the old one stays if the backup fails). Default: AlreadyExists.
  bool overwrite = false;
  // Copies of the index overtaken by a commit are started again, up to this
  // many times (Busy after the last). Must be at least 1.
  int max_snapshot_attempts = 20;
};

struct RestoreOptions {
  // Replace an existing non-empty index directory (and the stores beside it).
  // Default: AlreadyExists naming what is in the way.
  bool overwrite = false;
  // Check the archive only (every member and checksum); `db_dir` is unused
  // and nothing is written.
  bool verify_only = false;
  // Bounds on what an archive may claim; past them it is refused
  // (ResourceExhausted naming the member and the limit) before it is read.
  std::uint64_t max_file_bytes = std::uint64_t{1} << 40;   // 1 TiB per member
  std::uint64_t max_total_bytes = std::uint64_t{4} << 40;  // 4 TiB in all
  std::size_t max_files = 10000;
};

// Writes a backup of the index at `db_dir` and its stores (the files
// "<db_dir>.analytics.sqlite" and its ".key" beside it, when they exist) to
// `out_file`, atomically: the archive appears complete, or not at all. The
// archive is mode 0600 (it holds the pseudonym key). Safe to call while
// other threads or processes search and write. Returns the manifest.
// IndexNotFound / Corruption when `db_dir` is no portalkb index; Busy when
// commits overtake every copy attempt; IOError naming the file otherwise.
[[nodiscard]] Result<BackupManifest> Backup(const std::string& db_dir, const std::string& out_file,
                                            const BackupOptions& options = {});

// Checks the whole archive first: MANIFEST.json first, of a known format
// version; every member a regular file with a known name (no "..", no
// absolute path, no link or device), listed once in the manifest, of the
// size and SHA-256 it lists, and no listed file missing (Corruption naming
// the member otherwise). Then, unless verify_only, restores into a
// temporary directory beside `db_dir`, checks the restored index opens with
// the manifest's document count, and renames everything into place: the
// stores first, the index directory last (exchanged atomically when it
// exists), so an interrupted restore never leaves a half-restored index.
// Stop writers of `db_dir` first: a held index lock is Busy.
[[nodiscard]] Result<BackupManifest> Restore(const std::string& archive, const std::string& db_dir,
                                             const RestoreOptions& options = {});

// The manifest as JSON: what MANIFEST.json holds (and `--json` prints).
std::string BackupManifestToJson(const BackupManifest& manifest);

}  // namespace portalkb
