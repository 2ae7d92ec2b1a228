#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "storage/derived_file.h"
#include "storage/schema.h"
#include "storage/store.h"

namespace portalkb {
namespace fs = std::filesystem;
namespace {

Status Translate(const std::string& what, const Xapian::Error& e) {
  const std::string msg = what + ": " + e.get_description();
  const std::string type = e.get_type();
  // Xapian says "already locked" only when another writer holds the lock;
  // a lock file it cannot create (a read-only directory) is not "busy".
  if (type == "DatabaseLockError") {
    if (msg.find("already locked") != std::string::npos) return Status::Busy(msg + " (another writer holds the index)");
    return Status::IOError(msg);
  }
  if (type == "DatabaseNotFoundError" || type == "DatabaseOpeningError") return Status::IndexNotFound(msg);
  if (type == "DatabaseCorruptError" || type == "DatabaseVersionError") return Status::Corruption(msg);
  if (type == "InvalidArgumentError" || type == "QueryParserError" || type == "RangeError") {
    return Status::InvalidArgument(msg);
  }
  if (type == "DatabaseError") return Status::IOError(msg);
  return Status::Internal(msg);
}

Status CheckFormat(const Xapian::Database& db, const std::string& path) {
  const std::string version = db.get_metadata(schema::kFormatKey);
  if (version.empty()) {
    return Status::Corruption(path + ": not a portalkb index (no format version)");
  }
  if (version != std::to_string(schema::kFormatVersion)) {
    return Status::Corruption(path + ": index format " + version + " is not readable by this build (reads " +
                              std::to_string(schema::kFormatVersion) + "); re-index");
  }
  return Status::Ok();
}

// The index `path` names: "dir/index/" is "dir/index".
fs::path IndexTarget(const std::string& path) {
  fs::path target(path);
  if (!target.has_filename()) target = target.parent_path();
  return target;
}

// The process id in the name of a creation directory of `target`
// ("<target>.creating-<pid>-<n>", see CreateAtomically), or 0 when `name` is
// not one.
pid_t CreatorOf(const std::string& name, const std::string& target) {
  const std::string prefix = target + ".creating-";
  if (name.compare(0, prefix.size(), prefix) != 0) return 0;
  const std::string rest = name.substr(prefix.size());
  const auto dash = rest.find('-');
  // A pid of 1 to 9 digits (Linux's are at most 7), a dash, a counter.
  if (dash == 0 || dash == std::string::npos || dash > 9 || dash + 1 == rest.size()) return 0;
  const auto digits = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(std::string_view(rest).substr(0, dash)) || !digits(std::string_view(rest).substr(dash + 1))) return 0;
  const long pid = std::stol(rest.substr(0, dash));  // at most 9 digits: fits
  return pid > 0 ? static_cast<pid_t>(pid) : 0;
}

// Removes the creation directories of `target` left by processes that died
// while creating it (kill(pid, 0) says ESRCH). Never one of a live process,
// which may be renaming it into place this moment; a pid since reused keeps
// its directory until that process is gone too. Best effort: what cannot be
// listed or removed stays, and the open goes on.
void RemoveAbandonedCreations(const fs::path& target) {
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string name = target.filename().string();
  std::error_code ec;
  std::vector<fs::path> abandoned;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t pid = CreatorOf(it->path().filename().string(), name);
    std::error_code type_ec;
    if (pid == 0 || it->symlink_status(type_ec).type() != fs::file_type::directory) continue;
    if (kill(pid, 0) != 0 && errno == ESRCH) abandoned.push_back(it->path());
  }
  for (const auto& dir : abandoned) fs::remove_all(dir, ec);
}

// A new name for a directory this process creates beside `target`:
// "<target>.creating-<pid>-<n>", which RemoveAbandonedCreations knows.
std::string CreationName(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.string() + ".creating-" + std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

// Creates a new index at `path` (absent, or an empty directory) in one
// step: made and stamped in a sibling directory, then renamed into place.
// Xapian writes its tables before its version file, so a crash while it
// creates in place leaves a directory it refuses to open or create ever
// after (found by tests/reliability/crash_test.cc).
Status CreateAtomically(const std::string& path) {
  const fs::path target = IndexTarget(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Status::IOError("cannot create '" + target.parent_path().string() + "': " + ec.message());
  }
  const std::string temp = CreationName(target);
  fs::remove_all(temp, ec);  // a leftover of this same process id, killed while creating
  if (!fs::create_directory(temp, ec) || ec) {
    return Status::IOError("cannot create '" + temp + "': " + (ec ? ec.message() : "exists"));
  }
  Status s = GuardXapian("create index '" + path + "'", [&] {
    Xapian::WritableDatabase db(temp, Xapian::DB_CREATE);
    db.set_metadata(schema::kFormatKey, std::to_string(schema::kFormatVersion));
    db.commit();
    db.close();
  });
  if (s.ok() && std::rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    // ENOTEMPTY/EEXIST: another writer created it first; open theirs.
    if (err != ENOTEMPTY && err != EEXIST) {
      s = Status::IOError("cannot move '" + temp + "' to '" + path + "': " + std::strerror(err));
    }
  }
  fs::remove_all(temp, ec);  // nothing is left here after a successful rename
  return s;
}

}  // namespace

Status GuardXapian(const std::string& what, const std::function<void()>& fn) {
  try {
    fn();
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return Translate(what, e);
  } catch (const std::bad_alloc&) {
    return Status::Internal(what + ": out of memory");
  } catch (const std::exception& e) {
    return Status::Internal(what + ": " + e.what());
  }
}

std::uint64_t DirectoryBytes(const std::string& path) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

namespace {

// The retry budget of opening and of reading a snapshot: at least
// kReadAttempts attempts and kReadRetryBudget of time, never more than
// kMaxReadAttempts, with a back-off of none, then 1, 2, 4 ... up to
// kReadBackoffCap between attempts.
class RetryBudget {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  RetryBudget(Clock now, Sleeper sleep) : now_(std::move(now)), sleep_(std::move(sleep)), started_(now_()) {}
  // Whether attempt number `attempt` (from 1) is the last the budget allows.
  bool Last(int attempt) const {
    return attempt >= ReadableStore::kMaxReadAttempts ||
           (attempt >= ReadableStore::kReadAttempts && now_() - started_ >= ReadableStore::kReadRetryBudget);
  }
  // Backs off before the next attempt.
  void Wait() {
    if (backoff_.count() > 0) sleep_(backoff_);
    backoff_ =
        std::min(backoff_.count() == 0 ? std::chrono::milliseconds(1) : 2 * backoff_, ReadableStore::kReadBackoffCap);
  }

 private:
  Clock now_;
  Sleeper sleep_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::milliseconds backoff_{0};
};

}  // namespace

Result<std::unique_ptr<ReadableStore>> ReadableStore::Open(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return Status::IndexNotFound("no index at '" + path + "'");
  Xapian::Database db;
  // Opening while a writer commits can fail for a moment (the revision being
  // read is replaced underneath): retry on the budget Read uses (at least
  // kReadAttempts attempts and kReadRetryBudget, backing off), then report it.
  RetryBudget budget([] { return std::chrono::steady_clock::now(); },
                     [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
  Status s;
  for (int attempt = 1;; ++attempt) {
    const bool last = budget.Last(attempt);
    bool transient = false;
    s = GuardXapian("open index '" + path + "'", [&] {
      try {
        db = Xapian::Database(path);
      } catch (const Xapian::DatabaseModifiedError&) {
        transient = !last;
        if (!transient) throw;
      } catch (const Xapian::DatabaseCorruptError&) {
        transient = !last;
        if (!transient) throw;
      } catch (const Xapian::DatabaseOpeningError&) {
        transient = !last && fs::is_directory(path);
        if (!transient) throw;
      }
    });
    if (!transient) break;
    budget.Wait();
  }
  if (!s.ok()) return s;
  // The check's own Status must survive the guard: assigning the guard's Ok
  // over it once let foreign indexes through.
  Status format;
  s = GuardXapian("open index '" + path + "'", [&] { format = CheckFormat(db, path); });
  if (!s.ok()) return s;
  if (!format.ok()) return format;
  return std::unique_ptr<ReadableStore>(new ReadableStore(path, std::move(db)));
}

std::chrono::steady_clock::time_point ReadableStore::Now() const {
  return now_ ? now_() : std::chrono::steady_clock::now();
}

void ReadableStore::Sleep(std::chrono::milliseconds duration) const {
  if (sleep_) {
    sleep_(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

Status ReadableStore::Read(const std::string& what, const std::function<void(const Xapian::Database&)>& fn) {
  // A writer committing many times a second can outpace a long request;
  // each attempt starts from the newest revision. A count of attempts alone
  // is used up in a few milliseconds by tens of commits a second, hence the
  // time budget; the back-off lets a commit finish before the next attempt.
  RetryBudget budget([this] { return Now(); }, [this](std::chrono::milliseconds d) { Sleep(d); });
  for (int attempt = 1;; ++attempt) {
    Status failure;
    try {
      db_.reopen();
      if (reopen_hook_) reopen_hook_(attempt);
      fn(db_);
      return Status::Ok();
    } catch (const Xapian::DatabaseModifiedError& e) {
      failure = Translate(what, e);
    } catch (const Xapian::DatabaseCorruptError& e) {
      // Seen while a writer commits at a high rate with nothing wrong on disk:
      // treat like a modification; a real corruption fails every attempt.
      failure = Translate(what, e);
    } catch (const Xapian::Error& e) {
      return Translate(what, e);
    } catch (const std::bad_alloc&) {
      return Status::Internal(what + ": out of memory");
    } catch (const std::exception& e) {
      return Status::Internal(what + ": " + e.what());
    }
    if (budget.Last(attempt)) return failure;
    budget.Wait();
  }
}

Result<std::unique_ptr<WritableStore>> WritableStore::Open(const std::string& path, bool create_if_missing) {
  std::error_code ec;
  const bool exists = fs::is_directory(path, ec);
  if (!exists && !create_if_missing) return Status::IndexNotFound("no index at '" + path + "'");
  // Before creating, and also when another process created the index since:
  // a creator that crashed left its directory beside the index.
  RemoveAbandonedCreations(IndexTarget(path));
  bool made_here = false;
  if (!exists || fs::is_empty(path, ec)) {
    if (Status created = CreateAtomically(path); !created.ok()) return created;
    made_here = true;
  }
  Xapian::WritableDatabase db;
  Status s = GuardXapian("open index '" + path + "' for writing",
                         [&] { db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN); });
  if (!s.ok()) return s;
  Status format;
  bool created = false;
  s = GuardXapian("open index '" + path + "' for writing", [&] {
    // Only a database that never held a change (revision 0: made just now by
    // DB_CREATE_OR_OPEN, or as empty as that) is stamped; anything else
    // without the stamp is someone else's and is refused untouched.
    if (db.get_revision() == 0 && db.get_doccount() == 0 && db.get_metadata(schema::kFormatKey).empty()) {
      db.set_metadata(schema::kFormatKey, std::to_string(schema::kFormatVersion));
      db.commit();
      created = true;
      // Derived files left by an index that was removed here would carry
      // revisions this new database is about to reach again.
      for (const char* name : {kVocabularyFileName, kFacetsFileName, kSuffixesFileName})
        fs::remove(fs::path(path) / name, ec);
    }
    // Made (and stamped) just now by CreateAtomically: still empty.
    if (made_here && db.get_revision() == 1 && db.get_doccount() == 0) created = true;
    format = CheckFormat(db, path);
    // Changes always sit in an open transaction: Xapian would otherwise
    // commit them on its own (every 10,000 documents, and on close), and a
    // writer that is dropped or fails must leave the last Commit() intact.
    if (format.ok()) db.begin_transaction(/*flushed=*/true);
  });
  if (s.ok()) s = format;
  if (!s.ok()) return s;  // `db` goes with no change pending: the index is as it was
  return std::unique_ptr<WritableStore>(new WritableStore(path, std::move(db), created));
}

Result<std::unique_ptr<WritableStore>> WritableStore::CreateScratch(const std::string& beside) {
  const fs::path target = IndexTarget(beside);
  const std::string dir = CreationName(target);
  std::error_code ec;
  fs::remove_all(dir, ec);  // a leftover of this same process id, killed while loading
  if (!fs::create_directory(dir, ec) || ec) {
    return Status::IOError("cannot create '" + dir + "': " + (ec ? ec.message() : "exists"));
  }
  Xapian::WritableDatabase db;
  Status s = GuardXapian("create part of a load beside '" + beside + "'", [&] {
    db = Xapian::WritableDatabase(dir, Xapian::DB_CREATE);
    db.begin_transaction(/*flushed=*/true);
  });
  if (!s.ok()) {
    fs::remove_all(dir, ec);
    return s;
  }
  auto store = std::unique_ptr<WritableStore>(new WritableStore(dir, std::move(db), /*created=*/true));
  store->scratch_ = true;
  return store;
}

WritableStore::~WritableStore() {
  // Discard what was not committed; never throw from a destructor.
  try {
    if (in_transaction_) db_.cancel_transaction();
  } catch (const Xapian::Error&) {
  }
  try {
    db_.close();
  } catch (const Xapian::Error&) {
  }
  if (scratch_) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
}

bool WritableStore::empty() const {
  bool empty = false;
  (void)GuardXapian("count documents", [&] { empty = db_.get_doccount() == 0; });
  return empty;
}

Status WritableStore::RequireTransaction(const std::string& what) const {
  if (in_transaction_) return Status::Ok();
  return Status::Internal(what + ": '" + path_ + "' has no open transaction after a failed write; reopen the writer");
}

Status WritableStore::AbandonOnFailure(Status s) {
  // A write that failed in Xapian (a full disk, an I/O error) leaves the
  // transaction in an unknown state: half a document applied, or the changes
  // before it dropped by Xapian. Cancel it, so a later Commit() can make
  // neither durable; the caller reopens the writer and starts the batch again.
  if (s.ok() || !in_transaction_) return s;
  in_transaction_ = false;
  try {
    db_.cancel_transaction();
  } catch (const Xapian::Error&) {
  }
  return s;
}

Result<bool> WritableStore::Replace(const std::string& id_term, const Xapian::Document& doc) {
  if (Status t = RequireTransaction("index document"); !t.ok()) return t;
  bool existed = false;
  Status s = AbandonOnFailure(GuardXapian("index document in '" + path_ + "'", [&] {
    existed = db_.term_exists(id_term);
    changed_ = true;
    // replace_document(term) would look the id up a second time.
    if (existed) {
      db_.replace_document(id_term, doc);
    } else {
      db_.add_document(doc);
    }
  }));
  if (!s.ok()) return s;
  return existed;
}

Result<bool> WritableStore::Delete(const std::string& id_term) {
  if (Status t = RequireTransaction("delete document"); !t.ok()) return t;
  bool existed = false;
  Status s = AbandonOnFailure(GuardXapian("delete document in '" + path_ + "'", [&] {
    existed = db_.term_exists(id_term);
    if (existed) db_.delete_document(id_term);
    changed_ = changed_ || existed;
  }));
  if (!s.ok()) return s;
  return existed;
}

Status WritableStore::Commit() {
  if (Status t = RequireTransaction("commit"); !t.ok()) return t;
  return GuardXapian("commit '" + path_ + "'", [&] {
    // Outside a transaction Xapian commits changes by itself, so from here
    // until the next one begins no change is accepted (Xapian also ends the
    // transaction when commit_transaction fails).
    in_transaction_ = false;
    db_.commit_transaction();  // atomic: all of it is on disk, or none
    changed_ = false;
    db_.begin_transaction(/*flushed=*/true);
    in_transaction_ = true;
  });
}

Status WritableStore::ReadCommitted(const std::string& what, const std::function<void(const Xapian::Database&)>& fn) {
  if (Status t = RequireTransaction(what); !t.ok()) return t;
  return GuardXapian(what, [&] { fn(db_); });
}

Result<std::string> WritableStore::GetMetadata(const std::string& key) {
  std::string value;
  Status s = GuardXapian("read metadata", [&] { value = db_.get_metadata(key); });
  if (!s.ok()) return s;
  return value;
}

Status WritableStore::SetMetadata(const std::string& key, const std::string& value) {
  if (Status t = RequireTransaction("write metadata"); !t.ok()) return t;
  return AbandonOnFailure(GuardXapian("write metadata in '" + path_ + "'", [&] {
    changed_ = true;
    db_.set_metadata(key, value);
  }));
}

Status WritableStore::Compact(const std::vector<const WritableStore*>& parts) {
  if (Status t = RequireTransaction("compact"); !t.ok()) return t;
  if (changed_) return Status::Internal("compact '" + path_ + "': changes are not committed yet");
  for (const WritableStore* part : parts) {
    if (!part->scratch_ || part->changed_ || !part->in_transaction_) {
      return Status::Internal("compact '" + path_ + "': part '" + part->path_ +
                              "' is not a committed scratch database");
    }
  }
  std::string base = path_;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  const fs::path scratch = base + ".compacting";
  std::error_code ec;
  fs::remove_all(scratch, ec);  // left by a run that stopped midway
  Status s = GuardXapian("compact '" + path_ + "'", [&] {
    // Nothing is pending (the caller committed): ending the transaction
    // changes nothing on disk, and no change is accepted until it reopens.
    in_transaction_ = false;
    db_.cancel_transaction();
    if (parts.empty()) {
      db_.compact(scratch.string(), Xapian::DBCOMPACT_NO_RENUMBER);
    } else {
      // The parts' documents follow the index's, renumbered; the user
      // metadata (format, settings, slots) is the index's alone.
      Xapian::Database all(path_);
      for (const WritableStore* part : parts) all.add_database(Xapian::Database(part->path_));
      all.compact(scratch.string());
    }
  });
  if (s.ok()) {
    // The version file last: until it moves, a reader opening sees the old
    // version file over new tables, fails and retries (ReadableStore).
    std::vector<fs::path> tables;
    for (const auto& entry : fs::directory_iterator(scratch, ec)) {
      if (entry.path().filename() != "iamglass") tables.push_back(entry.path());
    }
    tables.push_back(scratch / "iamglass");
    if (ec) s = Status::IOError("compact '" + path_ + "': cannot list '" + scratch.string() + "': " + ec.message());
    for (const auto& table : tables) {
      if (!s.ok()) break;
      fs::rename(table, fs::path(path_) / table.filename(), ec);
      if (ec) s = Status::IOError("compact '" + path_ + "': cannot move '" + table.string() + "': " + ec.message());
    }
  }
  fs::remove_all(scratch, ec);
  created_ = false;
  // Reopened either way: a failed compaction left the committed tables (or,
  // failing in the renames, a damaged index that reopening reports).
  Status reopened = GuardXapian("reopen '" + path_ + "' after compacting", [&] {
    db_.close();
    db_ = Xapian::WritableDatabase(path_, Xapian::DB_OPEN);
    db_.begin_transaction(/*flushed=*/true);
    in_transaction_ = true;
  });
  return s.ok() ? reopened : s;
}

}  // namespace portalkb
