#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "facets/facet_index.h"
#include "index/document_indexer.h"
#include "ingest/loader.h"
#include "portalkb/index_writer.h"
#include "storage/document_codec.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "synonyms/synonym_set.h"
#include "typo/typo_expander.h"

namespace portalkb {

namespace {

// The documents are committed whatever happens here. A derived file that
// cannot be written stays at its older revision, which readers recognise and
// replace by building the structure in memory, so a failure costs start-up
// time only and is not reported as a failed commit.
void WriteDerivedFiles(WritableStore& store) {
  Status derived = store.ReadCommitted("write derived files", [&](const Xapian::Database& db) {
    (void)Vocabulary::Write(store.path(), db);
    (void)FacetIndex::Write(store.path(), db);
  });
  (void)derived;
}

}  // namespace

IndexWriter::IndexWriter(WriterOptions options, std::unique_ptr<WritableStore> store, AttributeSlots slots)
    : options_(options), store_(std::move(store)), indexer_(std::make_unique<DocumentIndexer>(std::move(slots))) {}

IndexWriter::~IndexWriter() = default;

Result<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path, WriterOptions options) {
  if (options.commit_every == 0) return Status::InvalidArgument("commit_every must be at least 1");
  if (options.analysis_threads > kMaxAnalysisThreads) {
    return Status::InvalidArgument("analysis_threads " + std::to_string(options.analysis_threads) +
                                   " is more than the limit of " + std::to_string(kMaxAnalysisThreads));
  }
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

Status IndexWriter::Commit() { return Commit(/*derived_files=*/true); }

Status IndexWriter::Commit(bool derived_files) {
  if (indexer_->slots_changed()) {
    if (Status s = store_->SetMetadata(schema::kSlotsKey, EncodeAttributeSlots(indexer_->slots())); !s.ok()) return s;
  }
  Status s = store_->Commit();
  if (s.ok()) indexer_->clear_slots_changed();
  if (s.ok()) pending_ = 0;
  if (!s.ok() || !derived_files || !options_.write_derived_files) return s;
  WriteDerivedFiles(*store_);
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

namespace {

// A record on its way through an ingest: read, validated, analysed, written.
struct PendingRecord {
  LoadedRecord record;
  Status status;          // a load, validation or analysis failure
  Xapian::Document xdoc;  // when status is ok
  bool written = false;   // by a part's thread (a parallel load), which sets `existed`
  bool existed = false;
};

// The part of a parallel load a document goes to: by its id, so all the
// records of one id meet in one part, in file order, and the last one wins
// as in a single writer.
std::size_t PartOf(const std::string& id, std::size_t parts) { return std::hash<std::string>{}(id) % parts; }

// Validated records of a batch go through analysis on `tokenizers.size()`
// threads; each thread takes every n-th record, so no record is shared.
void AnalyseBatch(std::vector<PendingRecord>& batch, const std::vector<std::unique_ptr<Tokenizer>>& tokenizers,
                  const AttributeSlots& slots, std::size_t worker) {
  for (std::size_t i = worker; i < batch.size(); i += tokenizers.size()) {
    PendingRecord& p = batch[i];
    if (!p.status.ok()) continue;
    p.status = GuardXapian("analyse document '" + p.record.doc.id + "'",
                           [&] { p.xdoc = DocumentIndexer::Analyse(p.record.doc, *tokenizers[worker], slots); });
  }
}

// Records per batch: enough to keep the analysis threads busy for a while,
// few enough that a batch's documents stay small in memory.
constexpr std::size_t kBatchRecords = 256;
// In a parallel load each part's thread waits for the slowest at the end of
// a batch; larger batches even out what the id hashing hands each.
constexpr std::size_t kParallelBatchRecords = 2048;
// Each part holds up to commit_every documents' changes in memory.
constexpr std::size_t kMaxParallelParts = 8;
constexpr auto kProgressInterval = std::chrono::milliseconds(200);

}  // namespace

Result<IngestReport> IndexWriter::Ingest(const std::vector<std::string>& paths, const IngestProgress& progress) {
  if (!progress) return Ingest(paths, IngestBytesProgress{});
  std::size_t files_seen = 0;
  return Ingest(paths, IngestBytesProgress([&](const IngestStatus& status) {
                  // The file-count callback hears of each file once, as before; of the
                  // last one at the end, with every document counted (analysis on worker
                  // threads may still be behind the files read).
                  if (status.files_done == files_seen) return;
                  if (status.files_done == status.files_total && !status.finished) return;
                  files_seen = status.files_done;
                  progress(status.files_done, status.files_total, status.documents);
                }));
}

Result<IngestReport> IndexWriter::Ingest(const std::vector<std::string>& paths, const IngestBytesProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  IngestReport report;
  FileList list = CollectFiles(paths, WalkOptions{options_.follow_symlinks});
  for (auto& e : list.errors) report.rejected.push_back({e.file, e.line, e.error});

  IngestStatus status;
  status.files_total = list.files.size();
  for (const auto& file : list.files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec) status.bytes_total += size;
  }
  std::uint64_t bytes_before_file = 0;  // sizes of the files done
  auto last_report = started;
  auto report_progress = [&](bool force) {
    if (!progress) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_report < kProgressInterval) return;
    last_report = now;
    status.documents = report.added + report.updated;
    status.seconds = std::chrono::duration<double>(now - started).count();
    progress(status);
  };

  const std::size_t threads =
      options_.analysis_threads != 0
          ? options_.analysis_threads
          : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxAnalysisThreads);
  std::vector<std::unique_ptr<Tokenizer>> tokenizers;
  for (std::size_t t = 0; t < threads; ++t) tokenizers.push_back(std::make_unique<Tokenizer>());

  // A first load into a new, empty index that is compacted at its end is
  // written in parallel: each thread analyses and writes the documents of
  // its part into a scratch database, and the compaction merges the parts
  // into the index (measured: the writing, not the analysis, is about 90%
  // of an ingest, and two writers on two cores take 0.57 of the time of
  // one). The index then shows the documents at the end, all at once.
  std::vector<std::unique_ptr<WritableStore>> parts;
  if (threads > 1 && options_.compact_new_index && store_->created() && store_->empty() && pending_ == 0) {
    for (std::size_t t = 0; t < std::min(threads, kMaxParallelParts); ++t) {
      auto part = WritableStore::CreateScratch(store_->path());
      if (!part.ok()) return part.status();
      parts.push_back(std::move(part).value());
    }
  }
  std::vector<std::size_t> part_pending(parts.size(), 0);
  const std::size_t batch_records = parts.empty() ? kBatchRecords : kParallelBatchRecords;

  Status failure = Status::Ok();        // a failure of the index itself stops the ingest
  std::vector<PendingRecord> filling;   // being read
  std::vector<PendingRecord> analysed;  // analysis done (or running, while `running` is non-empty)
  std::vector<std::future<void>> running;
  std::vector<std::future<Status>> writing;  // the parts' threads on `analysed`
  AttributeSlots batch_slots;                // the slots `analysed` was analysed with

  // Whether an analysed record is to be written; counts it as rejected, or
  // the ingest as failed, when not.
  auto accepted = [&](const PendingRecord& p) {
    if (!failure.ok()) return false;
    if (!p.record.error.empty()) {
      report.rejected.push_back({p.record.file, p.record.line, p.record.error});
      return false;
    }
    if (!p.status.ok()) {
      if (p.status.code() == StatusCode::kInvalidArgument) {
        report.rejected.push_back({p.record.file, p.record.line, p.status.message()});
      } else {
        failure = p.status;
      }
      return false;
    }
    return true;
  };
  auto count = [&](const PendingRecord& p, bool existed) {
    ++(existed ? report.updated : report.added);
    if (p.record.title_derived) ++report.derived_titles;
  };
  // Writes the analysed batch in record order.
  auto write = [&](std::vector<PendingRecord>& batch) {
    for (PendingRecord& p : batch) {
      if (!accepted(p)) continue;
      if (!parts.empty()) {
        if (p.written) count(p, p.existed);  // by its part's thread
        continue;
      }
      auto existed = store_->Replace(schema::Term(schema::kId, p.record.doc.id), p.xdoc);
      if (!existed.ok()) {
        failure = existed.status();
        return;
      }
      ++pending_;
      count(p, existed.value());
      if (pending_ >= options_.commit_every) failure = Commit(/*derived_files=*/false);
    }
  };
  // A part's thread: analyses and writes its documents of `batch`.
  auto write_part = [&](std::vector<PendingRecord>& batch, const AttributeSlots& slots, std::size_t k) -> Status {
    for (PendingRecord& p : batch) {
      if (!p.record.error.empty() || !p.status.ok() || PartOf(p.record.doc.id, parts.size()) != k) continue;
      p.status = GuardXapian("analyse document '" + p.record.doc.id + "'",
                             [&] { p.xdoc = DocumentIndexer::Analyse(p.record.doc, *tokenizers[k], slots); });
      if (!p.status.ok()) continue;
      auto existed = parts[k]->Replace(schema::Term(schema::kId, p.record.doc.id), p.xdoc);
      p.xdoc = Xapian::Document();
      if (!existed.ok()) return existed.status();
      p.written = true;
      p.existed = existed.value();
      if (++part_pending[k] >= options_.commit_every) {
        if (Status c = parts[k]->Commit(); !c.ok()) return c;
        part_pending[k] = 0;
      }
    }
    return Status::Ok();
  };
  auto wait = [&] {
    for (auto& f : running) f.get();  // AnalyseBatch catches what analysis throws
    running.clear();
    for (auto& f : writing) {
      Status s = f.get();  // write_part returns what it meets
      if (!s.ok() && failure.ok()) failure = s;
    }
    writing.clear();
  };
  // Hands `filling` to the analysis threads, then writes the previous batch
  // while they work on it.
  auto dispatch = [&] {
    wait();
    std::vector<PendingRecord> previous = std::move(analysed);
    analysed = std::move(filling);
    filling.clear();
    for (PendingRecord& p : analysed) {
      if (!p.record.error.empty()) continue;
      p.status = ValidateDocument(p.record.doc, options_.limits);
      if (p.status.ok()) indexer_->AssignSlots(p.record.doc);
    }
    batch_slots = indexer_->slots();
    if (!parts.empty()) {
      if (failure.ok()) {
        for (std::size_t k = 0; k < parts.size(); ++k) {
          // A part's database is used by one thread at a time: the next
          // batch's thread starts after this one's has been waited for.
          writing.push_back(std::async(std::launch::async, write_part, std::ref(analysed), std::cref(batch_slots), k));
        }
      }
    } else if (threads == 1) {
      AnalyseBatch(analysed, tokenizers, batch_slots, 0);
    } else {
      for (std::size_t t = 0; t < threads; ++t) {
        try {
          running.push_back(std::async(std::launch::async, AnalyseBatch, std::ref(analysed), std::cref(tokenizers),
                                       std::cref(batch_slots), t));
        } catch (const std::system_error&) {
          AnalyseBatch(analysed, tokenizers, batch_slots, t);  // no thread to be had: this one does its share
        }
      }
    }
    write(previous);
  };

  const RecordSink sink = [&](LoadedRecord&& record) {
    if (!failure.ok()) return;
    if (record.bytes_read > 0) status.bytes_done = bytes_before_file + record.bytes_read;
    filling.push_back({std::move(record), Status::Ok(), {}});
    // At each batch, and at most every kProgressInterval in between (large records).
    const bool batch_done = filling.size() >= batch_records;
    if (batch_done) dispatch();
    report_progress(batch_done);
  };
  for (std::size_t i = 0; i < list.files.size() && failure.ok(); ++i) {
    LoadFile(list.files[i], sink, options_.limits);
    ++report.files;
    std::error_code ec;
    const auto size = std::filesystem::file_size(list.files[i], ec);
    bytes_before_file += ec ? 0 : size;
    status.bytes_done = bytes_before_file;
    status.files_done = i + 1;
    report_progress(true);
  }
  if (failure.ok()) dispatch();  // the last partial batch
  wait();
  write(analysed);
  if (!failure.ok()) return failure;  // a parallel load's parts go with it: the index is as it was
  std::vector<const WritableStore*> merged;
  for (const auto& part : parts) {
    if (Status s = part->Commit(); !s.ok()) return s;
    merged.push_back(part.get());
  }
  const bool compact = options_.compact_new_index && store_->created() && report.added > 0;
  if (Status s = Commit(/*derived_files=*/!compact); !s.ok()) return s;
  if (compact) {
    // The documents are committed: a compaction that fails is reported, and
    // leaves the index as committed (without a parallel load's documents)
    // or, failing midway, to be indexed again.
    if (Status s = store_->Compact(merged); !s.ok()) return s;
    if (options_.write_derived_files) WriteDerivedFiles(*store_);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  status.finished = true;
  report_progress(true);
  return report;
}

}  // namespace portalkb
