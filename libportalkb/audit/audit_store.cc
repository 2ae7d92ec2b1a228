#include "audit/audit_store.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "audit/audit_chain.h"
#include "audit/audit_key.h"
#include "core/text.h"
#include "portalkb/principal.h"

namespace portalkb {
namespace {

using audit::ChainFields;
using audit::EntryHash;
using audit::FromHex;
using audit::ToHex;

// Released steps are never edited; a change is a new step.
constexpr std::array<sqlite::MigrationStep, 1> kMigrations = {{
    {1, R"sql(
CREATE TABLE audit_entries (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_user TEXT NOT NULL,
  org TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
-- Each filter of List is an index on (filter, time), so one account's
-- history is a range scan however long the trail is.
CREATE INDEX audit_by_subject ON audit_entries(subject_user, time);
CREATE INDEX audit_by_actor ON audit_entries(actor, time);
CREATE INDEX audit_by_org ON audit_entries(org, time);
CREATE INDEX audit_by_action ON audit_entries(action, time);
CREATE INDEX audit_by_time ON audit_entries(time);
-- One row: the newest entry (so truncation shows) and the anchor left by
-- pruning (the chain of the remaining entries starts from it).
CREATE TABLE audit_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  head_seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  head_time INTEGER NOT NULL,
  anchor_seq INTEGER NOT NULL,
  anchor_hash TEXT NOT NULL);
INSERT INTO audit_state VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, 0,
                                '0000000000000000000000000000000000000000000000000000000000000000');
-- Pseudonymised ids: the keyed digest of the id they replaced, which the
-- hashes of their entries cover.
CREATE TABLE audit_pseudonyms (
  pseudonym TEXT PRIMARY KEY,
  digest TEXT NOT NULL);
)sql"},
}};

constexpr const char* kEntryColumns = "seq, time, actor, action, subject_user, org, detail, prev_hash, hash";

AuditEntry ReadEntry(const sqlite::Statement& row) {
  AuditEntry e;
  e.seq = row.Int64(0);
  e.time = row.Int64(1);
  e.actor = row.Text(2);
  e.action = row.Text(3);
  e.subject_user = row.Text(4);
  e.org = row.Text(5);
  e.detail = row.Text(6);
  e.prev_hash = row.Text(7);
  e.hash = row.Text(8);
  return e;
}

bool ValidAction(std::string_view action) {
  if (action.empty() || action.size() > kMaxAuditActionBytes) return false;
  return std::all_of(action.begin(), action.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

Result<std::string> CleanId(const std::string& id, std::string_view what) {
  if (id.empty()) return std::string();
  return NormalizePrincipalId(id, what);
}

}  // namespace

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& path, AuditOptions options) {
  if (options.retention_days < 1) {
    return Status::InvalidArgument("audit retention_days " + std::to_string(options.retention_days) +
                                   ": must be 1 or more");
  }
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  if (!existed && !options.create) return Status::NotFound("no audit trail at '" + path + "'");
  sqlite::ConnectionOptions connection_options;
  connection_options.create = options.create;
  // Pseudonymise and Prune must not leave erased ids in free pages.
  connection_options.secure_delete = true;
  auto writer = sqlite::Connection::Open(path, connection_options);
  if (!writer.ok()) return writer.status();
  auto migrated = sqlite::Migrate(writer.value(), kMigrations);
  if (!migrated.ok()) return migrated.status();
  auto head = ReadHead(writer.value());
  if (!head.ok()) return head.status();
  // A new key is made only for a trail without entries: a trail whose key is
  // lost must not silently get another one (Verify would then fail on every
  // entry, which looks like tampering).
  const bool fresh = head->seq == 0 && head->anchor_seq == 0;
  auto key = LoadOrCreateAuditKey(AuditTrail::KeyPathFor(path), fresh);
  if (!key.ok()) return key.status();
  connection_options.create = false;
  auto reader = sqlite::Connection::Open(path, connection_options);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(writer).value(), std::move(reader).value(), path,
                                                    std::move(key).value(), std::move(options)));
}

long long AuditStore::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<AuditStore::CleanRecord> AuditStore::Clean(const AuditRecord& record) {
  CleanRecord clean;
  if (!ValidAction(record.action)) {
    return Status::InvalidArgument("audit action '" + Abbreviate(record.action) + "': expected 1-" +
                                   std::to_string(kMaxAuditActionBytes) + " of a-z 0-9 . _ -");
  }
  clean.action = record.action;
  auto actor = CleanId(record.actor, "actor");
  if (!actor.ok()) return actor.status();
  auto subject = CleanId(record.subject_user, "subject_user");
  if (!subject.ok()) return subject.status();
  auto org = CleanId(record.org, "org");
  if (!org.ok()) return org.status();
  clean.actor = std::move(actor).value();
  clean.subject_user = std::move(subject).value();
  clean.org = std::move(org).value();
  if (record.detail.size() > kMaxAuditDetailBytes) {
    return Status::InvalidArgument("audit detail of " + std::to_string(record.detail.size()) + " bytes: at most " +
                                   std::to_string(kMaxAuditDetailBytes));
  }
  if (record.detail.empty()) {
    clean.detail = "{}";
  } else {
    const auto parsed = nlohmann::json::parse(record.detail, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      return Status::InvalidArgument("audit detail: not a JSON object: " + Abbreviate(record.detail));
    }
    // dump() sorts keys (std::map), so equal objects have one stored text.
    clean.detail = parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return clean;
}

Result<AuditStore::Head> AuditStore::ReadHead(const sqlite::Connection& connection) {
  auto stmt = connection.Prepare("SELECT head_seq, head_hash, head_time, anchor_seq, anchor_hash FROM audit_state");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) return Status::Corruption("audit trail '" + connection.path() + "': its state row is missing");
  Head head;
  head.seq = stmt->Int64(0);
  head.hash = FromHex(stmt->Text(1));
  head.time = stmt->Int64(2);
  head.anchor_seq = stmt->Int64(3);
  head.anchor_hash = FromHex(stmt->Text(4));
  if (head.hash.size() != audit::kHashBytes || head.anchor_hash.size() != audit::kHashBytes) {
    return Status::Corruption("audit trail '" + connection.path() + "': its state row holds a malformed hash");
  }
  return head;
}

Result<std::string> AuditStore::DigestFor(const std::string& id) {
  if (id.empty()) return std::string();
  if (!digest_stmt_) {
    auto stmt = connection_.Prepare("SELECT digest FROM audit_pseudonyms WHERE pseudonym = ?");
    if (!stmt.ok()) return stmt.status();
    digest_stmt_.emplace(std::move(stmt).value());
  }
  sqlite::Statement& stmt = *digest_stmt_;
  stmt.Reset();
  stmt.BindText(1, id);
  auto row = stmt.Step();
  if (!row.ok()) return row.status();
  std::string digest = row.value() ? FromHex(stmt.Text(0)) : audit::IdDigest(key_, id);
  stmt.Reset();
  return digest;
}

Status AuditStore::WriteHead(const Head& head) {
  auto stmt = connection_.Prepare(
      "UPDATE audit_state SET head_seq = ?, head_hash = ?, head_time = ?, anchor_seq = ?, anchor_hash = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt64(1, head.seq)
      .BindText(2, ToHex(head.hash))
      .BindInt64(3, head.time)
      .BindInt64(4, head.anchor_seq)
      .BindText(5, ToHex(head.anchor_hash));
  return stmt->Run();
}

Result<AuditEntry> AuditStore::AppendLocked(const CleanRecord& record, Head& head) {
  auto actor_digest = DigestFor(record.actor);
  if (!actor_digest.ok()) return actor_digest.status();
  auto subject_digest = DigestFor(record.subject_user);
  if (!subject_digest.ok()) return subject_digest.status();
  AuditEntry entry;
  entry.seq = head.seq + 1;
  // Time never decreases along the chain, so "older than the retention" is
  // a prefix of it and Prune can keep one anchor.
  entry.time = std::max(Now(), head.time);
  entry.actor = record.actor;
  entry.action = record.action;
  entry.subject_user = record.subject_user;
  entry.org = record.org;
  entry.detail = record.detail;
  const std::string hash = EntryHash(ChainFields{entry.seq, entry.time, actor_digest.value(), entry.action,
                                                 subject_digest.value(), entry.org, entry.detail, head.hash});
  entry.prev_hash = ToHex(head.hash);
  entry.hash = ToHex(hash);
  if (!insert_stmt_) {
    auto stmt = connection_.Prepare(std::string("INSERT INTO audit_entries (") + kEntryColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    insert_stmt_.emplace(std::move(stmt).value());
  }
  sqlite::Statement* stmt = &*insert_stmt_;
  stmt->Reset();
  stmt->BindInt64(1, entry.seq)
      .BindInt64(2, entry.time)
      .BindText(3, entry.actor)
      .BindText(4, entry.action)
      .BindText(5, entry.subject_user)
      .BindText(6, entry.org)
      .BindText(7, entry.detail)
      .BindText(8, entry.prev_hash)
      .BindText(9, entry.hash);
  Status inserted = stmt->Run();
  stmt->Reset();
  if (!inserted.ok()) return inserted;
  head.seq = entry.seq;
  head.hash = hash;
  head.time = entry.time;
  return entry;
}

Status AuditStore::CheckNotReserved(const AuditRecord& record) {
  if (StartsWith(record.action, "audit.")) {
    return Status::InvalidArgument("audit action '" + Abbreviate(record.action) +
                                   "': audit.* actions are written by the trail itself");
  }
  return Status::Ok();
}

Result<AuditEntry> AuditStore::Append(const AuditRecord& record) {
  if (Status s = CheckNotReserved(record); !s.ok()) return s;
  auto clean = Clean(record);
  if (!clean.ok()) return clean.status();
  MutexLock lock(mutex_);
  sqlite::Transaction txn(connection_);
  if (!txn.status().ok()) return txn.status();
  auto head = ReadHead(connection_);
  if (!head.ok()) return head.status();
  auto entry = AppendLocked(clean.value(), head.value());
  if (!entry.ok()) return entry.status();
  if (Status s = WriteHead(head.value()); !s.ok()) return s;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return entry;
}

Status AuditStore::AppendAll(const std::vector<AuditRecord>& records) {
  std::vector<CleanRecord> clean;
  clean.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (Status s = CheckNotReserved(records[i]); !s.ok()) {
      return Status::InvalidArgument("record " + std::to_string(i) + ": " + s.message());
    }
    auto c = Clean(records[i]);
    if (!c.ok()) return Status::InvalidArgument("record " + std::to_string(i) + ": " + c.status().message());
    clean.push_back(std::move(c).value());
  }
  MutexLock lock(mutex_);
  sqlite::Transaction txn(connection_);
  if (!txn.status().ok()) return txn.status();
  auto head = ReadHead(connection_);
  if (!head.ok()) return head.status();
  for (const auto& record : clean) {
    auto entry = AppendLocked(record, head.value());
    if (!entry.ok()) return entry.status();
  }
  if (Status s = WriteHead(head.value()); !s.ok()) return s;
  return txn.Commit();
}

Result<std::vector<AuditEntry>> AuditStore::List(const AuditQuery& query) const {
  if (query.limit < 1 || query.limit > kMaxAuditListLimit) {
    return Status::InvalidArgument("audit list limit " + std::to_string(query.limit) + ": expected 1-" +
                                   std::to_string(kMaxAuditListLimit));
  }
  std::string sql = std::string("SELECT ") + kEntryColumns + " FROM audit_entries WHERE 1";
  std::vector<sqlite::Value> binds;
  const std::pair<const std::string*, const char*> ids[] = {
      {&query.user, "subject_user"}, {&query.actor, "actor"}, {&query.org, "org"}};
  for (const auto& [value, column] : ids) {
    if (value->empty()) continue;
    auto id = NormalizePrincipalId(*value, column == std::string_view("subject_user") ? "user" : column);
    if (!id.ok()) return id.status();
    sql += std::string(" AND ") + column + " = ?";
    binds.emplace_back(std::move(id).value());
  }
  if (!query.action.empty()) {
    if (!ValidAction(query.action)) {
      return Status::InvalidArgument("audit action '" + Abbreviate(query.action) + "': expected 1-" +
                                     std::to_string(kMaxAuditActionBytes) + " of a-z 0-9 . _ -");
    }
    sql += " AND action = ?";
    binds.emplace_back(query.action);
  }
  if (query.since) {
    sql += " AND time >= ?";
    binds.emplace_back(static_cast<std::int64_t>(*query.since));
  }
  if (query.until) {
    sql += " AND time < ?";
    binds.emplace_back(static_cast<std::int64_t>(*query.until));
  }
  // (time, seq) descending is the order of every (filter, time) index read
  // backwards (an index row ends with the rowid, here seq).
  sql += " ORDER BY time DESC, seq DESC LIMIT ?";
  binds.emplace_back(static_cast<std::int64_t>(query.limit));
  MutexLock lock(reader_mutex_);
  auto stmt = reader_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  for (std::size_t i = 0; i < binds.size(); ++i) stmt->Bind(static_cast<int>(i + 1), binds[i]);
  std::vector<AuditEntry> entries;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    entries.push_back(ReadEntry(stmt.value()));
  }
  return entries;
}

Result<std::vector<AuditWeekCount>> AuditStore::CountByOrgAndWeek(const std::string& action, long long since,
                                                                  long long until) const {
  if (!ValidAction(action)) {
    return Status::InvalidArgument("audit action '" + Abbreviate(action) + "': expected 1-" +
                                   std::to_string(kMaxAuditActionBytes) + " of a-z 0-9 . _ -");
  }
  // 1970-01-01 was a Thursday: day + 3 counts days from Monday 1969-12-29.
  constexpr const char* kSql =
      "SELECT org, ((time / 86400 + 3) / 7) * 7 * 86400 - 3 * 86400 AS week, count(*), count(DISTINCT subject_user)"
      " FROM audit_entries WHERE action = ?1 AND time >= ?2 AND time < ?3 GROUP BY org, week ORDER BY org, week";
  MutexLock lock(reader_mutex_);
  auto stmt = reader_.Prepare(kSql);
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, action).BindInt64(2, since).BindInt64(3, until);
  std::vector<AuditWeekCount> out;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    out.push_back({stmt->Text(0), stmt->Int64(1), stmt->Int64(2), stmt->Int64(3)});
  }
  return out;
}

Result<std::int64_t> AuditStore::SeqOfHash(const sqlite::Connection& connection, const std::string& hash_hex) {
  auto stmt = connection.Prepare("SELECT seq FROM audit_entries WHERE hash = ? LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, hash_hex);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  return row.value() ? stmt->Int64(0) : std::int64_t{0};
}

Result<AuditVerifyReport> AuditStore::Verify() const {
  sqlite::ConnectionOptions options;
  options.create = false;
  auto connection = sqlite::Connection::Open(path_, options);
  if (!connection.ok()) return connection.status();
  // One read transaction: the walk sees one snapshot of the file.
  if (Status s = connection->Exec("BEGIN"); !s.ok()) return s;
  auto report = Walk(connection.value());
  if (Status s = connection->Exec("COMMIT"); !s.ok() && report.ok()) return s;
  return report;
}

Result<AuditVerifyReport> AuditStore::Walk(const sqlite::Connection& connection) const {
  AuditVerifyReport report;
  auto head = ReadHead(connection);
  if (!head.ok()) return head.status();
  report.anchor_seq = head->anchor_seq;
  report.head_seq = head->seq;
  report.head_hash = ToHex(head->hash);

  std::map<std::string, std::string> pseudonyms;  // pseudonym -> digest (raw)
  {
    auto stmt = connection.Prepare("SELECT pseudonym, digest FROM audit_pseudonyms");
    if (!stmt.ok()) return stmt.status();
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      pseudonyms[stmt->Text(0)] = FromHex(stmt->Text(1));
    }
  }
  auto digest = [&](const std::string& id) {
    if (id.empty()) return std::string();
    const auto it = pseudonyms.find(id);
    return it != pseudonyms.end() ? it->second : audit::IdDigest(key_, id);
  };
  auto fail = [&](std::int64_t seq, std::string problem, std::string message) {
    report.ok = false;
    report.bad_seq = seq;
    report.problem = std::move(problem);
    report.message = "entry " + std::to_string(seq) + ": " + std::move(message);
  };
  // Names what broke the link of the entry at `seq`, given where the entry
  // its prev_hash names sits now (`where`, 0 for nowhere): later in the file
  // (reordered), or nowhere (deleted, the rest renumbered).
  auto classify_link = [&](std::int64_t seq, std::int64_t where) {
    if (where > seq) {
      fail(seq, "reordered", "out of order: it was written after the entry now at seq " + std::to_string(where));
    } else if (where == 0) {
      fail(seq, "deleted", "the entry it was written after is missing (deleted, and later entries renumbered)");
    } else {
      fail(seq, "edited", "its link to the previous entry was rewritten");
    }
  };

  std::int64_t expected_seq = head->anchor_seq + 1;
  std::string expected_prev_hex = ToHex(head->anchor_hash);
  std::int64_t last_prune_anchor = -1;
  auto stmt = connection.Prepare(std::string("SELECT ") + kEntryColumns + " FROM audit_entries ORDER BY seq");
  if (!stmt.ok()) return stmt.status();
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    const AuditEntry e = ReadEntry(stmt.value());
    if (e.seq < expected_seq) {
      fail(e.seq, "edited", "at or before the pruning anchor (seq " + std::to_string(head->anchor_seq) + ")");
      return report;
    }
    if (e.seq > expected_seq) {
      fail(expected_seq, "deleted",
           e.seq == expected_seq + 1 ? "missing (deleted)"
                                     : "missing (deleted) with the entries up to " + std::to_string(e.seq - 1));
      return report;
    }
    const std::string prev = FromHex(e.prev_hash);
    const std::string computed = ToHex(EntryHash(
        ChainFields{e.seq, e.time, digest(e.actor), e.action, digest(e.subject_user), e.org, e.detail, prev}));
    const bool linked = e.prev_hash == expected_prev_hex;
    const bool self_consistent = computed == e.hash && prev.size() == audit::kHashBytes;
    if (!linked) {
      auto where = SeqOfHash(connection, e.prev_hash);
      if (!where.ok()) return where.status();
      classify_link(e.seq, where.value());
      if (self_consistent || report.problem != "edited") return report;
    }
    if (!self_consistent) {
      fail(e.seq, "edited", "its content does not match its hash");
      return report;
    }
    if (e.action == "audit.prune") {
      const auto detail = nlohmann::json::parse(e.detail, nullptr, false);
      if (detail.is_object() && detail.contains("anchor_seq") && detail["anchor_seq"].is_number_integer()) {
        last_prune_anchor = detail["anchor_seq"].get<std::int64_t>();
      }
    }
    expected_prev_hex = e.hash;
    ++expected_seq;
    ++report.entries_checked;
  }
  const std::int64_t last_seq = expected_seq - 1;
  if (last_seq < head->seq) {
    fail(last_seq + 1, "truncated",
         "missing (deleted) with the entries up to the newest recorded, " + std::to_string(head->seq));
    return report;
  }
  if (last_seq > head->seq || expected_prev_hex != report.head_hash) {
    fail(last_seq, "edited", "it is not the newest entry the trail recorded (seq " + std::to_string(head->seq) + ")");
    return report;
  }
  // The anchor itself is checked against the prune entry that set it, so
  // raising the anchor over deleted entries shows too.
  if (head->anchor_seq > 0 && last_prune_anchor != head->anchor_seq) {
    fail(head->anchor_seq, "deleted",
         "the pruning anchor (seq " + std::to_string(head->anchor_seq) +
             ") was not set by a prune recorded in the trail");
    return report;
  }
  return report;
}

Result<AuditPruneReport> AuditStore::Prune() {
  MutexLock lock(mutex_);
  sqlite::Transaction txn(connection_);
  if (!txn.status().ok()) return txn.status();
  auto head = ReadHead(connection_);
  if (!head.ok()) return head.status();
  AuditPruneReport report;
  report.anchor_seq = head->anchor_seq;
  const long long cutoff = Now() - static_cast<long long>(options_.retention_days) * 86400;
  // Time never decreases with seq, so the old entries are the prefix up to S.
  auto last = connection_.Prepare(
      "SELECT seq, hash FROM audit_entries WHERE time < ? ORDER BY time DESC, seq DESC "
      "LIMIT 1");
  if (!last.ok()) return last.status();
  last->BindInt64(1, cutoff);
  auto row = last->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) return report;
  const std::int64_t anchor_seq = last->Int64(0);
  const std::string anchor_hash = FromHex(last->Text(1));
  if (anchor_hash.size() != audit::kHashBytes) {
    return Status::Corruption("audit trail '" + path_ + "': entry " + std::to_string(anchor_seq) +
                              " holds a malformed hash; run verify");
  }
  auto del = connection_.Prepare("DELETE FROM audit_entries WHERE seq <= ?");
  if (!del.ok()) return del.status();
  del->BindInt64(1, anchor_seq);
  if (Status s = del->Run(); !s.ok()) return s;
  report.deleted = connection_.Changes();
  report.anchor_seq = anchor_seq;
  head->anchor_seq = anchor_seq;
  head->anchor_hash = anchor_hash;
  CleanRecord record;
  record.actor = "audit";
  record.action = "audit.prune";
  record.detail = nlohmann::json{{"anchor_seq", anchor_seq},
                                 {"anchor_hash", ToHex(anchor_hash)},
                                 {"deleted", report.deleted},
                                 {"retention_days", options_.retention_days}}
                      .dump();
  auto entry = AppendLocked(record, head.value());
  if (!entry.ok()) return entry.status();
  if (Status s = WriteHead(head.value()); !s.ok()) return s;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return report;
}

Result<std::int64_t> AuditStore::Pseudonymise(const std::string& user, const std::string& pseudonym,
                                              const std::string& actor) {
  auto clean_user = NormalizePrincipalId(user, "user");
  if (!clean_user.ok()) return clean_user.status();
  auto clean_pseudonym = NormalizePrincipalId(pseudonym, "pseudonym");
  if (!clean_pseudonym.ok()) return clean_pseudonym.status();
  if (clean_user.value() == clean_pseudonym.value()) {
    return Status::InvalidArgument("pseudonym '" + clean_pseudonym.value() + "': equal to the user it replaces");
  }
  AuditRecord note;
  note.actor = actor;
  note.action = "audit.pseudonymise";
  note.subject_user = clean_pseudonym.value();
  auto clean_note = Clean(note);
  if (!clean_note.ok()) return clean_note.status();

  MutexLock lock(mutex_);
  sqlite::Transaction txn(connection_);
  if (!txn.status().ok()) return txn.status();
  // A pseudonym names one erased id for good: one already in the trail (as an
  // id or as a pseudonym) would make two people's entries indistinguishable.
  auto used = connection_.Prepare(
      "SELECT 1 WHERE EXISTS (SELECT 1 FROM audit_entries WHERE subject_user = ?1) OR "
      "EXISTS (SELECT 1 FROM audit_entries WHERE actor = ?1) OR "
      "EXISTS (SELECT 1 FROM audit_pseudonyms WHERE pseudonym = ?1)");
  if (!used.ok()) return used.status();
  used->BindText(1, clean_pseudonym.value());
  auto taken = used->Step();
  if (!taken.ok()) return taken.status();
  if (taken.value()) {
    return Status::AlreadyExists("pseudonym '" + clean_pseudonym.value() + "': already used in the audit trail");
  }
  auto user_digest = DigestFor(clean_user.value());
  if (!user_digest.ok()) return user_digest.status();
  auto insert = connection_.Prepare("INSERT INTO audit_pseudonyms (pseudonym, digest) VALUES (?, ?)");
  if (!insert.ok()) return insert.status();
  insert->BindText(1, clean_pseudonym.value()).BindText(2, ToHex(user_digest.value()));
  if (Status s = insert->Run(); !s.ok()) return s;
  // The user may itself have been a pseudonym (pseudonymised twice): it then
  // names nothing any more.
  auto drop = connection_.Prepare("DELETE FROM audit_pseudonyms WHERE pseudonym = ?");
  if (!drop.ok()) return drop.status();
  drop->BindText(1, clean_user.value());
  if (Status s = drop->Run(); !s.ok()) return s;

  std::int64_t rewritten = 0;
  for (const char* sql : {"UPDATE audit_entries SET subject_user = ?1 WHERE subject_user = ?2",
                          "UPDATE audit_entries SET actor = ?1 WHERE actor = ?2"}) {
    auto update = connection_.Prepare(sql);
    if (!update.ok()) return update.status();
    update->BindText(1, clean_pseudonym.value()).BindText(2, clean_user.value());
    if (Status s = update->Run(); !s.ok()) return s;
    rewritten += connection_.Changes();
  }
  auto head = ReadHead(connection_);
  if (!head.ok()) return head.status();
  clean_note->detail = nlohmann::json{{"rewritten", rewritten}}.dump();
  auto entry = AppendLocked(clean_note.value(), head.value());
  if (!entry.ok()) return entry.status();
  if (Status s = WriteHead(head.value()); !s.ok()) return s;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return rewritten;
}

}  // namespace portalkb
