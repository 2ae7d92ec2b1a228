// The analytics log and its reports on fixture logs with known answers.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <random>
#include <thread>

#include "portalkb/analytics.h"
#include "test_util.h"

namespace portalkb {
namespace {

constexpr long long kDay = 86400000;
constexpr long long kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

std::int64_t Int(const ReportValue& v) { return std::get<std::int64_t>(v); }
const std::string& Str(const ReportValue& v) { return std::get<std::string>(v); }
const std::vector<std::string>& List(const ReportValue& v) { return std::get<std::vector<std::string>>(v); }

class AnalyticsLog : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = Analytics::Open(dir_ / "log.sqlite");
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }
  std::string Search(const std::string& query, long long ts, std::uint64_t results, const std::string& session = "",
                     const std::string& user = "", std::vector<std::string> roles = {},
                     const std::string& lang = "nl") {
    SearchEvent e;
    e.ts_ms = ts;
    e.query_id = Analytics::NewQueryId();
    e.query = query;
    e.results = results;
    e.session = session;
    e.user = user;
    e.roles = std::move(roles);
    e.lang = lang;
    log_->LogSearch(e);
    return e.query_id;
  }
  Report Run(const std::string& kind, long long since = kT0, long long until = kT0 + 10 * kDay) {
    ReportRequest r;
    r.kind = kind;
    r.since_ms = since;
    r.until_ms = until;
    auto report = log_->Run(r);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report.value() : Report{};
  }
  long long Count(const char* sql) {
    EXPECT_TRUE(log_->Flush().ok());
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "log.sqlite").c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    long long n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }
  testing::TempDir dir_;
  std::unique_ptr<Analytics> log_;
};

TEST_F(AnalyticsLog, StoresRedactedQueriesAndPseudonymousIdsOnly) {
  Search("bel mij op 06-12345678 of mail jan@example.com", kT0, 0, "s", "user-42", {"customer"});
  ASSERT_TRUE(log_->Flush().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE query = 'bel mij op [phone] of mail [email]'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE query LIKE '%12345678%' OR normalized LIKE '%example%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE user_key = 'user-42' OR user_key = ''"), 0);
  EXPECT_EQ(Count("SELECT length(user_key) FROM searches"), 32);
}

TEST_F(AnalyticsLog, TypingBurstsCountOnceAsTheirLastQuery) {
  // One session typing; another session searching "fac" on its own; the same
  // session coming back to "fac" long after.
  Search("fac", kT0, 0, "s1");
  Search("fact", kT0 + 800, 0, "s1");
  Search("factu", kT0 + 1500, 0, "s1");
  Search("factuur", kT0 + 2600, 0, "s1");
  Search("fac", kT0 + 60000, 0, "s1");
  Search("fac", kT0 + 100, 0, "s2");
  const Report r = Run("zero-results");
  std::map<std::string, std::int64_t> counts;
  for (const auto& row : r.rows) {
    for (const auto& v : List(row[3])) counts[v] += 0;
    counts[Str(row[0])] += Int(row[1]);
  }
  EXPECT_EQ(counts["factuur"], 1);
  EXPECT_EQ(counts["fac"], 2) << "s2's search and s1's late one";
  EXPECT_EQ(counts.count("fact"), 0u);
  EXPECT_EQ(counts.count("factu"), 0u);
}

TEST_F(AnalyticsLog, ZeroResultReportClustersTypoVariantsWithTrend) {
  for (int i = 0; i < 5; ++i) Search("factuur", kT0 + i * 1000, 0);
  Search("factur", kT0 + 10000, 0);
  Search("faktuur", kT0 + 20000, 0);
  Search("factuuur", kT0 + 30000, 0);
  Search("parkeren", kT0 + 40000, 0, "", "", {"customer"}, "nl");
  Search("parkeren", kT0 + 50000, 0, "", "", {"editor"}, "en");
  Search("[email]", kT0 + 60000, 0);  // a placeholder only: not a content gap
  Search("found it", kT0 + 70000, 3);
  Search("factuur", kT0 - 5 * kDay, 0);  // previous period
  const Report r = Run("zero-results");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.columns[0], "query");
  EXPECT_EQ(Str(r.rows[0][0]), "factuur");
  EXPECT_EQ(Int(r.rows[0][1]), 8);
  EXPECT_EQ(List(r.rows[0][3]), (std::vector<std::string>{"factuur", "factur", "factuuur", "faktuur"}));
  EXPECT_NEAR(std::get<double>(r.rows[0][2]), 8.0 / 12.0, 1e-9) << "of all 12 searches in the period";
  EXPECT_EQ(Int(r.rows[0][8]), 1) << "previous period";
  EXPECT_EQ(Str(r.rows[0][9]), "+700%");
  EXPECT_EQ(Str(r.rows[1][0]), "parkeren");
  EXPECT_EQ(Int(r.rows[1][1]), 2);
  EXPECT_EQ(Str(r.rows[1][6]), "customer,editor");
  EXPECT_EQ(Str(r.rows[1][7]), "en,nl");
  EXPECT_EQ(Str(r.rows[1][4]), "2026-01-01T00:00:40Z");
  auto json = FormatReport(r, "json");
  ASSERT_TRUE(json.ok());
  for (const char* key : {"\"query\"", "\"count\"", "\"variants\"", "\"first_seen\"", "\"last_seen\""}) {
    EXPECT_NE(json->find(key), std::string::npos) << key;
  }
}

TEST_F(AnalyticsLog, SummaryTopQueriesLowCtrFeedbackAndSupportContacts) {
  // Day 1: session a clicks at its second search; session b never clicks.
  Search("adres wijzigen", kT0 + 1000, 0, "a");
  const std::string a2 = Search("adreswijziging", kT0 + 9000, 4, "a");
  const std::string b1 = Search("wachtwoord", kT0 + 2000, 5, "b");
  const std::string b2 = Search("wachtwoord", kT0 + 20000, 5, "b");
  // Day 2: one more search, clicked.
  const std::string c1 = Search("wachtwoord", kT0 + kDay + 1000, 5, "c");
  ASSERT_TRUE(log_->LogClick(a2, "adres", 1).ok());
  ASSERT_TRUE(log_->LogClick(c1, "pw", 2).ok());
  ASSERT_TRUE(log_->LogFeedback(b1, "pw", false, "werkt niet, bel 06-12345678").ok());
  ASSERT_TRUE(log_->LogFeedback("", "pw", true, "").ok());
  ASSERT_TRUE(log_->LogFeedback("", "adres", true, "").ok());
  ASSERT_TRUE(log_->LogSupportContact(b2).ok());

  const Report summary = Run("summary");
  ASSERT_EQ(summary.rows.size(), 2u);
  EXPECT_EQ(Str(summary.rows[0][0]), "2026-01-01");
  EXPECT_EQ(Int(summary.rows[0][1]), 4);
  EXPECT_EQ(Int(summary.rows[0][2]), 1);
  EXPECT_NEAR(std::get<double>(summary.rows[0][3]), 0.25, 1e-9);
  EXPECT_NEAR(std::get<double>(summary.rows[0][4]), 0.25, 1e-9);
  EXPECT_EQ(Int(summary.rows[0][5]), 2);
  EXPECT_NEAR(std::get<double>(summary.rows[0][6]), 0.5, 1e-9) << "a reached a click within 3 searches, b did not";
  EXPECT_NEAR(std::get<double>(summary.rows[1][6]), 1.0, 1e-9);

  const Report top = Run("top-queries");
  ASSERT_GE(top.rows.size(), 3u);
  EXPECT_EQ(Str(top.rows[0][0]), "wachtwoord");
  EXPECT_EQ(Int(top.rows[0][1]), 3);
  EXPECT_NEAR(std::get<double>(top.rows[0][3]), 1.0 / 3.0, 1e-9);

  const Report low = Run("low-ctr");
  EXPECT_TRUE(low.rows.empty()) << "wachtwoord has a 33% click-through rate";

  const Report feedback = Run("feedback", kT0 - kDay, 0);
  // Every article voted on, with both counts and shares; the most
  // not-helpful votes first. "adres" has only a helpful vote.
  ASSERT_EQ(feedback.rows.size(), 2u);
  EXPECT_EQ(feedback.columns, (std::vector<std::string>{"doc_id", "votes", "not_helpful", "helpful",
                                                        "not_helpful_share", "recent_comments", "helpful_share"}));
  EXPECT_EQ(Str(feedback.rows[0][0]), "pw");
  EXPECT_EQ(Int(feedback.rows[0][1]), 2);
  EXPECT_EQ(Int(feedback.rows[0][2]), 1);
  EXPECT_EQ(Int(feedback.rows[0][3]), 1);
  EXPECT_NEAR(std::get<double>(feedback.rows[0][4]), 0.5, 1e-9);
  EXPECT_EQ(Str(feedback.rows[0][5]), "werkt niet, bel [phone]");
  EXPECT_NEAR(std::get<double>(feedback.rows[0][6]), 0.5, 1e-9);
  EXPECT_EQ(Str(feedback.rows[1][0]), "adres");
  EXPECT_EQ(Int(feedback.rows[1][1]), 1);
  EXPECT_EQ(Int(feedback.rows[1][2]), 0);
  EXPECT_EQ(Int(feedback.rows[1][3]), 1);
  EXPECT_NEAR(std::get<double>(feedback.rows[1][4]), 0.0, 1e-9);
  EXPECT_NEAR(std::get<double>(feedback.rows[1][6]), 1.0, 1e-9);

  const Report support = Run("support-contacts", kT0 - kDay, 0);
  ASSERT_EQ(support.rows.size(), 1u);
  EXPECT_EQ(Str(support.rows[0][0]), "wachtwoord");
  EXPECT_EQ(Int(support.rows[0][1]), 1);

  const Report gaps = Run("content-gaps");
  ASSERT_EQ(gaps.rows.size(), 1u);
  EXPECT_EQ(Str(gaps.rows[0][0]), "adres wijzigen");
  EXPECT_EQ(Str(gaps.rows[0][1]), "zero-results");

  for (const char* format : {"table", "csv", "html"}) {
    auto text = FormatReport(summary, format);
    ASSERT_TRUE(text.ok()) << format;
    EXPECT_NE(text->find("2026-01-01"), std::string::npos) << format;
  }
  auto html = FormatReport(summary, "html");
  EXPECT_NE(html->find("<svg"), std::string::npos);
  EXPECT_EQ(html->find("<script"), std::string::npos) << "self-contained, no scripts";
  EXPECT_EQ(html->find("http"), html->find("http://www.w3.org/2000/svg")) << "no external resources";
  EXPECT_FALSE(FormatReport(summary, "pdf").ok());
}

TEST_F(AnalyticsLog, RoleAndLanguageFiltersAndBadRequests) {
  Search("verlof", kT0, 0, "", "", {"customer"}, "nl");
  Search("leave", kT0 + 1, 0, "", "", {"finance", "customer-admin"}, "en");
  ReportRequest r;
  r.kind = "zero-results";
  r.since_ms = kT0;
  r.until_ms = kT0 + kDay;
  r.role = "finance";
  auto by_role = log_->Run(r);
  ASSERT_TRUE(by_role.ok());
  ASSERT_EQ(by_role->rows.size(), 1u);
  EXPECT_EQ(Str(by_role->rows[0][0]), "leave");
  r.role = "customer";
  EXPECT_EQ(Str(log_->Run(r)->rows.at(0)[0]), "verlof") << "customer-admin is not customer";
  r.role = "";
  r.lang = "en";
  EXPECT_EQ(log_->Run(r)->rows.size(), 1u);
  r.kind = "nonsense";
  EXPECT_EQ(log_->Run(r).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(log_->LogClick("", "x", 1).ok());
  EXPECT_FALSE(log_->LogClick("q", "x", 0).ok());
}

TEST_F(AnalyticsLog, RetentionPurgeAndPerUserErasure) {
  const std::string old_q = Search("oud", kT0 - 400 * kDay, 0, "", "ann");
  Search("nieuw", kT0, 0, "", "ann");
  Search("ander", kT0, 0, "", "bob");
  ASSERT_TRUE(log_->LogClick(old_q, "x", 1).ok());
  auto purged = log_->Purge(kT0 - 365 * kDay);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged.value(), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM searches"), 2);
  auto erased = log_->EraseUser("ann");
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased.value(), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM searches"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE query = 'ander'"), 1);
}

TEST(AnalyticsCrash, AKilledProcessLeavesAReadableLog) {
  testing::TempDir dir;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto log = Analytics::Open(dir / "log.sqlite");
    if (!log.ok()) _exit(3);
    for (int i = 0; i < 20000; ++i) {
      SearchEvent e;
      e.query = "query " + std::to_string(i);
      e.ts_ms = kT0 + i;
      log.value()->LogSearch(e);
      if (i == 5000 && !log.value()->Flush().ok()) _exit(4);
    }
    raise(SIGKILL);  // mid-batch, with events queued and perhaps a transaction open
    _exit(5);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto log = Analytics::Open(dir / "log.sqlite");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "log.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
  sqlite3_finalize(st);
  sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT query), min(ts), max(ts) FROM searches", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const long long n = sqlite3_column_int64(st, 0);
  EXPECT_GE(n, 5001) << "everything flushed before the crash survives";
  // Batches commit whole and in order, so what survives is exactly the
  // first n searches logged: no duplicate, no gap, no half batch.
  EXPECT_EQ(sqlite3_column_int64(st, 1), n) << "no search stored twice";
  EXPECT_EQ(sqlite3_column_int64(st, 2), kT0);
  EXPECT_EQ(sqlite3_column_int64(st, 3), kT0 + n - 1) << "no gap before the last one";
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(AnalyticsMigration, AVersionOneLogIsUpgradedKeepingItsData) {
  testing::TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "log.sqlite").c_str(), &db), SQLITE_OK);
  const char* v1 = R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE searches(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL,
      query TEXT NOT NULL, normalized TEXT NOT NULL, lang TEXT NOT NULL DEFAULT '', roles TEXT NOT NULL DEFAULT '',
      org_key TEXT NOT NULL DEFAULT '', user_key TEXT NOT NULL DEFAULT '', session TEXT NOT NULL DEFAULT '',
      results INTEGER NOT NULL);
    CREATE INDEX searches_ts ON searches(ts);
    CREATE INDEX searches_user ON searches(user_key);
    CREATE TABLE clicks(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL, doc_id TEXT NOT NULL, position INTEGER NOT NULL, ts INTEGER NOT NULL);
    CREATE INDEX clicks_query ON clicks(query_id);
    CREATE TABLE feedback(id INTEGER PRIMARY KEY, query_id TEXT NOT NULL DEFAULT '', doc_id TEXT NOT NULL,
      helpful INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '', ts INTEGER NOT NULL);
    INSERT INTO searches(query_id, ts, query, normalized, results) VALUES('q-old', 1767225600000, 'oude zoekvraag', 'oude zoekvraag', 0);
    PRAGMA user_version = 1;
  )sql";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto log = Analytics::Open(dir / "log.sqlite");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE(log.value()->LogSupportContact("q-old").ok()) << "a table added by version 2";
  ReportRequest r;
  r.kind = "zero-results";
  r.since_ms = kT0;
  r.until_ms = kT0 + kDay;
  auto report = log.value()->Run(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->rows.size(), 1u);
  EXPECT_EQ(Str(report->rows[0][0]), "oude zoekvraag");
  log.value().reset();
  ASSERT_EQ(sqlite3_open((dir / "log.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 5) << "migrated through every step";
  sqlite3_finalize(st);
  // In creation order: version 2's index, then version 5's.
  sqlite3_prepare_v2(db, "SELECT group_concat(name) FROM sqlite_master WHERE name LIKE 'searches_s%'", -1, &st,
                     nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "searches_session,searches_suggest")
      << "version 5 replaced version 4's index for suggestions";
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// Every report kind honours every filter the same way. For each filter, one
// set of events matches all filters and a second set differs only in that
// filter; each report must show the first and nothing of the second.
struct FilterCase {
  const char* filter;
  long long ts = kT0 + 3600000;
  const char* lang = "nl";
  const char* role = "sales";
};

struct EventSet {
  std::string zero, low, doc, comment;
};

void LogSet(Analytics& log, const EventSet& set, const FilterCase& c) {
  std::string zero_id, low_id;
  for (int i = 0; i < 2; ++i) {
    SearchEvent zero;
    zero.ts_ms = c.ts + i * 60000;
    zero.query_id = Analytics::NewQueryId();
    zero.query = set.zero;
    zero.lang = c.lang;
    zero.roles = {c.role, "customer"};
    log.LogSearch(zero);
    // Made without a language: the detected one counts.
    SearchEvent low = zero;
    low.query_id = Analytics::NewQueryId();
    low.query = set.low;
    low.lang = "";
    low.detected_lang = c.lang;
    low.results = 5;
    log.LogSearch(low);
    if (i == 0) zero_id = zero.query_id, low_id = low.query_id;
  }
  ASSERT_TRUE(log.LogFeedback(low_id, set.doc, false, set.comment).ok());
  ASSERT_TRUE(log.LogSupportContact(zero_id).ok());
}

// Every text in the report's rows.
std::string Texts(const Report& r) {
  std::string out;
  for (const auto& row : r.rows) {
    for (const auto& v : row) {
      if (const auto* text = std::get_if<std::string>(&v)) out += *text + "|";
      if (const auto* list = std::get_if<std::vector<std::string>>(&v)) {
        for (const auto& item : *list) out += item + "|";
      }
    }
  }
  return out;
}

TEST(ReportFilters, EveryKindHonoursEveryFilter) {
  const EventSet in{"belastingaangifte", "vakantiedagen", "doc-in", "comment-in"};
  const EventSet out{"parkeervergunning", "hypotheekrente", "doc-out", "comment-out"};
  FilterCase before_since{"since"}, after_until{"until"}, other_lang{"lang"}, other_role{"role"};
  before_since.ts = kT0 - 3600000;
  after_until.ts = kT0 + kDay + 3600000;
  other_lang.lang = "en";
  other_role.role = "finance";
  // What each kind shows of a set: {kind, texts of `in` that must appear}.
  const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"zero-results", {in.zero}},
      {"top-queries", {in.zero, in.low}},
      {"low-ctr", {in.low}},
      {"content-gaps", {in.zero, in.low}},
      {"feedback", {in.doc, in.comment}},
      {"support-contacts", {in.zero}},
      {"summary", {}},
  };
  for (const FilterCase& c : {before_since, after_until, other_lang, other_role}) {
    testing::TempDir dir;
    auto log = Analytics::Open(dir / "log.sqlite");
    ASSERT_TRUE(log.ok());
    LogSet(*log.value(), in, FilterCase{"none"});
    LogSet(*log.value(), out, c);
    for (const auto& [kind, expected] : kinds) {
      ReportRequest r;
      r.kind = kind;
      r.since_ms = kT0;
      r.until_ms = kT0 + kDay;
      r.lang = "nl";
      r.role = "sales";
      auto report = log.value()->Run(r);
      ASSERT_TRUE(report.ok()) << kind << ": " << report.status().ToString();
      const std::string texts = Texts(report.value());
      for (const auto& e : expected)
        EXPECT_NE(texts.find(e), std::string::npos) << kind << " / " << c.filter << ": " << texts;
      for (const auto& o : {out.zero, out.low, out.doc, out.comment}) {
        EXPECT_EQ(texts.find(o), std::string::npos) << kind << " ignores " << c.filter << ": " << texts;
      }
      if (kind == "summary") {
        ASSERT_EQ(report->rows.size(), 1u) << c.filter;
        EXPECT_EQ(Int(report->rows[0][1]), 4) << "the four searches of the matching set, filter " << c.filter;
      }
    }
  }
}

TEST(ReportFilters, RoleAndLanguageAreExactValuesNotPatterns) {
  testing::TempDir dir;
  auto log = std::move(Analytics::Open(dir / "log.sqlite")).value();
  for (const auto& [query, role] :
       std::vector<std::pair<std::string, std::string>>{{"omzet", "sales"}, {"budget", "finance"}}) {
    SearchEvent e;
    e.ts_ms = kT0;
    e.query = query;
    e.roles = {role};
    e.lang = "nl";
    log->LogSearch(e);
  }
  ReportRequest r;
  r.kind = "zero-results";
  r.since_ms = kT0;
  r.until_ms = kT0 + kDay;
  for (const char* pattern : {"%", "sal%", "sales,finance", "*"}) {
    r.role = pattern;
    auto report = log->Run(r);
    ASSERT_FALSE(report.ok()) << pattern << " matched " << report->rows.size() << " rows";
    EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  }
  for (const char* near : {"sal", "_ales", "sales.", "ales"}) {
    r.role = near;
    EXPECT_TRUE(log->Run(r)->rows.empty()) << near << " is not the role sales";
  }
  r.role = " Sales";
  ASSERT_EQ(log->Run(r)->rows.size(), 1u) << "normalised like the stored roles";
  r.role = "";
  r.lang = "%";
  EXPECT_EQ(log->Run(r).status().code(), StatusCode::kInvalidArgument);
  r.lang = "n";
  EXPECT_TRUE(log->Run(r)->rows.empty());
}

// One Analytics receives one session's searches from many threads at once,
// so they are queued out of timestamp order.
TEST(AnalyticsThreads, BurstsAndSessionsStayExactWhenThreadsInterleave) {
  testing::TempDir dir;
  AnalyticsOptions options;
  options.flush_interval_ms = 60000;  // everything below goes in one batch, at Flush
  auto log = std::move(Analytics::Open(dir / "log.sqlite", options)).value();
  struct Step {
    const char* query;
    long long dt;
    std::uint64_t results;
  };
  // Per session: "fa", "fac", "factuur" is one burst; "adres" then
  // "adreswijziging" another; "wachtwoord" stands alone and finds nothing.
  const Step steps[] = {{"fa", 0, 0},
                        {"fac", 400, 0},
                        {"factuur", 900, 5},
                        {"adres", 60000, 0},
                        {"adreswijziging", 61000, 3},
                        {"wachtwoord", 120000, 0}};
  constexpr int kSessions = 16, kThreads = 8;
  std::vector<std::vector<SearchEvent>> work(kThreads);
  std::vector<std::vector<std::string>> ids(kSessions);
  for (int k = 0; k < kSessions; ++k) {
    for (int i = 0; i < 6; ++i) {
      SearchEvent e;
      e.ts_ms = kT0 + k * 600000 + steps[i].dt;
      e.query_id = Analytics::NewQueryId();
      e.query = steps[i].query;
      e.results = steps[i].results;
      e.session = "session-" + std::to_string(k);
      ids[k].push_back(e.query_id);
      work[(k + i) % kThreads].push_back(e);  // each step of a session from another thread
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    std::shuffle(work[t].begin(), work[t].end(), std::mt19937(t));
    threads.emplace_back([&, t] {
      for (const auto& e : work[t]) log->LogSearch(e);
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(log->Flush().ok());
  // Even sessions click their third counted search, every fourth from 3 its first.
  for (int k = 0; k < kSessions; ++k) {
    if (k % 2 == 0) {
      ASSERT_TRUE(log->LogClick(ids[k][5], "pw", 1).ok());
    }
    if (k % 4 == 3) {
      ASSERT_TRUE(log->LogClick(ids[k][2], "invoice", 1).ok());
    }
  }
  ReportRequest r;
  r.since_ms = kT0;
  r.until_ms = kT0 + kDay;
  r.kind = "summary";
  const Report summary = log->Run(r).value();
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(Int(summary.rows[0][1]), 3 * kSessions) << "each burst counts once";
  EXPECT_EQ(Int(summary.rows[0][2]), kSessions) << "wachtwoord only; fa, fac and adres were typed on";
  EXPECT_NEAR(std::get<double>(summary.rows[0][4]), 12.0 / 48.0, 1e-9);
  EXPECT_EQ(Int(summary.rows[0][5]), kSessions);
  EXPECT_NEAR(std::get<double>(summary.rows[0][6]), 12.0 / 16.0, 1e-9) << "wachtwoord is each session's third search";
  r.kind = "top-queries";
  const Report top = log->Run(r).value();
  ASSERT_EQ(top.rows.size(), 3u) << Texts(top);
  for (const auto& row : top.rows) EXPECT_EQ(Int(row[1]), kSessions) << Str(row[0]);
}

TEST(AnalyticsThreads, ASearchQueuedLateStillJoinsOrBreaksItsBurst) {
  testing::TempDir dir;
  auto log = std::move(Analytics::Open(dir / "log.sqlite")).value();
  auto search = [&](const char* q, long long dt, const char* session) {
    SearchEvent e;
    e.ts_ms = kT0 + dt;
    e.query = q;
    e.session = session;
    log->LogSearch(e);
  };
  search("fac", 400, "a");
  search("factuur", 900, "a");
  search("park", 0, "b");
  search("parkeren", 1000, "b");
  ASSERT_TRUE(log->Flush().ok());
  search("fa", 0, "a");           // late, and "fac" typed on it
  search("hypotheek", 500, "b");  // late, between "park" and "parkeren": the burst is broken
  ASSERT_TRUE(log->Flush().ok());
  ReportRequest r;
  r.kind = "zero-results";
  r.since_ms = kT0;
  r.until_ms = kT0 + kDay;
  const std::string texts = Texts(log->Run(r).value());
  EXPECT_EQ(texts.find("fa|"), std::string::npos) << texts;
  EXPECT_EQ(texts.find("fac|"), std::string::npos) << texts;
  EXPECT_NE(texts.find("factuur|"), std::string::npos) << texts;
  EXPECT_NE(texts.find("park|"), std::string::npos) << "no longer typed on by its next search: " << texts;
  EXPECT_NE(texts.find("hypotheek|"), std::string::npos) << texts;
  EXPECT_NE(texts.find("parkeren|"), std::string::npos) << texts;
}

TEST_F(AnalyticsLog, ZeroResultsAreInCountOrderInEveryFormat) {
  // A cluster of typo variants (5 + 4 + 3 = 12) whose leader alone (5) is
  // searched less often than a query on its own (7).
  for (int i = 0; i < 7; ++i) Search("bestelling", kT0 + i * 10000, 0);
  for (int i = 0; i < 5; ++i) Search("wachtwoord", kT0 + 100000 + i * 10000, 0);
  for (int i = 0; i < 4; ++i) Search("wachtwoort", kT0 + 200000 + i * 10000, 0);
  for (int i = 0; i < 3; ++i) Search("wachtwoorden", kT0 + 300000 + i * 10000, 0);
  const Report r = Run("zero-results");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Str(r.rows[0][0]), "wachtwoord");
  EXPECT_EQ(Int(r.rows[0][1]), 12);
  EXPECT_EQ(Str(r.rows[1][0]), "bestelling");
  for (const char* format : {"table", "csv", "json", "html"}) {
    auto text = FormatReport(r, format);
    ASSERT_TRUE(text.ok()) << format;
    const auto first = text->find("wachtwoord");
    ASSERT_NE(first, std::string::npos) << format;
    EXPECT_LT(first, text->find("bestelling")) << format;
  }
}

TEST(ReportDisplay, QueriesShowTheFormTypedMostOftenAndTheDetectedLanguage) {
  testing::TempDir dir;
  AnalyticsOptions options;
  // Folds like the engine's analyzer would: lower case, "ö" -> "o".
  options.normalize = [](const std::string& q) {
    std::string out;
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (q.compare(i, 2, "\xC3\xB6") == 0) {
        out += 'o';
        ++i;
      } else {
        out += static_cast<char>(q[i] >= 'A' && q[i] <= 'Z' ? q[i] - 'A' + 'a' : q[i]);
      }
    }
    return out;
  };
  auto log = std::move(Analytics::Open(dir / "log.sqlite", options)).value();
  int n = 0;
  for (const char* q : {"Bestellimit erh\xC3\xB6hen", "Bestellimit erh\xC3\xB6hen", "Bestellimit erh\xC3\xB6hen",
                        "bestellimit erhohen", "bestellimit erh\xC3\xB6hen"}) {
    SearchEvent e;
    e.ts_ms = kT0 + ++n * 60000;
    e.query = q;
    e.detected_lang = "de";  // searched without a language
    log->LogSearch(e);
  }
  ReportRequest r;
  r.since_ms = kT0;
  r.until_ms = kT0 + kDay;
  for (const char* kind : {"zero-results", "top-queries", "content-gaps"}) {
    r.kind = kind;
    const Report report = log->Run(r).value();
    ASSERT_EQ(report.rows.size(), 1u) << kind;
    EXPECT_EQ(Str(report.rows[0][0]), "Bestellimit erh\xC3\xB6hen") << kind;
    const auto lang = std::find(report.columns.begin(), report.columns.end(), "languages") - report.columns.begin();
    EXPECT_EQ(Str(report.rows[0][static_cast<std::size_t>(lang)]), "de") << kind;
  }
  r.kind = "zero-results";
  r.lang = "de";
  EXPECT_EQ(log->Run(r)->rows.size(), 1u) << "the language filter uses the detected language too";
}

TEST(ReportTime, ParsesDatesAndRelativeTimes) {
  const long long now = kT0 + 100 * kDay;
  EXPECT_EQ(ParseReportTime("30d", now).value(), now - 30 * kDay);
  EXPECT_EQ(ParseReportTime("2w", now).value(), now - 14 * kDay);
  EXPECT_EQ(ParseReportTime("2026-01-01", now).value(), kT0);
  EXPECT_FALSE(ParseReportTime("yesterday", now).ok());
  EXPECT_FALSE(ParseReportTime("d", now).ok());
}

}  // namespace
}  // namespace portalkb
