// The storage adapter: the only place that opens Xapian databases and the
// place where Xapian exceptions become portalkb Status values.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "portalkb/status.h"

namespace portalkb {

// Runs `fn`, turning any Xapian exception into a Status. `what` labels the
// message ("search", "commit"). Never lets an exception escape.
Status GuardXapian(const std::string& what, const std::function<void()>& fn);

// Total size in bytes of the files in an index directory.
std::uint64_t DirectoryBytes(const std::string& path);

// What CopyIndexSnapshot copied: the revision it read and its documents.
struct IndexSnapshotInfo {
  std::uint64_t revision = 0;
  std::uint64_t documents = 0;
  int attempts = 0;  // 1 unless commits overtook earlier copies
};

// Writes the index at `path`, as of one committed revision, into the new
// directory `destination` (Xapian's compact, document ids kept), while
// readers and a writer go on. A commit that overtakes the copy makes Xapian
// report a modification; the copy then starts again from the newest
// revision, up to `max_attempts` times (Busy after the last). Derived files
// are not copied: a reader rebuilds them, a writer's next commit writes
// them. IndexNotFound / Corruption as ReadableStore::Open; on failure
// `destination` is removed.
Result<IndexSnapshotInfo> CopyIndexSnapshot(const std::string& path, const std::string& destination,
                                            int max_attempts = 20);

// A read-only snapshot of an index.
// Thread-safety: not safe for concurrent use; one per thread.
class ReadableStore {
 public:
  // IndexNotFound when there is no index at `path`; Corruption when it is not a
  // portalkb index of a format this build reads.
  static Result<std::unique_ptr<ReadableStore>> Open(const std::string& path);

  // Runs `fn` on a freshly reopened snapshot. If the index changed underneath
  // (Xapian::DatabaseModifiedError, or a transient corruption report while a
  // writer commits), reopens and runs the whole of `fn` again, after a short
  // back-off (none, then 1, 2, 4 ... up to kReadBackoffCap), until both
  // kReadAttempts attempts and kReadRetryBudget have been used up, and never
  // more than kMaxReadAttempts times. A persistent failure of either kind (a
  // real corruption fails every attempt) is then reported: it costs a read
  // about kReadRetryBudget.
  Status Read(const std::string& what, const std::function<void(const Xapian::Database&)>& fn);
  static constexpr int kReadAttempts = 10;
  static constexpr std::chrono::milliseconds kReadRetryBudget{250};
  static constexpr std::chrono::milliseconds kReadBackoffCap{16};
  // Bounds the retries even on a clock that does not advance; with the
  // back-off above the budget runs out long before.
  static constexpr int kMaxReadAttempts = 100;

  // Test seam: called with the attempt number (from 1) after each reopen and
  // before `fn`; what it throws is handled as if `fn` had thrown it. Unset in
  // production.
  void SetReopenHookForTesting(std::function<void(int attempt)> hook) { reopen_hook_ = std::move(hook); }
  // Test seam: the clock the retry budget is measured on and the sleep of the
  // back-off (called only for a back-off above zero). Unset: the steady clock
  // and std::this_thread::sleep_for.
  void SetRetryClockForTesting(std::function<std::chrono::steady_clock::time_point()> now,
                               std::function<void(std::chrono::milliseconds)> sleep) {
    now_ = std::move(now);
    sleep_ = std::move(sleep);
  }

  const std::string& path() const { return path_; }

 private:
  ReadableStore(std::string path, Xapian::Database db) : path_(std::move(path)), db_(std::move(db)) {}
  std::chrono::steady_clock::time_point Now() const;
  void Sleep(std::chrono::milliseconds duration) const;
  std::string path_;
  Xapian::Database db_;
  std::function<void(int attempt)> reopen_hook_;
  std::function<std::chrono::steady_clock::time_point()> now_;
  std::function<void(std::chrono::milliseconds)> sleep_;
};

// The single writer of an index (holds Xapian's write lock).
class WritableStore {
 public:
  // Busy when another writer holds the lock; Corruption, with the index left
  // untouched, when it is not a portalkb index of a format this build writes
  // (only a brand-new, never committed database is stamped as one). First
  // removes the sibling directories `<path>.creating-<pid>-<n>` that a
  // creation left when its process died (never those of a live process).
  static Result<std::unique_ptr<WritableStore>> Open(const std::string& path, bool create_if_missing);
  // A scratch database beside the index at `beside`, for writing one part
  // of a bulk load into a new index on a thread of its own; the index's
  // Compact(parts) then merges it in. It is named as a creation in progress
  // ("<beside>.creating-<pid>-<n>"), so what a killed process left is
  // removed by the next Open, and it is removed when destroyed.
  static Result<std::unique_ptr<WritableStore>> CreateScratch(const std::string& beside);
  ~WritableStore();
  // Whether the database holds no document, uncommitted changes included.
  bool empty() const;

  // Replaces the document whose unique term is `id_term`, or adds it.
  // Returns whether one existed.
  Result<bool> Replace(const std::string& id_term, const Xapian::Document& doc);
  Result<bool> Delete(const std::string& id_term);
  Status Commit();
  // Runs `fn` on the database as last committed (plus nothing: call it right
  // after Commit()), for building what is derived from that revision.
  Status ReadCommitted(const std::string& what, const std::function<void(const Xapian::Database&)>& fn);
  // User metadata, committed with the documents.
  Result<std::string> GetMetadata(const std::string& key);
  Status SetMetadata(const std::string& key, const std::string& value);

  // Rewrites the committed index with full B-tree blocks (Xapian's compact,
  // document ids kept) in a sibling directory and moves its tables over
  // the index's, keeping the write lock; then reopens. Meant for right after
  // a bulk load into a new index (created()): about a third smaller and
  // quicker to search. The tables are replaced one by one, so a reader
  // opening meanwhile retries, and a crash midway can leave the new index
  // unreadable (index it again). The revision number starts again from the
  // compacted one. Uncommitted changes are Internal. Not thread-safe.
  // With `parts` (committed CreateScratch databases), their documents are
  // merged in after the index's, with new document ids: a bulk load written
  // in parallel parts becomes one index in this one step.
  Status Compact(const std::vector<const WritableStore*>& parts = {});
  // This writer made the database (it held no change before Open) and has
  // not compacted it since.
  bool created() const { return created_; }

  const std::string& path() const { return path_; }

 private:
  WritableStore(std::string path, Xapian::WritableDatabase db, bool created)
      : path_(std::move(path)), db_(std::move(db)), created_(created) {}
  // Internal once a commit or a write failed: a change made outside a
  // transaction would be committed by Xapian on its own.
  Status RequireTransaction(const std::string& what) const;
  // `s`, after cancelling the transaction if `s` is a failure.
  Status AbandonOnFailure(Status s);
  std::string path_;
  Xapian::WritableDatabase db_;
  bool in_transaction_ = true;  // Open() begins one
  bool created_ = false;
  bool changed_ = false;  // a change since the last Commit()
  bool scratch_ = false;  // made by CreateScratch: removed when destroyed
};

}  // namespace portalkb
