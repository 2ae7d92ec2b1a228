// The fixed CLI contract: commands, flags, exit codes and JSON keys.
#include <gtest/gtest.h>
#include <sys/wait.h>

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
  for (char c : arg) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Cli : public ::testing::Test {
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

  void IndexFixture() {
    dir_.Write("in/a.jsonl",
               R"({"id": "inv", "type": "article", "title": "Download an invoice", "lang": "en", "visibility": ["public"], "body": "Open Billing and download the invoice as PDF."})"
               "\n"
               R"({"id": "pw", "type": "article", "title": "Wachtwoord vergeten", "lang": "nl", "visibility": ["public"], "body": "Kies een nieuw wachtwoord."})"
               "\n");
    const auto r = Run({"index", "--db", dir_ / "db", dir_ / "in"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  testing::TempDir dir_;
};

TEST_F(Cli, IndexSummarisesAndExitsNonZeroWhenSomethingWasRejected) {
  dir_.Write("in/a.jsonl",
             R"({"id": "a", "title": "A", "lang": "en", "visibility": ["public"]})"
             "\n"
             "oops\n");
  const auto r = Run({"index", "--db", dir_ / "db", dir_ / "in"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("a.jsonl:2: rejected: invalid JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("1 added, 0 updated, 1 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("documents/s"), std::string::npos);
  EXPECT_EQ(r.out.find("\r"), std::string::npos) << "no progress bar when stdout is not a terminal";

  const auto again = Run({"index", "--db", dir_ / "db", dir_ / "in/a.jsonl"});
  EXPECT_NE(again.out.find("0 added, 1 updated"), std::string::npos) << again.out;
}

TEST_F(Cli, SearchJsonHasTheContractKeys) {
  IndexFixture();
  const auto r = Run({"search", "--db", dir_ / "db", "--json", "invoice"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("query"), "invoice");
  EXPECT_EQ(j.at("total"), 1);
  EXPECT_TRUE(j.at("took_ms").is_number());
  ASSERT_EQ(j.at("hits").size(), 1u);
  const auto& hit = j.at("hits")[0];
  EXPECT_EQ(hit.at("id"), "inv");
  EXPECT_EQ(hit.at("title"), "Download an invoice");
  EXPECT_EQ(hit.at("type"), "article");
  EXPECT_EQ(hit.at("lang"), "en");
  EXPECT_TRUE(hit.at("score").is_number());
  EXPECT_NE(hit.at("snippet").get<std::string>().find("<mark>invoice</mark>"), std::string::npos);
}

TEST_F(Cli, SearchTableAndLanguageAndPaging) {
  IndexFixture();
  const auto table = Run({"search", "--db", dir_ / "db", "wachtwoord"});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("pw"), std::string::npos);
  EXPECT_NE(table.out.find("1 results"), std::string::npos) << table.out;
  const auto nl_only = Run({"search", "--db", dir_ / "db", "--lang", "nl", "--json", "invoice"});
  EXPECT_EQ(nlohmann::json::parse(nl_only.out).at("total"), 0);
  const auto paged = Run({"search", "--db", dir_ / "db", "--limit", "1", "--offset", "1", "--json", "invoice", "wachtwoord"});
  const auto j = nlohmann::json::parse(paged.out);
  EXPECT_EQ(j.at("total"), 2);
  EXPECT_EQ(j.at("hits").size(), 1u);
  const auto excluded = Run({"search", "--db", dir_ / "db", "--json", "-wachtwoord", "invoice"});
  EXPECT_EQ(nlohmann::json::parse(excluded.out).at("total"), 1) << excluded.err;
}

TEST_F(Cli, StatsJsonHasTheContractKeys) {
  IndexFixture();
  const auto r = Run({"stats", "--db", dir_ / "db", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("documents"), 2);
  EXPECT_EQ(j.at("by_type").at("article"), 2);
  EXPECT_EQ(j.at("by_lang").at("en"), 1);
  EXPECT_EQ(j.at("by_lang").at("nl"), 1);
  EXPECT_GT(j.at("terms").get<int>(), 0);
  EXPECT_GT(j.at("bytes").get<int>(), 0);
}

TEST_F(Cli, DeleteRemovesAndReportsMissingIds) {
  IndexFixture();
  const auto r = Run({"delete", "--db", dir_ / "db", "inv", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'nope'"), std::string::npos);
  const auto after = Run({"search", "--db", dir_ / "db", "--json", "invoice"});
  EXPECT_EQ(nlohmann::json::parse(after.out).at("total"), 0);
}

TEST_F(Cli, SettingsSetListUnsetAndBadValues) {
  IndexFixture();
  auto json = [&] {
    const auto r = Run({"settings", "--db", dir_ / "db", "list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  };
  EXPECT_EQ(json()["settings"]["typo.enabled"], "true");
  EXPECT_TRUE(json()["stored"].empty());
  const auto typo = [&] { return nlohmann::json::parse(Run({"search", "--db", dir_ / "db", "--json", "--no-correct", "invoyce"}).out)["total"]; };
  EXPECT_EQ(typo(), 1);
  const auto set = Run({"settings", "--db", dir_ / "db", "set", "typo.enabled", "false"});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(json()["settings"]["typo.enabled"], "false");
  EXPECT_EQ(json()["stored"], nlohmann::json::array({"typo.enabled"}));
  EXPECT_EQ(typo(), 0);
  const auto bad = Run({"settings", "--db", dir_ / "db", "set", "typo.min_length_one_typo", "five"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("typo.min_length_one_typo: 'five'"), std::string::npos) << bad.err;
  const auto unknown = Run({"settings", "--db", dir_ / "db", "unset", "typo.speed"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown setting 'typo.speed'"), std::string::npos) << unknown.err;
  EXPECT_EQ(Run({"settings", "--db", dir_ / "db", "unset", "typo.enabled"}).exit_code, 0);
  EXPECT_EQ(typo(), 1);
  EXPECT_EQ(Run({"settings", "--db", dir_ / "missing"}).exit_code, 2);
}

TEST_F(Cli, UsageErrorsAreOneLineAndExitTwo) {
  IndexFixture();
  const std::vector<std::vector<std::string>> bad = {
      {"search", "--db", dir_ / "db", "--bogus", "x"},
      {"search", "--db", dir_ / "missing", "x"},
      {"search", "x"},
      {"stats", "--db", dir_ / "missing"},
      {"delete", "--db", dir_ / "missing", "x"},
      {"index", "--db", dir_ / "db"},
      {"search", "--db", dir_ / "db", "--limit", "many", "x"},
      {"search", "--db", dir_ / "db", "--lang", "fr", "x"},
      {"frobnicate"},
  };
  for (const auto& args : bad) {
    const auto r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(Cli, PrincipalFlagsFiltersFacetsAndAdmin) {
  dir_.Write("in/a.jsonl",
             R"({"id": "pub", "title": "Invoice help", "lang": "en", "visibility": ["public"], "tags": ["invoice"]})"
             "\n"
             R"({"id": "fin", "title": "Invoice approvals", "lang": "en", "visibility": ["org:acme/role:finance"], "tags": ["invoice", "approval"]})"
             "\n");
  ASSERT_EQ(Run({"index", "--db", dir_ / "db", dir_ / "in"}).exit_code, 0);
  auto total = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"search", "--db", dir_ / "db", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("invoice");
    const auto r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  };
  EXPECT_EQ(total({}).at("total"), 1) << "anonymous by default";
  EXPECT_EQ(total({"--org", "acme", "--role", "finance"}).at("total"), 2);
  EXPECT_EQ(total({"--org", "globex", "--role", "finance"}).at("total"), 1);
  const auto admin = total({"--as-admin", "--facet", "tags", "--filter", "tags=approval"});
  EXPECT_EQ(admin.at("total"), 1);
  EXPECT_EQ(admin.at("as_admin"), true);
  EXPECT_EQ(admin.at("facets").at("tags").size(), 2u);
  EXPECT_EQ(admin.at("facets").at("tags")[0].at("value"), "invoice");
  EXPECT_EQ(admin.at("facets").at("tags")[0].at("count"), 2);
  const auto table = Run({"search", "--db", dir_ / "db", "--as-admin", "invoice"});
  EXPECT_NE(table.out.find("as admin"), std::string::npos);

  const auto bad = Run({"search", "--db", dir_ / "db", "--filter", "updated_at>=soon", "invoice"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("updated_at>=soon"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
}

TEST_F(Cli, SearchesAreLoggedAndReportedAndEventsLinkToThem) {
  IndexFixture();
  const auto first = Run({"search", "--db", dir_ / "db", "--json", "--session", "s1", "--user", "jan", "invoice"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string qid = nlohmann::json::parse(first.out).at("query_id");
  EXPECT_EQ(qid.rfind("q-", 0), 0u);
  ASSERT_EQ(Run({"search", "--db", dir_ / "db", "--json", "--session", "s2", "mail me at jan@example.com"}).exit_code, 0);
  const auto unlogged = Run({"search", "--db", dir_ / "db", "--json", "--no-log", "zzzz"});
  EXPECT_TRUE(nlohmann::json::parse(unlogged.out).at("query_id").is_null());

  EXPECT_EQ(Run({"log-click", "--db", dir_ / "db", "--query-id", qid, "--doc", "inv", "--position", "1"}).exit_code, 0);
  EXPECT_EQ(Run({"log-feedback", "--db", dir_ / "db", "--doc", "inv", "--helpful", "no", "--comment", "call 06-12345678"}).exit_code, 0);
  EXPECT_EQ(Run({"log-support-contact", "--db", dir_ / "db", "--query-id", qid}).exit_code, 0);

  const auto zero = Run({"report", "zero-results", "--db", dir_ / "db", "--format", "json"});
  ASSERT_EQ(zero.exit_code, 0) << zero.err;
  const auto rows = nlohmann::json::parse(zero.out).at("rows");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("query"), "mail me at [email]");
  EXPECT_EQ(rows[0].at("count"), 1);
  const auto feedback = Run({"report", "feedback", "--db", dir_ / "db", "--format", "csv"});
  EXPECT_NE(feedback.out.find("call [phone]"), std::string::npos) << feedback.out;
  EXPECT_EQ(feedback.out.find("12345678"), std::string::npos);
  const auto html_path = dir_ / "report.html";
  EXPECT_EQ(Run({"report", "summary", "--db", dir_ / "db", "--format", "html", "--output", html_path}).exit_code, 0);
  std::ifstream html(html_path);
  EXPECT_TRUE(html.good());

  // Extra patterns beside the index apply to everything logged after.
  dir_.Write("db.redaction.txt", "# customer numbers\nklantnummer KL-[0-9]{6}\n");
  ASSERT_EQ(Run({"search", "--db", dir_ / "db", "--json", "status KL-123456"}).exit_code, 0);
  const auto custom = Run({"report", "zero-results", "--db", dir_ / "db", "--format", "csv"});
  EXPECT_NE(custom.out.find("status [klantnummer]"), std::string::npos) << custom.out;
  EXPECT_EQ(custom.out.find("123456"), std::string::npos);

  EXPECT_EQ(Run({"analytics", "erase-user", "--db", dir_ / "db", "--user", "jan"}).exit_code, 0);
  EXPECT_EQ(Run({"analytics", "purge", "--db", dir_ / "db", "--older-than", "365d"}).exit_code, 0);

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"report", "nonsense", "--db", dir_ / "db"},
           {"report", "summary", "--db", dir_ / "db", "--since", "last tuesday"},
           {"report", "summary", "--db", dir_ / "db", "--format", "pdf"},
           {"report", "summary", "--db", dir_ / "missing"},
           {"log-feedback", "--db", dir_ / "db", "--doc", "inv", "--helpful", "maybe"},
           {"log-click", "--db", dir_ / "db", "--query-id", qid, "--doc", "inv", "--position", "0"},
           {"analytics", "purge", "--db", dir_ / "db"},
           {"analytics", "shred", "--db", dir_ / "db"}}) {
    const auto r = Run(bad);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(Cli, SynonymsFileWithoutALanguageIsImportedForEveryLanguage) {
  IndexFixture();
  const std::string file = dir_.Write("synonyms.txt", "invoice, bill\nwachtwoord, paswoord\n");
  const auto r = Run({"synonyms", "--db", dir_ / "db", "import", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 8 rules (de 2, en 2, nl 2, sv 2)\n");
  EXPECT_EQ(nlohmann::json::parse(Run({"search", "--db", dir_ / "db", "--json", "--lang", "en", "bill"}).out)["total"], 1);
  EXPECT_EQ(nlohmann::json::parse(Run({"search", "--db", dir_ / "db", "--json", "--lang", "nl", "paswoord"}).out)["total"], 1);
  // --lang restricts to one language; --replace without one replaces them all.
  dir_.Write("other.txt", "factuur, nota\n");
  EXPECT_EQ(Run({"synonyms", "--db", dir_ / "db", "--lang", "nl", "import", dir_ / "other.txt"}).out, "imported 1 rules (nl 1)\n");
  ASSERT_EQ(Run({"synonyms", "--db", dir_ / "db", "import", "--replace", dir_ / "other.txt"}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(Run({"synonyms", "--db", dir_ / "db", "list", "--json"}).out).size(), 4u);
  // An over-large rule is a usage error naming the limit.
  dir_.Write("huge.txt", std::string(20000, 'x') + ", y\n");
  const auto huge = Run({"synonyms", "--db", dir_ / "db", "import", dir_ / "huge.txt"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("limit of"), std::string::npos) << huge.err;
  EXPECT_LT(huge.err.size(), 300u) << huge.err;
}

TEST_F(Cli, EveryCommandHasHelp) {
  for (const char* command : {"index", "search", "delete", "stats", "suggest", "synonyms", "eval", "related", "report",
                              "log-click", "log-feedback", "log-support-contact", "analytics"}) {
    const auto r = Run({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("usage: portalkb"), std::string::npos) << command;
  }
  EXPECT_EQ(Run({"--help"}).exit_code, 0);
}

}  // namespace
}  // namespace portalkb
