// portalkb orgs|users|roles|groups: exit codes, JSON, approval through the
// CLI, the password read from stdin, the key file's mode.
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "accounts/accounts_fixture.h"

namespace portalkb::testing {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AccountsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    key = dir / "accounts.key";
    ASSERT_EQ(Run({"users", "new-key", "--key-file", key}).exit_code, 0);
  }
  CliResult Run(std::vector<std::string> args, const std::string& stdin_text = "") {
    const std::string in = dir.Write("cli-stdin", stdin_text);
    std::string command = Quote(PORTALKB_CLI);
    for (const auto& a : args) command += " " + Quote(a);
    command += " >" + Quote(dir / "cli-out") + " 2>" + Quote(dir / "cli-err") + " <" + Quote(in);
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(dir / "cli-out"), Slurp(dir / "cli-err")};
  }
  std::vector<std::string> Store(std::vector<std::string> args) {
    for (const std::string& a : {std::string("--db"), dir / "kb", std::string("--key-file"), key}) args.push_back(a);
    return args;
  }
  TempDir dir;
  std::string key;
};

TEST_F(AccountsCli, RequestApprovedByTheOrganisationsAdminThenLogsIn) {
  ASSERT_EQ(Run(Store({"orgs", "add", "acme", "--name", "Acme BV"})).exit_code, 0);
  ASSERT_EQ(Run(Store({"orgs", "add", "globex", "--name", "Globex"})).exit_code, 0);
  ASSERT_EQ(Run(Store({"roles", "add", "customer-admin", "--description", "approves requests"})).exit_code, 0);
  ASSERT_EQ(Run(Store({"groups", "add", "admins", "--role", "customer-admin"})).exit_code, 0);
  auto boss = Run(Store({"users", "add", "--org", "acme", "--email", "boss@acme.test", "--name", "Boss", "--json"}));
  ASSERT_EQ(boss.exit_code, 0) << boss.err;
  const std::string boss_id = nlohmann::json::parse(boss.out).at("id");
  ASSERT_EQ(Run(Store({"users", "update", boss_id, "--add-group", "admins"})).exit_code, 0);
  auto other = Run(Store({"users", "add", "--org", "globex", "--email", "g@globex.test", "--name", "G", "--json"}));
  const std::string other_id = nlohmann::json::parse(other.out).at("id");
  ASSERT_EQ(Run(Store({"users", "update", other_id, "--add-role", "customer-admin"})).exit_code, 0);

  auto request = Run(Store({"users", "add", "--org", "acme", "--email", "New.Hire@acme.test", "--name",
                            "Nieuwe Medewerker", "--language", "nl", "--pending", "--json"}));
  ASSERT_EQ(request.exit_code, 0) << request.err;
  const auto json = nlohmann::json::parse(request.out);
  EXPECT_EQ(json.at("status"), "pending");
  EXPECT_EQ(json.at("email"), "new.hire@acme.test");
  EXPECT_EQ(json.at("language"), "nl");
  EXPECT_FALSE(json.contains("password_hash"));
  const std::string id = json.at("id");

  auto refused = Run(Store({"users", "approve", id, "--as", other_id}));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("may not decide"), std::string::npos) << refused.err;
  auto approved = Run(Store({"users", "approve", id, "--as", boss_id, "--json"}));
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(nlohmann::json::parse(approved.out).at("status"), "active");

  const std::string password = "stdin-only passphrase 7";
  auto set = Run(Store({"users", "set-password", id}), password + "\n");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(Run(Store({"users", "set-password", id}), "").exit_code, 2) << "no password on stdin is a usage error";

  AccountsOptions options;
  options.key_file = key;
  auto store = Accounts::Open(Accounts::PathFor(dir / "kb"), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto session = store.value()->Login("new.hire@acme.test", password);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  store.value().reset();

  auto listed = Run(Store({"users", "list", "--org", "acme", "--json"}));
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 2u);
  // What the CLI printed is its output; what it stored reveals nothing.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("cli-", 0) == 0) continue;
    const std::string bytes = Slurp(entry.path().string());
    for (const std::string& s : {std::string("new.hire"), std::string("Nieuwe Medewerker"), password, session->token}) {
      EXPECT_EQ(bytes.find(s), std::string::npos) << s << " in " << name;
    }
  }
}

TEST_F(AccountsCli, ExitCodesAndTheKeyFilesMode) {
  EXPECT_EQ(Run({"users"}).exit_code, 2);
  EXPECT_EQ(Run({"users", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(Run({"orgs", "list"}).exit_code, 2) << "--db and --key-file are required";
  EXPECT_EQ(Run(Store({"orgs", "list", "--json"})).out, "[]\n");
  auto bad_email = Run(Store({"users", "add", "--org", "acme", "--email", "nope", "--name", "N"}));
  EXPECT_EQ(bad_email.exit_code, 2);
  EXPECT_EQ(Run(Store({"orgs", "show", "nosuch"})).exit_code, 1);
  EXPECT_EQ(Run({"users", "new-key", "--key-file", key}).exit_code, 1) << "never overwrites a key";
  ASSERT_EQ(chmod(key.c_str(), 0604), 0);
  auto open = Run(Store({"orgs", "list"}));
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_NE(open.err.find(key), std::string::npos) << open.err;
  EXPECT_NE(open.err.find("0604"), std::string::npos) << open.err;
}

TEST_F(AccountsCli, RotateKeyMovesEveryUserOntoTheNewKey) {
  ASSERT_EQ(Run(Store({"orgs", "add", "acme", "--name", "Acme"})).exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        Run(Store({"users", "add", "--org", "acme", "--email", "u" + std::to_string(i) + "@acme.test", "--name", "U"}))
            .exit_code,
        0);
  }
  const std::string old_key = key;
  key = dir / "accounts-2.key";
  ASSERT_EQ(Run({"users", "new-key", "--key-file", key}).exit_code, 0);
  EXPECT_EQ(Run(Store({"users", "list"})).exit_code, 1) << "rows under a key not given do not open";
  auto rotated = Run(Store({"users", "rotate-key", "--previous-key-file", old_key, "--json"}));
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_EQ(nlohmann::json::parse(rotated.out), (nlohmann::json{{"resealed", 3}, {"remaining", 0}}));
  auto listed = Run(Store({"users", "list", "--json"}));
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 3u);
}

}  // namespace
}  // namespace portalkb::testing
