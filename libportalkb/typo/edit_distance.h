// Damerau-Levenshtein distance (optimal string alignment) over code points,
// with a configurable cost for edits that change the first letter.
#pragma once

#include <string>
#include <string_view>

#include "core/edit_distance.h"  // ToCodePoints, ToUtf8, DamerauLevenshtein

namespace portalkb {

// Insertions, deletions, substitutions and swaps of two neighbouring letters
// each cost 1, except that an edit changing the first letter costs
// `first_letter_cost` (people rarely get the first letter wrong). The same
// computation as DamerauLevenshtein in core.
int TypoDistance(std::u32string_view a, std::u32string_view b, int first_letter_cost = 2);

}  // namespace portalkb
