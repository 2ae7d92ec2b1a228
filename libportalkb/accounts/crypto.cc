#include "accounts/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/key_file.h"

namespace portalkb::accounts {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " accounts key file '" + path + "': " + std::strerror(errno));
}

// Derives one subkey per purpose, so the blind index key tells nothing
// about the sealing key (crypto_kdf: BLAKE2b with a context and an id).
std::string Derive(const unsigned char* master, std::uint64_t id, std::size_t bytes) {
  std::string out(bytes, '\0');
  if (crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(out.data()), bytes, id, "pkbaccts", master) != 0) {
    return std::string();  // only for lengths outside crypto_kdf's range: a bug, caught below
  }
  return out;
}

}  // namespace

Result<AccountKey> LoadAccountKey(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  if (path.empty()) return Status::InvalidArgument("accounts key file: no path given (--key-file)");
  // The size limit only bounds the read; the format is checked below.
  const KeyFileKind kind{"accounts key file", 0, 128, "; expected 32 raw bytes or 64 hex digits"};
  auto file = ReadKeyFile(path, kind);
  if (!file.ok() && file.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no accounts key file '" + path +
                            "' (create one with: portalkb users new-key --key-file '" + path + "')");
  }
  if (!file.ok()) return file.status();
  std::string text = std::move(file).value();
  unsigned char master[kMasterKeyBytes];
  bool valid = false;
  if (text.size() == kMasterKeyBytes) {
    std::memcpy(master, text.data(), kMasterKeyBytes);
    valid = true;
  } else {
    std::string_view hex = text;
    if (!hex.empty() && hex.back() == '\n') hex.remove_suffix(1);
    std::size_t written = 0;
    const char* end = nullptr;
    valid = hex.size() == 2 * kMasterKeyBytes &&
            sodium_hex2bin(master, sizeof master, hex.data(), hex.size(), nullptr, &written, &end) == 0 &&
            written == kMasterKeyBytes && end == hex.data() + hex.size();
  }
  sodium_memzero(text.data(), text.size());
  if (!valid) {
    return Status::Corruption("accounts key file '" + path + "': expected 32 raw bytes or 64 hex digits");
  }
  AccountKey key;
  key.seal_key = Derive(master, 1, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  key.index_key = Derive(master, 2, crypto_generichash_KEYBYTES);
  // crypto_kdf gives at least 16 bytes; 8 of them name the key.
  const std::string id = Derive(master, 3, crypto_kdf_BYTES_MIN).substr(0, 8);
  sodium_memzero(master, sizeof master);
  if (key.seal_key.empty() || key.index_key.empty() || id.size() != 8) {
    return Status::Internal("accounts key file '" + path + "': key derivation failed");
  }
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  key.id = hex;
  return key;
}

Status CreateAccountKeyFile(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists("accounts key file '" + path + "' exists already");
    return Errno("cannot create", path);
  }
  std::string text = RandomHex(kMasterKeyBytes) + "\n";
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  Status s = ok ? Status::Ok() : Errno("cannot write", path);
  close(fd);
  if (!s.ok()) unlink(path.c_str());
  return s;
}

std::string KeyRing::Seal(std::string_view plain, std::string_view context, std::string_view key_id) const {
  const auto named = keys_.find(std::string(key_id));
  const AccountKey& key = named != keys_.end() ? named->second : current();
  std::string box(
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
                                             reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                                             reinterpret_cast<const unsigned char*>(context.data()), context.size(),
                                             nullptr, nonce,
                                             reinterpret_cast<const unsigned char*>(key.seal_key.data()));
  std::string out(sodium_base64_ENCODED_LEN(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), nonce, box.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> KeyRing::Open(std::string_view sealed, std::string_view key_id, std::string_view context) const {
  const auto key = keys_.find(std::string(key_id));
  if (key == keys_.end()) {
    return Status::Corruption("accounts: a value is sealed under key " + std::string(key_id).substr(0, 16) +
                              ", which is not among the key files given");
  }
  std::string box(sealed.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::Corruption("accounts: a sealed value of " + std::string(context) + " is malformed");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  const std::size_t cipher_len = length - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string plain(cipher_len - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, cipher_len,
          reinterpret_cast<const unsigned char*>(context.data()), context.size(), nonce,
          reinterpret_cast<const unsigned char*>(key->second.seal_key.data())) != 0) {
    return Status::Corruption("accounts: a sealed value of " + std::string(context) +
                              " does not open (altered, or moved from another row)");
  }
  plain.resize(static_cast<std::size_t>(plain_len));
  return plain;
}

std::string KeyRing::BlindIndex(const AccountKey& key, std::string_view value) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(value.data()), value.size(),
                     reinterpret_cast<const unsigned char*>(key.index_key.data()), key.index_key.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

std::string RandomToken(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string HashSecret(std::string_view secret) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

bool SecretEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace portalkb::accounts
