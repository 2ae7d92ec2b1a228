#include "backup/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>
#include <vector>

#include "backup/manifest.h"
#include "backup/members.h"

namespace portalkb::backup {
namespace {

constexpr std::size_t kBlock = 1 << 16;

class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&state_); }
  void Update(const void* data, std::size_t n) {
    crypto_hash_sha256_update(&state_, static_cast<const unsigned char*>(data), n);
  }
  std::string HexDigest() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
  }

 private:
  crypto_hash_sha256_state state_;
};

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " '" + path + "': " + std::strerror(errno));
}

// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status WriteAll(int fd, const char* data, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Errno("write", path);
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return Status::Ok();
}

std::string EntryKind(unsigned type) {
  switch (type) {
    case AE_IFLNK:
      return "a symbolic link";
    case AE_IFDIR:
      return "a directory";
    case AE_IFCHR:
      return "a character device";
    case AE_IFBLK:
      return "a block device";
    case AE_IFIFO:
      return "a FIFO";
    case AE_IFSOCK:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace

Result<FileDigest> DigestFile(const std::string& path) {
  Fd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (in.fd < 0) return Errno("cannot open", path);
  Sha256 hash;
  FileDigest digest;
  std::vector<char> buffer(kBlock);
  while (true) {
    const ssize_t r = ::read(in.fd, buffer.data(), buffer.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("cannot read", path);
    if (r == 0) break;
    hash.Update(buffer.data(), static_cast<std::size_t>(r));
    digest.size += static_cast<std::uint64_t>(r);
  }
  digest.sha256 = hash.HexDigest();
  return digest;
}

Status SyncDirectory(const std::string& path) {
  Fd dir{::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0) return Errno("cannot open directory", path);
  if (::fsync(dir.fd) != 0) return Errno("cannot sync directory", path);
  return Status::Ok();
}

Result<std::unique_ptr<StagingDir>> StagingDir::Create(const std::string& prefix) {
  std::string pattern = prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return Errno("cannot create a temporary directory", pattern);
  return std::unique_ptr<StagingDir>(new StagingDir(pattern));
}

StagingDir::~StagingDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

// --- ArchiveWriter ---

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", path);
  struct archive* a = archive_write_new();
  if (a == nullptr) {
    ::close(fd);
    return Status::Internal("libarchive: out of memory");
  }
  std::unique_ptr<ArchiveWriter> writer(new ArchiveWriter(a, path));
  writer->fd_ = fd;
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_open_fd(a, fd) != ARCHIVE_OK) {
    return writer->Error("start");
  }
  return writer;
}

ArchiveWriter::~ArchiveWriter() {
  if (!closed_) archive_write_close(archive_);
  archive_write_free(archive_);
  if (fd_ >= 0) ::close(fd_);
}

Status ArchiveWriter::Error(const std::string& what) const {
  const char* message = archive_error_string(archive_);
  return Status::IOError("archive '" + path_ + "': " + what + ": " + (message != nullptr ? message : "failed"));
}

namespace {

struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::unique_ptr<archive_entry, EntryDeleter> MakeEntry(const std::string& member, std::uint64_t size,
                                                       long long mtime_s) {
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  if (entry == nullptr) return entry;
  archive_entry_set_pathname(entry.get(), member.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), IsSecretMember(member) ? 0600 : 0644);
  archive_entry_set_mtime(entry.get(), static_cast<time_t>(mtime_s), 0);
  return entry;
}

}  // namespace

Status ArchiveWriter::AddBytes(const std::string& member, const std::string& bytes, long long mtime_s) {
  auto entry = MakeEntry(member, bytes.size(), mtime_s);
  if (entry == nullptr) return Status::Internal("libarchive: out of memory");
  if (archive_write_header(archive_, entry.get()) != ARCHIVE_OK) return Error("add " + member);
  if (archive_write_data(archive_, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size())) {
    return Error("write " + member);
  }
  if (archive_write_finish_entry(archive_) != ARCHIVE_OK) return Error("finish " + member);
  return Status::Ok();
}

Status ArchiveWriter::AddFile(const std::string& member, const std::string& source, std::uint64_t size,
                              long long mtime_s) {
  Fd in{::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (in.fd < 0) return Errno("cannot open", source);
  auto entry = MakeEntry(member, size, mtime_s);
  if (entry == nullptr) return Status::Internal("libarchive: out of memory");
  if (archive_write_header(archive_, entry.get()) != ARCHIVE_OK) return Error("add " + member);
  std::vector<char> buffer(kBlock);
  std::uint64_t copied = 0;
  while (true) {
    const ssize_t r = ::read(in.fd, buffer.data(), buffer.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("cannot read", source);
    if (r == 0) break;
    copied += static_cast<std::uint64_t>(r);
    if (copied > size) break;
    if (archive_write_data(archive_, buffer.data(), static_cast<std::size_t>(r)) != r) return Error("write " + member);
  }
  // The staged copy is ours alone; a size change means something else wrote it.
  if (copied != size) return Status::IOError("'" + source + "' changed while it was archived");
  if (archive_write_finish_entry(archive_) != ARCHIVE_OK) return Error("finish " + member);
  return Status::Ok();
}

Status ArchiveWriter::Close() {
  closed_ = true;
  if (archive_write_close(archive_) != ARCHIVE_OK) return Error("close");
  if (::fsync(fd_) != 0) return Errno("cannot sync", path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Errno("cannot close", path_);
  return Status::Ok();
}

// --- Reading ---

namespace {

struct ReaderDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

std::string ArchiveMessage(struct archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "unreadable";
}

}  // namespace

Result<BackupManifest> ReadArchive(const std::string& path, const RestoreOptions& limits,
                                   const std::string& staging_dir, std::string& manifest_text) {
  namespace fs = std::filesystem;
  std::unique_ptr<struct archive, ReaderDeleter> reader(archive_read_new());
  if (reader == nullptr) return Status::Internal("libarchive: out of memory");
  struct archive* a = reader.get();
  // Tar only, uncompressed: what Backup writes, nothing more to trust.
  archive_read_support_format_tar(a);
  const std::string where = "archive '" + path + "'";
  if (archive_read_open_filename(a, path.c_str(), kBlock) != ARCHIVE_OK) {
    return Status::IOError("cannot read " + where + ": " + ArchiveMessage(a));
  }
  std::vector<char> buffer(kBlock);
  BackupManifest manifest;
  std::map<std::string, const BackupFile*> listed;
  std::map<std::string, bool> seen;
  bool first = true;
  std::string last;  // the last member read whole, for errors between members
  while (true) {
    archive_entry* entry = nullptr;
    const int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) {
      return Status::Corruption(where + ": " +
                                (first ? std::string("no tar header") : "after archive member '" + last + "'") + ": " +
                                ArchiveMessage(a));
    }
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name != nullptr ? raw_name : "";
    if (Status s = CheckMemberName(name); !s.ok()) return Status::Corruption(where + ": " + s.message());
    const std::string member = "archive member '" + name + "'";
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr) {
      const std::string kind = archive_entry_hardlink(entry) != nullptr ? std::string("a hard link")
                                                                        : EntryKind(archive_entry_filetype(entry));
      return Status::Corruption(where + ": " + member + " is " + kind + ", not a regular file");
    }
    if (!archive_entry_size_is_set(entry) || archive_entry_size(entry) < 0) {
      return Status::Corruption(where + ": " + member + " has no size");
    }
    const auto size = static_cast<std::uint64_t>(archive_entry_size(entry));

    if (first) {
      first = false;
      if (name != kManifestName) {
        return Status::Corruption(where + ": the first member is '" + name + "', not " + kManifestName +
                                  " (not a portalkb backup)");
      }
      if (size > kMaxManifestBytes) {
        return Status::ResourceExhausted(where + ": " + member + " is larger than " +
                                         std::to_string(kMaxManifestBytes) + " bytes");
      }
      manifest_text.clear();
      while (true) {
        const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
        if (n < 0) return Status::Corruption(where + ": " + member + ": " + ArchiveMessage(a));
        if (n == 0) break;
        manifest_text.append(buffer.data(), static_cast<std::size_t>(n));
      }
      if (manifest_text.size() != size) return Status::Corruption(where + ": " + member + " is truncated");
      auto parsed = ParseManifest(manifest_text, limits);
      if (!parsed.ok()) {
        const std::string message = where + ": " + parsed.status().message();
        return parsed.status().code() == StatusCode::kResourceExhausted ? Status::ResourceExhausted(message)
                                                                        : Status::Corruption(message);
      }
      manifest = std::move(parsed).value();
      for (const auto& f : manifest.files) listed[f.path] = &f;
      last = name;
      continue;
    }

    const auto it = listed.find(name);
    if (it == listed.end()) {
      return Status::Corruption(where + ": " + member + " is not listed in " + kManifestName);
    }
    if (seen[name]) return Status::Corruption(where + ": " + member + " appears twice");
    seen[name] = true;
    const BackupFile& expected = *it->second;
    if (size != expected.size) {
      return Status::Corruption(where + ": " + member + " is " + std::to_string(size) + " bytes, the manifest says " +
                                std::to_string(expected.size));
    }
    Fd out;
    std::string target;
    if (!staging_dir.empty()) {
      target = staging_dir + "/" + name;
      std::error_code ec;
      fs::create_directories(fs::path(target).parent_path(), ec);
      if (ec)
        return Status::IOError("cannot create '" + fs::path(target).parent_path().string() + "': " + ec.message());
      out.fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      IsSecretMember(name) ? 0600 : 0666);
      if (out.fd < 0) return Errno("cannot create", target);
    }
    Sha256 hash;
    std::uint64_t total = 0;
    while (true) {
      const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n < 0) return Status::Corruption(where + ": " + member + ": " + ArchiveMessage(a));
      if (n == 0) break;
      total += static_cast<std::uint64_t>(n);
      hash.Update(buffer.data(), static_cast<std::size_t>(n));
      if (out.fd >= 0) {
        if (Status s = WriteAll(out.fd, buffer.data(), static_cast<std::size_t>(n), target); !s.ok()) return s;
      }
    }
    if (total != size) {
      return Status::Corruption(where + ": " + member + " is truncated (" + std::to_string(total) + " of " +
                                std::to_string(size) + " bytes)");
    }
    if (hash.HexDigest() != expected.sha256) {
      return Status::Corruption(where + ": " + member + " does not match its SHA-256 checksum in " + kManifestName);
    }
    if (out.fd >= 0 && ::fsync(out.fd) != 0) return Errno("cannot sync", target);
    last = name;
  }
  if (first) return Status::Corruption(where + ": empty (no " + std::string(kManifestName) + ")");
  for (const auto& f : manifest.files) {
    if (!seen[f.path]) {
      return Status::Corruption(where + ": archive member '" + f.path + "' listed in " + kManifestName +
                                " is missing (truncated archive?)");
    }
  }
  return manifest;
}

}  // namespace portalkb::backup
