#include "storage/derived_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace portalkb {
namespace {

// 32 bytes, so the payload that follows is 8-byte aligned in the mapping.
struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t byte_order;  // kByteOrder as written; another value: another machine's file
  std::uint64_t revision;
  std::uint64_t payload_bytes;
};
static_assert(sizeof(Header) == 32);
constexpr std::uint32_t kByteOrder = 0x01020304;

}  // namespace

Result<std::shared_ptr<const DerivedFile>> DerivedFile::Open(const std::string& path, std::string_view magic,
                                                             std::uint64_t revision) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no derived file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(path + ": " + std::strerror(err));
  }
  const auto length = static_cast<std::size_t>(st.st_size);
  if (length < sizeof(Header)) {
    ::close(fd);
    return Status::Corruption(path + ": shorter than its header");
  }
  void* base = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);  // the mapping keeps the file
  if (base == MAP_FAILED) return Status::IOError(path + ": mmap: " + std::strerror(errno));
  std::shared_ptr<DerivedFile> file(new DerivedFile(base, length, {}));
  Header h;
  std::memcpy(&h, base, sizeof h);
  if (std::string_view(h.magic, sizeof h.magic) != magic || h.version != kDerivedFileVersion ||
      h.byte_order != kByteOrder) {
    return Status::Corruption(path + ": not a derived file of this kind and version");
  }
  if (h.revision != revision) {
    return Status::Corruption(path + ": built from revision " + std::to_string(h.revision) + ", the index is at " +
                              std::to_string(revision));
  }
  if (h.payload_bytes != length - sizeof(Header)) return Status::Corruption(path + ": truncated");
  file->payload_ = std::string_view(static_cast<const char*>(base) + sizeof(Header), h.payload_bytes);
  return std::shared_ptr<const DerivedFile>(std::move(file));
}

DerivedFile::~DerivedFile() { ::munmap(base_, length_); }

Status WriteDerivedFile(const std::string& path, std::string_view magic, std::uint64_t revision,
                        std::string_view payload) {
  Header h{};
  std::memcpy(h.magic, magic.data(), std::min(magic.size(), sizeof h.magic));
  h.version = kDerivedFileVersion;
  h.byte_order = kByteOrder;
  h.revision = revision;
  h.payload_bytes = payload.size();
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(temp, ec);
      return Status::IOError(temp + ": cannot write derived file");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return Status::IOError(path + ": cannot replace derived file: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace portalkb
