// The synonym rules of an index, compiled for query expansion: maps a
// sequence of query words (by folded form, or by stem in the rule's
// language) to the alternatives it may also match.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "portalkb/synonyms.h"
#include "portalkb/status.h"

namespace portalkb {

// Where the rules live in the index (Xapian user metadata, JSON).
inline constexpr const char* kSynonymsMetadataKey = "portalkb.synonyms";
std::string EncodeSynonymRules(const std::vector<SynonymRule>& rules);
Result<std::vector<SynonymRule>> DecodeSynonymRules(const std::string& json);

// Immutable; safe to share between threads.
class SynonymSet {
 public:
  using Phrase = std::vector<std::string>;  // folded words

  SynonymSet() = default;
  // Throws nothing; `tokenizer` is used only during construction.
  SynonymSet(const std::vector<SynonymRule>& rules, const Tokenizer& tokenizer);

  // Alternatives for the phrase `words` (folded), looking it up by folded
  // form and by stem under each of `langs`. Never contains `words` itself.
  std::vector<Phrase> Alternatives(const Phrase& words, const std::vector<LanguageRules>& langs) const;

  // The longest left-hand side in words; 0 when there are no rules.
  std::size_t max_words() const { return max_words_; }
  bool empty() const { return by_key_.empty(); }

 private:
  void Add(const std::string& lang, const Phrase& from, const Phrase& to);
  static std::string FoldedKey(const Phrase& words);
  static std::string StemKey(const std::string& lang, const Phrase& words, const LanguageRules& rules);

  std::map<std::string, std::vector<Phrase>> by_key_;
  std::size_t max_words_ = 0;
};

}  // namespace portalkb
