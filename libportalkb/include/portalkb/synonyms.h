// Synonym rules, in the Solr synonyms.txt format:
//   factuur, rekening, nota        equivalent (each finds the others)
//   iphone => smartphone           one-way (iphone also finds smartphone)
//   e-mail adres, mailadres        multi-word terms on either side
//   # a comment
// Rules are per language and stored with the index: every reader sees the
// same set, and changes take effect without re-indexing.
#pragma once

#include <cstddef>
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

// Bounds on synonym rules. Every engine compiles all stored rules when it
// loads an index, and a query word expands into every alternative it has, so
// the parser and IndexWriter::AddSynonyms/ReplaceSynonyms reject what exceeds
// these (InvalidArgument naming the line or rule and the limit).
inline constexpr std::size_t kMaxSynonymTermsPerRule = 100;         // terms + targets of one rule
inline constexpr std::size_t kMaxSynonymTermBytes = 128;            // one term, in UTF-8 bytes
inline constexpr std::size_t kMaxSynonymLineBytes = 16 * 1024;      // one line of synonyms text
inline constexpr std::size_t kMaxSynonymTextBytes = 16 << 20;       // one text (file) to parse
inline constexpr std::size_t kMaxSynonymRulesPerLanguage = 10000;   // stored rules of one language
inline constexpr std::size_t kMaxSynonymTermsPerLanguage = 100000;  // their terms and targets together

// Checks one rule against the format and the limits above: a supported
// language, no empty or over-long term, at least two terms in a set, at most
// kMaxSynonymTermsPerRule terms. The InvalidArgument reads "synonyms: rule
// '<at most 80 characters of the rule>': <what is wrong>".
Status ValidateSynonymRule(const SynonymRule& rule);

// Parses Solr synonyms text for `lang` (may be empty when the text says it).
// A "# lang: xx" line switches the language of the lines after it. Terms are
// trimmed and lower-cased; "\," is a literal comma. InvalidArgument naming
// the line for an empty term, a set of one term, more than one "=>", an
// unsupported or missing language, or a line, rule, term or text over the
// limits above (quoting at most 80 characters of the line).
Result<std::vector<SynonymRule>> ParseSynonyms(std::string_view text, const std::string& lang);

// Like ParseSynonyms, for text that may carry no language (a plain Solr
// file): each rule before the first "# lang: xx" line is returned once for
// every language of `langs` (which must be supported; empty: such a rule is
// an error, as in ParseSynonyms). Rules after a "# lang: xx" line are in
// that language only.
Result<std::vector<SynonymRule>> ParseSynonymsForLanguages(std::string_view text,
                                                           const std::vector<std::string>& langs);

// The language a synonyms file name states: its first part ("nl-b2b.txt",
// "sv.txt") or its last part ("documents-en.txt"); empty when neither is a
// supported language code.
std::string SynonymFileLanguage(const std::string& path);

// Solr text for `rules`, one rule per line, grouped by language under
// "# lang: xx" comment lines.
std::string FormatSynonyms(const std::vector<SynonymRule>& rules);

}  // namespace portalkb
