// Typo tolerance: which vocabulary words a query word may stand for.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "portalkb/options.h"
#include "typo/term_trie.h"

namespace portalkb {

// The folded words of an index with their document frequencies, from the
// index's unprefixed terms. Immutable once built; safe to share between
// threads.
class Vocabulary {
 public:
  // `suffixes`: the same words, each written backwards (code points), for
  // EndingIn; empty switches that off.
  explicit Vocabulary(TermTrie words, TermTrie suffixes = {})
      : words_(std::move(words)), suffixes_(std::move(suffixes)) {}
  // Reads every unprefixed term and builds both tries in memory. Throws
  // Xapian::Error (callers run it under ReadableStore::Read).
  static std::shared_ptr<const Vocabulary> Load(const Xapian::Database& db);
  // Maps the vocabulary file in `index_dir` when it was built from `db`'s
  // revision (no sorting, no reading of terms); otherwise (missing, stale,
  // damaged) falls back to Load. Throws Xapian::Error.
  // The derived file of `db`'s revision, mapped; nullptr when there is none
  // (missing, stale or damaged). Cheap: nothing is read or built.
  static std::shared_ptr<const Vocabulary> OpenMapped(const std::string& index_dir, const Xapian::Database& db);
  static std::shared_ptr<const Vocabulary> Open(const std::string& index_dir, const Xapian::Database& db);
  // The backwards words live in a derived file of their own; when it is
  // missing or stale (an index written before it existed) the vocabulary
  // opens without them, and EndingIn finds nothing until the next commit.
  // Builds the vocabulary of `db`'s current revision and writes it to
  // `index_dir`'s vocabulary and suffix files (the writer does, after each
  // commit). Throws Xapian::Error; an unwritable file is an error Status.
  static Status Write(const std::string& index_dir, const Xapian::Database& db);
  const TermTrie& words() const { return words_; }

  // The `limit` most frequent words that end in `tail` and are at least
  // `min_extra` code points longer: the compounds `tail` is the head of
  // ("parkeervergunning" for "vergunning"). Most frequent first.
  std::vector<TrieMatch> EndingIn(std::string_view tail, std::size_t min_extra, std::size_t limit) const;

 private:
  TermTrie words_;
  TermTrie suffixes_;
};

struct TypoCandidate {
  std::string term;  // folded word in the vocabulary
  int typos = 0;     // 1 or 2
  std::uint32_t frequency = 0;
};

// Applies the TypoOptions rules: length thresholds, no fuzzy matching for
// words with digits, first-letter cost, and disabled words matching only
// exactly (never expanded themselves, never a candidate for another word).
class TypoExpander {
 public:
  TypoExpander(const TypoOptions& options, const Vocabulary& vocabulary) : options_(options), vocabulary_(vocabulary) {}

  // Typos allowed for a word of this many code points (0, 1 or 2).
  static int AllowedTypos(const TypoOptions& options, std::size_t length);

  // Vocabulary words within the allowed typos of `token`, the word itself
  // and disabled words excluded, best first (fewest typos, then most frequent), at most
  // options.max_candidates.
  // With `keep`, only words it accepts count (the caller's access check:
  // words that occur only in documents the principal may not see must not
  // take the places of words it may see); up to 4 x max_candidates of the
  // best are examined.
  std::vector<TypoCandidate> Candidates(const Token& token,
                                        const std::function<bool(const std::string&)>& keep = {}) const;

  // Like Candidates but with a wider budget (1 typo from 4 letters, 2 from 5,
  // 3 from 9) for "did you mean" corrections of words that matched nothing.
  std::vector<TypoCandidate> Corrections(const Token& token) const;

  // Whether `token` may be expanded at all (typos on, no digit, not disabled).
  bool Eligible(const Token& token) const;

 private:
  bool Disabled(const std::string& folded) const;
  std::vector<TypoCandidate> Lookup(const std::string& word, int max_typos,
                                    const std::function<bool(const std::string&)>& keep = {}) const;
  const TypoOptions& options_;
  const Vocabulary& vocabulary_;
};

}  // namespace portalkb
