// UTF-8 <-> code points and the Damerau-Levenshtein distance (optimal string
// alignment) over code points. In core so that storage-level modules
// (analytics' clustering) and typo share one computation.
#pragma once

#include <string>
#include <string_view>

namespace portalkb {

// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::u32string ToCodePoints(std::string_view utf8);
std::string ToUtf8(std::u32string_view code_points);

// Insertions, deletions, substitutions and swaps of two neighbouring code
// points each cost 1, except that an edit changing the first code point costs
// `first_letter_cost` (1: the plain distance). O(|a| * |b|) time and memory:
// callers bound the lengths.
int DamerauLevenshtein(std::u32string_view a, std::u32string_view b, int first_letter_cost = 1);

}  // namespace portalkb
