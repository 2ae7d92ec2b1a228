// Exact facet counts: a compact in-memory column per facet field (document
// -> value ids), loaded from the index's boolean terms and refreshed when the
// index changes, and a MatchSpy that counts every matching document.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "portalkb/search.h"

namespace portalkb {

class FacetIndex {
 public:
  // Reads type, lang, category (each level), tags, org and further fields
  // from their boolean terms, and updated_at from its value slot. Throws
  // Xapian::Error (run it under ReadableStore::Read).
  static std::shared_ptr<const FacetIndex> Load(const Xapian::Database& db);

  // A keyword column, or nullptr when no document has the field.
  struct Column {
    std::vector<std::string> names;          // value id -> value
    std::vector<std::uint32_t> offsets;      // docid -> [offsets[d], offsets[d+1]) in ids
    std::vector<std::uint32_t> ids;
  };
  const Column* Find(const std::string& field) const;
  // Seconds of updated_at per docid (NaN when unset).
  const std::vector<double>& updated_at() const { return updated_at_; }

 private:
  std::map<std::string, Column> columns_;
  std::vector<double> updated_at_;
};

// Counts the values of the requested fields over every document the matcher
// passes it. "updated_at" counts into date buckets relative to `now`.
class FacetCollector : public Xapian::MatchSpy {
 public:
  FacetCollector(const FacetIndex& index, std::vector<std::string> fields, long long now);
  void operator()(const Xapian::Document& doc, double weight) override;
  // Values by count (descending), then value; at most `limit` per field.
  std::map<std::string, std::vector<FacetCount>> Counts(std::size_t limit) const;

 private:
  const FacetIndex& index_;
  std::vector<std::string> fields_;
  std::vector<const FacetIndex::Column*> columns_;
  std::vector<std::vector<std::uint64_t>> counts_;
  long long now_;
  std::uint64_t buckets_[4] = {0, 0, 0, 0};  // 7 days, 30 days, year, older
  bool dates_ = false;
};

}  // namespace portalkb
