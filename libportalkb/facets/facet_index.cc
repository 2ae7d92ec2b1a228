#include "facets/facet_index.h"

#include <algorithm>
#include <cmath>

#include "storage/schema.h"

namespace portalkb {
namespace {

struct Pending {
  std::vector<std::string> names;
  std::vector<std::pair<Xapian::docid, std::uint32_t>> pairs;  // (doc, value id)
};

FacetIndex::Column Compact(Pending& p, Xapian::docid last) {
  std::sort(p.pairs.begin(), p.pairs.end());
  FacetIndex::Column c;
  c.names = std::move(p.names);
  c.offsets.assign(static_cast<std::size_t>(last) + 2, 0);
  c.ids.reserve(p.pairs.size());
  std::size_t k = 0;
  for (Xapian::docid d = 0; d <= last; ++d) {
    c.offsets[d] = static_cast<std::uint32_t>(c.ids.size());
    while (k < p.pairs.size() && p.pairs[k].first == d) c.ids.push_back(p.pairs[k++].second);
  }
  c.offsets[static_cast<std::size_t>(last) + 1] = static_cast<std::uint32_t>(c.ids.size());
  return c;
}

}  // namespace

std::shared_ptr<const FacetIndex> FacetIndex::Load(const Xapian::Database& db) {
  auto index = std::make_shared<FacetIndex>();
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
  for (auto& [name, p] : pending) index->columns_[name] = Compact(p, last);

  index->updated_at_.assign(static_cast<std::size_t>(last) + 1, std::nan(""));
  for (auto v = db.valuestream_begin(schema::kSlotUpdatedAt); v != db.valuestream_end(schema::kSlotUpdatedAt); ++v) {
    index->updated_at_[v.get_docid()] = Xapian::sortable_unserialise(*v);
  }
  return index;
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
    counts_.emplace_back(c != nullptr ? c->names.size() : 0, 0);
    if (f == "updated_at") dates_ = true;
  }
}

void FacetCollector::operator()(const Xapian::Document& doc, double) {
  const Xapian::docid d = doc.get_docid();
  for (std::size_t f = 0; f < columns_.size(); ++f) {
    const FacetIndex::Column* c = columns_[f];
    if (c == nullptr || d + 1 >= c->offsets.size()) continue;
    for (std::uint32_t k = c->offsets[d]; k < c->offsets[d + 1]; ++k) ++counts_[f][c->ids[k]];
  }
  if (dates_ && d < index_.updated_at().size()) {
    const double t = index_.updated_at()[d];
    if (std::isnan(t)) return;
    const double age_days = (static_cast<double>(now_) - t) / 86400.0;
    if (age_days <= 7) ++buckets_[0];
    if (age_days <= 30) ++buckets_[1];
    if (age_days <= 365) ++buckets_[2];
    else ++buckets_[3];
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
      if (counts_[f][id] > 0) list.push_back({c->names[id], counts_[f][id]});
    }
    std::sort(list.begin(), list.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (list.size() > limit) list.resize(limit);
  }
  return out;
}

}  // namespace portalkb
