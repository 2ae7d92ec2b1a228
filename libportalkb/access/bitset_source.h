// A Xapian posting source over a shared bitset of document ids: a filter
// (weight 0) that Xapian drives like a posting list. Used for the access
// sets and for the documents a search's word-count rule admits.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

namespace portalkb {

// The first id >= `from` whose bit is set in `words` (bit i of word i / 64
// for id i), below `limit`; 0 when there is none.
inline Xapian::docid NextSetBit(const std::vector<std::uint64_t>& words, Xapian::docid limit, Xapian::docid from) {
  if (from >= limit) return 0;
  std::size_t w = from / 64;
  std::uint64_t bits = words[w] & (~std::uint64_t{0} << (from % 64));
  while (bits == 0) {
    if (++w == words.size()) return 0;
    bits = words[w];
  }
  const auto id = static_cast<Xapian::docid>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
  return id < limit ? id : 0;
}

// `Bits` has `bool Contains(Xapian::docid) const` and
// `Xapian::docid Next(Xapian::docid from) const` (the first member >= from,
// or 0 when there is none). `count` is its number of members.
//
// `estimate` is what Xapian is told the source matches (at least `count`,
// at most the database's documents). Xapian lets the sparsest part of an AND
// drive it and moves the others with skip_to: a sparse bitset under a query
// of many long posting lists would skip each of them from one of its
// documents to the next, a B-tree descent (reads of whole blocks) per jump.
// Told it is dense, the source is only tested, a bit each, on the query's
// own candidates.
template <typename Bits>
class BitsetSource : public Xapian::PostingSource {
 public:
  BitsetSource(std::shared_ptr<const Bits> bits, Xapian::doccount count, std::string name,
               Xapian::doccount estimate = 0)
      : bits_(std::move(bits)), count_(count), estimate_(std::max(count, estimate)), name_(std::move(name)) {}
  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return estimate_; }
  Xapian::doccount get_termfreq_max() const override { return estimate_; }
  // Positioned before the first id until next() or skip_to() is called;
  // at_end() once past the last.
  void init(const Xapian::Database&) override {
    current_ = 0;
    checked_out_ = 0;
    at_end_ = false;
  }
  void next(double) override { Move(current_ + 1); }
  void skip_to(Xapian::docid id, double) override {
    if (id > current_) Move(id);
  }
  bool check(Xapian::docid id, double) override {
    // Exact and cheap: a bit test, without moving past `id`.
    if (id <= current_) return true;
    if (bits_->Contains(id)) {
      current_ = id;
      return true;
    }
    // Not admitted: Xapian asks no get_docid() and moves on with next/skip_to.
    checked_out_ = id;
    return false;
  }
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return current_; }
  double get_weight() const override { return 0; }
  Xapian::PostingSource* clone() const override { return new BitsetSource(bits_, count_, name_, estimate_); }
  std::string name() const override { return name_; }
  std::string get_description() const override { return name_ + "(" + std::to_string(count_) + " documents)"; }

 private:
  void Move(Xapian::docid from) {
    if (checked_out_ > from) from = checked_out_ + 1;
    const Xapian::docid next = bits_->Next(from);
    at_end_ = next == 0;
    current_ = at_end_ ? current_ : next;
  }
  std::shared_ptr<const Bits> bits_;
  Xapian::doccount count_;
  Xapian::doccount estimate_;
  std::string name_;
  Xapian::docid current_ = 0;
  Xapian::docid checked_out_ = 0;
  bool at_end_ = false;
};

// A query matching exactly the members of `bits` (weight 0), sharing them.
template <typename Bits>
Xapian::Query BitsetQuery(std::shared_ptr<const Bits> bits, Xapian::doccount count, std::string name,
                          Xapian::doccount estimate = 0) {
  auto* source = new BitsetSource<Bits>(std::move(bits), count, std::move(name), estimate);
  return Xapian::Query(source->release());
}

}  // namespace portalkb
