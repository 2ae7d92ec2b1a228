// The audit trail: appends, the hash chain against tampering with raw SQL,
// retention with an anchor, pseudonymisation, listing, the key file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "portalkb/audit.h"
#include "test_util.h"

namespace portalkb {
namespace {

constexpr long long kDay = 86400;
constexpr long long kStart = 1'750'000'000;  // 2025-06-15

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = dir_ / "kb.audit.sqlite"; }

  std::unique_ptr<AuditTrail> OpenTrail(AuditOptions options = {}) {
    if (!options.clock) options.clock = [this] { return now_.load(); };
    auto trail = AuditTrail::Open(path_, std::move(options));
    EXPECT_TRUE(trail.ok()) << trail.status().ToString();
    return trail.ok() ? std::move(trail).value() : nullptr;
  }

  // Appends `n` entries about users u0..u2, one minute apart.
  void Fill(AuditTrail& trail, int n) {
    for (int i = 0; i < n; ++i) {
      AuditRecord r;
      r.actor = "admin-" + std::to_string(i % 2);
      r.action = i % 3 == 0 ? "role.grant" : "login.success";
      r.subject_user = "u" + std::to_string(i % 3);
      r.org = "acme";
      r.detail = R"({"n": )" + std::to_string(i) + "}";
      auto entry = trail.Append(r);
      ASSERT_TRUE(entry.ok()) << entry.status().ToString();
      now_ += 60;
    }
  }

  // Runs raw SQL on the file, as someone tampering with it would.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  AuditVerifyReport VerifyOf(const AuditTrail& trail) {
    auto report = trail.Verify();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report.value() : AuditVerifyReport{};
  }

  testing::TempDir dir_;
  std::string path_;
  std::atomic<long long> now_{kStart};
};

TEST_F(AuditTest, AppendedEntriesChainAndVerify) {
  auto trail = OpenTrail();
  Fill(*trail, 10);
  auto report = VerifyOf(*trail);
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries_checked, 10);
  EXPECT_EQ(report.head_seq, 10);
  auto all = trail->List({.limit = 100});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 10u);
  // Newest first; each entry names its predecessor's hash.
  EXPECT_EQ(all->front().seq, 10);
  EXPECT_EQ(all->front().hash, report.head_hash);
  for (std::size_t i = 0; i + 1 < all->size(); ++i) EXPECT_EQ((*all)[i].prev_hash, (*all)[i + 1].hash);
  EXPECT_EQ(all->back().prev_hash, std::string(64, '0'));
  // Detail is stored canonically (keys sorted, no spaces).
  auto one = trail->Append({.actor = "a", .action = "x.y", .detail = R"({"b": 1, "a": [true]})"});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->detail, R"({"a":[true],"b":1})");
}

TEST_F(AuditTest, RefusesBadRecordsNamingTheField) {
  auto trail = OpenTrail();
  const std::pair<AuditRecord, std::string> cases[] = {
      {{.action = ""}, "action"},
      {{.action = "Login Success"}, "action"},
      {{.action = std::string(65, 'a')}, "action"},
      {{.actor = "a:b", .action = "login"}, "actor"},
      {{.action = "login", .subject_user = "org:x/role:y"}, "subject_user"},
      {{.action = "login", .org = "a b"}, "org"},
      {{.action = "login", .detail = "[1, 2]"}, "detail"},
      {{.action = "login", .detail = "{"}, "detail"},
      {{.action = "login", .detail = std::string(kMaxAuditDetailBytes + 1, ' ')}, "detail"},
      {{.action = "audit.prune", .detail = R"({"anchor_seq": 0})"}, "audit.* actions"},
  };
  for (const auto& [record, field] : cases) {
    auto entry = trail->Append(record);
    ASSERT_FALSE(entry.ok()) << field;
    EXPECT_EQ(entry.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(entry.status().message().find(field), std::string::npos) << entry.status().message();
  }
  EXPECT_EQ(VerifyOf(*trail).head_seq, 0);
  auto batch = trail->AppendAll({{.action = "login"}, {.action = "audit.pseudonymise"}});
  EXPECT_EQ(batch.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(batch.message().find("record 1"), std::string::npos) << batch.message();
  EXPECT_EQ(VerifyOf(*trail).head_seq, 0);  // all or none
}

TEST_F(AuditTest, VerifyNamesAnEditedEntry) {
  auto trail = OpenTrail();
  Fill(*trail, 8);
  Tamper("UPDATE audit_entries SET detail = '{\"n\":99}' WHERE seq = 5");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 5);
  EXPECT_EQ(report.problem, "edited");
  EXPECT_NE(report.message.find("entry 5"), std::string::npos) << report.message;
}

TEST_F(AuditTest, VerifyNamesAnEditedUserId) {
  auto trail = OpenTrail();
  Fill(*trail, 4);
  // The hash covers the keyed digest of the id: rewriting the clear id shows.
  Tamper("UPDATE audit_entries SET subject_user = 'someone-else' WHERE seq = 2");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 2);
  EXPECT_EQ(report.problem, "edited");
}

TEST_F(AuditTest, VerifyNamesADeletedEntry) {
  auto trail = OpenTrail();
  Fill(*trail, 8);
  Tamper("DELETE FROM audit_entries WHERE seq = 4");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 4);
  EXPECT_EQ(report.problem, "deleted");
  EXPECT_NE(report.message.find("entry 4: missing"), std::string::npos) << report.message;
}

TEST_F(AuditTest, VerifyNamesADeletionHiddenByRenumbering) {
  auto trail = OpenTrail();
  Fill(*trail, 8);
  Tamper(
      "DELETE FROM audit_entries WHERE seq = 4; UPDATE audit_entries SET seq = seq - 1 WHERE seq > 4;"
      "UPDATE audit_state SET head_seq = 7");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 4);
  EXPECT_EQ(report.problem, "deleted") << report.message;
}

TEST_F(AuditTest, VerifyNamesTheNewestEntriesDeleted) {
  auto trail = OpenTrail();
  Fill(*trail, 8);
  Tamper("DELETE FROM audit_entries WHERE seq >= 7");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 7);
  EXPECT_EQ(report.problem, "truncated") << report.message;
}

TEST_F(AuditTest, VerifyNamesAReorderedEntry) {
  auto trail = OpenTrail();
  Fill(*trail, 8);
  // Swap entries 3 and 4 (seq is the primary key, so through a free value).
  Tamper(
      "UPDATE audit_entries SET seq = 100 WHERE seq = 3; UPDATE audit_entries SET seq = 3 WHERE seq = 4;"
      "UPDATE audit_entries SET seq = 4 WHERE seq = 100");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 3);
  EXPECT_EQ(report.problem, "reordered") << report.message;
  EXPECT_NE(report.message.find("seq 4"), std::string::npos) << report.message;
}

TEST_F(AuditTest, VerifyNamesContentSwappedBetweenRows) {
  auto trail = OpenTrail();
  Fill(*trail, 6);
  // Reorder by swapping every column but seq.
  Tamper(
      "CREATE TEMP TABLE t AS SELECT * FROM audit_entries WHERE seq IN (2, 3);"
      "UPDATE audit_entries SET (time, actor, action, subject_user, org, detail, prev_hash, hash) = "
      "(SELECT time, actor, action, subject_user, org, detail, prev_hash, hash FROM t WHERE t.seq = 5 - "
      "audit_entries.seq) WHERE seq IN (2, 3)");
  auto report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.bad_seq, 2);
  EXPECT_EQ(report.problem, "reordered") << report.message;
}

TEST_F(AuditTest, PruningKeepsTheRestVerifiable) {
  AuditOptions options;
  options.retention_days = 30;
  auto trail = OpenTrail(options);
  for (int day = 0; day < 60; ++day) {
    ASSERT_TRUE(trail->Append({.actor = "admin", .action = "login.success", .subject_user = "u1"}).ok());
    now_ += kDay;
  }
  // now = start + 60 days: entries of days 0..29 are older than 30 days.
  auto pruned = trail->Prune();
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->deleted, 30);
  EXPECT_EQ(pruned->anchor_seq, 30);
  auto report = VerifyOf(*trail);
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.anchor_seq, 30);
  EXPECT_EQ(report.entries_checked, 31);  // 30 kept + the prune entry
  auto oldest = trail->List({.since = kStart, .until = kStart + 30 * kDay, .limit = 100});
  ASSERT_TRUE(oldest.ok());
  EXPECT_TRUE(oldest->empty());
  auto note = trail->List({.action = "audit.prune", .limit = 10});
  ASSERT_TRUE(note.ok());
  ASSERT_EQ(note->size(), 1u);
  EXPECT_NE(note->front().detail.find("\"anchor_seq\":30"), std::string::npos) << note->front().detail;

  // Nothing more to prune: no new entry. Appends and later prunes go on.
  auto again = trail->Prune();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->deleted, 0);
  now_ += 40 * kDay;
  ASSERT_TRUE(trail->Append({.action = "settings.change"}).ok());
  ASSERT_TRUE(trail->Prune().ok());
  report = VerifyOf(*trail);
  EXPECT_TRUE(report.ok) << report.message;

  // Raising the anchor over entries deleted by hand does not pass.
  Tamper(
      "DELETE FROM audit_entries WHERE seq <= (SELECT anchor_seq FROM audit_state) + 1;"
      "UPDATE audit_state SET anchor_seq = anchor_seq + 1, anchor_hash = "
      "(SELECT prev_hash FROM audit_entries ORDER BY seq LIMIT 1)");
  report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "deleted") << report.message;
}

TEST_F(AuditTest, PseudonymiseKeepsTheChainAndRemovesTheId) {
  auto trail = OpenTrail();
  Fill(*trail, 9);  // u1 is the subject of 3 entries
  ASSERT_TRUE(trail->Append({.actor = "u1", .action = "profile.update", .subject_user = "u1"}).ok());
  auto n = trail->Pseudonymise("u1", "erased-5f2c", "gdpr-service");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n.value(), 5);  // 4 subjects + 1 actor
  auto report = VerifyOf(*trail);
  EXPECT_TRUE(report.ok) << report.message;
  auto left = trail->List({.user = "u1", .limit = 100});
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  auto renamed = trail->List({.user = "erased-5f2c", .limit = 100});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->size(), 5u);  // 4 + the pseudonymise entry
  EXPECT_EQ(renamed->front().action, "audit.pseudonymise");

  // A pseudonym already used is refused; pseudonymising again chains on.
  auto taken = trail->Pseudonymise("u2", "erased-5f2c", "gdpr-service");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(trail->Pseudonymise("erased-5f2c", "erased-9999", "gdpr-service").ok());
  EXPECT_TRUE(VerifyOf(*trail).ok);

  // Nothing of the replaced ids is left in the file, free pages included
  // (secure_delete; closing the last connection checkpoints the WAL away).
  trail.reset();
  {
    std::ifstream in(path_, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(bytes.find("erased-5f2c"), std::string::npos);
    EXPECT_EQ(bytes.find("u1"), std::string::npos);
    EXPECT_NE(bytes.find("erased-9999"), std::string::npos);
  }

  // A pseudonymised entry still detects its id being changed.
  trail = OpenTrail();
  Tamper("UPDATE audit_entries SET subject_user = 'u0' WHERE subject_user = 'erased-9999' AND seq < 5");
  report = VerifyOf(*trail);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "edited");
}

TEST_F(AuditTest, PseudonymiseRefusesBadArguments) {
  auto trail = OpenTrail();
  EXPECT_EQ(trail->Pseudonymise("u1", "u1", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(trail->Pseudonymise("u1", "bad id", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(trail->Pseudonymise("", "p", "x").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditTest, ListFiltersByUserOrgActionAndTime) {
  auto trail = OpenTrail();
  Fill(*trail, 12);
  auto u1 = trail->List({.user = "U1", .limit = 100});  // ids are normalised
  ASSERT_TRUE(u1.ok());
  EXPECT_EQ(u1->size(), 4u);
  for (const auto& e : *u1) EXPECT_EQ(e.subject_user, "u1");
  auto grants = trail->List({.action = "role.grant", .limit = 100});
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(grants->size(), 4u);
  // Entry i was written at kStart + 60 i: [kStart + 300, kStart + 600) holds 5..9.
  auto window = trail->List({.since = kStart + 300, .until = kStart + 600, .limit = 100});
  ASSERT_TRUE(window.ok());
  ASSERT_EQ(window->size(), 5u);
  EXPECT_EQ(window->front().seq, 10);
  EXPECT_EQ(window->back().seq, 6);
  auto limited = trail->List({.user = "u0", .since = kStart + 60, .limit = 2});
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ(limited->front().seq, 10);
  EXPECT_EQ(limited->back().seq, 7);
  auto none = trail->List({.org = "other", .limit = 10});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(trail->List({.limit = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(trail->List({.limit = kMaxAuditListLimit + 1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(trail->List({.user = "a/b", .limit = 1}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditTest, TimeNeverDecreasesAlongTheChain) {
  auto trail = OpenTrail();
  ASSERT_TRUE(trail->Append({.action = "a"}).ok());
  now_ -= 3600;  // the clock went back
  auto second = trail->Append({.action = "b"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->time, kStart);
}

TEST_F(AuditTest, ConcurrentAppendsFormOneChain) {
  auto trail = OpenTrail();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&trail, t] {
      for (int i = 0; i < 50; ++i) {
        auto entry = trail->Append({.actor = "t" + std::to_string(t), .action = "login.success"});
        EXPECT_TRUE(entry.ok()) << entry.status().ToString();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto report = VerifyOf(*trail);
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries_checked, 200);
}

TEST_F(AuditTest, KeyFileIsPrivateAndRequiredOnceThereAreEntries) {
  {
    auto trail = OpenTrail();
    Fill(*trail, 2);
  }
  const std::string key = AuditTrail::KeyPathFor(path_);
  struct stat st {};
  ASSERT_EQ(stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(chmod(key.c_str(), 0644), 0);
  auto open = AuditTrail::Open(path_);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(open.status().message().find("0644"), std::string::npos) << open.status().message();
  ASSERT_EQ(unlink(key.c_str()), 0);
  open = AuditTrail::Open(path_);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), StatusCode::kCorruption);
  EXPECT_NE(open.status().message().find(key), std::string::npos) << open.status().message();
}

TEST_F(AuditTest, OpenWithoutCreateFindsNothing) {
  AuditOptions options;
  options.create = false;
  auto open = AuditTrail::Open(path_, options);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), StatusCode::kNotFound);
  std::error_code ec;
  EXPECT_FALSE(std::filesystem::exists(path_, ec));
  options.create = true;
  options.retention_days = 0;
  EXPECT_EQ(AuditTrail::Open(path_, options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditTest, PathsSitBesideTheIndex) {
  EXPECT_EQ(AuditTrail::PathFor("/data/kb/"), "/data/kb.audit.sqlite");
  EXPECT_EQ(AuditTrail::KeyPathFor("/data/kb.audit.sqlite"), "/data/kb.audit.sqlite.key");
}

}  // namespace
}  // namespace portalkb
