// What is derived from one revision of an index and shared, read-only, by
// every thread searching it: the typo vocabulary, the synonym set, the
// attribute slots, the stored settings applied onto the engine's options, and
// (loaded on first use) the facet columns. Xapian handles are never part of
// it: they belong to one thread each (see core/pool.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "access/access_set.h"
#include "analysis/analyzer.h"
#include "core/thread_annotations.h"
#include "facets/facet_index.h"
#include "portalkb/options.h"
#include "portalkb/settings.h"
#include "portalkb/synonyms.h"
#include "synonyms/synonym_set.h"
#include "typo/typo_expander.h"

namespace portalkb {

// Immutable after Build, except for the lazily loaded facet columns, which
// are guarded by their own mutex. Thread-safety: every method may be called
// from any number of threads at once.
class IndexSnapshot {
 public:
  // Reads everything derived from `db`'s current revision. Throws
  // Xapian::Error (run it under ReadableStore::Read). Unreadable stored
  // settings or synonyms leave `base` and no synonyms in force; the
  // statuses say why.
  // The vocabulary and the facet columns are mapped from the derived files
  // in `index_dir` when those were built from this revision (see
  // storage/derived_file.h), and built in memory otherwise.
  static std::shared_ptr<const IndexSnapshot> Build(const Xapian::Database& db, const std::string& index_dir,
                                                    const EngineOptions& base, const Tokenizer& tokenizer);

  // The cheap part of a refresh: settings, synonyms and slots read from
  // `db`'s revision now; the vocabulary and facet columns carried over from
  // `previous` (immutable, shared), so no search pays for rebuilding them.
  // heavy_revision() tells how old those are; the engine's refresher
  // replaces them off the search path (WithHeavyPartsOf).
  static std::shared_ptr<const IndexSnapshot> Refresh(const IndexSnapshot& previous, const Xapian::Database& db,
                                                      const Tokenizer& tokenizer);
  // This snapshot's settings, synonyms and slots with the vocabulary and
  // facet columns of `heavy`.
  std::shared_ptr<const IndexSnapshot> WithHeavyPartsOf(const IndexSnapshot& heavy) const;

  Xapian::rev revision() const { return revision_; }
  // The database it was read from (a restored or newly compacted index
  // starts again at a low revision: the revision alone does not name it).
  const std::string& uuid() const { return uuid_; }
  // The revision the vocabulary and facet columns were read from (<= revision()).
  Xapian::rev heavy_revision() const { return heavy_revision_; }
  // Whether a search has asked for the facet columns of this snapshot.
  bool facets_loaded() const EXCLUDES(facets_mutex_);
  // The engine's options with the index's stored settings applied.
  const EngineOptions& options() const { return options_; }
  const Result<IndexSettings>& settings() const { return settings_; }
  const Vocabulary* vocabulary() const { return vocabulary_.get(); }
  const SynonymSet& synonyms() const { return *synonyms_; }
  const Result<std::vector<SynonymRule>>& synonym_rules() const { return synonym_rules_; }
  // Numeric further fields and their value slots.
  const std::map<std::string, unsigned>& slots() const { return slots_; }

  // The facet columns, read from `db` by the first search that asks for
  // facets (so searches without facets never pay for them). Throws
  // Xapian::Error; a failed load is retried by the next caller. The columns
  // are those of the revision `db` had at that first call: documents
  // committed later are counted once the engine moves to a newer snapshot.
  std::shared_ptr<const FacetIndex> Facets(const Xapian::Database& db) const EXCLUDES(facets_mutex_);
  // The principals' access bitsets built by this snapshot's searches, each
  // for the revision it was read from (see access/access_set.h).
  const AccessSetCache& access_sets() const { return access_sets_; }

 private:
  IndexSnapshot() = default;
  // Settings, synonyms and slots of `db`'s revision, options from base_.
  void ReadMetadata(const Xapian::Database& db, const Tokenizer& tokenizer);
  Xapian::rev revision_ = 0;
  std::string uuid_;
  Xapian::rev heavy_revision_ = 0;
  std::string index_dir_;
  EngineOptions base_;
  EngineOptions options_;
  Result<IndexSettings> settings_ = IndexSettings{};
  std::shared_ptr<const Vocabulary> vocabulary_;
  Result<std::vector<SynonymRule>> synonym_rules_ = std::vector<SynonymRule>{};
  std::shared_ptr<const SynonymSet> synonyms_;
  std::map<std::string, unsigned> slots_;

  AccessSetCache access_sets_;
  mutable Mutex facets_mutex_;
  mutable std::shared_ptr<const FacetIndex> facets_ GUARDED_BY(facets_mutex_);
};

}  // namespace portalkb
