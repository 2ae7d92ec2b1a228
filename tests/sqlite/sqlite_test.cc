// The SQLite adapter: connections, typed binds, RAII handles, migrations.
#include "sqlite/sqlite.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <limits>

#include "test_util.h"

namespace portalkb::sqlite {
namespace {

// Reads one integer (or -1 when there is no row).
std::int64_t One(const Connection& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  EXPECT_TRUE(st.ok()) << st.status().ToString();
  if (!st.ok()) return -1;
  auto row = st->Step();
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() && row.value() ? st->Int64(0) : -1;
}

std::string Pragma(const Connection& db, const std::string& name) {
  auto st = db.Prepare("PRAGMA " + name);
  if (!st.ok()) return "";
  auto row = st->Step();
  return row.ok() && row.value() ? st->Text(0) : "";
}

constexpr MigrationStep kSteps[] = {
    {1, "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT NOT NULL);"},
    {2, "ALTER TABLE notes ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';"},
    {3, "CREATE INDEX notes_lang ON notes(lang); UPDATE notes SET lang = 'nl' WHERE text LIKE 'hallo%';"},
};

class SqliteFile : public ::testing::Test {
 protected:
  Connection Open(ConnectionOptions options = {}) {
    auto db = Connection::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }
  testing::TempDir dir_;
  std::string path_ = dir_ / "file.sqlite";
};

TEST_F(SqliteFile, OpensWithWalForeignKeysAndSwitchableSecureDelete) {
  Connection db = Open();
  EXPECT_EQ(Pragma(db, "journal_mode"), "wal");
  EXPECT_EQ(Pragma(db, "foreign_keys"), "1");
  EXPECT_EQ(Pragma(db, "secure_delete"), "0");
  ASSERT_TRUE(db.SetSecureDelete(true).ok());
  EXPECT_EQ(Pragma(db, "secure_delete"), "1");
  ConnectionOptions secure;
  secure.secure_delete = true;
  Connection other = Open(secure);
  EXPECT_EQ(Pragma(other, "secure_delete"), "1");
}

TEST_F(SqliteFile, ANewFileAndItsWalAreForTheOwnerOnlyWhateverTheUmask) {
  const mode_t old = ::umask(022);
  {
    Connection db = Open();
    ASSERT_TRUE(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);").ok());
    namespace fs = std::filesystem;
    for (const std::string& file : {path_, path_ + "-wal"}) {
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write)
          << file;
    }
  }
  ::umask(old);
  // An existing file keeps its mode (an operator may have widened it on purpose).
  const std::string shared = dir_ / "shared.sqlite";
  { ASSERT_TRUE(Connection::Open(shared, {}).ok()); }
  std::filesystem::permissions(shared, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  { ASSERT_TRUE(Connection::Open(shared, {}).ok()); }
  EXPECT_NE(std::filesystem::status(shared).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
}

TEST_F(SqliteFile, ANonDatabaseFileIsAnErrorNamingIt) {
  dir_.Write("file.sqlite", std::string(4096, 'x'));
  auto db = Connection::Open(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kIOError);
  EXPECT_NE(db.status().message().find(path_), std::string::npos) << db.status().message();
  ConnectionOptions no_create;
  no_create.create = false;
  EXPECT_FALSE(Connection::Open(dir_ / "missing.sqlite", no_create).ok());
}

TEST_F(SqliteFile, FreshFileRunsEveryStep) {
  Connection db = Open();
  auto before = Migrate(db, kSteps);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before.value(), 0);
  EXPECT_EQ(SchemaVersion(db).value(), 3);
  EXPECT_EQ(One(db, "SELECT count(*) FROM sqlite_master WHERE name = 'notes_lang'"), 1);
  auto again = Migrate(db, kSteps);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 3) << "nothing left to do";
}

TEST_F(SqliteFile, AVersionOneFileIsMigratedStepByStepKeepingItsRows) {
  Connection db = Open();
  ASSERT_TRUE(Migrate(db, std::span(kSteps).first(1)).ok());
  ASSERT_TRUE(db.Exec("INSERT INTO notes(text) VALUES('hallo wereld'), ('hello world')").ok());
  EXPECT_EQ(SchemaVersion(db).value(), 1);
  auto before = Migrate(db, kSteps);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before.value(), 1);
  EXPECT_EQ(SchemaVersion(db).value(), 3);
  EXPECT_EQ(One(db, "SELECT count(*) FROM notes WHERE lang = 'nl'"), 1) << "step 3 ran on the rows step 2 extended";
  EXPECT_EQ(One(db, "SELECT count(*) FROM notes WHERE lang = 'en'"), 1);
}

TEST_F(SqliteFile, ANewerFileIsRefusedNamingBothVersions) {
  Connection db = Open();
  ASSERT_TRUE(db.Exec("PRAGMA user_version = 7").ok());
  auto migrated = Migrate(db, kSteps);
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.status().code(), StatusCode::kCorruption);
  const std::string& m = migrated.status().message();
  EXPECT_NE(m.find(path_), std::string::npos) << m;
  EXPECT_NE(m.find("version 7"), std::string::npos) << m;
  EXPECT_NE(m.find("(3)"), std::string::npos) << m;
  EXPECT_EQ(SchemaVersion(db).value(), 7) << "left untouched";
}

TEST_F(SqliteFile, AFailedStepIsRolledBackAndLeavesThePreviousVersion) {
  const MigrationStep broken[] = {
      kSteps[0],
      {2, "CREATE TABLE half_done(x); INSERT INTO no_such_table VALUES(1);"},
      {3, "CREATE TABLE never(x);"},
  };
  Connection db = Open();
  auto migrated = Migrate(db, broken);
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.status().code(), StatusCode::kIOError);
  EXPECT_NE(migrated.status().message().find("version 2"), std::string::npos) << migrated.status().message();
  EXPECT_EQ(SchemaVersion(db).value(), 1) << "step 1 committed, step 2 rolled back";
  EXPECT_EQ(One(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('half_done', 'never')"), 0);
  ASSERT_TRUE(Migrate(db, kSteps).ok()) << "a fixed build carries on from version 1";
  EXPECT_EQ(SchemaVersion(db).value(), 3);
}

TEST_F(SqliteFile, StepsMustBeNumberedFromOne) {
  const MigrationStep gap[] = {kSteps[0], kSteps[2]};
  Connection db = Open();
  auto migrated = Migrate(db, gap);
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.status().code(), StatusCode::kInternal);
  EXPECT_EQ(SchemaVersion(db).value(), 0) << "nothing ran";
}

TEST_F(SqliteFile, TypedBindsRoundTrip) {
  Connection db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE v(t, i, d, n)").ok());
  const std::string text("a\0b 'quoted' %_", 15);
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() - 1;
  {
    auto insert = db.Prepare("INSERT INTO v VALUES(?, ?, ?, ?)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->BindText(1, text).BindInt64(2, big).BindDouble(3, 0.25).BindNull(4).Run().ok());
    insert->Reset();
    ASSERT_TRUE(insert->Bind(1, Value(std::string("x")))
                    .Bind(2, Value(std::int64_t{-5}))
                    .Bind(3, Value(1.5))
                    .Bind(4, Value(nullptr))
                    .Run()
                    .ok());
    EXPECT_EQ(db.Changes(), 1);
  }
  auto select = db.Prepare("SELECT t, i, d, n, typeof(t), typeof(i), typeof(d), typeof(n) FROM v ORDER BY rowid");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(select->Step().value());
  EXPECT_EQ(select->ColumnCount(), 8);
  EXPECT_EQ(select->Text(0), text) << "embedded NUL kept";
  EXPECT_EQ(select->Int64(1), big);
  EXPECT_DOUBLE_EQ(select->Double(2), 0.25);
  EXPECT_TRUE(select->IsNull(3));
  EXPECT_FALSE(select->IsNull(0));
  EXPECT_EQ(select->Text(3), "");
  EXPECT_EQ(select->Text(4) + select->Text(5) + select->Text(6) + select->Text(7), "textintegerrealnull");
  ASSERT_TRUE(select->Step().value());
  EXPECT_EQ(select->Text(0), "x");
  EXPECT_EQ(select->Int64(1), -5);
  EXPECT_FALSE(select->Step().value()) << "two rows only";
  // A value bound as text is compared as text: no pattern, no injection.
  auto exact = db.Prepare("SELECT count(*) FROM v WHERE t = ?");
  ASSERT_TRUE(exact.ok());
  ASSERT_TRUE(exact->BindText(1, "%").Step().value());
  EXPECT_EQ(exact->Int64(0), 0);
}

TEST_F(SqliteFile, ABadBindOrStatementIsAnErrorNotACrash) {
  Connection db = Open();
  auto st = db.Prepare("SELECT ?");
  ASSERT_TRUE(st.ok());
  auto row = st->BindInt64(2, 1).Step();
  ASSERT_FALSE(row.ok()) << "parameter 2 of 1";
  EXPECT_NE(row.status().message().find("bind parameter 2"), std::string::npos) << row.status().message();
  auto bad = db.Prepare("SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path_), std::string::npos) << bad.status().message();
}

TEST_F(SqliteFile, ATransactionRollsBackUnlessCommitted) {
  Connection db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x)").ok());
  {
    Transaction t(db);
    ASSERT_TRUE(t.status().ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)").ok());
  }
  EXPECT_EQ(One(db, "SELECT count(*) FROM t"), 0) << "rolled back when it went out of scope";
  {
    Transaction t(db);
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(2)").ok());
    ASSERT_TRUE(t.Commit().ok());
    EXPECT_FALSE(t.Commit().ok()) << "twice";
  }
  EXPECT_EQ(One(db, "SELECT count(*) FROM t"), 1);
  ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(3)").ok()) << "no transaction left open";
}

TEST_F(SqliteFile, ABusyFileFailsTheTransactionAfterTheTimeout) {
  Connection first = Open();
  ASSERT_TRUE(first.Exec("CREATE TABLE t(x)").ok());
  ConnectionOptions impatient;
  impatient.busy_timeout_ms = 100;
  Connection second = Open(impatient);
  Transaction holding(first);
  ASSERT_TRUE(holding.status().ok());
  const auto start = std::chrono::steady_clock::now();
  Transaction waiting(second);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(waiting.status().ok());
  EXPECT_NE(waiting.status().message().find("locked"), std::string::npos) << waiting.status().message();
  EXPECT_GE(waited, std::chrono::milliseconds(90)) << "it waited for the lock first";
  EXPECT_FALSE(waiting.Commit().ok());
}

TEST_F(SqliteFile, StatementsAndConnectionsSurviveMoves) {
  Connection db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES(42);").ok());
  auto st = db.Prepare("SELECT x FROM t");
  ASSERT_TRUE(st.ok());
  Connection moved = std::move(db);
  Statement kept = std::move(st).value();
  ASSERT_TRUE(kept.Step().value()) << "the statement does not point at the moved-from connection";
  EXPECT_EQ(kept.Int64(0), 42);
  kept.Reset();
  ASSERT_TRUE(kept.Step().value()) << "reset runs it again";
  EXPECT_EQ(One(moved, "SELECT x FROM t"), 42);
}

TEST_F(SqliteFile, BackupCopiesTheLastCommitWhileAnotherConnectionWrites) {
  Connection db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT); CREATE TABLE \"odd \"\"name\"(x);"
                      "INSERT INTO notes(text) VALUES ('a'), ('b');")
                  .ok());
  // A write in progress on another connection is not in the copy.
  Connection writer = Open();
  Transaction open_write(writer);
  ASSERT_TRUE(open_write.status().ok());
  ASSERT_TRUE(writer.Exec("INSERT INTO notes(text) VALUES ('uncommitted')").ok());
  const std::string copy_path = dir_ / "copy.sqlite";
  ASSERT_TRUE(BackupDatabase(path_, copy_path).ok());
  ASSERT_TRUE(open_write.Commit().ok());

  auto copy = Connection::Open(copy_path);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(One(copy.value(), "SELECT count(*) FROM notes"), 2);
  EXPECT_EQ(Pragma(copy.value(), "integrity_check"), "ok");
  auto counts = TableRowCounts(copy.value());
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  const std::vector<std::pair<std::string, std::int64_t>> expected = {{"notes", 2}, {"odd \"name", 0}};
  EXPECT_EQ(counts.value(), expected);

  // Never over an existing file, never from a missing one (and nothing left behind).
  EXPECT_EQ(BackupDatabase(path_, copy_path).code(), StatusCode::kAlreadyExists);
  const std::string none = dir_ / "none.sqlite";
  EXPECT_EQ(BackupDatabase(none, dir_ / "copy2.sqlite").code(), StatusCode::kIOError);
  EXPECT_FALSE(std::filesystem::exists(none));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "copy2.sqlite"));
}

}  // namespace
}  // namespace portalkb::sqlite
