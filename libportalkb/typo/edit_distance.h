// Damerau-Levenshtein distance (optimal string alignment) over code points,
// with a configurable cost for edits that change the first letter.
#pragma once

#include <string>
#include <string_view>

namespace portalkb {

// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::u32string ToCodePoints(std::string_view utf8);
std::string ToUtf8(std::u32string_view code_points);

// Insertions, deletions, substitutions and swaps of two neighbouring letters
// each cost 1, except that an edit changing the first letter costs
// `first_letter_cost` (people rarely get the first letter wrong).
int TypoDistance(std::u32string_view a, std::u32string_view b, int first_letter_cost = 2);

}  // namespace portalkb
