// Small byte-level text helpers shared by every module.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portalkb {

bool IsValidUtf8(std::string_view text);
// Replaces invalid UTF-8 sequences with U+FFFD so later stages never see them.
std::string SanitizeUtf8(std::string_view text);
std::string_view Trim(std::string_view text);
std::string AsciiLower(std::string_view text);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);

// Parses an ISO 8601 date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]"
// into seconds since 1970-01-01T00:00:00Z. nullopt if malformed or out of range.
std::optional<long long> ParseIsoDateTime(std::string_view text);

}  // namespace portalkb
