#include "analytics/analytics_store.h"

#include <sodium.h>

#include <functional>

namespace portalkb {
namespace {

// Each step moves the schema one version up; never edit a released step.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
      CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
      CREATE TABLE searches(
        id INTEGER PRIMARY KEY,
        query_id TEXT NOT NULL UNIQUE,
        ts INTEGER NOT NULL,
        query TEXT NOT NULL,
        normalized TEXT NOT NULL,
        lang TEXT NOT NULL DEFAULT '',
        roles TEXT NOT NULL DEFAULT '',
        org_key TEXT NOT NULL DEFAULT '',
        user_key TEXT NOT NULL DEFAULT '',
        session TEXT NOT NULL DEFAULT '',
        results INTEGER NOT NULL);
      CREATE INDEX searches_ts ON searches(ts);
      CREATE INDEX searches_user ON searches(user_key);
      CREATE TABLE clicks(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL, doc_id TEXT NOT NULL,
                          position INTEGER NOT NULL, ts INTEGER NOT NULL);
      CREATE INDEX clicks_query ON clicks(query_id);
      CREATE TABLE feedback(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL DEFAULT '', doc_id TEXT NOT NULL,
                            helpful INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '', ts INTEGER NOT NULL);
    )sql",
    // 1 -> 2: corrections and latency per search; support contacts; session index.
    R"sql(
      ALTER TABLE searches ADD COLUMN corrected TEXT NOT NULL DEFAULT '';
      ALTER TABLE searches ADD COLUMN latency_ms REAL NOT NULL DEFAULT 0;
      CREATE INDEX searches_session ON searches(session, ts);
      CREATE TABLE support_contacts(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL, ts INTEGER NOT NULL);
      CREATE INDEX support_query ON support_contacts(query_id);
      CREATE INDEX feedback_query ON feedback(query_id);
    )sql",
    // 2 -> 3: typing bursts and clicks marked on the search itself, so
    // reports over a million searches need no window functions or joins.
    R"sql(
      ALTER TABLE searches ADD COLUMN superseded_ms INTEGER;
      ALTER TABLE searches ADD COLUMN clicked INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE searches ADD COLUMN session_seq INTEGER;
      UPDATE searches SET clicked = 1 WHERE query_id IN (SELECT query_id FROM clicks);
      CREATE INDEX searches_zero ON searches(results, ts);
    )sql",
    // 3 -> 4: frequent successful queries by prefix, for suggestions: a
    // partial index holding only the searches that ended in a click.
    R"sql(
      CREATE INDEX searches_successful ON searches(normalized)
        WHERE clicked = 1 AND results > 0 AND superseded_ms IS NULL;
    )sql",
};
static_assert(std::size(kMigrations) == AnalyticsStore::kSchemaVersion);

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

}  // namespace

Status AnalyticsStore::Error(const std::string& what) const {
  return Status::IOError("analytics log '" + path_ + "': " + what + ": " + sqlite3_errmsg(db_));
}

Status AnalyticsStore::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string m = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return Status::IOError("analytics log '" + path_ + "': " + m);
  }
  return Status::Ok();
}

Result<std::unique_ptr<AnalyticsStore>> AnalyticsStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IOError("cannot open analytics log '" + path + "': " + message);
  }
  std::unique_ptr<AnalyticsStore> store(new AnalyticsStore(db, path));
  sqlite3_busy_timeout(db, 5000);
  // WAL: readers never block the writer; NORMAL sync: a process crash loses
  // nothing committed, and the file is never left corrupt.
  if (Status s = store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.ok()) return s;
  if (Status s = store->Migrate(); !s.ok()) return s;
  return store;
}

AnalyticsStore::~AnalyticsStore() { sqlite3_close(db_); }

Status AnalyticsStore::Migrate() {
  std::lock_guard<std::mutex> lock(mutex_);
  int version = 0;
  {
    Statement st;
    if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st.stmt, nullptr) != SQLITE_OK) return Error("read schema version");
    if (sqlite3_step(st.stmt) == SQLITE_ROW) version = sqlite3_column_int(st.stmt, 0);
  }
  if (version > kSchemaVersion) {
    return Status::Corruption("analytics log '" + path_ + "' has schema version " + std::to_string(version) +
                              ", newer than this build (" + std::to_string(kSchemaVersion) + ")");
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Status s = Exec(kMigrations[v]);
    if (s.ok()) s = Exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
    if (!s.ok()) {
      Exec("ROLLBACK").ok();
      return Status::IOError("migrating analytics log to version " + std::to_string(v + 1) + ": " + s.message());
    }
    if (Status c = Exec("COMMIT"); !c.ok()) return c;
  }
  version_ = kSchemaVersion;
  return Status::Ok();
}

Status AnalyticsStore::InsertSearches(const std::vector<StoredSearch>& batch) {
  if (batch.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mutex_);
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Statement st;
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR IGNORE INTO searches(query_id, ts, query, normalized, lang, roles, org_key, user_key, "
                         "session, results, corrected, latency_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &st.stmt, nullptr) != SQLITE_OK) {
    Exec("ROLLBACK").ok();
    return Error("prepare insert");
  }
  for (const auto& e : batch) {
    sqlite3_bind_text(st.stmt, 1, e.query_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.stmt, 2, e.ts_ms);
    sqlite3_bind_text(st.stmt, 3, e.query.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 4, e.normalized.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 5, e.lang.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 6, e.roles.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 7, e.org_key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 8, e.user_key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 9, e.session.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.stmt, 10, e.results);
    sqlite3_bind_text(st.stmt, 11, e.corrected.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st.stmt, 12, e.latency_ms);
    if (sqlite3_step(st.stmt) != SQLITE_DONE) {
      Status s = Error("insert search");
      Exec("ROLLBACK").ok();
      return s;
    }
    sqlite3_reset(st.stmt);
    if (Status s = MarkBurst(e); !s.ok()) {
      Exec("ROLLBACK").ok();
      return s;
    }
  }
  return Exec("COMMIT");
}

Status AnalyticsStore::MarkBurst(const StoredSearch& e) {
  if (e.session.empty()) return Status::Ok();
  // The session's previous search: remembered, or looked up (another
  // process may have written it).
  auto it = last_by_session_.find(e.session);
  LastSearch previous;
  if (it != last_by_session_.end()) {
    previous = it->second;
  } else {
    Statement st;
    if (sqlite3_prepare_v2(db_, "SELECT query_id, normalized, ts, coalesce(session_seq, 1) FROM searches WHERE session = ? AND query_id <> ? "
                                "ORDER BY ts DESC LIMIT 1", -1, &st.stmt, nullptr) != SQLITE_OK) {
      return Error("prepare burst lookup");
    }
    sqlite3_bind_text(st.stmt, 1, e.session.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.stmt, 2, e.query_id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.stmt) == SQLITE_ROW) {
      previous.query_id = reinterpret_cast<const char*>(sqlite3_column_text(st.stmt, 0));
      previous.normalized = reinterpret_cast<const char*>(sqlite3_column_text(st.stmt, 1));
      previous.ts_ms = sqlite3_column_int64(st.stmt, 2);
      previous.seq = sqlite3_column_int64(st.stmt, 3);
    }
  }
  // A strict prefix typed on: the earlier search is superseded after dt.
  const long long dt = e.ts_ms - previous.ts_ms;
  const bool extends = !previous.query_id.empty() && dt >= 0 && previous.normalized.size() < e.normalized.size() &&
                       e.normalized.compare(0, previous.normalized.size(), previous.normalized) == 0;
  if (extends) {
    Statement st;
    if (sqlite3_prepare_v2(db_, "UPDATE searches SET superseded_ms = ? WHERE query_id = ?", -1, &st.stmt, nullptr) != SQLITE_OK) {
      return Error("prepare burst mark");
    }
    sqlite3_bind_int64(st.stmt, 1, dt);
    sqlite3_bind_text(st.stmt, 2, previous.query_id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.stmt) != SQLITE_DONE) return Error("mark burst");
  }
  // The search's number within its session; a burst continuation within the
  // default window keeps its predecessor's number.
  const long long seq = previous.query_id.empty() ? 1 : previous.seq + (extends && dt <= kDefaultBurstWindowMs ? 0 : 1);
  {
    Statement st;
    if (sqlite3_prepare_v2(db_, "UPDATE searches SET session_seq = ? WHERE query_id = ?", -1, &st.stmt, nullptr) != SQLITE_OK) {
      return Error("prepare session sequence");
    }
    sqlite3_bind_int64(st.stmt, 1, seq);
    sqlite3_bind_text(st.stmt, 2, e.query_id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.stmt) != SQLITE_DONE) return Error("set session sequence");
  }
  if (last_by_session_.size() > 100000) last_by_session_.clear();  // bounded memory; the DB lookup covers the rest
  last_by_session_[e.session] = {e.query_id, e.normalized, e.ts_ms, seq};
  return Status::Ok();
}

Status AnalyticsStore::Query(const std::string& sql, const std::vector<std::string>& params,
                             const std::function<void(const Row&)>& row) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.stmt, nullptr) != SQLITE_OK) return Error("prepare query");
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(st.stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  const int columns = sqlite3_column_count(st.stmt);
  Row values(static_cast<std::size_t>(columns));
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
    for (int c = 0; c < columns; ++c) {
      const auto* text = sqlite3_column_text(st.stmt, c);
      values[static_cast<std::size_t>(c)] = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    }
    if (row) row(values);
  }
  if (rc != SQLITE_DONE) return Error("run query");
  return Status::Ok();
}

Status AnalyticsStore::InsertClick(const std::string& query_id, const std::string& doc_id, int position, long long ts_ms) {
  Status s = Query("INSERT INTO clicks(query_id, doc_id, position, ts) VALUES(?,?,?,?)",
                   {query_id, doc_id, std::to_string(position), std::to_string(ts_ms)}, nullptr);
  if (!s.ok()) return s;
  return Query("UPDATE searches SET clicked = 1 WHERE query_id = ?", {query_id}, nullptr);
}

Status AnalyticsStore::InsertFeedback(const std::string& query_id, const std::string& doc_id, bool helpful,
                                      const std::string& comment, long long ts_ms) {
  return Query("INSERT INTO feedback(query_id, doc_id, helpful, comment, ts) VALUES(?,?,?,?,?)",
               {query_id, doc_id, helpful ? "1" : "0", comment, std::to_string(ts_ms)}, nullptr);
}

Status AnalyticsStore::InsertSupportContact(const std::string& query_id, long long ts_ms) {
  return Query("INSERT INTO support_contacts(query_id, ts) VALUES(?,?)", {query_id, std::to_string(ts_ms)}, nullptr);
}

Result<std::size_t> AnalyticsStore::DeleteOlderThan(long long cutoff_ms) {
  const std::string cutoff = std::to_string(cutoff_ms);
  std::size_t deleted = 0;
  Status s = Query("SELECT count(*) FROM searches WHERE ts < ?", {cutoff}, [&](const Row& r) { deleted = std::stoull(r[0]); });
  for (const char* sql : {"DELETE FROM clicks WHERE ts < ?", "DELETE FROM feedback WHERE ts < ?",
                          "DELETE FROM support_contacts WHERE ts < ?", "DELETE FROM searches WHERE ts < ?"}) {
    if (s.ok()) s = Query(sql, {cutoff}, nullptr);
  }
  if (!s.ok()) return s;
  return deleted;
}

Result<std::size_t> AnalyticsStore::DeleteUser(const std::string& user_key) {
  std::size_t deleted = 0;
  Status s = Query("SELECT count(*) FROM searches WHERE user_key = ?", {user_key}, [&](const Row& r) { deleted = std::stoull(r[0]); });
  // Events linked to the user's searches go with them.
  for (const char* sql : {"DELETE FROM clicks WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?)",
                          "DELETE FROM feedback WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?)",
                          "DELETE FROM support_contacts WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?)",
                          "DELETE FROM searches WHERE user_key = ?"}) {
    if (s.ok()) s = Query(sql, {user_key}, nullptr);
  }
  if (!s.ok()) return s;
  return deleted;
}

Result<std::string> AnalyticsStore::PseudonymKey() {
  std::string key;
  auto read = [&] {
    return Query("SELECT value FROM meta WHERE key = 'pseudonym_key'", {}, [&](const Row& r) { key = r[0]; });
  };
  if (Status s = read(); !s.ok()) return s;
  if (!key.empty()) return key;
  unsigned char bytes[crypto_generichash_KEYBYTES];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  // Another process may have created it meanwhile: keep the first.
  if (Status s = Query("INSERT OR IGNORE INTO meta(key, value) VALUES('pseudonym_key', ?)", {hex}, nullptr); !s.ok()) return s;
  if (Status s = read(); !s.ok()) return s;
  return key;
}

}  // namespace portalkb
