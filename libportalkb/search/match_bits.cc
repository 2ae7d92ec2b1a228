#include "search/match_bits.h"

#include "access/bitset_source.h"

#include <algorithm>
#include <bit>

namespace portalkb {

Xapian::docid MatchBits::Next(Xapian::docid from) const { return NextSetBit(words_, limit_, from); }

Xapian::Query MatchBitsQuery(std::shared_ptr<const MatchBits> bits, Xapian::doccount estimate) {
  const auto count = static_cast<Xapian::doccount>(bits->Count());
  return BitsetQuery(std::move(bits), count, "portalkb.MatchBits", estimate);
}

MatchBits& MatchBits::operator|=(const MatchBits& o) {
  for (std::size_t w = 0; w < words_.size() && w < o.words_.size(); ++w) words_[w] |= o.words_[w];
  return *this;
}

MatchBits& MatchBits::operator&=(const MatchBits& o) {
  for (std::size_t w = 0; w < words_.size(); ++w) words_[w] &= w < o.words_.size() ? o.words_[w] : 0;
  return *this;
}

MatchBits& MatchBits::AndNot(const MatchBits& o) {
  for (std::size_t w = 0; w < words_.size() && w < o.words_.size(); ++w) words_[w] &= ~o.words_[w];
  return *this;
}

MatchBits& MatchBits::operator^=(const MatchBits& o) {
  for (std::size_t w = 0; w < words_.size() && w < o.words_.size(); ++w) words_[w] ^= o.words_[w];
  return *this;
}

std::uint64_t MatchBits::Count() const {
  std::uint64_t n = 0;
  for (const std::uint64_t w : words_) n += static_cast<std::uint64_t>(std::popcount(w));
  return n;
}

bool MatchBitsEvaluator::Charge(std::size_t count) {
  const std::size_t bytes = (static_cast<std::size_t>(limit_) / 64 + 1) * sizeof(std::uint64_t) * count;
  if (used_bytes_ + bytes > max_bytes_) return false;
  used_bytes_ += bytes;
  return true;
}

const MatchBits* MatchBitsEvaluator::Term(const std::string& term) {
  auto it = terms_.find(term);
  if (it == terms_.end()) {
    if (!Charge()) return nullptr;
    auto bits = std::make_unique<MatchBits>(limit_);
    for (auto p = db_.postlist_begin(term); p != db_.postlist_end(term); ++p) bits->Set(*p);
    it = terms_.emplace(term, std::move(bits)).first;
  }
  return it->second.get();
}

std::optional<MatchBits> MatchBitsEvaluator::Evaluate(const Xapian::Query& query) {
  using Q = Xapian::Query;
  const auto type = query.get_type();
  switch (type) {
    case Q::LEAF_MATCH_NOTHING:
      if (!Charge()) return std::nullopt;
      return MatchBits(limit_);
    case Q::LEAF_MATCH_ALL:
      if (all_ == nullptr) {
        if (!Charge()) return std::nullopt;
        all_ = std::make_unique<MatchBits>(limit_);
        for (auto it = db_.postlist_begin(""); it != db_.postlist_end(""); ++it) all_->Set(*it);
      }
      if (!Charge()) return std::nullopt;  // the copy
      return *all_;
    case Q::LEAF_TERM: {
      const auto t = query.get_terms_begin();
      if (t == query.get_terms_end()) return std::nullopt;
      const MatchBits* bits = Term(*t);
      if (bits == nullptr || !Charge()) return std::nullopt;  // the copy
      return *bits;
    }
    case Q::OP_SCALE_WEIGHT:
      // Scaling changes weights, never which documents match (a factor of
      // 0 included).
      return query.get_num_subqueries() == 1 ? Evaluate(query.get_subquery(0)) : std::nullopt;
    case Q::OP_OR:
    case Q::OP_SYNONYM:
    case Q::OP_MAX:
    case Q::OP_AND:
    case Q::OP_FILTER:
    case Q::OP_AND_NOT:
    case Q::OP_AND_MAYBE:
    case Q::OP_XOR: {
      const std::size_t n = query.get_num_subqueries();
      if (n == 0) return std::nullopt;
      std::optional<MatchBits> out = Evaluate(query.get_subquery(0));
      if (!out) return std::nullopt;
      // AND_MAYBE matches what its first part matches: the rest only weighs.
      if (type == Q::OP_AND_MAYBE) return out;
      for (std::size_t i = 1; i < n; ++i) {
        std::optional<MatchBits> next = Evaluate(query.get_subquery(i));
        if (!next) return std::nullopt;
        switch (type) {
          case Q::OP_AND:
          case Q::OP_FILTER:
            *out &= *next;
            break;
          case Q::OP_AND_NOT:
            out->AndNot(*next);
            break;
          case Q::OP_XOR:
            *out ^= *next;
            break;
          default:
            *out |= *next;
        }
      }
      return out;
    }
    default:
      // Phrases, NEAR, wildcards, value ranges, posting sources, elite sets,
      // an empty Query(): for Xapian's matcher.
      return std::nullopt;
  }
}

std::optional<MatchBits> MatchBitsEvaluator::AtLeast(const std::vector<MatchBits>& sets, std::size_t n) {
  // The counts below are bytes; the result is a bitset.
  if (sets.size() > 255 || !Charge(9)) return std::nullopt;
  MatchBits out(limit_);
  if (n == 0) {
    for (const auto& s : sets) out |= s;
    return out;
  }
  if (n > sets.size()) return out;
  std::vector<std::uint8_t> counts(limit_, 0);
  for (const auto& s : sets) {
    s.ForEach([&](Xapian::docid id) {
      if (id < counts.size() && counts[id] < n && ++counts[id] == n) out.Set(id);
    });
  }
  return out;
}

}  // namespace portalkb
