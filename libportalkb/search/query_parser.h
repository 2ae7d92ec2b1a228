// Parses the user's query syntax: words, "phrases" and -exclusions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portalkb {

struct QueryClause {
  enum class Kind { kWord, kPhrase };
  Kind kind = Kind::kWord;
  std::string text;       // the raw text of the word or phrase (no quotes, no '-')
  bool excluded = false;  // written as -word or -"a phrase"
};

// Never fails: an unclosed quote makes a phrase of the rest; a lone '-' or
// empty quotes are ignored. A '-' inside a word ("wachtwoord-reset") is part
// of the word.
std::vector<QueryClause> ParseQuery(std::string_view query);

}  // namespace portalkb
