// Small byte-level text helpers shared by every module.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portalkb {

bool IsValidUtf8(std::string_view text);
// Byte offset of the first invalid UTF-8 sequence, or npos when valid.
std::size_t FirstInvalidUtf8(std::string_view text);
// The longest prefix of at most `max_bytes` that does not split a UTF-8
// sequence.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);
// `text` cut to about `max_bytes` with "…" appended when cut: for echoing
// untrusted values in messages.
std::string Abbreviate(std::string_view text, std::size_t max_bytes = 80);
// Replaces invalid UTF-8 sequences with U+FFFD so later stages never see them.
std::string SanitizeUtf8(std::string_view text);
std::string_view Trim(std::string_view text);
std::string AsciiLower(std::string_view text);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);
// The parts of "a, b,,c" between separators, trimmed; empty parts dropped.
std::vector<std::string> SplitList(std::string_view text, char separator = ',');
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);

// Parses an ISO 8601 date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]"
// into seconds since 1970-01-01T00:00:00Z. nullopt if malformed or out of range.
std::optional<long long> ParseIsoDateTime(std::string_view text);
// Seconds since the epoch as a UTC "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatIsoDate(long long seconds);
std::string FormatIsoDateTime(long long seconds);

}  // namespace portalkb
