#include "facets/facet_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "storage/derived_file.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

struct Pending {
  std::vector<std::string> names;
  std::vector<std::pair<Xapian::docid, std::uint32_t>> pairs;  // (doc, value id)
};

// Flat layout, every number 64-bit unless said otherwise and every section
// 8-byte aligned: doc_slots (last docid + 1), column count, then per column
// a directory entry (ColumnEntry), then the sections the entries point at.
struct LayoutHeader {
  std::uint64_t doc_slots;
  std::uint64_t column_count;
  std::uint64_t updated_at_offset;  // double[doc_slots]
};
struct ColumnEntry {
  std::uint64_t field_offset, field_bytes;
  std::uint64_t value_count;
  std::uint64_t name_ends_offset;  // uint64[value_count]
  std::uint64_t names_offset, names_bytes;
  std::uint64_t offsets_offset;         // uint32[doc_slots + 1]
  std::uint64_t ids_offset, ids_count;  // uint32[ids_count]
};

void Align(std::string& out) { out.resize((out.size() + 7) / 8 * 8, '\0'); }

template <typename T>
std::uint64_t AppendArray(std::string& out, const T* data, std::size_t count) {
  Align(out);
  const std::uint64_t at = out.size();
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
  return at;
}

std::string Serialize(std::map<std::string, Pending>& pending, const std::vector<double>& updated_at,
                      Xapian::docid last) {
  const std::uint64_t slots = static_cast<std::uint64_t>(last) + 1;
  std::string out(sizeof(LayoutHeader) + pending.size() * sizeof(ColumnEntry), '\0');
  LayoutHeader header{slots, pending.size(), 0};
  std::vector<ColumnEntry> entries;
  for (auto& [field, p] : pending) {
    std::sort(p.pairs.begin(), p.pairs.end());
    ColumnEntry e{};
    e.field_offset = AppendArray(out, field.data(), field.size());
    e.field_bytes = field.size();
    e.value_count = p.names.size();
    std::string names;
    std::vector<std::uint64_t> ends;
    for (const auto& n : p.names) {
      names += n;
      ends.push_back(names.size());
    }
    e.name_ends_offset = AppendArray(out, ends.data(), ends.size());
    e.names_offset = AppendArray(out, names.data(), names.size());
    e.names_bytes = names.size();
    std::vector<std::uint32_t> offsets(slots + 1, 0);
    std::vector<std::uint32_t> ids;
    ids.reserve(p.pairs.size());
    std::size_t k = 0;
    for (std::uint64_t d = 0; d < slots; ++d) {
      offsets[d] = static_cast<std::uint32_t>(ids.size());
      while (k < p.pairs.size() && p.pairs[k].first == d) ids.push_back(p.pairs[k++].second);
    }
    offsets[slots] = static_cast<std::uint32_t>(ids.size());
    e.offsets_offset = AppendArray(out, offsets.data(), offsets.size());
    e.ids_offset = AppendArray(out, ids.data(), ids.size());
    e.ids_count = ids.size();
    entries.push_back(e);
  }
  header.updated_at_offset = AppendArray(out, updated_at.data(), updated_at.size());
  Align(out);
  std::memcpy(out.data(), &header, sizeof header);
  if (!entries.empty()) std::memcpy(out.data() + sizeof header, entries.data(), entries.size() * sizeof(ColumnEntry));
  return out;
}

// The `count` T's at `offset`, or false when they do not lie (aligned) in `bytes`.
template <typename T>
bool Section(std::string_view bytes, std::uint64_t offset, std::uint64_t count, std::span<const T>& out) {
  if (offset > bytes.size() || offset % alignof(T) != 0 || count > (bytes.size() - offset) / sizeof(T)) return false;
  out = std::span<const T>(reinterpret_cast<const T*>(bytes.data() + offset), static_cast<std::size_t>(count));
  return true;
}

std::shared_ptr<const FacetIndex> Build(const Xapian::Database& db, std::string* bytes_out) {
  const Xapian::docid last = db.get_lastdocid();
  std::map<std::string, Pending> pending;
  auto read_prefix = [&](std::string_view prefix, const std::string& field) {
    const std::string p(prefix);
    for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) {
      std::string value = (*t).substr(p.size());
      std::string name = field;
      if (field.empty()) {  // further fields: "name:value"
        const auto colon = value.find(':');
        if (colon == std::string::npos) continue;
        name = value.substr(0, colon);
        value = value.substr(colon + 1);
      }
      Pending& col = pending[name];
      const auto id = static_cast<std::uint32_t>(col.names.size());
      col.names.push_back(value);
      for (auto d = db.postlist_begin(*t); d != db.postlist_end(*t); ++d) col.pairs.emplace_back(*d, id);
    }
  };
  read_prefix(schema::kType, "type");
  read_prefix(schema::kLang, "lang");
  read_prefix(schema::kCategory, "category");
  read_prefix(schema::kTag, "tags");
  read_prefix(schema::kOrg, "org");
  read_prefix(schema::kAttribute, "");
  std::vector<double> updated_at(static_cast<std::size_t>(last) + 1, std::nan(""));
  for (auto v = db.valuestream_begin(schema::kSlotUpdatedAt); v != db.valuestream_end(schema::kSlotUpdatedAt); ++v) {
    updated_at[v.get_docid()] = Xapian::sortable_unserialise(*v);
  }
  auto bytes = std::make_shared<std::string>(Serialize(pending, updated_at, last));
  if (bytes_out != nullptr) *bytes_out = *bytes;
  const std::string_view view = *bytes;
  auto index = FacetIndex::FromBytes(view, std::move(bytes));
  // Our own layout always reads back; anything else is a bug worth an exception.
  if (!index.ok()) throw std::logic_error("facet layout: " + index.status().message());
  return std::move(index).value();
}

}  // namespace

std::string_view FacetIndex::Column::name(std::size_t id) const {
  if (id >= name_ends.size()) return {};
  const std::uint64_t begin = id == 0 ? 0 : name_ends[id - 1];
  const std::uint64_t end = name_ends[id];
  if (begin > end || end > names.size()) return {};
  return names.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
}

Result<std::shared_ptr<const FacetIndex>> FacetIndex::FromBytes(std::string_view bytes,
                                                                std::shared_ptr<const void> owner) {
  auto index = std::make_shared<FacetIndex>();
  index->owner_ = std::move(owner);
  index->bytes_ = bytes;
  std::span<const LayoutHeader> header;
  if (!Section(bytes, 0, 1, header)) return Status::Corruption("facets: shorter than its header");
  const LayoutHeader& h = header[0];
  if (h.doc_slots == 0 || h.doc_slots > std::numeric_limits<std::uint32_t>::max()) {
    return Status::Corruption("facets: " + std::to_string(h.doc_slots) + " document slots");
  }
  std::span<const ColumnEntry> entries;
  if (!Section(bytes, sizeof(LayoutHeader), h.column_count, entries) ||
      !Section(bytes, h.updated_at_offset, h.doc_slots, index->updated_at_)) {
    return Status::Corruption("facets: directory out of bounds");
  }
  for (const ColumnEntry& e : entries) {
    Column c;
    std::span<const char> field;
    std::span<const char> names;
    if (!Section(bytes, e.field_offset, e.field_bytes, field) ||
        !Section(bytes, e.name_ends_offset, e.value_count, c.name_ends) ||
        !Section(bytes, e.names_offset, e.names_bytes, names) ||
        !Section(bytes, e.offsets_offset, h.doc_slots + 1, c.offsets) ||
        !Section(bytes, e.ids_offset, e.ids_count, c.ids)) {
      return Status::Corruption("facets: a column lies out of bounds");
    }
    c.names = std::string_view(names.data(), names.size());
    index->columns_.emplace(std::string(field.data(), field.size()), c);
  }
  return std::shared_ptr<const FacetIndex>(std::move(index));
}

std::shared_ptr<const FacetIndex> FacetIndex::Load(const Xapian::Database& db) { return Build(db, nullptr); }

std::shared_ptr<const FacetIndex> FacetIndex::Open(const std::string& index_dir, const Xapian::Database& db) {
  auto file = DerivedFile::Open(index_dir + "/" + kFacetsFileName, kFacetsMagic, db.get_revision());
  if (file.ok()) {
    const std::shared_ptr<const DerivedFile> mapping = std::move(file).value();
    auto index = FromBytes(mapping->payload(), mapping);
    // Columns must cover every document of this revision.
    if (index.ok() && index.value()->updated_at().size() == static_cast<std::size_t>(db.get_lastdocid()) + 1) {
      return std::move(index).value();
    }
  }
  return Load(db);
}

Status FacetIndex::Write(const std::string& index_dir, const Xapian::Database& db) {
  std::string bytes;
  Build(db, &bytes);
  return WriteDerivedFile(index_dir + "/" + kFacetsFileName, kFacetsMagic, db.get_revision(), bytes);
}

const FacetIndex::Column* FacetIndex::Find(const std::string& field) const {
  const auto it = columns_.find(field);
  return it == columns_.end() ? nullptr : &it->second;
}

FacetCollector::FacetCollector(const FacetIndex& index, std::vector<std::string> fields, long long now)
    : index_(index), fields_(std::move(fields)), now_(now) {
  for (const auto& f : fields_) {
    const FacetIndex::Column* c = f == "updated_at" ? nullptr : index_.Find(f);
    columns_.push_back(c);
    counts_.emplace_back(c != nullptr ? c->value_count() : 0, 0);
    if (f == "updated_at") dates_ = true;
  }
}

void FacetCollector::operator()(const Xapian::Document& doc, double) { Add(doc.get_docid()); }

void FacetCollector::Add(Xapian::docid d) {
  for (std::size_t f = 0; f < columns_.size(); ++f) {
    const FacetIndex::Column* c = columns_[f];
    if (c == nullptr || d + 1 >= c->offsets.size()) continue;
    std::vector<std::uint64_t>& counts = counts_[f];
    const std::size_t end = std::min<std::size_t>(c->offsets[d + 1], c->ids.size());
    for (std::size_t k = c->offsets[d]; k < end; ++k) {
      if (c->ids[k] < counts.size()) ++counts[c->ids[k]];
    }
  }
  if (dates_ && d < index_.updated_at().size()) {
    const double t = index_.updated_at()[d];
    if (std::isnan(t)) return;
    const double age_days = (static_cast<double>(now_) - t) / 86400.0;
    if (age_days <= 7) ++buckets_[0];
    if (age_days <= 30) ++buckets_[1];
    if (age_days <= 365)
      ++buckets_[2];
    else
      ++buckets_[3];
  }
}

std::map<std::string, std::vector<FacetCount>> FacetCollector::Counts(std::size_t limit) const {
  std::map<std::string, std::vector<FacetCount>> out;
  for (std::size_t f = 0; f < fields_.size(); ++f) {
    std::vector<FacetCount>& list = out[fields_[f]];
    if (fields_[f] == "updated_at") {
      static const char* kBuckets[] = {"last_7_days", "last_30_days", "last_year", "older"};
      for (int b = 0; b < 4; ++b) list.push_back({kBuckets[b], buckets_[b]});
      continue;
    }
    const FacetIndex::Column* c = columns_[f];
    if (c == nullptr) continue;
    for (std::size_t id = 0; id < counts_[f].size(); ++id) {
      if (counts_[f][id] > 0) list.push_back({std::string(c->name(id)), counts_[f][id]});
    }
    std::sort(list.begin(), list.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (list.size() > limit) list.resize(limit);
  }
  return out;
}

}  // namespace portalkb
