// portalkb backup / restore on the command line: flags, exit codes, JSON.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

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
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class BackupCli : public ::testing::Test {
 protected:
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
};

TEST_F(BackupCli, RoundTrip) {
  dir_.Write(
      "in/a.jsonl",
      R"({"id": "inv", "title": "Download an invoice", "lang": "en", "visibility": ["public"], "body": "Open Billing."})"
      "\n"
      R"({"id": "pw", "title": "Wachtwoord vergeten", "lang": "nl", "visibility": ["public"], "body": "Kies een nieuw wachtwoord."})"
      "\n");
  ASSERT_EQ(Run({"index", "--db", dir_ / "db", dir_ / "in"}).exit_code, 0);
  ASSERT_EQ(Run({"search", "--db", dir_ / "db", "invoice"}).exit_code, 0);  // logs one search

  auto r = Run({"backup", "--db", dir_ / "db", "--out", dir_ / "kb.tar", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto manifest = nlohmann::json::parse(r.out);
  EXPECT_EQ(manifest["index"]["documents"], 2);
  EXPECT_EQ(manifest["stores"]["analytics"]["rows"]["searches"], 1);
  EXPECT_EQ(manifest["format_version"], 1);

  r = Run({"backup", "--db", dir_ / "db", "--out", dir_ / "kb.tar"});
  EXPECT_EQ(r.exit_code, 1) << "an existing archive needs --force";
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  r = Run({"backup", "--db", dir_ / "db", "--out", dir_ / "kb.tar", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 documents"), std::string::npos) << r.out;

  r = Run({"restore", dir_ / "kb.tar", "--verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("verified"), std::string::npos) << r.out;

  r = Run({"restore", dir_ / "kb.tar", "--db", dir_ / "copy", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["index"]["documents"], 2);
  r = Run({"stats", "--db", dir_ / "copy", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["documents"], 2);
  r = Run({"search", "--db", dir_ / "copy", "--json", "wachtwoord"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto hits = nlohmann::json::parse(r.out)["hits"];
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["id"], "pw");

  r = Run({"restore", dir_ / "kb.tar", "--db", dir_ / "copy"});
  EXPECT_EQ(r.exit_code, 1) << "an existing index needs --force";
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  r = Run({"restore", dir_ / "kb.tar", "--db", dir_ / "copy", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // A flipped byte in a member's data: refused, naming the member.
  std::string bytes = Slurp(dir_ / "kb.tar");
  const std::size_t at = bytes.find("Glass");  // in index/iamglass, Xapian's version file
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x20;
  std::ofstream(dir_ / "bad.tar", std::ios::binary) << bytes;
  r = Run({"restore", dir_ / "bad.tar", "--verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("archive member '"), std::string::npos) << r.err;
}

TEST_F(BackupCli, UsageErrors) {
  auto r = Run({"restore", dir_ / "kb.tar"});
  EXPECT_EQ(r.exit_code, 2) << "--db or --verify is required";
  r = Run({"backup", "--db", dir_ / "db"});
  EXPECT_EQ(r.exit_code, 2) << "--out is required";
  r = Run({"backup", "--db", dir_ / "missing", "--out", dir_ / "x.tar"});
  EXPECT_EQ(r.exit_code, 2) << "a missing index is a usage error";
  r = Run({"restore", dir_ / "missing.tar", "--verify"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("missing.tar"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace portalkb
