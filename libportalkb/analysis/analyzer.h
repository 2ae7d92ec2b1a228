// The analyzer chain: ICU word segmentation -> case folding -> diacritic
// folding -> stop words -> stemming. Documents and queries pass through the
// same chain, so they meet on the same terms.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace portalkb {

struct Token {
  std::string folded;          // case- and diacritic-folded: the form words are indexed under
  std::string lowered;         // case-folded with accents kept ("financiën")
  std::uint32_t position = 0;  // word position; a joined compound shares its first part's
  std::size_t begin = 0;       // byte offsets of the token in the analysed text
  std::size_t end = 0;
  // A compound of hyphenated parts written together ("wachtwoord-reset" ->
  // "wachtwoordreset"), or a whole e-mail address, emitted beside its parts.
  bool joined = false;
  bool has_digit = false;
};

// Splits text into tokens. Segmentation is the same for every supported
// language (ICU's root word-break rules). Words longer than 64 bytes are
// dropped. Apostrophes inside a word are removed ("auto's" -> "autos").
// Thread-safety: not safe for concurrent use (owns an ICU break iterator).
class Tokenizer {
 public:
  Tokenizer();
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  std::vector<Token> Tokenize(std::string_view text) const;

 private:
  std::unique_ptr<icu::BreakIterator> words_;
};

// Stemming and stop words of one language. Cheap to copy.
class LanguageRules {
 public:
  // `lang` must be a supported language code.
  explicit LanguageRules(std::string lang);
  const std::string& lang() const { return lang_; }
  // Stem of a folded word (numbers and codes are returned unchanged).
  std::string Stem(const std::string& folded) const;
  bool IsStop(std::string_view folded) const;

 private:
  std::string lang_;
  mutable Xapian::Stem stemmer_;  // Xapian::Stem::operator() is non-const
};

}  // namespace portalkb
