#include "core/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace portalkb {
namespace {

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Status Errno(const std::string& what, std::string_view name, const std::string& path) {
  return Status::IOError(what + " " + std::string(name) + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

KeyFileKind KeyFileKind::Exactly(std::string name, std::size_t bytes) {
  return KeyFileKind{std::move(name), bytes, bytes, ", expected " + std::to_string(bytes)};
}

Result<std::string> ReadKeyFile(const std::string& path, const KeyFileKind& kind) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no " + kind.name + " '" + path + "'");
    return Errno("cannot open", kind.name, path);
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return Errno("cannot stat", kind.name, path);
  if (!S_ISREG(st.st_mode)) return Status::Corruption(kind.name + " '" + path + "' is not a regular file");
  if ((st.st_mode & 077) != 0) {
    return Status::PermissionDenied(kind.name + " '" + path + "' has mode " + ModeText(st.st_mode) +
                                    ": group and others must have no access (chmod 600 '" + path + "')");
  }
  if (st.st_size < static_cast<off_t>(kind.min_bytes) || st.st_size > static_cast<off_t>(kind.max_bytes)) {
    return Status::Corruption(kind.name + " '" + path + "' holds " + std::to_string(st.st_size) + " bytes" +
                              kind.size_rule);
  }
  std::string key(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot read", kind.name, path);
    got += static_cast<std::size_t>(n);
  }
  return key;
}

Status CreateKeyFile(const std::string& path, std::string_view name, std::string_view contents) {
  unsigned char suffix[8];
  randombytes_buf(suffix, sizeof suffix);
  char hex[2 * sizeof suffix + 1];
  sodium_bin2hex(hex, sizeof hex, suffix, sizeof suffix);
  const std::string temp = path + ".tmp-" + hex;
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("cannot create", name, temp);
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  Status s = ok ? Status::Ok() : Errno("cannot write", name, temp);
  close(fd);
  if (s.ok() && link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) s = Errno("cannot link", name, path);
  unlink(temp.c_str());
  return s;
}

}  // namespace portalkb
