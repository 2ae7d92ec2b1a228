// Stop words per language, in folded form (see FoldDiacritics).
#pragma once

#include <string_view>

namespace portalkb {

// True when `folded_word` is a stop word of `lang` (a supported language
// code). Stop words are still indexed for phrases but do not count as query
// words unless a query consists of stop words only.
bool IsStopWord(std::string_view lang, std::string_view folded_word);

}  // namespace portalkb
