#include "analytics/redactor.h"

#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include "core/text.h"

namespace portalkb {
namespace {

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

}  // namespace

bool IbanChecksumValid(std::string_view raw) {
  std::size_t n = 0;
  for (char c : raw) n += c != ' ' ? 1 : 0;
  if (n < 15 || n > 34) return false;
  int remainder = 0;
  const auto feed = [&remainder](char c) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c >= '0' && c <= '9') {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
    return true;
  };
  // The first four characters (country, check digits) count last; no copy,
  // as the redactor calls this for every candidate.
  for (const bool head : {false, true}) {
    std::size_t seen = 0;
    for (char c : raw) {
      if (c == ' ') continue;
      if ((seen++ < 4) == head && !feed(c)) return false;
    }
  }
  return remainder == 1;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    const char c = digits[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool BsnElevenCheckValid(std::string_view digits) {
  if (digits.size() != 9 || digits == "000000000") return false;
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (digits[static_cast<std::size_t>(i)] - '0');
  sum -= digits[8] - '0';
  return sum % 11 == 0;
}

namespace {

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end) within a match

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The earliest, then longest, run of whole groups in `m` (groups are kept
// characters between separators) with a length in [min_len, max_len] that
// `valid` accepts. Groups, not single characters, so a number inside a
// longer number ("order 98765432111") is not found, while "12 4111 1111
// 1111 1111" still yields the card after "12 ". Only max_len characters
// after each group start are looked at: the cost is bounded by
// m.size() * max_len, however long the run. first_only: only the group m
// starts with.
template <typename Valid>
std::optional<Span> PickGroups(std::string_view m, bool (*keep)(char), std::size_t min_len, std::size_t max_len,
                               bool first_only, const Valid& valid) {
  constexpr std::size_t kMaxLen = 34;  // the longest IBAN
  char chars[kMaxLen];
  std::size_t offset[kMaxLen];
  bool boundary[kMaxLen + 1];  // boundary[k]: a group ends after k characters
  max_len = std::min(max_len, kMaxLen);
  for (std::size_t b = 0; b < m.size(); ++b) {
    if (!keep(m[b]) || (b > 0 && keep(m[b - 1]))) continue;
    std::size_t n = 0;
    bool after_separator = false;
    std::size_t i = b;
    for (; i < m.size(); ++i) {
      if (!keep(m[i])) {
        after_separator = true;
        continue;
      }
      if (n > 0) boundary[n] = after_separator;
      if (n == max_len) break;
      chars[n] = m[i];
      offset[n] = i;
      ++n;
      after_separator = false;
    }
    if (i == m.size()) boundary[n] = true;
    for (std::size_t len = n; len >= min_len && len > 0; --len) {
      if (boundary[len] && valid(std::string_view(chars, len))) return Span{offset[0], offset[len - 1] + 1};
    }
    if (first_only) break;
  }
  return std::nullopt;
}

bool PersonnummerValid(std::string_view d) {
  // YYYYMMDDNNNN or YYMMDDNNNN; day + 60 is a samordningsnummer.
  if (d.size() == 12 && !(d.substr(0, 2) == "18" || d.substr(0, 2) == "19" || d.substr(0, 2) == "20")) return false;
  const std::string_view ten = d.substr(d.size() - 10);
  const int month = (ten[2] - '0') * 10 + (ten[3] - '0');
  const int day = (ten[4] - '0') * 10 + (ten[5] - '0');
  const bool date_ok = month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
  return date_ok && LuhnValid(ten);
}

// "01-03-2026", "2026.03.01": three groups shaped like a date, one separator.
bool LooksLikeDate(std::string_view m) {
  std::vector<std::string_view> parts;
  char separator = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= m.size(); ++i) {
    if (i < m.size() && IsDigit(m[i])) continue;
    if (i < m.size()) {
      if (separator != 0 && m[i] != separator) return false;
      separator = m[i];
    }
    parts.push_back(m.substr(begin, i - begin));
    begin = i + 1;
  }
  if (parts.size() != 3) return false;
  const auto small = [](std::string_view p) { return p.size() == 1 || p.size() == 2; };
  return (small(parts[0]) && small(parts[1]) && parts[2].size() == 4) ||
         (parts[0].size() == 4 && small(parts[1]) && small(parts[2]));
}

// The longest prefix of a phone candidate that ends after a digit or ')' at
// a group end and holds 8-15 digits (E.164 allows 15), unless it is a date.
std::optional<Span> PickPhone(std::string_view m) {
  std::size_t digits = 0;
  std::optional<Span> best;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (IsDigit(m[i])) ++digits;
    if (digits > 15) break;
    const bool ends_group =
        (IsDigit(m[i]) || m[i] == ')') && (i + 1 == m.size() || (!IsDigit(m[i + 1]) && m[i + 1] != ')'));
    if (ends_group && digits >= 8 && !LooksLikeDate(m.substr(0, i + 1))) best = Span{0, i + 1};
  }
  return best;
}

}  // namespace

struct Redactor::Detector {
  std::string placeholder;
  std::unique_ptr<re2::RE2> pattern;
  // The part of a match to replace; null: the whole match.
  std::function<std::optional<Span>(std::string_view)> pick;
  // After a match yields nothing, search again from its second character
  // (for bounded patterns whose match may have begun too early).
  bool rescan_inside = false;
};

Redactor::Redactor() {
  auto add = [&](const char* name, const char* regex, std::function<std::optional<Span>(std::string_view)> pick,
                 bool rescan_inside = false) {
    auto d = std::make_unique<Detector>();
    d->placeholder = std::string("[") + name + "]";
    re2::RE2::Options options;
    options.set_case_sensitive(false);
    d->pattern = std::make_unique<re2::RE2>(regex, options);
    d->pick = std::move(pick);
    d->rescan_inside = rescan_inside;
    detectors_.push_back(std::move(d));
  };
  // Separators people type inside numbers: up to three of space . / -
  // ("NL91-ABNA", "1234.56.782", "123 - 456"). Every pattern is plain RE2
  // (no backreferences or lookaround), so matching stays linear in the input.
#define PORTALKB_SEP "[ ./\\-]{0,3}"
  // Order matters: e-mail and IBAN contain digits; an international phone
  // ("+46 8 123 456 78", "0031 20 1234567") can contain a checksum-valid
  // BSN; a national phone is the weakest signal, so it goes last.
  add("email",
      R"re((?:"[^"\r\n]{1,64}"|[\p{L}\p{N}\p{M}._%+\-!#$&'*/=?^`{|}~]+)@(?:[\p{L}\p{N}\p{M}\-]+(?:\.[\p{L}\p{N}\p{M}\-]+)*\.[\p{L}\p{M}]{2,}|\[[0-9a-f.:]{3,45}\]))re",
      nullptr);
  add(
      "iban",
      "\\b[a-z]" PORTALKB_SEP "[a-z]" PORTALKB_SEP "[0-9]" PORTALKB_SEP "[0-9](?:" PORTALKB_SEP "[a-z0-9]){11,30}",
      [](std::string_view m) {
        return PickGroups(m, IsAlnum, 15, 34, /*first_only=*/true, [](std::string_view c) {
          return IsAlnum(c[0]) && !IsDigit(c[0]) && !IsDigit(c[1]) && IsDigit(c[2]) && IsDigit(c[3]) &&
                 IbanChecksumValid(c);
        });
      },
      /*rescan_inside=*/true);
  // International: +CC, then digits, "(0)" or "(20)" in groups.
  add("phone", "\\+ ?[1-9](?:" PORTALKB_SEP "(?:[0-9]|\\([0-9]{1,4}\\)))+", PickPhone);
  // A run of digits and separators, at least as many digits as the number
  // (so the many short numbers in queries cost nothing more); the pick
  // finds the number inside it.
  add("card", "[0-9](?:" PORTALKB_SEP "[0-9]){12,}",
      [](std::string_view m) { return PickGroups(m, IsDigit, 13, 19, false, LuhnValid); });
  // International with 00CC: after cards, as "00" also occurs inside them.
  add("phone", "\\b00[1-9](?:" PORTALKB_SEP "(?:[0-9]|\\([0-9]{1,4}\\)))+", PickPhone);
  // '+' replaces '-' for people aged 100 or more (811218+9876).
  add("personnummer", "[0-9](?:[ ./\\-+]{0,3}[0-9]){9,}", [](std::string_view m) {
    return PickGroups(m, IsDigit, 10, 12, false,
                      [](std::string_view d) { return d.size() != 11 && PersonnummerValid(d); });
  });
  add("bsn", "[0-9](?:" PORTALKB_SEP "[0-9]){8,}",
      [](std::string_view m) { return PickGroups(m, IsDigit, 9, 9, false, BsnElevenCheckValid); });
  // National: "(020) 123-4567", "020-1234567", "08-123 456 78", "030 12345678".
  add("phone", "(?:\\(0[1-9][0-9]{0,4}\\)|\\b0[1-9])(?:" PORTALKB_SEP "(?:[0-9]|\\([0-9]{1,4}\\)))+", PickPhone);
#undef PORTALKB_SEP
}

Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

Status Redactor::AddPatterns(std::string_view text) {
  int line_no = 0;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(begin, end - begin));
    begin = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find_first_of(" \t");
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (space == std::string_view::npos) return Status::InvalidArgument(where + "expected NAME REGEX");
    const std::string name = AsciiLower(line.substr(0, space));
    if (name.empty() || name.size() > kMaxPlaceholderBytes - 2 || !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return Status::InvalidArgument(where + "name '" + name + "' must be 1-32 characters of a-z 0-9 _ -");
    }
    const std::string regex(Trim(line.substr(space)));
    auto d = std::make_unique<Detector>();
    d->placeholder = "[" + name + "]";
    re2::RE2::Options options;
    options.set_log_errors(false);
    d->pattern = std::make_unique<re2::RE2>(regex, options);
    if (!d->pattern->ok()) return Status::InvalidArgument(where + "invalid regex: " + d->pattern->error());
    // A pattern that matches nothing at all would put a placeholder between every character.
    if (re2::RE2::FullMatch("", *d->pattern)) return Status::InvalidArgument(where + "regex matches the empty text");
    detectors_.push_back(std::move(d));
  }
  return Status::Ok();
}

namespace {

// Moves `at` back so it does not split a UTF-8 sequence (at most 3 steps:
// invalid bytes are replaced later anyway).
std::size_t CharBoundary(std::string_view text, std::size_t at) {
  if (at >= text.size()) return text.size();
  for (int i = 0; i < 3 && at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80; ++i) --at;
  return at;
}

std::size_t NextChar(std::string_view text, std::size_t at) {
  ++at;
  while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  return at;
}

// Beyond the cut, enough text to see the longest built-in item whole
// (an IBAN of 34 characters with separators between them).
constexpr std::size_t kLookahead = 128;

}  // namespace

// One detector over `text`. `cut` is a position in `text`; it is moved to the
// same place in the result, or past the placeholder of an item it falls in.
bool Redactor::ReplaceAll(const Detector& d, std::string& text, std::size_t& cut) {
  std::string out;
  std::size_t copied = 0;
  std::size_t pos = 0;
  std::size_t new_cut = std::string::npos;
  bool replaced = false;
  re2::StringPiece match;
  while (pos < text.size() && d.pattern->Match(text, pos, text.size(), re2::RE2::UNANCHORED, &match, 1)) {
    const auto start = static_cast<std::size_t>(match.data() - text.data());
    const std::string_view candidate(match.data(), match.size());
    std::optional<Span> span;
    if (!candidate.empty()) span = d.pick ? d.pick(candidate) : Span{0, candidate.size()};
    if (!span || span->second <= span->first) {
      pos = d.rescan_inside || candidate.empty() ? NextChar(text, start) : start + candidate.size();
      continue;
    }
    const std::size_t begin = start + span->first;
    const std::size_t end = start + span->second;
    out.append(text, copied, begin - copied);
    if (new_cut == std::string::npos && cut <= begin) new_cut = out.size() - (begin - cut);
    out += d.placeholder;
    if (new_cut == std::string::npos && cut < end) new_cut = out.size();
    copied = end;
    pos = end;
    replaced = true;
  }
  out.append(text, copied, std::string::npos);
  if (new_cut == std::string::npos) new_cut = out.size() - (text.size() - cut);
  text = std::move(out);
  cut = new_cut;
  return replaced;
}

Redaction Redactor::Apply(std::string_view input, std::size_t max_bytes) const {
  // Redact a little past the cut, so that an item the cut falls in is
  // replaced whole instead of leaving its first digits in clear.
  const std::size_t cut_at = CharBoundary(input, max_bytes);
  const std::size_t window = CharBoundary(input, cut_at + std::min(kLookahead, input.size() - cut_at));
  Redaction result;
  result.truncated = cut_at < input.size();
  result.text = SanitizeUtf8(input.substr(0, cut_at));
  std::size_t cut = result.text.size();
  result.text += SanitizeUtf8(input.substr(cut_at, window - cut_at));
  for (const auto& d : detectors_) result.replaced |= ReplaceAll(*d, result.text, cut);
  result.text.resize(cut);
  return result;
}

std::string Redactor::Redact(std::string_view text, std::size_t max_bytes) const { return Apply(text, max_bytes).text; }

}  // namespace portalkb
