#include "typo/edit_distance.h"

namespace portalkb {

int TypoDistance(std::u32string_view a, std::u32string_view b, int first_letter_cost) {
  return DamerauLevenshtein(a, b, first_letter_cost);
}

}  // namespace portalkb
