#include "sqlite/sqlite.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace portalkb::sqlite {

// --- Statement ---

Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

// The statement keeps no pointer to its Connection (which may move); the
// handle and file name come from SQLite.
Status Statement::Error(std::string_view what) const {
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  const char* file = sqlite3_db_filename(db, "main");
  return Status::IOError("sqlite file '" + std::string(file != nullptr ? file : "") + "': " + std::string(what) + ": " +
                         sqlite3_errmsg(db));
}

Statement& Statement::Check(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = Error("bind parameter " + std::to_string(index));
  }
  return *this;
}

Statement& Statement::BindText(int index, std::string_view text) {
  return Check(sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
}

Statement& Statement::BindInt64(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_.get(), index, value), index);
}

Statement& Statement::BindDouble(int index, double value) {
  return Check(sqlite3_bind_double(stmt_.get(), index, value), index);
}

Statement& Statement::BindNull(int index) { return Check(sqlite3_bind_null(stmt_.get(), index), index); }

Statement& Statement::Bind(int index, const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return BindInt64(index, *i);
  if (const auto* d = std::get_if<double>(&value)) return BindDouble(index, *d);
  if (const auto* s = std::get_if<std::string>(&value)) return BindText(index, *s);
  return BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error("run statement");
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return Status::Ok();
  }
}

void Statement::Reset() { sqlite3_reset(stmt_.get()); }

void Statement::ClearBindings() {
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = Status::Ok();
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_.get()); }

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

std::int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_.get(), column); }

// A missing database file is created empty (SQLite's form of a new
// database) with mode 0600 whatever the umask: the logs and stores hold
// pseudonymous and sealed personal data, and SQLite gives its -wal and -shm
// files the database file's mode. An existing file is left as it is.
namespace {
Status CreateOwnerOnly(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Status::Ok();
  }
  if (errno == EEXIST) return Status::Ok();
  return Status::IOError("cannot create sqlite file '" + path + "': " + std::strerror(errno));
}
}  // namespace

// --- Connection ---

Status Connection::Error(std::string_view what) const {
  const char* message = db_ != nullptr ? sqlite3_errmsg(db_.get()) : "not open";
  return Status::IOError("sqlite file '" + path_ + "': " + std::string(what) + ": " + message);
}

Result<Connection> Connection::Open(const std::string& path, ConnectionOptions options) {
  if (options.create) {
    if (Status s = CreateOwnerOnly(path); !s.ok()) return s;
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // The handle is owned from here on, even when opening failed.
  Connection connection(raw, path);
  if (rc != SQLITE_OK) {
    return Status::IOError("cannot open sqlite file '" + path +
                           "': " + (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms > 0 ? options.busy_timeout_ms : 0);
  // WAL: readers never block the writer. journal_mode reads the file, so a
  // file that is not a database fails here, at open, and not on first use.
  if (Status s = connection.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      !s.ok()) {
    return s;
  }
  if (Status s = connection.SetSecureDelete(options.secure_delete); !s.ok()) return s;
  return connection;
}

Status Connection::Exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string m = message != nullptr ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    return Status::IOError("sqlite file '" + path_ + "': " + m);
  }
  return Status::Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error("prepare '" + std::string(sql.substr(0, 60)) + (sql.size() > 60 ? "...'" : "'"));
  }
  return Statement(stmt);
}

Status Connection::SetSecureDelete(bool on) {
  return Exec(on ? "PRAGMA secure_delete=ON" : "PRAGMA secure_delete=OFF");
}

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_.get()); }

// --- Transaction ---

Transaction::Transaction(Connection& connection) : connection_(connection) {
  begin_ = connection_.Exec("BEGIN IMMEDIATE");
  open_ = begin_.ok();
}

Transaction::~Transaction() {
  // Nothing to report to from a destructor; a failed ROLLBACK leaves SQLite
  // to roll back when the connection closes.
  if (open_) connection_.Exec("ROLLBACK").ok();
}

Status Transaction::Commit() {
  if (!begin_.ok()) return begin_;
  if (!open_) return Status::Internal("transaction on '" + connection_.path() + "' committed twice");
  Status s = connection_.Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

// --- Migrations ---

Result<int> SchemaVersion(const Connection& connection) {
  auto st = connection.Prepare("PRAGMA user_version");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return row.value() ? static_cast<int>(st->Int64(0)) : 0;
}

Result<int> Migrate(Connection& connection, std::span<const MigrationStep> steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].version != static_cast<int>(i + 1)) {
      return Status::Internal("migration steps for '" + connection.path() + "' are not numbered 1, 2, 3...: step " +
                              std::to_string(i + 1) + " says version " + std::to_string(steps[i].version));
    }
  }
  const int latest = static_cast<int>(steps.size());
  auto before = SchemaVersion(connection);
  if (!before.ok()) return before.status();
  if (before.value() > latest) {
    return Status::Corruption("sqlite file '" + connection.path() + "' has schema version " +
                              std::to_string(before.value()) + ", newer than this build understands (" +
                              std::to_string(latest) + "); use a newer portalkb");
  }
  for (int v = before.value(); v < latest; ++v) {
    Transaction transaction(connection);
    Status s = transaction.status();
    if (s.ok()) s = connection.Exec(steps[static_cast<std::size_t>(v)].sql);
    // PRAGMA user_version is transactional: it rolls back with the step.
    if (s.ok()) s = connection.Exec("PRAGMA user_version=" + std::to_string(v + 1));
    if (s.ok()) s = transaction.Commit();
    if (!s.ok()) return Status::IOError("migrating to schema version " + std::to_string(v + 1) + ": " + s.message());
  }
  return before.value();
}

// --- Online backup ---

namespace {

struct HandleCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, HandleCloser>;

std::string Message(sqlite3* db) { return db != nullptr ? sqlite3_errmsg(db) : "out of memory"; }

}  // namespace

Status BackupDatabase(const std::string& source, const std::string& destination, int busy_timeout_ms) {
  std::error_code ec;
  if (std::filesystem::exists(destination, ec)) {
    return Status::AlreadyExists("backup of sqlite file '" + source + "': '" + destination + "' exists");
  }
  // Read-write without create: a missing source must fail, not appear empty;
  // a WAL reader needs to write the -shm file anyway.
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(source.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  Handle from(raw);
  if (rc != SQLITE_OK) return Status::IOError("cannot open sqlite file '" + source + "': " + Message(raw));
  sqlite3_busy_timeout(raw, busy_timeout_ms > 0 ? busy_timeout_ms : 0);
  raw = nullptr;
  if (Status s = CreateOwnerOnly(destination); !s.ok()) return s;
  rc = sqlite3_open_v2(destination.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Handle to(raw);
  auto fail = [&](const std::string& what) {
    const Status s = Status::IOError("backup of sqlite file '" + source + "' into '" + destination + "': " + what);
    to.reset();
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(destination + suffix, ignored);
    return s;
  };
  if (rc != SQLITE_OK) return fail("cannot create it: " + Message(raw));
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (backup == nullptr) return fail(Message(to.get()));
  // One step over all pages: it holds one read transaction on the source, so
  // the copy is of one commit; stepping in pieces would restart on every
  // write of another connection and might never finish under load. A busy
  // or locked source is retried within the busy timeout.
  const int max_attempts = busy_timeout_ms > 0 ? busy_timeout_ms / 10 + 1 : 1;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(10);
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return fail(sqlite3_errstr(rc));
  if (finish != SQLITE_OK) return fail(sqlite3_errstr(finish));
  // The copy is committed once the step is done; closing adds nothing to it.
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, std::int64_t>>> TableRowCounts(const Connection& connection) {
  auto tables = connection.Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  if (!tables.ok()) return tables.status();
  std::vector<std::pair<std::string, std::int64_t>> counts;
  while (true) {
    auto row = tables->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    counts.emplace_back(tables->Text(0), 0);
  }
  for (auto& [name, rows] : counts) {
    // A name from sqlite_schema, quoted as an identifier ("" doubles a quote).
    std::string quoted = "\"";
    for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    auto count = connection.Prepare("SELECT count(*) FROM " + quoted);
    if (!count.ok()) return count.status();
    auto row = count->Step();
    if (!row.ok()) return row.status();
    rows = row.value() ? count->Int64(0) : 0;
  }
  return counts;
}

}  // namespace portalkb::sqlite
