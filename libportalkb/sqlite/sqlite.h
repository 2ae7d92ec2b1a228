// The SQLite adapter: the one place that owns `sqlite3*` handles. A
// Connection (WAL, busy timeout, foreign keys), prepared Statements with
// typed binds and getters, RAII Transactions, and numbered schema migrations
// on `PRAGMA user_version`. Storage-level: analytics and accounts use it;
// nothing above it sees an SQLite handle or an SQLite error code.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "portalkb/status.h"

namespace portalkb::sqlite {

struct ConnectionOptions {
  // How long a write waits for another connection's lock (ms) before
  // failing with "database is locked".
  int busy_timeout_ms = 5000;
  // Overwrites deleted content with zeros, so erased personal data does not
  // linger in free pages. Costs some write I/O. Default off.
  bool secure_delete = false;
  // Creates the file when it does not exist. Default on.
  bool create = true;
};

// A bindable value: NULL, integer, real or text.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

class Connection;

// A prepared statement. Binds are 1-based like SQLite's; a failed bind is
// remembered and returned by the next Step/Run, so binds can be chained.
// Movable, not copyable; finalised on destruction. Not thread-safe: use one
// statement from one thread at a time (the connection may be shared).
class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  Statement& BindText(int index, std::string_view text);
  Statement& BindInt64(int index, std::int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindNull(int index);
  Statement& Bind(int index, const Value& value);

  // Advances the cursor: true when a row is available, false when done.
  [[nodiscard]] Result<bool> Step();
  // Steps to the end, for statements that return no rows.
  [[nodiscard]] Status Run();
  // Rewinds for another run; bindings are kept (ClearBindings drops them).
  void Reset();
  void ClearBindings();

  // Getters for the current row; 0-based columns like SQLite's. NULL reads
  // as "", 0 or 0.0.
  int ColumnCount() const;
  bool IsNull(int column) const;
  std::string Text(int column) const;
  std::int64_t Int64(int column) const;
  double Double(int column) const;

 private:
  friend class Connection;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement& Check(int rc, int index);
  Status Error(std::string_view what) const;

  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  Status bind_error_;
};

// One open database file. Movable, not copyable; closed on destruction
// (after every Statement made from it has gone). Opened in serialized mode,
// so one Connection may be used from several threads; a caller that needs
// several statements to be atomic holds its own mutex around a Transaction.
class Connection {
 public:
  // Opens (or creates) `path` with WAL journaling, synchronous=NORMAL (a
  // process crash loses nothing committed and never corrupts the file),
  // the busy timeout and foreign keys on. IOError naming the file otherwise.
  static Result<Connection> Open(const std::string& path, ConnectionOptions options = {});

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection() = default;

  // Runs one or more statements that take no parameters.
  [[nodiscard]] Status Exec(std::string_view sql);
  [[nodiscard]] Result<Statement> Prepare(std::string_view sql) const;
  // Switches secure_delete for later deletes on this connection.
  [[nodiscard]] Status SetSecureDelete(bool on);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;

  const std::string& path() const { return path_; }
  // IOError "sqlite file '<path>': <what>: <SQLite's message>".
  Status Error(std::string_view what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

// BEGIN IMMEDIATE on creation (takes the write lock at once, so a busy
// database fails here and not half-way); ROLLBACK on destruction unless
// Commit succeeded. Not copyable or movable: scope-bound.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Whether BEGIN succeeded; check before doing work.
  const Status& status() const { return begin_; }
  [[nodiscard]] Status Commit();

 private:
  Connection& connection_;
  Status begin_;
  bool open_ = false;
};

// One schema step: run inside its own transaction, it moves the schema from
// version `version - 1` to `version`. Released steps are never edited; a
// change is a new step.
struct MigrationStep {
  int version;
  std::string_view sql;
};

// Brings the file to the last step's version, one step per transaction, so
// a failed step leaves the file at the version before it. Steps must be
// numbered 1, 2, 3, ... (Internal otherwise). A file of a newer version than
// the last step is refused (Corruption naming the file and both
// versions), as is any failed step (IOError naming the step). Returns the
// version the file had before.
[[nodiscard]] Result<int> Migrate(Connection& connection, std::span<const MigrationStep> steps);
// The file's `PRAGMA user_version`.
[[nodiscard]] Result<int> SchemaVersion(const Connection& connection);

// Copies the database at `source` (an existing file, never created) into a
// new file `destination` with SQLite's online backup API, in one step: the
// copy is the database as of one committed transaction, while other
// connections go on writing (in WAL mode they are not blocked). The
// destination must not exist (AlreadyExists); on failure it is removed.
// IOError naming the file otherwise.
[[nodiscard]] Status BackupDatabase(const std::string& source, const std::string& destination,
                                    int busy_timeout_ms = 5000);

// The number of rows of every table of the database (sqlite_* tables left
// out), by table name, in name order.
[[nodiscard]] Result<std::vector<std::pair<std::string, std::int64_t>>> TableRowCounts(const Connection& connection);

}  // namespace portalkb::sqlite
