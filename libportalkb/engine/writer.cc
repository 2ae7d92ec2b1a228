#include <algorithm>
#include <chrono>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

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

namespace {

// Identifies a rule (length-prefixed parts, so no two rules share a key),
// for finding rules in linear time.
std::string SynonymRuleKey(const SynonymRule& rule) {
  std::string key = rule.lang + '\n';
  for (const auto* side : {&rule.terms, &rule.targets}) {
    for (const auto& t : *side) key += std::to_string(t.size()) + ':' + t;
    key += '\n';
  }
  return key;
}

// Appends the valid `rules` not in `current` yet, or fails (changing nothing)
// naming the first rule or language over the limits of synonyms.h.
Status MergeSynonyms(std::vector<SynonymRule>& current, const std::vector<SynonymRule>& rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (Status s = ValidateSynonymRule(rules[i]); !s.ok()) {
      // "synonyms: rule 'a, b': ..." -> "synonyms: rule 3 'a, b': ...": which one of `rules`.
      constexpr std::string_view kPrefix = "synonyms: rule ";
      return Status::InvalidArgument(std::string(kPrefix) + std::to_string(i + 1) + " " +
                                     s.message().substr(kPrefix.size()));
    }
  }
  std::unordered_set<std::string> seen;
  for (const auto& r : current) seen.insert(SynonymRuleKey(r));
  std::vector<SynonymRule> merged = current;
  for (const auto& r : rules) {
    if (seen.insert(SynonymRuleKey(r)).second) merged.push_back(r);
  }
  std::map<std::string, std::pair<std::size_t, std::size_t>> per_lang;  // rules, terms
  for (const auto& r : merged) {
    auto& [count, terms] = per_lang[r.lang];
    ++count;
    terms += r.terms.size() + r.targets.size();
  }
  for (const auto& [lang, sizes] : per_lang) {
    if (sizes.first > kMaxSynonymRulesPerLanguage) {
      return Status::InvalidArgument("synonyms: " + std::to_string(sizes.first) + " rules for language " + lang +
                                     ", more than the limit of " + std::to_string(kMaxSynonymRulesPerLanguage));
    }
    if (sizes.second > kMaxSynonymTermsPerLanguage) {
      return Status::InvalidArgument("synonyms: " + std::to_string(sizes.second) + " terms in the rules for language " +
                                     lang + ", more than the limit of " + std::to_string(kMaxSynonymTermsPerLanguage));
    }
  }
  current = std::move(merged);
  return Status::Ok();
}

}  // namespace

Status IndexWriter::AddSynonyms(const std::vector<SynonymRule>& rules) {
  auto current = Synonyms();
  if (!current.ok()) return current.status();
  if (Status s = MergeSynonyms(current.value(), rules); !s.ok()) return s;
  return store_->SetMetadata(kSynonymsMetadataKey, EncodeSynonymRules(current.value()));
}

Result<std::size_t> IndexWriter::RemoveSynonyms(const std::vector<SynonymRule>& rules) {
  auto current = Synonyms();
  if (!current.ok()) return current.status();
  std::unordered_map<std::string, std::size_t> wanted;  // rule key -> how many to remove
  for (const auto& rule : rules) ++wanted[SynonymRuleKey(rule)];
  std::size_t removed = 0;
  std::vector<SynonymRule> kept;
  for (auto& r : current.value()) {
    const auto it = wanted.find(SynonymRuleKey(r));
    if (it != wanted.end() && it->second > 0) {
      --it->second;
      ++removed;
    } else {
      kept.push_back(std::move(r));
    }
  }
  if (Status s = store_->SetMetadata(kSynonymsMetadataKey, EncodeSynonymRules(kept)); !s.ok()) return s;
  return removed;
}

Status IndexWriter::ReplaceSynonyms(const std::string& lang, const std::vector<SynonymRule>& rules) {
  auto current = Synonyms();
  if (!current.ok()) return current.status();
  std::vector<SynonymRule> kept;
  for (auto& r : current.value()) {
    if (!lang.empty() && r.lang != lang) kept.push_back(std::move(r));
  }
  // Validate before storing anything: a rejected replacement leaves the rules as they were.
  if (Status s = MergeSynonyms(kept, rules); !s.ok()) return s;
  return store_->SetMetadata(kSynonymsMetadataKey, EncodeSynonymRules(kept));
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
