#include "analysis/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>

namespace portalkb {
namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

const icu::Normalizer2& Instance(const icu::Normalizer2* (*get)(UErrorCode&)) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = get(status);
  // ICU's built-in normalisation data ships inside libicudata; failure here
  // means a broken installation, which no input can cause.
  if (U_FAILURE(status) || n == nullptr) std::abort();
  return *n;
}

const icu::Normalizer2& Nfkc_cf() {
  static const icu::Normalizer2& n = Instance(&icu::Normalizer2::getNFKCCasefoldInstance);
  return n;
}
const icu::Normalizer2& Nfd() {
  static const icu::Normalizer2& n = Instance(&icu::Normalizer2::getNFDInstance);
  return n;
}
const icu::Normalizer2& Nfc() {
  static const icu::Normalizer2& n = Instance(&icu::Normalizer2::getNFCInstance);
  return n;
}

}  // namespace

std::string CaseFold(std::string_view word) {
  if (IsAscii(word)) {
    std::string out(word);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  const icu::UnicodeString folded = Nfkc_cf().normalize(in, status);
  std::string out;
  if (U_FAILURE(status)) return std::string(word);
  folded.toUTF8String(out);
  return out;
}

std::string FoldDiacritics(std::string_view case_folded) {
  if (IsAscii(case_folded)) return std::string(case_folded);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(case_folded.data(), static_cast<int32_t>(case_folded.size())));
  const icu::UnicodeString decomposed = Nfd().normalize(in, status);
  if (U_FAILURE(status)) return std::string(case_folded);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    switch (c) {
      case 0x00F8:
        stripped.append(static_cast<UChar32>('o'));
        break;  // ø
      case 0x0142:
        stripped.append(static_cast<UChar32>('l'));
        break;  // ł
      case 0x0111:
        stripped.append(static_cast<UChar32>('d'));
        break;  // đ
      case 0x0131:
        stripped.append(static_cast<UChar32>('i'));
        break;  // dotless ı
      default:
        stripped.append(c);
    }
  }
  const icu::UnicodeString composed = Nfc().normalize(stripped, status);
  if (U_FAILURE(status)) return std::string(case_folded);
  std::string out;
  composed.toUTF8String(out);
  return out;
}

}  // namespace portalkb
