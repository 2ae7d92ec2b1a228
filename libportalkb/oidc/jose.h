// JOSE building blocks of the oidc module: strict base64url (RFC 7515 2:
// no padding, no line breaks, unused bits zero, so one token has one text)
// and strict JSON (size-bounded by the caller, depth-bounded here, duplicate
// member names refused, since two parsers that keep different duplicates
// would read one token two ways).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "portalkb/status.h"

namespace portalkb::oidc {

inline constexpr int kMaxJsonDepth = 32;

std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);

// The value, or the reason ("nested deeper than 32", "duplicate member
// \"exp\"", "malformed JSON at byte 17").
Result<nlohmann::json> ParseStrictJson(std::string_view text);

}  // namespace portalkb::oidc
