// The SQLite side of analytics: schema and migrations, batched inserts,
// retention and erasure, and the queries behind the reports.
#pragma once

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>
#include <string>
#include <vector>

#include "portalkb/analytics.h"
#include "portalkb/status.h"

namespace portalkb {

// A search as stored: already redacted and pseudonymised.
struct StoredSearch {
  long long ts_ms = 0;
  std::string query_id, query, normalized, lang, roles, org_key, user_key, session;
  long long results = 0;
  std::string corrected;
  double latency_ms = 0;
};

// Thread-safety: every method takes the store's mutex.
class AnalyticsStore {
 public:
  // The current schema version; Open migrates older files step by step.
  static constexpr int kSchemaVersion = 4;

  static Result<std::unique_ptr<AnalyticsStore>> Open(const std::string& path);
  ~AnalyticsStore();

  // One transaction for the whole batch.
  Status InsertSearches(const std::vector<StoredSearch>& batch);
  Status InsertClick(const std::string& query_id, const std::string& doc_id, int position, long long ts_ms);
  Status InsertFeedback(const std::string& query_id, const std::string& doc_id, bool helpful,
                        const std::string& comment, long long ts_ms);
  Status InsertSupportContact(const std::string& query_id, long long ts_ms);

  Result<std::size_t> DeleteOlderThan(long long cutoff_ms);
  Result<std::size_t> DeleteUser(const std::string& user_key);

  // The 32-byte key for pseudonymous ids, created on first use.
  Result<std::string> PseudonymKey();

  // Runs `sql` with `params` (text) and calls `row` for each result row.
  using Row = std::vector<std::string>;
  Status Query(const std::string& sql, const std::vector<std::string>& params,
               const std::function<void(const Row&)>& row);

  int schema_version() const { return version_; }

 private:
  AnalyticsStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);
  // Marks the session's previous search as superseded when `e` extends it
  // (a typing burst). Caller holds the mutex inside a transaction.
  Status MarkBurst(const StoredSearch& e);
  Status Migrate();
  Status Error(const std::string& what) const;

  std::mutex mutex_;
  sqlite3* db_;
  std::string path_;
  int version_ = 0;
  struct LastSearch {
    std::string query_id, normalized;
    long long ts_ms = 0;
    long long seq = 1;
  };
  static constexpr long long kDefaultBurstWindowMs = 5000;
  std::unordered_map<std::string, LastSearch> last_by_session_;
};

}  // namespace portalkb
