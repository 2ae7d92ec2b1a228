#include "analytics/redactor.h"

#include <re2/re2.h>

#include <algorithm>
#include <functional>

#include "core/text.h"

namespace portalkb {
namespace {

std::string DigitsOf(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

}  // namespace

bool IbanChecksumValid(std::string_view raw) {
  std::string iban;
  for (char c : raw) {
    if (c == ' ') continue;
    iban += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  if (iban.size() < 15 || iban.size() > 34) return false;
  const std::string rearranged = iban.substr(4) + iban.substr(0, 4);
  int remainder = 0;
  for (char c : rearranged) {
    if (c >= '0' && c <= '9') {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      const int v = c - 'A' + 10;
      remainder = (remainder * 100 + v) % 97;
    } else {
      return false;
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

struct Redactor::Detector {
  std::string placeholder;
  std::unique_ptr<re2::RE2> pattern;
  std::function<bool(std::string_view)> valid;  // null: every match counts
};

Redactor::Redactor() {
  auto add = [&](const char* name, const char* regex, std::function<bool(std::string_view)> valid) {
    auto d = std::make_unique<Detector>();
    d->placeholder = std::string("[") + name + "]";
    re2::RE2::Options options;
    options.set_case_sensitive(false);
    d->pattern = std::make_unique<re2::RE2>(regex, options);
    d->valid = std::move(valid);
    detectors_.push_back(std::move(d));
  };
  // Order matters: longer, checksummed numbers first, phones last.
  add("email", R"([a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,})", nullptr);
  add("iban", R"(\b[a-z]{2}[0-9]{2}(?: ?[a-z0-9]){11,30}\b)", IbanChecksumValid);
  add("card", R"(\b[0-9](?:[ \-]?[0-9]){12,18}\b)", [](std::string_view m) { return LuhnValid(DigitsOf(m)); });
  add("personnummer", R"(\b(?:[0-9]{2})?[0-9]{6}[\-+]?[0-9]{4}\b)", [](std::string_view m) {
    const std::string d = DigitsOf(m);
    const std::string ten = d.substr(d.size() - 10);
    const int month = (ten[2] - '0') * 10 + (ten[3] - '0');
    const int day = (ten[4] - '0') * 10 + (ten[5] - '0');
    const bool date_ok = month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
    return date_ok && LuhnValid(ten);
  });
  add("bsn", R"(\b[0-9]{3}\.?[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}\b)", [](std::string_view m) { return BsnElevenCheckValid(DigitsOf(m)); });
  // International (+31 6 1234 5678, 0046 70 123 45 67) and national (06-12345678, 020 123 4567, 070-123 45 67).
  add("phone", R"((?:\+|\b00)[1-9][0-9]{0,2}[ \-]?(?:\(0\))?[ \-]?[0-9](?:[ \-]?[0-9]){6,11}\b|\b0[1-9][0-9]{0,2}[ \-]?[0-9](?:[ \-]?[0-9]){5,8}\b)",
      [](std::string_view m) {
        const std::size_t n = DigitsOf(m).size();
        return n >= 8 && n <= 15;
      });
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
    if (name.empty() || name.size() > 32 || !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return Status::InvalidArgument(where + "name '" + name + "' must be 1-32 characters of a-z 0-9 _ -");
    }
    const std::string regex(Trim(line.substr(space)));
    auto d = std::make_unique<Detector>();
    d->placeholder = "[" + name + "]";
    re2::RE2::Options options;
    options.set_log_errors(false);
    d->pattern = std::make_unique<re2::RE2>(regex, options);
    if (!d->pattern->ok()) return Status::InvalidArgument(where + "invalid regex: " + d->pattern->error());
    detectors_.push_back(std::move(d));
  }
  return Status::Ok();
}

std::string Redactor::Redact(std::string_view input, std::size_t max_bytes) const {
  std::string text = SanitizeUtf8(input.substr(0, max_bytes));
  for (const auto& d : detectors_) {
    std::string out;
    re2::StringPiece rest(text);
    re2::StringPiece match;
    std::size_t copied = 0;
    while (!rest.empty() && d->pattern->Match(text, static_cast<std::size_t>(rest.data() - text.data()), text.size(),
                                              re2::RE2::UNANCHORED, &match, 1)) {
      const auto start = static_cast<std::size_t>(match.data() - text.data());
      const std::size_t length = match.size();
      // A greedy match may run into the next word ("NL91ABNA0417164300 graag"):
      // when it fails its check, try it cut back at each space.
      std::string_view candidate(match.data(), match.size());
      bool accepted = !d->valid || d->valid(candidate);
      while (!accepted) {
        const auto space = candidate.find_last_of(' ');
        if (space == std::string_view::npos) break;
        candidate = Trim(candidate.substr(0, space));
        accepted = !candidate.empty() && d->valid(candidate);
      }
      std::size_t length_used = length;
      if (accepted) {
        out.append(text, copied, start - copied);
        out += d->placeholder;
        copied = start + candidate.size();
        length_used = candidate.size();
      }
      const std::size_t next = start + std::max<std::size_t>(length_used, 1);
      if (next > text.size()) break;
      rest = re2::StringPiece(text.data() + next, text.size() - next);
    }
    out.append(text, copied, std::string::npos);
    text = std::move(out);
  }
  return text;
}

}  // namespace portalkb
