// Unicode normalisation: the forms a word is indexed and matched under.
#pragma once

#include <string>
#include <string_view>

namespace portalkb {

// NFKC + full case folding, accents kept: "Financiën" -> "financiën".
// Thread-safe (ICU normalisers are immutable singletons).
std::string CaseFold(std::string_view word);

// CaseFold and then diacritics removed (canonical decomposition, combining
// marks dropped, a few letters without decomposition mapped: ø->o, ł->l,
// đ->d): "Financiën" -> "financien", "Straße" -> "strasse", "Lösenord" -> "losenord".
std::string FoldDiacritics(std::string_view case_folded);

}  // namespace portalkb
