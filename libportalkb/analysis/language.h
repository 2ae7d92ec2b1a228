// The languages portalkb analyses, and how.
#pragma once

#include <string>
#include <string_view>

namespace portalkb {

struct LanguageInfo {
  const char* code;          // ISO 639-1, as in Document::lang
  const char* stemmer_name;  // Xapian Snowball stemmer name
};

// nullptr when `code` is not a supported language.
const LanguageInfo* FindLanguage(std::string_view code);

}  // namespace portalkb
