// An immutable trie over a vocabulary of folded words, for typo candidates
// (bounded Damerau-Levenshtein walk) and prefix completion. Walking the trie
// prunes every branch whose best alignment already exceeds the budget, so a
// lookup touches a tiny part of a million-word vocabulary.
//
// The trie is one flat array of fixed-size nodes (breadth-first, children
// contiguous), so the same array is built in memory or memory-mapped from the
// vocabulary file the writer leaves beside the index (Serialize/FromBytes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

struct TrieMatch {
  std::string term;
  int distance = 0;
  std::uint32_t frequency = 0;
};

class TermTrie {
 public:
  TermTrie() = default;
  // `terms` are (UTF-8 word, frequency > 0) pairs, in any order; duplicates
  // keep the larger frequency.
  explicit TermTrie(std::vector<std::pair<std::string, std::uint32_t>> terms);

  std::size_t size() const { return terms_; }
  std::size_t node_count() const { return node_count_; }

  // The trie as bytes: what FromBytes reads (native byte order).
  std::string Serialize() const;
  // A trie over `bytes` as Serialize wrote them, without copying or
  // sorting; `owner` keeps the bytes alive (a mapping) and is shared by every
  // copy. Corruption when the sizes do not add up. Nodes are checked as they
  // are visited, so a damaged array gives wrong words at worst, never a read
  // out of bounds or an endless walk. `bytes` must be 4-byte aligned.
  static Result<TermTrie> FromBytes(std::string_view bytes, std::shared_ptr<const void> owner);

  // Frequency of `term`, 0 if absent.
  std::uint32_t Frequency(std::string_view term) const;

  // Every term within `max_distance` of `word` under TypoDistance rules
  // (first-letter edits cost `first_letter_cost`), sorted by distance, then
  // frequency (descending), then term; at most `limit`. The word itself is
  // included at distance 0 when present.
  std::vector<TrieMatch> Within(std::string_view word, int max_distance, int first_letter_cost,
                                std::size_t limit) const;

  // The `limit` most frequent terms starting with `prefix` (including the
  // prefix itself if it is a term), most frequent first.
  std::vector<TrieMatch> Complete(std::string_view prefix, std::size_t limit) const;

 private:
  // Layout of the vocabulary file's node array: five 32-bit fields.
  struct Node {
    char32_t label = 0;
    std::uint32_t first_child = 0;  // index of the first child; children are contiguous
    std::uint32_t child_count = 0;
    std::uint32_t frequency = 0;   // > 0: a term ends here
    std::uint32_t best_below = 0;  // highest frequency in this subtree, for top-k completion
  };

  // Returns the node reached by `path`, or -1.
  long Find(std::u32string_view path) const;
  // The children of node `index` as [first, first + count), empty when the
  // node's range is out of bounds or does not lie after it (breadth-first
  // order puts children after their parent, which also rules out cycles).
  std::uint32_t ChildCount(std::uint32_t index) const;

  std::shared_ptr<const void> storage_;  // owns nodes_: a vector or a mapping
  const Node* nodes_ = nullptr;          // nodes_[0] is the root
  std::size_t node_count_ = 0;
  std::size_t terms_ = 0;
};

}  // namespace portalkb
