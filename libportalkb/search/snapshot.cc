#include "search/snapshot.h"

#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {

std::shared_ptr<const IndexSnapshot> IndexSnapshot::Build(const Xapian::Database& db, const std::string& index_dir,
                                                         const EngineOptions& base, const Tokenizer& tokenizer) {
  std::shared_ptr<IndexSnapshot> s(new IndexSnapshot());
  s->revision_ = db.get_revision();
  s->index_dir_ = index_dir;
  s->vocabulary_ = Vocabulary::Open(index_dir, db);
  s->synonym_rules_ = DecodeSynonymRules(db.get_metadata(kSynonymsMetadataKey));
  s->synonyms_ = std::make_unique<const SynonymSet>(
      s->synonym_rules_.ok() ? s->synonym_rules_.value() : std::vector<SynonymRule>{}, tokenizer);
  auto slots = DecodeAttributeSlots(db.get_metadata(schema::kSlotsKey));
  if (slots.ok()) s->slots_ = std::move(slots).value();
  // Stored settings are validated when written; unreadable ones (a newer
  // writer's?) leave the engine's own options in force.
  s->options_ = base;
  s->settings_ = IndexSettings::Decode(db.get_metadata(schema::kSettingsKey));
  if (s->settings_.ok()) s->settings_->ApplyTo(s->options_);
  return s;
}

std::shared_ptr<const FacetIndex> IndexSnapshot::Facets(const Xapian::Database& db) const {
  MutexLock lock(facets_mutex_);
  if (facets_ == nullptr) facets_ = FacetIndex::Open(index_dir_, db);
  return facets_;
}

}  // namespace portalkb
