#include "search/snapshot.h"

#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {

std::shared_ptr<const IndexSnapshot> IndexSnapshot::Build(const Xapian::Database& db, const std::string& index_dir,
                                                          const EngineOptions& base, const Tokenizer& tokenizer) {
  std::shared_ptr<IndexSnapshot> s(new IndexSnapshot());
  s->revision_ = db.get_revision();
  s->uuid_ = db.get_uuid();
  s->heavy_revision_ = s->revision_;
  s->index_dir_ = index_dir;
  s->base_ = base;
  s->vocabulary_ = Vocabulary::Open(index_dir, db);
  s->ReadMetadata(db, tokenizer);
  return s;
}

std::shared_ptr<const IndexSnapshot> IndexSnapshot::Refresh(const IndexSnapshot& previous, const Xapian::Database& db,
                                                            const Tokenizer& tokenizer) {
  std::shared_ptr<IndexSnapshot> s(new IndexSnapshot());
  s->revision_ = db.get_revision();
  s->uuid_ = db.get_uuid();
  s->heavy_revision_ = previous.heavy_revision_;
  s->index_dir_ = previous.index_dir_;
  s->base_ = previous.base_;
  // When the writer has already written this revision's derived files, the
  // heavy part costs a mapping: take it now (the facet columns then map on
  // first use). Otherwise carry the previous ones over.
  if (auto mapped = Vocabulary::OpenMapped(s->index_dir_, db); mapped != nullptr) {
    s->vocabulary_ = std::move(mapped);
    s->heavy_revision_ = s->revision_;
  } else {
    s->vocabulary_ = previous.vocabulary_;
    MutexLock lock(previous.facets_mutex_);
    MutexLock mine(s->facets_mutex_);
    s->facets_ = previous.facets_;
  }
  s->ReadMetadata(db, tokenizer);
  return s;
}

std::shared_ptr<const IndexSnapshot> IndexSnapshot::WithHeavyPartsOf(const IndexSnapshot& heavy) const {
  std::shared_ptr<IndexSnapshot> s(new IndexSnapshot());
  s->revision_ = revision_;
  s->uuid_ = uuid_;
  s->heavy_revision_ = heavy.heavy_revision_;
  s->index_dir_ = index_dir_;
  s->base_ = base_;
  s->vocabulary_ = heavy.vocabulary_;
  {
    MutexLock lock(heavy.facets_mutex_);
    MutexLock mine(s->facets_mutex_);
    s->facets_ = heavy.facets_;
  }
  s->options_ = options_;
  s->settings_ = settings_;
  s->synonym_rules_ = synonym_rules_;
  s->synonyms_ = synonyms_;
  s->slots_ = slots_;
  return s;
}

bool IndexSnapshot::facets_loaded() const {
  MutexLock lock(facets_mutex_);
  return facets_ != nullptr;
}

void IndexSnapshot::ReadMetadata(const Xapian::Database& db, const Tokenizer& tokenizer) {
  IndexSnapshot* s = this;
  s->synonym_rules_ = DecodeSynonymRules(db.get_metadata(kSynonymsMetadataKey));
  s->synonyms_ = std::make_shared<const SynonymSet>(
      s->synonym_rules_.ok() ? s->synonym_rules_.value() : std::vector<SynonymRule>{}, tokenizer);
  auto slots = DecodeAttributeSlots(db.get_metadata(schema::kSlotsKey));
  if (slots.ok()) s->slots_ = std::move(slots).value();
  // Stored settings are validated when written; unreadable ones (a newer
  // writer's?) leave the engine's own options in force.
  s->options_ = base_;
  s->settings_ = IndexSettings::Decode(db.get_metadata(schema::kSettingsKey));
  if (s->settings_.ok()) s->settings_->ApplyTo(s->options_);
}

std::shared_ptr<const FacetIndex> IndexSnapshot::Facets(const Xapian::Database& db) const {
  MutexLock lock(facets_mutex_);
  if (facets_ == nullptr) facets_ = FacetIndex::Open(index_dir_, db);
  return facets_;
}

}  // namespace portalkb
