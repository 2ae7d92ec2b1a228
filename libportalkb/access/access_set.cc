#include "access/access_set.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace portalkb {

std::string AccessTerms::Key() const {
  // Length-prefixed: no two term lists share a key.
  std::string key = std::to_string(required.size()) + ":" + required;
  for (const auto& t : any_of) key += std::to_string(t.size()) + ":" + t;
  return key;
}

std::shared_ptr<const AccessSet> AccessSet::Build(const Xapian::Database& db, const AccessTerms& terms) {
  std::shared_ptr<AccessSet> set(new AccessSet());
  set->revision_ = db.get_revision();
  set->uuid_ = db.get_uuid();
  set->limit_ = db.get_lastdocid() + 1;
  const std::size_t words = set->limit_ / 64 + 1;
  set->bits_.assign(words, 0);
  for (const auto& term : terms.any_of) {
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
      const Xapian::docid id = *it;
      if (id < set->limit_) set->bits_[id / 64] |= std::uint64_t{1} << (id % 64);
    }
  }
  if (!terms.required.empty()) {
    std::vector<std::uint64_t> required(words, 0);
    for (auto it = db.postlist_begin(terms.required); it != db.postlist_end(terms.required); ++it) {
      const Xapian::docid id = *it;
      if (id < set->limit_) required[id / 64] |= std::uint64_t{1} << (id % 64);
    }
    for (std::size_t w = 0; w < words; ++w) set->bits_[w] &= required[w];
  }
  for (const std::uint64_t w : set->bits_) set->count_ += static_cast<Xapian::doccount>(std::popcount(w));
  return set;
}

Xapian::docid AccessSet::Next(Xapian::docid from) const {
  if (from >= limit_) return 0;
  std::size_t w = from / 64;
  std::uint64_t bits = bits_[w] & (~std::uint64_t{0} << (from % 64));
  while (bits == 0) {
    if (++w == bits_.size()) return 0;
    bits = bits_[w];
  }
  const auto id = static_cast<Xapian::docid>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
  return id < limit_ ? id : 0;
}

namespace {

// Xapian drives it like a posting list: positioned before the first id
// until next() or skip_to() is called; at_end() once past the last.
class AccessSetSource : public Xapian::PostingSource {
 public:
  explicit AccessSetSource(std::shared_ptr<const AccessSet> set) : set_(std::move(set)) {}
  Xapian::doccount get_termfreq_min() const override { return set_->count(); }
  Xapian::doccount get_termfreq_est() const override { return set_->count(); }
  Xapian::doccount get_termfreq_max() const override { return set_->count(); }
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
    if (set_->Contains(id)) {
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
  Xapian::PostingSource* clone() const override { return new AccessSetSource(set_); }
  std::string name() const override { return "portalkb.AccessSet"; }
  std::string get_description() const override { return "AccessSet(" + std::to_string(set_->count()) + " documents)"; }

 private:
  void Move(Xapian::docid from) {
    if (checked_out_ > from) from = checked_out_ + 1;
    const Xapian::docid next = set_->Next(from);
    at_end_ = next == 0;
    current_ = at_end_ ? current_ : next;
  }
  std::shared_ptr<const AccessSet> set_;
  Xapian::docid current_ = 0;
  Xapian::docid checked_out_ = 0;
  bool at_end_ = false;
};

}  // namespace

Xapian::Query AccessSetQuery(std::shared_ptr<const AccessSet> set) {
  auto* source = new AccessSetSource(std::move(set));
  return Xapian::Query(source->release());
}

std::shared_ptr<const AccessSet> AccessSetCache::Get(const Xapian::Database& db, const AccessTerms& terms) const {
  const std::string key = terms.Key();
  const Xapian::rev revision = db.get_revision();
  const std::string uuid = db.get_uuid();
  {
    MutexLock lock(mutex_);
    auto it = by_key_.find(key);
    if (it == by_key_.end() || it->second->revision != revision || it->second->uuid != uuid) {
      // First asked for in this revision: remembered, not built.
      if (it != by_key_.end()) {
        if (it->second->set != nullptr) bytes_ -= it->second->set->bytes();
        entries_.erase(it->second);
        by_key_.erase(it);
      }
      entries_.push_front({key, revision, uuid, nullptr});
      by_key_[key] = entries_.begin();
      Evict();
      return nullptr;
    }
    entries_.splice(entries_.begin(), entries_, it->second);
    if (it->second->set != nullptr) return it->second->set;
  }
  // Built outside the lock: other principals' searches go on meanwhile.
  std::shared_ptr<const AccessSet> set = AccessSet::Build(db, terms);
  MutexLock lock(mutex_);
  if (const auto it = by_key_.find(key); it != by_key_.end()) {
    if (it->second->set != nullptr) bytes_ -= it->second->set->bytes();
    entries_.erase(it->second);
    by_key_.erase(it);
  }
  entries_.push_front({key, set->revision(), set->uuid(), set});
  by_key_[key] = entries_.begin();
  bytes_ += set->bytes();
  Evict();
  return set;
}

void AccessSetCache::Evict() const {
  while ((bytes_ > max_bytes_ || entries_.size() > kMaxEntries) && entries_.size() > 1) {
    if (entries_.back().set != nullptr) bytes_ -= entries_.back().set->bytes();
    by_key_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

}  // namespace portalkb
