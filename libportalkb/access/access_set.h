// The documents a principal's grants admit, as a bitset of one revision's
// document ids: the part of the access filter that does not depend on the
// time (grants and publishing state), built once from the posting lists and
// then used by every query of that principal as one cheap posting source in
// place of an OR of grant terms ANDed with the status term. The publishing
// window, which depends on the time, stays in the query as value ranges.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "core/thread_annotations.h"

namespace portalkb {

// The grant terms and status term of an access filter, and the key they
// are cached under.
struct AccessTerms {
  std::vector<std::string> any_of;  // grant terms: a document holds at least one
  std::string required;             // a term every admitted document holds, or ""
  std::string Key() const;
};

class AccessSet {
 public:
  // Reads the posting lists of `terms` from `db`. Throws Xapian::Error (a
  // DatabaseModifiedError when the revision moved on: the caller's read
  // retries on a fresh revision).
  static std::shared_ptr<const AccessSet> Build(const Xapian::Database& db, const AccessTerms& terms);

  // The revision of the database it was built from: valid for that
  // revision of that database only (a replaced document keeps its id but
  // may change grants).
  Xapian::rev revision() const { return revision_; }
  // The database it was read from: a restored or newly compacted index
  // starts again at a low revision, so a revision alone does not name one.
  const std::string& uuid() const { return uuid_; }
  bool Contains(Xapian::docid id) const { return id < limit_ && (bits_[id / 64] >> (id % 64) & 1) != 0; }
  // The first admitted id >= `from`, or 0 when there is none.
  Xapian::docid Next(Xapian::docid from) const;
  Xapian::doccount count() const { return count_; }
  std::size_t bytes() const { return bits_.size() * sizeof(std::uint64_t); }

 private:
  AccessSet() = default;
  Xapian::rev revision_ = 0;
  std::string uuid_;
  Xapian::docid limit_ = 0;  // ids below it have a bit
  Xapian::doccount count_ = 0;
  std::vector<std::uint64_t> bits_;
};

// A query matching exactly the documents of `set` (weight 0): a posting
// source over the bitset, sharing it.
Xapian::Query AccessSetQuery(std::shared_ptr<const AccessSet> set);

// Built sets by key, for the revision each was built from, bounded in bytes
// (the least recently used go first). Thread-safety: every method may be
// called from any number of threads at once.
class AccessSetCache {
 public:
  explicit AccessSetCache(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}
  // The set of `terms` for `db`'s current revision: cached, or built (and
  // then cached) from the second request for it within one revision; the
  // first gets nullptr (the caller matches the terms instead), so grants
  // asked for once per revision, under a writer committing often, never pay
  // for a build. Throws what AccessSet::Build throws.
  std::shared_ptr<const AccessSet> Get(const Xapian::Database& db, const AccessTerms& terms) const EXCLUDES(mutex_);
  static constexpr std::size_t kDefaultMaxBytes = 16u << 20;
  // Keys remembered (with or without a set), whatever their sets' bytes.
  static constexpr std::size_t kMaxEntries = 4096;

 private:
  struct Entry {
    std::string key;
    Xapian::rev revision = 0;
    std::string uuid;
    std::shared_ptr<const AccessSet> set;  // null until asked for twice in `revision` of `uuid`
  };
  void Evict() const REQUIRES(mutex_);
  const std::size_t max_bytes_;
  mutable Mutex mutex_;
  mutable std::list<Entry> entries_ GUARDED_BY(mutex_);  // most recently used first
  mutable std::unordered_map<std::string, std::list<Entry>::iterator> by_key_ GUARDED_BY(mutex_);
  mutable std::size_t bytes_ GUARDED_BY(mutex_) = 0;
};

}  // namespace portalkb
