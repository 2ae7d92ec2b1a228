// The audit key file (see audit_key.h). The same file discipline as the
// analytics pseudonym key (analytics/pseudonym_key.cc), which sits in a module
// audit may not depend on.
#include "audit/audit_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace portalkb {
namespace {

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " audit key file '" + path + "': " + std::strerror(errno));
}

// NotFound when there is no file.
Result<std::string> ReadKey(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no audit key file '" + path + "'");
    return Errno("cannot open", path);
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return Errno("cannot stat", path);
  if (!S_ISREG(st.st_mode)) return Status::Corruption("audit key file '" + path + "' is not a regular file");
  if ((st.st_mode & 077) != 0) {
    return Status::PermissionDenied("audit key file '" + path + "' has mode " + ModeText(st.st_mode) +
                                    ": group and others must have no access (chmod 600 '" + path + "')");
  }
  if (st.st_size != static_cast<off_t>(kAuditKeyBytes)) {
    return Status::Corruption("audit key file '" + path + "' holds " + std::to_string(st.st_size) +
                              " bytes, expected " + std::to_string(kAuditKeyBytes));
  }
  std::string key(kAuditKeyBytes, '\0');
  std::size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot read", path);
    got += static_cast<std::size_t>(n);
  }
  return key;
}

// Writes `key` to a fresh private file and links it into place. The link is
// atomic and fails if the name exists, so two processes creating the key at
// once agree on one, and nobody ever reads a half-written key.
Status CreateKey(const std::string& path, const std::string& key) {
  unsigned char suffix[8];
  randombytes_buf(suffix, sizeof suffix);
  char hex[2 * sizeof suffix + 1];
  sodium_bin2hex(hex, sizeof hex, suffix, sizeof suffix);
  const std::string temp = path + ".tmp-" + hex;
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("cannot create", temp);
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < key.size()) {
    const ssize_t n = write(fd, key.data() + done, key.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  Status s = ok ? Status::Ok() : Errno("cannot write", temp);
  close(fd);
  if (s.ok() && link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) s = Errno("cannot link", path);
  unlink(temp.c_str());
  return s;
}

}  // namespace

Result<std::string> LoadOrCreateAuditKey(const std::string& path, bool may_create) {
  auto existing = ReadKey(path);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  if (!may_create) {
    return Status::Corruption("audit key file '" + path +
                              "' is missing but the trail has entries; restore it from the backup it was kept with");
  }
  std::string key(kAuditKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  if (Status s = CreateKey(path, key); !s.ok()) return s;
  sodium_memzero(key.data(), key.size());
  // Read back what is in place: another process may have linked first.
  return ReadKey(path);
}

}  // namespace portalkb
