// The synonym rules of an index, compiled for query expansion: maps a
// sequence of query words (by folded form, or by stem in the rule's
// language) to the alternatives it may also match.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
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

// Expansion bounds per query, so the cost of a search does not grow with
// the rules that match its words: alternatives of one query word (or span of
// words), and of the whole query.
inline constexpr std::size_t kMaxSynonymAlternativesPerWord = 16;
inline constexpr std::size_t kMaxSynonymAlternativesPerQuery = 64;

// Immutable; safe to share between threads. Building and memory are linear
// in the rules' total size: each term is analysed once, and a lookup key
// points at its rule's group of phrases instead of holding a copy of it.
class SynonymSet {
 public:
  using Phrase = std::vector<std::string>;  // folded words

  SynonymSet() = default;
  // Throws nothing; `tokenizer` is used only during construction. Rules that
  // fail ValidateSynonymRule (stored before the limits existed) are skipped,
  // as are rules past kMaxSynonymRulesPerLanguage of one language.
  SynonymSet(const std::vector<SynonymRule>& rules, const Tokenizer& tokenizer);

  // At most `limit` alternatives for the phrase `words` (folded), looking it
  // up by folded form and by stem under each of `langs`, in rule order.
  // Never contains `words` itself. The work done is bounded by `limit`, not
  // by how many rules contain `words`.
  std::vector<Phrase> Alternatives(const Phrase& words, const std::vector<LanguageRules>& langs,
                                   std::size_t limit = kMaxSynonymAlternativesPerWord) const;

  // The longest left-hand side in words; 0 when there are no rules.
  std::size_t max_words() const { return max_words_; }
  bool empty() const { return by_key_.empty(); }

 private:
  // The phrases a rule's key leads to: phrases_[begin, end).
  struct Group {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  // A key's entry: a group, and the phrase the key was made from (in
  // phrases_), which is not its own alternative.
  struct Entry {
    std::uint32_t group = 0;
    std::uint32_t member = 0;
  };

  void AddKeys(const std::string& lang, const Phrase& from, Entry entry, const LanguageRules& rules);
  static std::string FoldedKey(const Phrase& words);
  static std::string StemKey(const std::string& lang, const Phrase& words, const LanguageRules& rules);

  std::vector<Phrase> phrases_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::vector<Entry>> by_key_;
  std::size_t max_words_ = 0;
};

}  // namespace portalkb
