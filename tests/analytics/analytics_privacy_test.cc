// Privacy rules of the analytics log: what may be suggested to others,
// pseudonyms of normalised ids and hashed sessions, the key file beside the
// log, and what happens when writing fails.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "analytics/analytics_store.h"
#include "portalkb/analytics.h"
#include "sqlite/sqlite.h"
#include "test_util.h"

namespace portalkb {
namespace {

constexpr long long kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

class PrivateLog : public ::testing::Test {
 protected:
  void SetUp() override { Reopen({}); }
  void Reopen(AnalyticsOptions options) {
    log_.reset();
    auto log = Analytics::Open(path_, std::move(options));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }
  // A search that found something and got a click (what suggestions draw on).
  void ClickedSearch(const std::string& query, const std::string& user, const std::string& session = "") {
    SearchEvent e;
    e.ts_ms = kT0 + ++clock_ * 60000;  // a minute apart: never one typing burst
    e.query_id = Analytics::NewQueryId();
    e.query = query;
    e.user = user;
    e.session = session;
    e.results = 3;
    log_->LogSearch(e);
    ASSERT_TRUE(log_->LogClick(e.query_id, "doc", 1).ok());
  }
  void Search(const std::string& query, const std::string& user, const std::string& org = "",
              const std::string& session = "") {
    SearchEvent e;
    e.ts_ms = kT0 + ++clock_ * 60000;
    e.query = query;
    e.user = user;
    e.org = org;
    e.session = session;
    log_->LogSearch(e);
  }
  std::vector<std::string> Suggested(const std::string& prefix) {
    auto frequent = log_->FrequentQueries(prefix, 10);
    EXPECT_TRUE(frequent.ok()) << frequent.status().ToString();
    std::vector<std::string> out;
    if (frequent.ok()) {
      for (const auto& [query, count] : frequent.value()) out.push_back(query + "=" + std::to_string(count));
    }
    return out;
  }
  long long Count(const std::string& sql) {
    EXPECT_TRUE(log_->Flush().ok());
    auto db = sqlite::Connection::Open(path_);
    EXPECT_TRUE(db.ok());
    auto st = db->Prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    auto row = st->Step();
    return row.ok() && row.value() ? st->Int64(0) : -1;
  }
  testing::TempDir dir_;
  std::string path_ = dir_ / "log.sqlite";
  std::unique_ptr<Analytics> log_;
  long long clock_ = 0;
};

TEST_F(PrivateLog, AQueryIsSuggestedOnlyOnceThreeDistinctPeopleTypedIt) {
  for (int i = 0; i < 10; ++i) {
    ClickedSearch("wachtwoord vergeten", "ann");
    ClickedSearch("wachtwoord vergeten", "bob");
  }
  EXPECT_TRUE(Suggested("wacht").empty()) << "20 searches, but by two people";
  ClickedSearch("wachtwoord vergeten", "carol");
  EXPECT_EQ(Suggested("wacht"), (std::vector<std::string>{"wachtwoord vergeten=21"}));
  // Anonymous visitors count by session; the same session twice is one.
  ClickedSearch("adres wijzigen", "", "s1");
  ClickedSearch("adres wijzigen", "", "s1");
  ClickedSearch("adres wijzigen", "", "s2");
  EXPECT_TRUE(Suggested("adres").empty());
  ClickedSearch("adres wijzigen", "", "s3");
  EXPECT_EQ(Suggested("adres"), (std::vector<std::string>{"adres wijzigen=4"}));
  // One user under different spellings of the id is still one user.
  ClickedSearch("factuur", "dave");
  ClickedSearch("factuur", "Dave");
  ClickedSearch("factuur", " dave ");
  EXPECT_TRUE(Suggested("fact").empty());
}

TEST_F(PrivateLog, TheDistinctUserThresholdIsConfigurable) {
  AnalyticsOptions options;
  options.suggest_min_users = 2;
  Reopen(options);
  ClickedSearch("verlof", "ann");
  EXPECT_TRUE(Suggested("verl").empty());
  ClickedSearch("verlof", "bob");
  EXPECT_EQ(Suggested("verl"), (std::vector<std::string>{"verlof=2"}));
}

TEST_F(PrivateLog, AQueryThatHeldPersonalDataIsNeverSuggested) {
  // A normaliser that drops placeholders, so the flag and not the text must
  // keep the redacted searches out.
  AnalyticsOptions options;
  options.normalize = [](const std::string& q) {
    std::string out;
    bool skipping = false;
    for (char c : q) {
      if (c == '[') skipping = true;
      if (!skipping) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (c == ']') skipping = false;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  Reopen(options);
  for (const char* user : {"ann", "bob", "carol", "dave"}) {
    ClickedSearch("mail jan@example.com", user);
    ClickedSearch("bel 06-12345678", user);
    ClickedSearch("contract", user);
  }
  EXPECT_TRUE(Suggested("mail").empty());
  EXPECT_TRUE(Suggested("bel").empty());
  EXPECT_EQ(Suggested("contr"), (std::vector<std::string>{"contract=4"}));
  // Once someone typed it with personal data, it is out for everyone.
  ClickedSearch("contract 06-12345678", "erin");
  EXPECT_TRUE(Suggested("contr").empty());
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE redacted = 1"), 9);
}

TEST_F(PrivateLog, ErasureFindsEverySpellingOfAUserId) {
  Search("een", "Carol");
  Search("twee", " carol");
  Search("drie", "carol\t");
  Search("vier", "dave");
  auto erased = log_->EraseUser("CAROL ");
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased.value(), 3u);
  EXPECT_EQ(Count("SELECT count(*) FROM searches"), 1);
  auto bad = log_->EraseUser("carol/admin");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->EraseUser("").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PrivateLog, ActivityOfAUserHoldsTheirSearchesAndWhatFollowedThem) {
  ClickedSearch("factuur", "Carol", "s1");
  Search("adres", " carol", "acme", "s2");
  Search("adres", "dave", "acme", "s3");
  auto dave = log_->ActivityOf("dave");
  ASSERT_TRUE(dave.ok()) << dave.status().ToString();
  auto carol = log_->ActivityOf("CAROL");
  ASSERT_TRUE(carol.ok()) << carol.status().ToString();
  ASSERT_EQ(carol->searches.size(), 2u);
  EXPECT_EQ(carol->searches[0].query, "factuur");
  EXPECT_EQ(carol->searches[1].query, "adres");
  ASSERT_EQ(carol->clicks.size(), 1u);
  EXPECT_EQ(carol->clicks[0].query_id, carol->searches[0].query_id);
  EXPECT_EQ(carol->clicks[0].doc_id, "doc");
  ASSERT_TRUE(log_->LogFeedback(carol->searches[0].query_id, "doc", true, "thanks").ok());
  ASSERT_TRUE(log_->LogSupportContact(carol->searches[1].query_id).ok());
  carol = log_->ActivityOf("carol");
  ASSERT_TRUE(carol.ok());
  ASSERT_EQ(carol->feedback.size(), 1u);
  EXPECT_TRUE(carol->feedback[0].helpful);
  EXPECT_EQ(carol->feedback[0].comment, "thanks");
  EXPECT_EQ(carol->support_contacts.size(), 1u);
  EXPECT_FALSE(carol->truncated);
  ASSERT_EQ(dave->searches.size(), 1u);
  EXPECT_TRUE(dave->clicks.empty());
  auto one = log_->ActivityOf("carol", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->searches.size(), 1u);
  EXPECT_TRUE(one->truncated);
  EXPECT_EQ(log_->ActivityOf("carol/admin").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ActivityOf("carol", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PrivateLog, PseudonymisedUserKeepsTheSearchesButNotTheLinkToThem) {
  ClickedSearch("factuur", "carol", "s1");
  Search("adres", "carol", "acme", "s2");
  Search("adres", "dave", "acme", "s2");
  auto carol = log_->ActivityOf("carol");
  ASSERT_TRUE(carol.ok());
  ASSERT_TRUE(log_->LogFeedback(carol->searches[0].query_id, "doc", false, "call me on my mobile").ok());
  const std::string old_key = carol->searches[0].user_key;
  const std::string old_session = carol->searches[1].session;
  auto rewritten = log_->PseudonymiseUser(" Carol");
  ASSERT_TRUE(rewritten.ok()) << rewritten.status().ToString();
  EXPECT_EQ(rewritten.value(), 2u);
  // The searches still count in reports; nothing links them to carol.
  EXPECT_EQ(Count("SELECT count(*) FROM searches"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM clicks"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM feedback WHERE helpful = 0 AND comment = ''"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE user_key = '" + old_key + "'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE session = '" + old_session + "'"), 1)
      << "dave's search keeps it";
  auto after = log_->ActivityOf("carol");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->searches.empty());
  EXPECT_TRUE(after->feedback.empty());
  auto dave = log_->ActivityOf("dave");
  ASSERT_TRUE(dave.ok());
  EXPECT_EQ(dave->searches.size(), 1u);
  EXPECT_EQ(log_->PseudonymiseUser("").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PrivateLog, OrgIdsAreNormalisedAndSessionsHashed) {
  Search("a", "", "Acme", "jan@example.com");
  Search("b", "", " acme", "jan@example.com");
  Search("c", "", "acme", "other-session");
  EXPECT_EQ(Count("SELECT count(DISTINCT org_key) FROM searches"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE org_key = '' OR org_key LIKE '%acme%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM searches WHERE session LIKE '%example%' OR session LIKE '%other%'"), 0);
  EXPECT_EQ(Count("SELECT count(DISTINCT session) FROM searches"), 2) << "one session, one key";
  EXPECT_EQ(Count("SELECT min(length(session)) FROM searches"), 32);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(PrivateLog, TheKeyLivesInAPrivateFileOfItsOwn) {
  Search("x", "ann");
  ASSERT_TRUE(log_->Flush().ok());
  const std::string key_path = Analytics::KeyPathFor(path_);
  EXPECT_EQ(key_path, path_ + ".key");
  struct stat st {};
  ASSERT_EQ(stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string key = ReadFile(key_path);
  ASSERT_EQ(key.size(), 32u);
  EXPECT_EQ(Count("SELECT count(*) FROM meta WHERE key = 'pseudonym_key'"), 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  EXPECT_EQ(ReadFile(path_).find(hex), std::string::npos);
  EXPECT_EQ(ReadFile(path_).find(key), std::string::npos);
  // Reopening keeps the key, so pseudonyms keep linking.
  Reopen({});
  EXPECT_EQ(ReadFile(key_path), key);
  Search("y", "ann");
  EXPECT_EQ(Count("SELECT count(DISTINCT user_key) FROM searches"), 1);
}

TEST_F(PrivateLog, AKeyFileOthersMayReadIsRefusedNamingItsMode) {
  log_.reset();
  const std::string key_path = Analytics::KeyPathFor(path_);
  for (const mode_t mode : {0644, 0620, 0604, 0660}) {
    ASSERT_EQ(chmod(key_path.c_str(), mode), 0);
    auto log = Analytics::Open(path_);
    ASSERT_FALSE(log.ok()) << std::oct << mode;
    EXPECT_EQ(log.status().code(), StatusCode::kPermissionDenied);
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
    EXPECT_NE(log.status().message().find(key_path), std::string::npos) << log.status().message();
    EXPECT_NE(log.status().message().find(text), std::string::npos) << log.status().message();
  }
  ASSERT_EQ(chmod(key_path.c_str(), 0400), 0);
  EXPECT_TRUE(Analytics::Open(path_).ok()) << "read-only for the owner is fine";
  dir_.Write("short.sqlite.key", "too short");
  chmod((dir_ / "short.sqlite.key").c_str(), 0600);
  EXPECT_EQ(Analytics::Open(dir_ / "short.sqlite").status().code(), StatusCode::kCorruption);
}

TEST(PseudonymKeyMigration, AKeyInsideAnOlderLogMovesToTheKeyFileAndKeepsLinking) {
  testing::TempDir dir;
  const std::string path = dir / "log.sqlite";
  // A version 4 log keeping its key inside, with one search by "ann".
  unsigned char key[32];
  for (unsigned i = 0; i < sizeof key; ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
  char key_hex[65];
  sodium_bin2hex(key_hex, sizeof key_hex, key, sizeof key);
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>("ann"), 3, key, sizeof key);
  char hash_hex[33];
  sodium_bin2hex(hash_hex, sizeof hash_hex, hash, sizeof hash);
  {
    auto db = sqlite::Connection::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sqlite::Migrate(db.value(), AnalyticsStore::Migrations().first(4)).ok());
    auto st = db->Prepare("INSERT INTO meta(key, value) VALUES('pseudonym_key', ?)");
    ASSERT_TRUE(st->BindText(1, key_hex).Run().ok());
    auto search = db->Prepare(
        "INSERT INTO searches(query_id, ts, query, normalized, results, user_key) VALUES('q1', ?, 'oud', 'oud', 0, ?)");
    ASSERT_TRUE(search->BindInt64(1, kT0).BindText(2, hash_hex).Run().ok());
  }
  auto log = Analytics::Open(path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(ReadFile(Analytics::KeyPathFor(path)), std::string(reinterpret_cast<const char*>(key), sizeof key));
  EXPECT_EQ(ReadFile(path).find(key_hex), std::string::npos) << "deleted from the database, not just unlinked";
  auto erased = log.value()->EraseUser("Ann");
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased.value(), 1u) << "the old pseudonym still links to the user";
  log.value().reset();
  EXPECT_TRUE(Analytics::Open(path).ok()) << "and it opens again from the key file";
}

TEST_F(PrivateLog, AFailingLogIsReportedOnceAndSearchingGoesOn) {
  std::vector<Status> reported;
  std::mutex mutex;
  AnalyticsOptions options;
  options.on_write_error = [&](const Status& s) {
    std::lock_guard<std::mutex> lock(mutex);
    reported.push_back(s);
  };
  Reopen(options);
  Search("eerst", "ann");
  ASSERT_TRUE(log_->Flush().ok());
  EXPECT_TRUE(log_->Health().ok());
  // Another process breaks the file under the running log.
  {
    auto db = sqlite::Connection::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("DROP TABLE searches").ok());
  }
  for (int i = 0; i < 3; ++i) {
    Search("daarna", "ann");
    EXPECT_FALSE(log_->Flush().ok());
  }
  const Status health = log_->Health();
  EXPECT_FALSE(health.ok());
  EXPECT_NE(health.message().find(path_), std::string::npos) << health.message();
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(reported.size(), 1u) << "once per outage, not per batch";
  EXPECT_NE(reported[0].message().find("no such table: searches"), std::string::npos) << reported[0].message();
}

TEST(AnalyticsWriteError, TheDefaultWarningIsOneLineOnStderrOncePerProcess) {
  testing::TempDir dir;
  ::testing::internal::CaptureStderr();
  for (const char* name : {"a.sqlite", "b.sqlite"}) {
    auto log = Analytics::Open(dir / name);
    ASSERT_TRUE(log.ok());
    {
      auto db = sqlite::Connection::Open(dir / name);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(db->Exec("DROP TABLE searches").ok());
    }
    SearchEvent e;
    e.query = "x";
    log.value()->LogSearch(e);
    EXPECT_FALSE(log.value()->Flush().ok());
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("portalkb: analytics:"), std::string::npos) << err;
}

}  // namespace
}  // namespace portalkb
