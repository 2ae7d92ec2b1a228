// Exact facet counts: a compact column per facet field (document -> value
// ids) and a MatchSpy that counts every matching document. The columns are
// one flat byte layout, memory-mapped from the facets file the writer leaves
// beside the index, or built in memory from the boolean terms when that file
// is missing or from another revision.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "portalkb/search.h"
#include "portalkb/status.h"

namespace portalkb {

class FacetIndex {
 public:
  // Reads type, lang, category (each level), tags, org and further fields
  // from their boolean terms, and updated_at from its value slot. Throws
  // Xapian::Error (run it under ReadableStore::Read).
  static std::shared_ptr<const FacetIndex> Load(const Xapian::Database& db);
  // Maps the facets file in `index_dir` when it was built from `db`'s
  // revision; otherwise (missing, stale, damaged) falls back to Load.
  // Throws Xapian::Error.
  static std::shared_ptr<const FacetIndex> Open(const std::string& index_dir, const Xapian::Database& db);
  // Builds the columns of `db`'s current revision and writes them to
  // `index_dir`'s facets file (the writer does, after each commit). Throws
  // Xapian::Error; an unwritable file is an error Status.
  static Status Write(const std::string& index_dir, const Xapian::Database& db);

  // A keyword column (views into the index's bytes). Entries are checked
  // where they are read, so a damaged file miscounts at worst.
  struct Column {
    std::size_t value_count() const { return name_ends.size(); }
    // Value `id` (< value_count()).
    std::string_view name(std::size_t id) const;
    std::span<const std::uint64_t> name_ends;  // value id -> end of its name in `names`
    std::string_view names;                    // the values, back to back
    std::span<const std::uint32_t> offsets;    // docid -> [offsets[d], offsets[d+1]) in ids
    std::span<const std::uint32_t> ids;
  };
  // The column of `field`, or nullptr when no document has the field.
  const Column* Find(const std::string& field) const;
  // Seconds of updated_at per docid (NaN when unset).
  std::span<const double> updated_at() const { return updated_at_; }

  // The flat layout (doc/index-format.md, "Derived files").
  std::string_view bytes() const { return bytes_; }

  // Columns over `bytes` in the flat layout, without copying; `owner` keeps
  // them alive. Corruption when a section lies outside `bytes` or is
  // misaligned (`bytes` must be 8-byte aligned).
  static Result<std::shared_ptr<const FacetIndex>> FromBytes(std::string_view bytes, std::shared_ptr<const void> owner);

 private:
  std::shared_ptr<const void> owner_;  // keeps bytes_ alive: a string or a mapping
  std::string_view bytes_;
  std::map<std::string, Column, std::less<>> columns_;
  std::span<const double> updated_at_;
};

// Counts the values of the requested fields over every document the matcher
// passes it. "updated_at" counts into date buckets relative to `now`.
class FacetCollector : public Xapian::MatchSpy {
 public:
  FacetCollector(const FacetIndex& index, std::vector<std::string> fields, long long now);
  void operator()(const Xapian::Document& doc, double weight) override;
  // Counts the document with this id (as operator() does for a match).
  void Add(Xapian::docid id);
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
