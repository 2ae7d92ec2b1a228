// Synonym rules, in the Solr synonyms.txt format:
//   factuur, rekening, nota        equivalent (each finds the others)
//   iphone => smartphone           one-way (iphone also finds smartphone)
//   e-mail adres, mailadres        multi-word terms on either side
//   # a comment
// Rules are per language and stored with the index: every reader sees the
// same set, and changes take effect without re-indexing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

struct SynonymRule {
  std::string lang;                  // a supported language code
  std::vector<std::string> terms;    // left-hand side (or the whole set)
  std::vector<std::string> targets;  // right-hand side of a one-way rule; empty for a set
  bool one_way() const { return !targets.empty(); }
  // The rule as one Solr line: "a, b, c" or "a => b".
  std::string ToString() const;
  bool operator==(const SynonymRule&) const = default;
};

// Parses Solr synonyms text for `lang` (may be empty when the text says it).
// A "# lang: xx" line switches the language of the lines after it. Terms are
// trimmed and lower-cased; "\," is a literal comma. InvalidArgument naming
// the line for an empty term, a set of one term, more than one "=>", or an
// unsupported or missing language.
Result<std::vector<SynonymRule>> ParseSynonyms(std::string_view text, const std::string& lang);

// The language a synonyms file name states: its first part ("nl-b2b.txt",
// "sv.txt") or its last part ("documents-en.txt"); empty when neither is a
// supported language code.
std::string SynonymFileLanguage(const std::string& path);

// Solr text for `rules`, one rule per line, grouped by language under
// "# lang: xx" comment lines.
std::string FormatSynonyms(const std::vector<SynonymRule>& rules);

}  // namespace portalkb
