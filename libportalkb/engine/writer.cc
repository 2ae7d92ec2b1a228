#include <algorithm>
#include <chrono>

#include "index/document_indexer.h"
#include "ingest/loader.h"
#include "portalkb/index_writer.h"
#include "storage/document_codec.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "synonyms/synonym_set.h"

namespace portalkb {

IndexWriter::IndexWriter(WriterOptions options, std::unique_ptr<WritableStore> store, AttributeSlots slots)
    : options_(options), store_(std::move(store)), indexer_(std::make_unique<DocumentIndexer>(std::move(slots))) {}

IndexWriter::~IndexWriter() = default;

Result<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path, WriterOptions options) {
  if (options.commit_every == 0) return Status::InvalidArgument("commit_every must be at least 1");
  auto store = WritableStore::Open(path, options.create_if_missing);
  if (!store.ok()) return store.status();
  auto stored_slots = store.value()->GetMetadata(schema::kSlotsKey);
  if (!stored_slots.ok()) return stored_slots.status();
  auto slots = DecodeAttributeSlots(stored_slots.value());
  if (!slots.ok()) return slots.status();
  return std::unique_ptr<IndexWriter>(new IndexWriter(options, std::move(store).value(), std::move(slots).value()));
}

Result<IndexWriter::PutOutcome> IndexWriter::Put(Document doc) {
  if (Status s = ValidateDocument(doc, options_.limits); !s.ok()) return s;
  Xapian::Document xdoc;
  Status s = GuardXapian("analyse document '" + doc.id + "'", [&] { xdoc = indexer_->Build(doc); });
  if (!s.ok()) return s;
  auto existed = store_->Replace(schema::Term(schema::kId, doc.id), xdoc);
  if (!existed.ok()) return existed.status();
  ++pending_;
  return existed.value() ? PutOutcome::kUpdated : PutOutcome::kAdded;
}

Result<bool> IndexWriter::Delete(const std::string& id) {
  auto existed = store_->Delete(schema::Term(schema::kId, id));
  if (existed.ok() && existed.value()) ++pending_;
  return existed;
}

Status IndexWriter::Commit() {
  if (indexer_->slots_changed()) {
    if (Status s = store_->SetMetadata(schema::kSlotsKey, EncodeAttributeSlots(indexer_->slots())); !s.ok()) return s;
  }
  Status s = store_->Commit();
  if (s.ok()) indexer_->clear_slots_changed();
  if (s.ok()) pending_ = 0;
  return s;
}

Result<std::vector<SynonymRule>> IndexWriter::Synonyms() {
  auto stored = store_->GetMetadata(kSynonymsMetadataKey);
  if (!stored.ok()) return stored.status();
  return DecodeSynonymRules(stored.value());
}

Status IndexWriter::AddSynonyms(const std::vector<SynonymRule>& rules) {
  auto current = Synonyms();
  if (!current.ok()) return current.status();
  for (const auto& rule : rules) {
    if (!IsSupportedLanguage(rule.lang)) return Status::InvalidArgument("synonyms: language '" + rule.lang + "' is not supported");
    if (std::find(current->begin(), current->end(), rule) == current->end()) current->push_back(rule);
  }
  return store_->SetMetadata(kSynonymsMetadataKey, EncodeSynonymRules(current.value()));
}

Result<std::size_t> IndexWriter::RemoveSynonyms(const std::vector<SynonymRule>& rules) {
  auto current = Synonyms();
  if (!current.ok()) return current.status();
  std::size_t removed = 0;
  for (const auto& rule : rules) {
    const auto it = std::find(current->begin(), current->end(), rule);
    if (it != current->end()) {
      current->erase(it);
      ++removed;
    }
  }
  if (Status s = store_->SetMetadata(kSynonymsMetadataKey, EncodeSynonymRules(current.value())); !s.ok()) return s;
  return removed;
}

Status IndexWriter::ReplaceSynonyms(const std::string& lang, const std::vector<SynonymRule>& rules) {
  auto current = Synonyms();
  if (!current.ok()) return current.status();
  std::vector<SynonymRule> kept;
  for (auto& r : current.value()) {
    if (!lang.empty() && r.lang != lang) kept.push_back(std::move(r));
  }
  if (Status s = store_->SetMetadata(kSynonymsMetadataKey, EncodeSynonymRules(kept)); !s.ok()) return s;
  return AddSynonyms(rules);
}

Result<IndexSettings> IndexWriter::Settings() {
  auto stored = store_->GetMetadata(schema::kSettingsKey);
  if (!stored.ok()) return stored.status();
  return IndexSettings::Decode(stored.value());
}

Status IndexWriter::SetSetting(const std::string& name, const std::string& value) {
  auto settings = Settings();
  if (!settings.ok()) return settings.status();
  if (Status s = settings->Set(name, value); !s.ok()) return s;
  if (settings->typo_disabled_words) {
    // Query words reach the typo expander folded; so must these.
    std::vector<std::string> folded;
    const Tokenizer tokenizer;
    for (const auto& word : *settings->typo_disabled_words) {
      for (const Token& t : tokenizer.Tokenize(word)) {
        if (std::find(folded.begin(), folded.end(), t.folded) == folded.end()) folded.push_back(t.folded);
      }
    }
    settings->typo_disabled_words = std::move(folded);
  }
  return store_->SetMetadata(schema::kSettingsKey, settings->Encode());
}

Status IndexWriter::UnsetSetting(const std::string& name) {
  auto settings = Settings();
  if (!settings.ok()) return settings.status();
  if (Status s = settings->Unset(name); !s.ok()) return s;
  return store_->SetMetadata(schema::kSettingsKey, settings->Encode());
}

Result<IngestReport> IndexWriter::Ingest(const std::vector<std::string>& paths, const IngestProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  IngestReport report;
  FileList list = CollectFiles(paths, WalkOptions{options_.follow_symlinks});
  for (auto& e : list.errors) report.rejected.push_back({e.file, e.line, e.error});

  Status failure = Status::Ok();  // a failure of the index itself stops the ingest
  const RecordSink sink = [&](LoadedRecord&& record) {
    if (!failure.ok()) return;
    if (!record.error.empty()) {
      report.rejected.push_back({record.file, record.line, record.error});
      return;
    }
    const bool title_derived = record.title_derived;
    auto outcome = Put(std::move(record.doc));
    if (!outcome.ok()) {
      if (outcome.status().code() == StatusCode::kInvalidArgument) {
        report.rejected.push_back({record.file, record.line, outcome.status().message()});
      } else {
        failure = outcome.status();
      }
      return;
    }
    ++(outcome.value() == PutOutcome::kAdded ? report.added : report.updated);
    if (title_derived) ++report.derived_titles;
    if (pending_ >= options_.commit_every) failure = Commit();
  };
  for (std::size_t i = 0; i < list.files.size() && failure.ok(); ++i) {
    LoadFile(list.files[i], sink, options_.limits);
    ++report.files;
    if (progress) progress(i + 1, list.files.size(), report.added + report.updated);
  }
  if (!failure.ok()) return failure;
  if (Status s = Commit(); !s.ok()) return s;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace portalkb
