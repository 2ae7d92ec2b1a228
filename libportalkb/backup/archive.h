// The tar side of backups (libarchive): writing an archive from staged
// files, and reading one member by member with every check a hostile
// archive calls for. Checksums are SHA-256 (libsodium).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "portalkb/backup.h"

struct archive;

namespace portalkb::backup {

// SHA-256 of a file's bytes as 64 lower-case hex digits, and its size.
struct FileDigest {
  std::uint64_t size = 0;
  std::string sha256;
};
Result<FileDigest> DigestFile(const std::string& path);

// fsync of a directory, so the renames and files made in it are durable.
Status SyncDirectory(const std::string& path);

// A new directory "<prefix>XXXXXX" (mkdtemp), removed with everything in it
// on destruction.
class StagingDir {
 public:
  static Result<std::unique_ptr<StagingDir>> Create(const std::string& prefix);
  ~StagingDir();
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit StagingDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes a tar (POSIX pax) archive at `path` (created 0600, must not exist).
// Not thread-safe.
class ArchiveWriter {
 public:
  static Result<std::unique_ptr<ArchiveWriter>> Create(const std::string& path);
  ~ArchiveWriter();
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  // Adds a regular file `member` with `bytes` as content.
  Status AddBytes(const std::string& member, const std::string& bytes, long long mtime_s);
  // Adds a regular file `member` with the content of `source`, which must
  // be `size` bytes long (IOError when it changed).
  Status AddFile(const std::string& member, const std::string& source, std::uint64_t size, long long mtime_s);
  // Finishes the archive and syncs it to disk.
  Status Close();

 private:
  ArchiveWriter(struct archive* a, std::string path) : archive_(a), path_(std::move(path)) {}
  Status Error(const std::string& what) const;
  struct archive* archive_;
  std::string path_;
  int fd_ = -1;  // the archive file, synced and closed by Close()
  bool closed_ = false;
};

// Reads the archive at `path`: MANIFEST.json first, parsed with `limits`;
// then each member checked (regular file, valid and listed name, not seen
// before, the listed size) and its bytes hashed against the manifest; at
// the end every listed file must have been seen. When `staging_dir` is not
// empty, members are written below it ("index/<file>" and flat store
// files, secret ones 0600, each synced) as they are read; a caller removes
// the directory when this fails. Returns the manifest and, in
// `manifest_text`, its exact bytes. Corruption naming the member on any
// mismatch, a truncated archive included.
Result<BackupManifest> ReadArchive(const std::string& path, const RestoreOptions& limits,
                                   const std::string& staging_dir, std::string& manifest_text);

}  // namespace portalkb::backup
