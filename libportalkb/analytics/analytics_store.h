// The SQLite side of analytics: schema and migrations, batched inserts,
// retention and erasure, and the queries behind the reports. All SQLite
// handling goes through the sqlite adapter (sqlite/sqlite.h).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analytics/recent_sessions.h"
#include "core/thread_annotations.h"
#include "portalkb/status.h"
#include "sqlite/sqlite.h"

namespace portalkb {

// A search as stored: already redacted and pseudonymised.
struct StoredSearch {
  long long ts_ms = 0;
  std::string query_id, query, normalized, lang, detected_lang;
  // Comma-separated, each role normalised (no commas inside), so a filter
  // matches ",role," exactly.
  std::string roles;
  std::string org_key, user_key;
  std::string session;  // a keyed hash of the caller's session id
  long long results = 0;
  std::string corrected;
  double latency_ms = 0;
  bool redacted = false;  // the redactor replaced something in the query
};

// Thread-safety: every method takes the store's mutex, so one store may be
// shared by the writer thread and any number of callers.
class AnalyticsStore {
 public:
  static Result<std::unique_ptr<AnalyticsStore>> Open(const std::string& path);

  // The migration steps, exposed so tests can check a file at any version.
  static std::span<const sqlite::MigrationStep> Migrations();
  static int SchemaVersion() { return static_cast<int>(Migrations().size()); }

  // One transaction for the whole batch. Searches are written in timestamp
  // order whatever order they were queued in (see MarkBurst).
  Status InsertSearches(std::vector<StoredSearch> batch);
  Status InsertClick(const std::string& query_id, const std::string& doc_id, int position, long long ts_ms);
  Status InsertFeedback(const std::string& query_id, const std::string& doc_id, bool helpful,
                        const std::string& comment, long long ts_ms);
  Status InsertSupportContact(const std::string& query_id, long long ts_ms);

  Result<std::size_t> DeleteOlderThan(long long cutoff_ms);
  Result<std::size_t> DeleteUser(const std::string& user_key);
  // Replaces `user_key` by `pseudonym` in searches, each distinct session of
  // those searches by a value of `new_session()`, and empties the feedback
  // comments on them; one transaction. Returns the searches rewritten.
  Result<std::size_t> PseudonymiseUser(const std::string& user_key, const std::string& pseudonym,
                                       const std::function<std::string()>& new_session);

  // The pseudonym key kept in the file by schema versions before 5 (hex),
  // if any. The key now lives in its own file (see pseudonym_key.h).
  Result<std::optional<std::string>> LegacyPseudonymKey();
  // Deletes the in-file key (zeroing its page) and checkpoints the WAL, so
  // no copy of it stays behind in the database or its journal.
  Status DeleteLegacyPseudonymKey();

  // Runs `sql` with `params` and calls `row` for each result row (every
  // column as text; NULL as "").
  using Row = std::vector<std::string>;
  Status Query(const std::string& sql, const std::vector<sqlite::Value>& params,
               const std::function<void(const Row&)>& row);

 private:
  explicit AnalyticsStore(sqlite::Connection db) : db_(std::move(db)) {}
  Status Run(const std::string& sql, const std::vector<sqlite::Value>& params) REQUIRES(mutex_);
  // Marks the session's previous search as superseded when `e` extends it
  // (a typing burst). Caller holds the mutex inside a transaction.
  Status MarkBurst(const StoredSearch& e) REQUIRES(mutex_);

  std::mutex mutex_;
  sqlite::Connection db_ GUARDED_BY(mutex_);
  static constexpr long long kDefaultBurstWindowMs = 5000;
  // The latest search (by timestamp) of recent sessions.
  RecentSessions recent_ GUARDED_BY(mutex_);
};

}  // namespace portalkb
