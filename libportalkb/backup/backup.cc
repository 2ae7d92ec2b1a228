// Backup: stage a consistent copy of each part beside the archive, checksum
// it, write the tar, rename it into place.
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc)
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "backup/archive.h"
#include "backup/members.h"
#include "core/text.h"
#include "sqlite/sqlite.h"
#include "storage/store.h"

namespace portalkb {
namespace fs = std::filesystem;
using backup::kSideFiles;
using backup::kSqliteStores;

namespace {

Status CopySideFile(const std::string& source, const std::string& destination, std::uint64_t max_bytes) {
  std::error_code ec;
  const auto status = fs::symlink_status(source, ec);
  if (ec || !fs::is_regular_file(status)) return Status::IOError("'" + source + "' is not a regular file");
  const auto size = fs::file_size(source, ec);
  if (ec) return Status::IOError("cannot read '" + source + "': " + ec.message());
  if (size > max_bytes) {
    return Status::ResourceExhausted("'" + source + "' is " + std::to_string(size) + " bytes, more than " +
                                     std::to_string(max_bytes));
  }
  std::ifstream in(source, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return Status::IOError("cannot read '" + source + "'");
  // Created 0600 (open's mode, not the process-wide umask): the key must
  // never be readable by others, even for a moment.
  const int fd = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot create '" + destination + "': " + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) break;
    written += static_cast<std::size_t>(w);
  }
  const bool closed = ::close(fd) == 0;
  if (written != bytes.size() || !closed) return Status::IOError("cannot write '" + destination + "'");
  return Status::Ok();
}

}  // namespace

Result<BackupManifest> Backup(const std::string& db_dir, const std::string& out_file, const BackupOptions& options) {
  if (sodium_init() < 0) return Status::Internal("backup: libsodium could not start");
  if (db_dir.empty()) return Status::InvalidArgument("backup: no index directory given");
  if (out_file.empty()) return Status::InvalidArgument("backup: no archive file given");
  if (options.max_snapshot_attempts < 1) {
    return Status::InvalidArgument("backup: max_snapshot_attempts must be at least 1");
  }
  std::error_code ec;
  if (fs::is_directory(out_file, ec)) return Status::InvalidArgument("backup: '" + out_file + "' is a directory");
  if (!options.overwrite && fs::exists(fs::symlink_status(out_file, ec))) {
    return Status::AlreadyExists("backup: '" + out_file + "' exists; pass overwrite (--force) to replace it");
  }
  // Staged beside the archive, so the final rename stays on one file system.
  auto staging = backup::StagingDir::Create(out_file + ".partial-");
  if (!staging.ok()) return staging.status();
  const std::string stage = staging.value()->path();

  BackupManifest manifest;
  const auto now = std::chrono::system_clock::now();
  manifest.created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  manifest.created_at = FormatIsoDateTime(manifest.created_at_ms / 1000);

  auto index = CopyIndexSnapshot(db_dir, stage + "/index", options.max_snapshot_attempts);
  if (!index.ok()) return index.status();
  manifest.index_revision = index->revision;
  manifest.documents = index->documents;

  std::vector<std::pair<std::string, std::string>> members;  // member name, staged path
  std::vector<std::string> index_files;
  for (const auto& entry : fs::directory_iterator(stage + "/index", ec)) {
    index_files.push_back(entry.path().filename().string());
  }
  if (ec) return Status::IOError("cannot list '" + stage + "/index': " + ec.message());
  std::sort(index_files.begin(), index_files.end());
  for (const auto& name : index_files) {
    const std::string member = backup::kIndexPrefix + name;
    // Xapian's own table names; anything else would not restore.
    if (Status s = backup::CheckMemberName(member); !s.ok()) return Status::Internal("backup: " + s.message());
    members.emplace_back(member, stage + "/" + member);
  }

  const std::string base = backup::IndexBase(db_dir);
  for (const auto& store : kSqliteStores) {
    const std::string source = base + store.suffix;
    if (!fs::exists(source, ec)) continue;
    const std::string member = std::string(store.name) + ".sqlite";
    const std::string staged = stage + "/" + member;
    if (Status s = sqlite::BackupDatabase(source, staged); !s.ok()) return s;
    {
      sqlite::ConnectionOptions copy_options;
      copy_options.create = false;
      auto copy = sqlite::Connection::Open(staged, copy_options);
      if (!copy.ok()) return copy.status();
      auto counts = sqlite::TableRowCounts(copy.value());
      if (!counts.ok()) return counts.status();
      auto& rows = manifest.store_rows[store.name];
      for (const auto& [table, n] : counts.value()) rows[table] = n;
    }  // closed: SQLite folds its WAL back into the file before it is hashed
    members.emplace_back(member, staged);
  }
  for (const auto& side : kSideFiles) {
    const std::string source = base + side.suffix;
    if (!fs::exists(fs::symlink_status(source, ec))) continue;
    const std::string staged = stage + "/" + side.member;
    if (Status s = CopySideFile(source, staged, side.max_bytes); !s.ok()) return s;
    members.emplace_back(side.member, staged);
  }

  for (const auto& [member, staged] : members) {
    auto digest = backup::DigestFile(staged);
    if (!digest.ok()) return digest.status();
    manifest.files.push_back({member, digest->size, digest->sha256});
  }

  const std::string tar = stage + "/archive.tar";
  auto writer = backup::ArchiveWriter::Create(tar);
  if (!writer.ok()) return writer.status();
  const long long mtime = manifest.created_at_ms / 1000;
  if (Status s = writer.value()->AddBytes(backup::kManifestName, BackupManifestToJson(manifest), mtime); !s.ok()) {
    return s;
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (Status s = writer.value()->AddFile(members[i].first, members[i].second, manifest.files[i].size, mtime);
        !s.ok()) {
      return s;
    }
  }
  if (Status s = writer.value()->Close(); !s.ok()) return s;
  // Never replaces an archive that appeared meanwhile unless asked to.
  const int flags = options.overwrite ? 0 : RENAME_NOREPLACE;
  int renamed = ::renameat2(AT_FDCWD, tar.c_str(), AT_FDCWD, out_file.c_str(), flags);
  if (renamed != 0 && errno == EINVAL && flags != 0) {
    // A file system without RENAME_NOREPLACE: check, then rename.
    if (fs::exists(fs::symlink_status(out_file, ec))) {
      errno = EEXIST;
    } else {
      renamed = ::rename(tar.c_str(), out_file.c_str());
    }
  }
  if (renamed != 0) {
    if (errno == EEXIST) {
      return Status::AlreadyExists("backup: '" + out_file + "' exists; pass overwrite (--force) to replace it");
    }
    return Status::IOError("backup: cannot rename the archive to '" + out_file + "': " + std::strerror(errno));
  }
  const fs::path parent = fs::path(out_file).parent_path();
  if (Status s = backup::SyncDirectory(parent.empty() ? "." : parent.string()); !s.ok()) return s;
  return manifest;
}

}  // namespace portalkb
