// A Xapian posting source over a shared bitset of document ids: a filter
// (weight 0) that Xapian drives like a posting list. Used for the access
// sets and for the documents a search's word-count rule admits.
#pragma once

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
template <typename Bits>
class BitsetSource : public Xapian::PostingSource {
 public:
  BitsetSource(std::shared_ptr<const Bits> bits, Xapian::doccount count, std::string name)
      : bits_(std::move(bits)), count_(count), name_(std::move(name)) {}
  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
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
  Xapian::PostingSource* clone() const override { return new BitsetSource(bits_, count_, name_); }
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
  std::string name_;
  Xapian::docid current_ = 0;
  Xapian::docid checked_out_ = 0;
  bool at_end_ = false;
};

// A query matching exactly the members of `bits` (weight 0), sharing them.
template <typename Bits>
Xapian::Query BitsetQuery(std::shared_ptr<const Bits> bits, Xapian::doccount count, std::string name) {
  auto* source = new BitsetSource<Bits>(std::move(bits), count, std::move(name));
  return Xapian::Query(source->release());
}

}  // namespace portalkb
