#include "accounts/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "accounts/crypto.h"

namespace portalkb::accounts {

std::string HotpCode(std::string_view secret, std::uint64_t counter, int digits) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message, sizeof message, mac, &mac_len);
  // RFC 4226 section 5.3: the low nibble of the last byte picks 4 bytes.
  const unsigned offset = mac[mac_len - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::string TotpCode(std::string_view secret, std::int64_t unix_seconds, int digits) {
  return HotpCode(secret, static_cast<std::uint64_t>(unix_seconds / kTotpStepSeconds), digits);
}

std::optional<std::int64_t> MatchTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds,
                                      std::int64_t min_step) {
  if (code.size() != 6) return std::nullopt;
  const std::int64_t now = unix_seconds / kTotpStepSeconds;
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {
    if (step < 0 || step < min_step) continue;
    if (SecretEquals(HotpCode(secret, static_cast<std::uint64_t>(step)), code)) return step;
  }
  return std::nullopt;
}

std::string Base32Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

}  // namespace portalkb::accounts
