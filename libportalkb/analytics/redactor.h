// Personal data redaction, applied before anything is written to the
// analytics log.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "portalkb/status.h"

namespace re2 {
class RE2;
}

namespace portalkb {

// What Redactor::Apply found.
struct Redaction {
  std::string text;        // the redacted text, valid UTF-8
  bool replaced = false;   // something was replaced by a placeholder
  bool truncated = false;  // the input was longer than max_bytes
};

// Redacted spans become typed placeholders. Built in, in this order:
//   [email]         local@domain.tld, with Unicode letters (jöhn@exämple.de),
//                   a quoted local part ("john doe"@example.com) or an
//                   address literal (x@[192.0.2.1]);
//   [iban]          ISO 13616, mod 97 checked, 15-34 characters;
//   [phone]         international: +CC, then 8-15 digits in all, "(0)" and
//                   "(20)" allowed (+31 (0)20 123 4567, +46 8 123 456 78,
//                   +44 20 7946 0958, +1 (555) 123-4567);
//   [card]          13-19 digits, Luhn checked;
//   [phone]         international with 00CC (0031 20 1234567), as above;
//   [personnummer]  YYMMDD-NNNN or YYYYMMDD-NNNN ('+' for a century, day + 60
//                   for a samordningsnummer), date and Luhn checked;
//   [bsn]           9 digits, 11-check;
//   [phone]         national: a leading 0 or an area code in parentheses,
//                   8-15 digits in all ((020) 123-4567, 020-1234567,
//                   030/12345678, 08-123 456 78, 030 12345678), except
//                   date-shaped text (01-03-2026);
//   [NAME]          an extra pattern NAME, after the built-in ones.
// Numbers may be written in groups split by up to three of space . / -
// (NL91-ABNA-0417-1643-00, 1234.56.782, 4111.1111.1111.1111); a checked
// number is found as whole groups inside a longer run ("12 4111 1111 1111
// 1111" keeps "12 "). Every pattern is RE2 (linear time, safe on hostile
// input); checksums confirm candidates, so "order 123456789" is not a BSN.
// Thread-safety: Redact and Apply are const and safe to call concurrently.
class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;

  // Extra patterns, one per line: "NAME<whitespace>REGEX"; '#' starts a
  // comment. InvalidArgument naming the line for a bad name or regex, or a
  // regex that matches the empty text.
  Status AddPatterns(std::string_view text);
  // The longest placeholder: "[" + a 32-character pattern name + "]".
  static constexpr std::size_t kMaxPlaceholderBytes = 34;

  // Redacts the first max_bytes of `text` (cut back to a character
  // boundary; the rest is dropped, which bounds the work). An item the cut
  // falls in is replaced whole (up to 128 bytes past the cut: every built-in
  // item is shorter). Invalid UTF-8 becomes U+FFFD. The result is at most
  // kMaxPlaceholderBytes times the bytes redacted: a custom pattern that
  // matches single characters puts its placeholder in place of each (the
  // built-in ones keep it under 3 times, plus 64 bytes).
  Redaction Apply(std::string_view text, std::size_t max_bytes = 2000) const;

  // Apply(text, max_bytes).text.
  std::string Redact(std::string_view text, std::size_t max_bytes = 2000) const;

 private:
  struct Detector;
  static bool ReplaceAll(const Detector& d, std::string& text, std::size_t& cut);
  std::vector<std::unique_ptr<Detector>> detectors_;
};

// Checksums, exposed for tests.
bool IbanChecksumValid(std::string_view iban);      // ISO 13616 mod 97
bool LuhnValid(std::string_view digits);            // payment cards, personnummer
bool BsnElevenCheckValid(std::string_view digits);  // Dutch burgerservicenummer

}  // namespace portalkb
