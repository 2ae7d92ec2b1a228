// Restore: verify the whole archive, extract it into a staging directory
// beside the target, check the index opens, then rename into place.
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE, RENAME_NOREPLACE (glibc)

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "backup/archive.h"
#include "backup/members.h"
#include "storage/store.h"

namespace portalkb {
namespace fs = std::filesystem;

namespace {

// What is in the way of restoring to `base`: a non-empty index directory
// (or a file there), or any store or side file beside it.
Status CheckTargetFree(const std::string& base) {
  std::error_code ec;
  const auto status = fs::symlink_status(base, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status))
      return Status::AlreadyExists("restore: '" + base + "' exists and is not a directory");
    if (!fs::is_empty(base, ec)) {
      return Status::AlreadyExists("restore: '" + base +
                                   "' exists and is not empty; pass overwrite (--force) to replace it");
    }
  }
  for (const auto& store : backup::kSqliteStores) {
    for (const char* extra : {"", "-wal"}) {
      const std::string path = base + store.suffix + extra;
      if (fs::exists(fs::symlink_status(path, ec))) {
        return Status::AlreadyExists("restore: '" + path + "' exists; pass overwrite (--force) to replace it");
      }
    }
  }
  for (const auto& side : backup::kSideFiles) {
    const std::string path = base + side.suffix;
    if (fs::exists(fs::symlink_status(path, ec))) {
      return Status::AlreadyExists("restore: '" + path + "' exists; pass overwrite (--force) to replace it");
    }
  }
  return Status::Ok();
}

// With overwrite: what may be replaced is nothing, an empty directory or a
// portalkb index no writer holds (Busy then: replacing its files would lose
// its changes). Anything else is refused, so a mistyped --db never swaps
// away someone's directory.
Status CheckReplaceable(const std::string& base) {
  std::error_code ec;
  const auto status = fs::symlink_status(base, ec);
  if (!fs::exists(status)) return Status::Ok();
  if (!fs::is_directory(status)) return Status::AlreadyExists("restore: '" + base + "' exists and is not a directory");
  if (fs::is_empty(base, ec)) return Status::Ok();
  // Only a Xapian database is probed: opening a writer elsewhere would create one.
  if (!fs::exists(fs::path(base) / "iamglass", ec)) {
    return Status::AlreadyExists("restore: '" + base + "' is not an index directory; refusing to replace it");
  }
  auto writer = WritableStore::Open(base, /*create_if_missing=*/false);
  if (!writer.ok() && writer.status().code() == StatusCode::kBusy) {
    return Status::Busy("restore: '" + base + "' is open for writing by another process; stop it first");
  }
  return Status::Ok();  // the probe's handle closes here, changing nothing
}

// With `replace` false, a file that appeared at `to` since the checks is
// not replaced (AlreadyExists), where the file system can tell.
Status Rename(const std::string& from, const std::string& to, bool replace = true) {
  if (!replace) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Status::Ok();
    if (errno == EEXIST) return Status::AlreadyExists("restore: '" + to + "' appeared while restoring");
    if (errno != EINVAL) {
      return Status::IOError("restore: cannot rename '" + from + "' to '" + to + "': " + std::strerror(errno));
    }
  }
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IOError("restore: cannot rename '" + from + "' to '" + to + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

// Puts the directory `staged` at `target`: exchanged atomically with an
// existing one (which ends up at `staged`, for the caller to remove), or
// renamed when there is none.
Status PlaceDirectory(const std::string& staged, const std::string& target, const std::string& spare, bool overwrite) {
  std::error_code ec;
  // Without overwrite, rename(2) itself refuses a non-empty directory that
  // appeared since the checks (an empty one is replaced, as allowed).
  if (!overwrite || !fs::exists(fs::symlink_status(target, ec))) return Rename(staged, target);
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) return Status::Ok();
  if (errno != EINVAL && errno != ENOSYS) {
    return Status::IOError("restore: cannot exchange '" + staged + "' with '" + target + "': " + std::strerror(errno));
  }
  // No RENAME_EXCHANGE on this file system: two renames, with a moment in
  // between where `target` is missing (never half-restored).
  if (Status s = Rename(target, spare); !s.ok()) return s;
  if (Status s = Rename(staged, target); !s.ok()) {
    Rename(spare, target).ok();  // put the old one back
    return s;
  }
  return Status::Ok();
}

}  // namespace

Result<BackupManifest> Restore(const std::string& archive, const std::string& db_dir, const RestoreOptions& options) {
  if (sodium_init() < 0) return Status::Internal("restore: libsodium could not start");
  if (archive.empty()) return Status::InvalidArgument("restore: no archive file given");
  std::error_code ec;
  if (!fs::is_regular_file(archive, ec)) return Status::NotFound("restore: no archive file '" + archive + "'");
  std::string manifest_text;
  if (options.verify_only) return backup::ReadArchive(archive, options, "", manifest_text);

  if (db_dir.empty()) return Status::InvalidArgument("restore: no index directory given");
  const std::string base = backup::IndexBase(db_dir);
  fs::path parent = fs::path(base).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) {
    return Status::InvalidArgument("restore: '" + parent.string() + "' (where '" + base + "' goes) is not a directory");
  }
  if (Status s = options.overwrite ? CheckReplaceable(base) : CheckTargetFree(base); !s.ok()) return s;
  // Every checksum is verified before anything is written.
  auto verified = backup::ReadArchive(archive, options, "", manifest_text);
  if (!verified.ok()) return verified.status();

  auto staging =
      backup::StagingDir::Create((parent / ("." + fs::path(base).filename().string() + ".restore-")).string());
  if (!staging.ok()) return staging.status();
  const std::string stage = staging.value()->path();
  // The archive is read again to extract it, checked again as it goes: it
  // may have been replaced since the first pass.
  std::string extracted_text;
  auto manifest = backup::ReadArchive(archive, options, stage, extracted_text);
  if (!manifest.ok()) return manifest.status();
  if (extracted_text != manifest_text) {
    return Status::Corruption("restore: archive '" + archive + "' changed while it was being restored");
  }
  const std::string staged_index = stage + "/index";
  {
    auto store = ReadableStore::Open(staged_index);
    if (!store.ok())
      return Status::Corruption("restore: the index in '" + archive + "' does not open: " + store.status().message());
    std::uint64_t documents = 0;
    Status s = store.value()->Read("count restored documents",
                                   [&](const Xapian::Database& db) { documents = db.get_doccount(); });
    if (!s.ok()) return s;
    if (documents != manifest->documents) {
      return Status::Corruption("restore: the index in '" + archive + "' holds " + std::to_string(documents) +
                                " documents, the manifest says " + std::to_string(manifest->documents));
    }
  }
  if (Status s = backup::SyncDirectory(staged_index); !s.ok()) return s;
  if (Status s = backup::SyncDirectory(stage); !s.ok()) return s;

  if (options.overwrite) {
    if (Status s = CheckReplaceable(base); !s.ok()) return s;  // again: a writer may have started
  }
  // Stores first, the index last: an interruption in between leaves the old
  // index with new stores, never a half-restored index. Stores the archive
  // does not hold are left as they are.
  for (const auto& file : manifest->files) {
    if (file.path.starts_with(backup::kIndexPrefix)) continue;
    const std::string target = base + backup::SuffixOfMember(file.path);
    // A WAL left by the replaced log would be replayed into the new one.
    for (const char* extra : {"-wal", "-shm", "-journal"}) fs::remove(target + extra, ec);
    if (Status s = Rename(stage + "/" + file.path, target, options.overwrite); !s.ok()) return s;
  }
  if (Status s = PlaceDirectory(staged_index, base, stage + "/replaced-index", options.overwrite); !s.ok()) return s;
  if (Status s = backup::SyncDirectory(parent.string()); !s.ok()) return s;
  return manifest;  // the staging directory, with the replaced index in it, goes now
}

}  // namespace portalkb
