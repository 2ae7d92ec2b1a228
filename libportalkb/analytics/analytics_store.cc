#include "analytics/analytics_store.h"

#include <algorithm>

namespace portalkb {
namespace {

// Each step moves the schema one version up; never edit a released step.
constexpr sqlite::MigrationStep kMigrations[] = {
    // 0 -> 1: the first schema.
    {1, R"sql(
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
    )sql"},
    // 1 -> 2: corrections and latency per search; support contacts; session index.
    {2, R"sql(
      ALTER TABLE searches ADD COLUMN corrected TEXT NOT NULL DEFAULT '';
      ALTER TABLE searches ADD COLUMN latency_ms REAL NOT NULL DEFAULT 0;
      CREATE INDEX searches_session ON searches(session, ts);
      CREATE TABLE support_contacts(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL, ts INTEGER NOT NULL);
      CREATE INDEX support_query ON support_contacts(query_id);
      CREATE INDEX feedback_query ON feedback(query_id);
    )sql"},
    // 2 -> 3: typing bursts and clicks marked on the search itself, so
    // reports over a million searches need no window functions or joins.
    {3, R"sql(
      ALTER TABLE searches ADD COLUMN superseded_ms INTEGER;
      ALTER TABLE searches ADD COLUMN clicked INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE searches ADD COLUMN session_seq INTEGER;
      UPDATE searches SET clicked = 1 WHERE query_id IN (SELECT query_id FROM clicks);
      CREATE INDEX searches_zero ON searches(results, ts);
    )sql"},
    // 3 -> 4: frequent successful queries by prefix, for suggestions: a
    // partial index holding only the searches that ended in a click.
    {4, R"sql(
      CREATE INDEX searches_successful ON searches(normalized)
        WHERE clicked = 1 AND results > 0 AND superseded_ms IS NULL;
    )sql"},
    // 4 -> 5: whether the redactor replaced anything in the query (such a
    // query is never suggested to anyone), and the language the engine
    // detected for searches made without one. Rows from before have no flag:
    // any holding a placeholder counts as redacted; a small partial index
    // finds a query's redacted searches. Suggestions count distinct people,
    // so their partial index now covers user_key and session too. Roles are stored
    // normalised so a filter can match ",role," exactly.
    {5, R"sql(
      ALTER TABLE searches ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE searches ADD COLUMN detected_lang TEXT NOT NULL DEFAULT '';
      UPDATE searches SET redacted = 1 WHERE instr(query, '[') > 0;
      UPDATE searches SET roles = lower(replace(roles, ' ', '')) WHERE roles <> lower(replace(roles, ' ', ''));
      CREATE INDEX searches_redacted ON searches(normalized) WHERE redacted = 1;
      DROP INDEX searches_successful;
      CREATE INDEX searches_suggest ON searches(normalized, user_key, session)
        WHERE clicked = 1 AND results > 0 AND superseded_ms IS NULL;
    )sql"},
};

}  // namespace

std::span<const sqlite::MigrationStep> AnalyticsStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<AnalyticsStore>> AnalyticsStore::Open(const std::string& path) {
  sqlite::ConnectionOptions options;
  // Erasure and retention must not leave personal data in free pages.
  options.secure_delete = true;
  auto db = sqlite::Connection::Open(path, options);
  if (!db.ok()) return Status::IOError("analytics log: " + db.status().message());
  // The errors name the file, so they need no prefix.
  if (auto migrated = sqlite::Migrate(db.value(), kMigrations); !migrated.ok()) return migrated.status();
  return std::unique_ptr<AnalyticsStore>(new AnalyticsStore(std::move(db).value()));
}

Status AnalyticsStore::Run(const std::string& sql, const std::vector<sqlite::Value>& params) {
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  for (std::size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
  return st->Run();
}

Status AnalyticsStore::InsertSearches(std::vector<StoredSearch> batch) {
  if (batch.empty()) return Status::Ok();
  // Events of one session may be queued by different threads out of order;
  // bursts are judged in timestamp order.
  std::stable_sort(batch.begin(), batch.end(),
                   [](const StoredSearch& a, const StoredSearch& b) { return a.ts_ms < b.ts_ms; });
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Transaction transaction(db_);
  if (!transaction.status().ok()) return transaction.status();
  auto st = db_.Prepare(
      "INSERT OR IGNORE INTO searches(query_id, ts, query, normalized, lang, roles, org_key, user_key, "
      "session, results, corrected, latency_ms, redacted, detected_lang) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  for (const auto& e : batch) {
    st->Reset();
    st->BindText(1, e.query_id)
        .BindInt64(2, e.ts_ms)
        .BindText(3, e.query)
        .BindText(4, e.normalized)
        .BindText(5, e.lang)
        .BindText(6, e.roles)
        .BindText(7, e.org_key)
        .BindText(8, e.user_key)
        .BindText(9, e.session)
        .BindInt64(10, e.results)
        .BindText(11, e.corrected)
        .BindDouble(12, e.latency_ms)
        .BindInt64(13, e.redacted ? 1 : 0)
        .BindText(14, e.detected_lang);
    if (Status s = st->Run(); !s.ok()) return s;
    // A duplicate query id was ignored: it is not a new search of its session.
    if (db_.Changes() == 0) continue;
    if (Status s = MarkBurst(e); !s.ok()) return s;
  }
  return transaction.Commit();
}

namespace {

// True when `later` types on `earlier`: a strict prefix extended.
bool Extends(const std::string& earlier, const std::string& later) {
  return earlier.size() < later.size() && later.compare(0, earlier.size(), earlier) == 0;
}

}  // namespace

Status AnalyticsStore::MarkBurst(const StoredSearch& e) {
  if (e.session.empty()) return Status::Ok();
  // The session's neighbours of `e` in time. In the usual case `e` is the
  // latest and its predecessor is remembered; otherwise (a new session, one
  // another process wrote or the table let go of, or an event queued late)
  // both come from the file.
  std::optional<RecentSessions::Entry> previous = recent_.Find(e.session);
  const bool latest = previous.has_value() && previous->ts_ms <= e.ts_ms;
  std::optional<RecentSessions::Entry> next;
  std::string next_normalized;
  if (!latest) {
    previous.reset();
    for (const bool before : {true, false}) {
      auto st =
          db_.Prepare(before ? "SELECT query_id, normalized, ts, coalesce(session_seq, 1) FROM searches "
                               "WHERE session = ?1 AND query_id <> ?2 AND ts <= ?3 ORDER BY ts DESC, id DESC LIMIT 1"
                             : "SELECT query_id, normalized, ts, coalesce(session_seq, 1) FROM searches "
                               "WHERE session = ?1 AND query_id <> ?2 AND ts > ?3 ORDER BY ts, id LIMIT 1");
      if (!st.ok()) return st.status();
      st->BindText(1, e.session).BindText(2, e.query_id).BindInt64(3, e.ts_ms);
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!row.value()) continue;
      const std::string normalized = st->Text(1);
      (before ? previous : next) = RecentSessions::Entry{st->Text(0), normalized.size(),
                                                         RecentSessions::Hash(normalized), st->Int64(2), st->Int64(3)};
      if (!before) next_normalized = normalized;
    }
  }
  // superseded_ms on a search: how long after it the session's next search
  // typed on it; NULL when the next one did not (or there is none yet).
  const bool extends = previous.has_value() && RecentSessions::Extends(*previous, e.normalized);
  const long long dt = extends ? e.ts_ms - previous->ts_ms : 0;
  if (previous.has_value() && (extends || next.has_value())) {
    // A late `e` now sits between `previous` and `next`, so it decides.
    if (Status s =
            Run("UPDATE searches SET superseded_ms = ?1 WHERE query_id = ?2",
                {extends ? sqlite::Value(static_cast<std::int64_t>(dt)) : sqlite::Value(nullptr), previous->query_id});
        !s.ok()) {
      return s;
    }
  }
  std::optional<std::int64_t> superseded;
  if (next.has_value() && Extends(e.normalized, next_normalized)) superseded = next->ts_ms - e.ts_ms;
  // The search's number within its session; a burst continuation within the
  // default window keeps its predecessor's number. (A late search does not
  // renumber the ones after it.)
  const long long seq = !previous.has_value() ? 1 : previous->seq + (extends && dt <= kDefaultBurstWindowMs ? 0 : 1);
  if (Status s = Run("UPDATE searches SET session_seq = ?1, superseded_ms = ?2 WHERE query_id = ?3",
                     {static_cast<std::int64_t>(seq), superseded ? sqlite::Value(*superseded) : sqlite::Value(nullptr),
                      e.query_id});
      !s.ok()) {
    return s;
  }
  if (!latest && next.has_value()) return Status::Ok();
  recent_.Remember(e.session, e.query_id, e.normalized, e.ts_ms, seq);
  return Status::Ok();
}

Status AnalyticsStore::Query(const std::string& sql, const std::vector<sqlite::Value>& params,
                             const std::function<void(const Row&)>& row) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  for (std::size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
  Row values(static_cast<std::size_t>(st->ColumnCount()));
  while (true) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!more.value()) return Status::Ok();
    for (std::size_t c = 0; c < values.size(); ++c) values[c] = st->Text(static_cast<int>(c));
    if (row) row(values);
  }
}

Status AnalyticsStore::InsertClick(const std::string& query_id, const std::string& doc_id, int position,
                                   long long ts_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Transaction transaction(db_);
  if (!transaction.status().ok()) return transaction.status();
  if (Status s = Run("INSERT INTO clicks(query_id, doc_id, position, ts) VALUES(?,?,?,?)",
                     {query_id, doc_id, static_cast<std::int64_t>(position), static_cast<std::int64_t>(ts_ms)});
      !s.ok()) {
    return s;
  }
  if (Status s = Run("UPDATE searches SET clicked = 1 WHERE query_id = ?", {query_id}); !s.ok()) return s;
  return transaction.Commit();
}

Status AnalyticsStore::InsertFeedback(const std::string& query_id, const std::string& doc_id, bool helpful,
                                      const std::string& comment, long long ts_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Run("INSERT INTO feedback(query_id, doc_id, helpful, comment, ts) VALUES(?,?,?,?,?)",
             {query_id, doc_id, static_cast<std::int64_t>(helpful ? 1 : 0), comment, static_cast<std::int64_t>(ts_ms)});
}

Status AnalyticsStore::InsertSupportContact(const std::string& query_id, long long ts_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Run("INSERT INTO support_contacts(query_id, ts) VALUES(?,?)", {query_id, static_cast<std::int64_t>(ts_ms)});
}

Result<std::size_t> AnalyticsStore::DeleteOlderThan(long long cutoff_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Transaction transaction(db_);
  if (!transaction.status().ok()) return transaction.status();
  std::size_t deleted = 0;
  for (const char* sql : {"DELETE FROM clicks WHERE ts < ?", "DELETE FROM feedback WHERE ts < ?",
                          "DELETE FROM support_contacts WHERE ts < ?", "DELETE FROM searches WHERE ts < ?"}) {
    if (Status s = Run(sql, {static_cast<std::int64_t>(cutoff_ms)}); !s.ok()) return s;
    deleted = static_cast<std::size_t>(db_.Changes());  // the last one: searches
  }
  if (Status s = transaction.Commit(); !s.ok()) return s;
  return deleted;
}

Result<std::size_t> AnalyticsStore::DeleteUser(const std::string& user_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Transaction transaction(db_);
  if (!transaction.status().ok()) return transaction.status();
  std::size_t deleted = 0;
  // Events linked to the user's searches go with them.
  for (const char* sql :
       {"DELETE FROM clicks WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?)",
        "DELETE FROM feedback WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?)",
        "DELETE FROM support_contacts WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?)",
        "DELETE FROM searches WHERE user_key = ?"}) {
    if (Status s = Run(sql, {user_key}); !s.ok()) return s;
    deleted = static_cast<std::size_t>(db_.Changes());
  }
  if (Status s = transaction.Commit(); !s.ok()) return s;
  return deleted;
}

Result<std::size_t> AnalyticsStore::PseudonymiseUser(const std::string& user_key, const std::string& pseudonym,
                                                     const std::function<std::string()>& new_session) {
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Transaction transaction(db_);
  if (!transaction.status().ok()) return transaction.status();
  std::vector<std::string> sessions;
  {
    auto st = db_.Prepare("SELECT DISTINCT session FROM searches WHERE user_key = ? AND session != ''");
    if (!st.ok()) return st.status();
    st->BindText(1, user_key);
    while (true) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      sessions.push_back(st->Text(0));
    }
  }
  for (const auto& session : sessions) {
    if (Status s = Run("UPDATE searches SET session = ?1 WHERE user_key = ?2 AND session = ?3",
                       {new_session(), user_key, session});
        !s.ok()) {
      return s;
    }
  }
  if (Status s = Run("UPDATE feedback SET comment = '' WHERE comment != '' AND query_id IN "
                     "(SELECT query_id FROM searches WHERE user_key = ?)",
                     {user_key});
      !s.ok()) {
    return s;
  }
  if (Status s = Run("UPDATE searches SET user_key = ?1 WHERE user_key = ?2", {pseudonym, user_key}); !s.ok()) return s;
  const auto rewritten = static_cast<std::size_t>(db_.Changes());
  if (Status s = transaction.Commit(); !s.ok()) return s;
  return rewritten;
}

Result<std::optional<std::string>> AnalyticsStore::LegacyPseudonymKey() {
  std::lock_guard<std::mutex> lock(mutex_);
  auto st = db_.Prepare("SELECT value FROM meta WHERE key = 'pseudonym_key'");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) return std::optional<std::string>();
  return std::optional<std::string>(st->Text(0));
}

Status AnalyticsStore::DeleteLegacyPseudonymKey() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (Status s = Run("DELETE FROM meta WHERE key = 'pseudonym_key'", {}); !s.ok()) return s;
  // The deleted page is zeroed (secure_delete); the checkpoint copies that
  // into the database and empties the WAL, which held the key too.
  return db_.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace portalkb
