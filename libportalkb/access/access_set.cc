#include "access/access_set.h"

#include "access/bitset_source.h"

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

Xapian::docid AccessSet::Next(Xapian::docid from) const { return NextSetBit(bits_, limit_, from); }

Xapian::Query AccessSetQuery(std::shared_ptr<const AccessSet> set) {
  const Xapian::doccount count = set->count();
  return BitsetQuery(std::move(set), count, "portalkb.AccessSet");
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
