// The write side of an index: add, replace, delete and ingest files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "portalkb/document.h"
#include "portalkb/options.h"
#include "portalkb/settings.h"
#include "portalkb/status.h"
#include "portalkb/synonyms.h"

namespace portalkb {

// A record that could not be indexed, with where it came from.
struct Rejection {
  std::string file;
  int line = 0;  // 1-based line for JSON Lines and front matter; 0 when not applicable
  std::string reason;
};

struct IngestReport {
  std::uint64_t added = 0;
  std::uint64_t updated = 0;
  std::vector<Rejection> rejected;
  std::uint64_t files = 0;           // files read
  std::uint64_t derived_titles = 0;  // indexed records without a title, titled from their summary or body
  double seconds = 0;
};

// Called after each file: files done, files in total, documents indexed so far.
using IngestProgress = std::function<void(std::size_t files_done, std::size_t files_total, std::uint64_t documents)>;

// Where an ingest stands, by bytes: one large JSON Lines file moves the
// figures as it is read, not only when it is done.
struct IngestStatus {
  std::uint64_t bytes_done = 0;   // of the input files, read so far
  std::uint64_t bytes_total = 0;  // sizes of all input files, taken at the start
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uint64_t documents = 0;  // added or updated so far
  double seconds = 0;           // since the ingest started
  bool finished = false;        // the last call, after the final commit
};
// Called while reading (after each batch of a few hundred records, and at
// most every 200 ms in between), after each file, and once when finished.
using IngestBytesProgress = std::function<void(const IngestStatus&)>;

class WritableStore;
class DocumentIndexer;

// Holds the index's single-writer lock for its lifetime. Changes become
// visible to readers at Commit(), which is atomic: a crash or an error before
// it leaves the last committed state intact. The destructor discards
// uncommitted changes. A failure of the index itself (a full disk, an I/O
// error) in Put, Delete or Commit discards every uncommitted change too; the
// writer then refuses further changes (Internal, "reopen the writer") and a
// new writer starts from the last commit.
// Thread-safety: not safe for concurrent use.
class IndexWriter {
 public:
  // Busy if another writer holds the lock; IndexNotFound if the index is missing
  // and !options.create_if_missing.
  static Result<std::unique_ptr<IndexWriter>> Open(const std::string& path, WriterOptions options = {});
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  enum class PutOutcome { kAdded, kUpdated };
  // Validates (see ValidateDocument) and adds the document, replacing any
  // document with the same id.
  Result<PutOutcome> Put(Document doc);
  // Returns whether a document with this id existed.
  Result<bool> Delete(const std::string& id);
  Status Commit();

  // Synonym rules stored with the index; visible to readers at Commit(), no
  // re-indexing needed. Adding a rule that exists already is a no-op. Add and
  // Replace check each rule (ValidateSynonymRule) and the per-language limits
  // of synonyms.h, and on InvalidArgument (naming the rule) store nothing.
  Result<std::vector<SynonymRule>> Synonyms();
  Status AddSynonyms(const std::vector<SynonymRule>& rules);
  // Returns how many of `rules` were present (and are now removed).
  Result<std::size_t> RemoveSynonyms(const std::vector<SynonymRule>& rules);
  // Replaces all rules of `lang` (all languages when empty) with `rules`.
  Status ReplaceSynonyms(const std::string& lang, const std::vector<SynonymRule>& rules);

  // Search settings stored with the index (see settings.h); visible to
  // readers at Commit(). SetSetting validates the value (InvalidArgument
  // naming the setting) and stores typo.disabled_words in the analyzer's
  // folded form, so "IBAN" and "Ärende" match as typed.
  Result<IndexSettings> Settings();
  Status SetSetting(const std::string& name, const std::string& value);
  Status UnsetSetting(const std::string& name);

  // Loads every file under `paths` (directories recursively; .jsonl, .md,
  // .html/.htm, .pdf, .txt; sidecar metadata in "<file>.meta.yaml"), puts each
  // valid document and commits. Bad records are reported and skipped; the
  // rest is indexed. A failure of the index itself is returned as an error,
  // with the last commit intact.
  Result<IngestReport> Ingest(const std::vector<std::string>& paths, const IngestProgress& progress = {});
  // The same, reporting progress by bytes read (see IngestStatus).
  Result<IngestReport> Ingest(const std::vector<std::string>& paths, const IngestBytesProgress& progress);

 private:
  IndexWriter(WriterOptions options, std::unique_ptr<WritableStore> store,
              std::map<std::string, unsigned> attribute_slots);
  // Commit(), writing the derived files (vocabulary, facet columns) of the
  // new revision only when `derived_files`: Ingest's intermediate commits
  // leave them to its last one.
  Status Commit(bool derived_files);
  WriterOptions options_;
  std::unique_ptr<WritableStore> store_;
  std::unique_ptr<DocumentIndexer> indexer_;
  std::size_t pending_ = 0;
};

}  // namespace portalkb
