// Counting matches from posting lists instead of Xapian's matcher: the
// documents a boolean query matches as a bitset of document ids. Xapian
// walks every match of a counting pass through its matcher (weights,
// decider, match spies: about 100 ns a document); a bitset built from the
// posting lists costs a few nanoseconds a posting. Only queries whose
// matching is their terms' posting lists combined are evaluated: anything
// positional, valued or external (phrases, value ranges, posting sources)
// says so, and the caller runs Xapian's pass instead. Same documents either
// way (tests/evaluation/corpus_eval_test.cc compares them on every
// evaluation query).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

namespace portalkb {

class MatchBits {
 public:
  explicit MatchBits(Xapian::docid limit = 0) : limit_(limit), words_(limit / 64 + 1, 0) {}
  Xapian::docid limit() const { return limit_; }  // ids below it have a bit
  void Set(Xapian::docid id) {
    if (id < limit_) words_[id / 64] |= std::uint64_t{1} << (id % 64);
  }
  bool Test(Xapian::docid id) const { return id < limit_ && (words_[id / 64] >> (id % 64) & 1) != 0; }
  bool Contains(Xapian::docid id) const { return Test(id); }
  // The first id >= `from` that is set, or 0 when there is none.
  Xapian::docid Next(Xapian::docid from) const;
  MatchBits& operator|=(const MatchBits& o);
  MatchBits& operator&=(const MatchBits& o);
  MatchBits& AndNot(const MatchBits& o);
  MatchBits& operator^=(const MatchBits& o);
  std::uint64_t Count() const;
  // Calls fn(id) for each id set, in increasing order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      for (std::uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        fn(static_cast<Xapian::docid>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))));
      }
    }
  }
  const std::vector<std::uint64_t>& words() const { return words_; }

 private:
  Xapian::docid limit_;
  std::vector<std::uint64_t> words_;
};

// Evaluates queries on one database, reading each term's postings once.
// Thread-safety: one per thread (as the Xapian::Database).
class MatchBitsEvaluator {
 public:
  // Bitsets of lastdocid bits each: their memory (and the time to clear
  // them) grows with the index, not with the postings. Past `max_bytes` of
  // them in one evaluator, Evaluate and Term give up (the caller runs
  // Xapian's pass).
  explicit MatchBitsEvaluator(const Xapian::Database& db, std::size_t max_bytes = kDefaultMaxBytes)
      : db_(db), limit_(db.get_lastdocid() + 1), max_bytes_(max_bytes) {}
  static constexpr std::size_t kDefaultMaxBytes = 32u << 20;
  // The documents `query` matches, or nullopt when it is not a combination
  // of term posting lists (OR, AND, AND_NOT, AND_MAYBE, FILTER, SYNONYM,
  // XOR, MAX, SCALE_WEIGHT over terms, MatchAll and MatchNothing). Throws
  // Xapian::Error.
  std::optional<MatchBits> Evaluate(const Xapian::Query& query);
  // The documents holding `term`; null past the byte budget.
  const MatchBits* Term(const std::string& term);
  // The documents matching at least `n` of `sets` (at most 255 of them;
  // nullopt beyond, or past the byte budget).
  std::optional<MatchBits> AtLeast(const std::vector<MatchBits>& sets, std::size_t n);
  // Takes `count` more bitsets' bytes from the budget; false when it is spent.
  bool Charge(std::size_t count = 1);
  Xapian::docid limit() const { return limit_; }

 private:
  const Xapian::Database& db_;
  Xapian::docid limit_;
  std::map<std::string, std::unique_ptr<MatchBits>> terms_;
  std::unique_ptr<MatchBits> all_;
  std::size_t max_bytes_;
  std::size_t used_bytes_ = 0;
};

// A query matching exactly the documents of `bits` (weight 0), sharing them.
// `estimate`: what Xapian is told it matches (see BitsetSource); the
// database's document count makes it a test on another query's candidates
// rather than what drives them.
Xapian::Query MatchBitsQuery(std::shared_ptr<const MatchBits> bits, Xapian::doccount estimate = 0);

}  // namespace portalkb
