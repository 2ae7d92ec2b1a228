// `portalkb audit list|verify|prune`: options, output and exit codes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "portalkb/audit.h"
#include "test_util.h"

namespace portalkb {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(db_);
    auto trail = AuditTrail::OpenForIndex(db_);
    ASSERT_TRUE(trail.ok()) << trail.status().ToString();
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(trail.value()
                      ->Append({.actor = "admin-key",
                                .action = i % 2 == 0 ? "role.grant" : "login.success",
                                .subject_user = "u" + std::to_string(i % 3),
                                .org = "acme",
                                .detail = R"({"i":)" + std::to_string(i) + "}"})
                      .ok());
    }
  }

  RunResult Run(const std::vector<std::string>& args) {
    std::string command = Quote(PORTALKB_CLI);
    for (const auto& a : args) command += " " + Quote(a);
    command += " >" + Quote(dir_ / "out") + " 2>" + Quote(dir_ / "err") + " </dev/null";
    const int status = std::system(command.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(dir_ / "out");
    r.err = Slurp(dir_ / "err");
    return r;
  }

  testing::TempDir dir_;
  std::string db_ = dir_ / "db";
};

TEST_F(AuditCli, ListFiltersByUserAndPrintsJson) {
  const auto r = Run({"audit", "list", "--db", db_, "--user", "u1", "--since", "30d", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["entries"].size(), 2u);
  EXPECT_EQ(json["entries"][0]["seq"], 5);
  EXPECT_EQ(json["entries"][0]["subject_user"], "u1");
  EXPECT_EQ(json["entries"][0]["detail"]["i"], 4);
  EXPECT_EQ(json["entries"][1]["seq"], 2);

  const auto text = Run({"audit", "list", "--db", db_, "--action", "role.grant", "--limit", "2"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("#5  role.grant  actor=admin-key  user=u1  org=acme"), std::string::npos) << text.out;
  EXPECT_EQ(std::count(text.out.begin(), text.out.end(), '\n'), 2);

  // Nothing in the future.
  const auto none = Run({"audit", "list", "--db", db_, "--since", "2999-01-01", "--json"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_TRUE(nlohmann::json::parse(none.out)["entries"].empty());
}

TEST_F(AuditCli, BadUsageExitsTwo) {
  EXPECT_EQ(Run({"audit"}).exit_code, 2);
  EXPECT_EQ(Run({"audit", "rewrite", "--db", db_}).exit_code, 2);
  EXPECT_EQ(Run({"audit", "list", "--db", db_, "--limit", "-1"}).exit_code, 2);
  EXPECT_EQ(Run({"audit", "list", "--db", db_, "--limit", "0"}).exit_code, 2);
  const auto since = Run({"audit", "list", "--db", db_, "--since", "yesterday"});
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_NE(since.err.find("--since"), std::string::npos) << since.err;
  const auto missing = Run({"audit", "verify", "--db", dir_ / "nothing"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no index"), std::string::npos) << missing.err;
}

TEST_F(AuditCli, VerifyPassesThenNamesTheEditedEntry) {
  auto ok = Run({"audit", "verify", "--db", db_, "--json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto report = nlohmann::json::parse(ok.out);
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["entries_checked"], 6);
  EXPECT_EQ(report["head_hash"].get<std::string>().size(), 64u);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(AuditTrail::PathFor(db_).c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "UPDATE audit_entries SET action = 'login.failure' WHERE seq = 3", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);

  auto bad = Run({"audit", "verify", "--db", db_});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("entry 3: its content does not match its hash (edited)"), std::string::npos) << bad.err;
  bad = Run({"audit", "verify", "--db", db_, "--json"});
  EXPECT_EQ(bad.exit_code, 1);
  report = nlohmann::json::parse(bad.out);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["bad_seq"], 3);
  EXPECT_EQ(report["problem"], "edited");
}

TEST_F(AuditCli, ReadingNeverCreatesATrail) {
  const std::string other = dir_ / "other";
  std::filesystem::create_directories(other);
  const auto r = Run({"audit", "verify", "--db", other});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no audit trail"), std::string::npos) << r.err;
  std::error_code ec;
  EXPECT_FALSE(std::filesystem::exists(AuditTrail::PathFor(other), ec));
}

TEST_F(AuditCli, PruneKeepsTheTrailVerifiable) {
  // Nothing is older than a day yet: nothing pruned, the trail still verifies.
  const auto r = Run({"audit", "prune", "--db", db_, "--retention-days", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("deleted 0 entries"), std::string::npos) << r.out;
  EXPECT_EQ(Run({"audit", "verify", "--db", db_}).exit_code, 0);
  EXPECT_EQ(Run({"audit", "prune", "--db", db_, "--retention-days", "0"}).exit_code, 2);
}

TEST_F(AuditCli, OperatorChangesToTheIndexAreRecorded) {
  const std::string index = dir_ / "kb";
  const std::string docs = dir_.Write(
      "docs.jsonl", R"({"id":"a1","title":"Factuur downloaden","lang":"nl","visibility":["public"],"body":"x"})"
                    "\n");
  ASSERT_EQ(Run({"index", "--db", index, docs}).exit_code, 0);
  ASSERT_EQ(Run({"settings", "--db", index, "set", "typo.enabled", "false"}).exit_code, 0);
  ASSERT_EQ(Run({"delete", "--db", index, "a1"}).exit_code, 0);
  const std::string secrets = dir_.Write("secrets", "k1 0123456789abcdef0123456789abcdef\n");
  ASSERT_EQ(chmod(secrets.c_str(), 0600), 0);
  const auto minted =
      Run({"keys", "mint", "--secret-file", secrets, "--key-id", "k1", "--org", "acme", "--ttl", "1h", "--db", index});
  ASSERT_EQ(minted.exit_code, 0) << minted.err;
  const auto listed = Run({"audit", "list", "--db", index, "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto j = nlohmann::json::parse(listed.out);
  std::vector<std::string> actions;
  for (const auto& e : j["entries"])
    actions.push_back(e["action"].get<std::string>() + " " + e["actor"].get<std::string>());
  // Newest first.
  EXPECT_EQ(actions, (std::vector<std::string>{"key.mint operator", "document.delete operator", "settings.set operator",
                                               "document.publish operator"}));
  EXPECT_EQ(j["entries"][0]["detail"]["org"], "acme");
  EXPECT_EQ(j["entries"][1]["detail"]["ids"], nlohmann::json::array({"a1"}));
  EXPECT_EQ(listed.out.find(minted.out.substr(0, minted.out.size() - 1)), std::string::npos) << "the key itself";
  EXPECT_EQ(Run({"audit", "verify", "--db", index}).exit_code, 0);
}

}  // namespace
}  // namespace portalkb
