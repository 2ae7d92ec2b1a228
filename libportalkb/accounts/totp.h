// TOTP (RFC 6238) over HOTP (RFC 4226): HMAC-SHA1 (OpenSSL: libsodium has
// none), dynamic truncation, 6 digits; and the base32 (RFC 4648) that
// authenticator apps read secrets in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portalkb::accounts {

inline constexpr std::int64_t kTotpStepSeconds = 30;

// The `digits`-digit HOTP code of `secret` at `counter`, zero-padded.
std::string HotpCode(std::string_view secret, std::uint64_t counter, int digits = 6);
// The TOTP code at `unix_seconds` (counter = seconds / 30).
std::string TotpCode(std::string_view secret, std::int64_t unix_seconds, int digits = 6);
// The step (counter) among now-1 .. now+1 whose code equals `code`, not
// earlier than `min_step` (so a code is accepted once); nullopt otherwise.
std::optional<std::int64_t> MatchTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds,
                                      std::int64_t min_step);

std::string Base32Encode(std::string_view bytes);

}  // namespace portalkb::accounts
