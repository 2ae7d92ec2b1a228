// Personal data redaction, applied before anything is written to the
// analytics log. RE2 patterns (linear time, safe on hostile input) find
// candidates; checksums confirm them, so "order 123456789" is not a BSN.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "portalkb/status.h"

namespace re2 { class RE2; }

namespace portalkb {

// Redacted spans become typed placeholders: [email], [iban], [card],
// [personnummer], [bsn], [phone], or [NAME] for an extra pattern NAME.
// Thread-safety: Redact is const and safe to call concurrently.
class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;

  // Extra patterns, one per line: "NAME<whitespace>REGEX"; '#' starts a
  // comment. InvalidArgument naming the line for a bad name or regex.
  Status AddPatterns(std::string_view text);

  // Returns `text` with every detected item replaced. Input longer than
  // max_bytes is cut first (queries are short; this bounds the work).
  std::string Redact(std::string_view text, std::size_t max_bytes = 2000) const;

 private:
  struct Detector;
  std::vector<std::unique_ptr<Detector>> detectors_;
};

// Checksums, exposed for tests.
bool IbanChecksumValid(std::string_view iban);      // ISO 13616 mod 97
bool LuhnValid(std::string_view digits);            // payment cards, personnummer
bool BsnElevenCheckValid(std::string_view digits);  // Dutch burgerservicenummer

}  // namespace portalkb
