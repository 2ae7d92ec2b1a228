// The fixed CLI contract: commands, flags, exit codes and JSON keys.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <xapian.h>

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
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
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
    dir_.Write(
        "in/a.jsonl",
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
  dir_.Write("in/a.jsonl", R"({"id": "a", "title": "A", "lang": "en", "visibility": ["public"]})"
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

TEST_F(Cli, IndexThreadsAreBoundedAndProgressStaysOffStdout) {
  dir_.Write("in/a.jsonl", R"({"id": "a", "title": "A", "lang": "en", "visibility": ["public"]})"
                           "\n");
  const auto many = Run({"index", "--db", dir_ / "db", "--threads", "65", dir_ / "in"});
  EXPECT_EQ(many.exit_code, 2);
  EXPECT_NE(many.err.find("--threads 65 is more than the limit of 64"), std::string::npos) << many.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "db")) << "nothing opened before the options are checked";
  const auto one = Run({"index", "--db", dir_ / "db", "--threads", "1", "--progress", dir_ / "in"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("1 added, 0 updated, 0 rejected"), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("indexing:"), std::string::npos) << "--progress lines go to stderr, not the summary";
}

TEST_F(Cli, IndexSkipsSymlinksOutOfTheDirectoryUnlessFollowSymlinks) {
  testing::TempDir outside;
  outside.Write("passwd.txt", "root secret line\n");
  dir_.Write("in/link.txt.meta.yaml", "lang: en\nvisibility: [public]\n");
  dir_.Write("in/a.jsonl", R"({"id": "a", "lang": "en", "visibility": ["public"], "body": "No title here. Body."})"
                           "\n");
  std::filesystem::create_symlink(outside / "passwd.txt", dir_ / "in/link.txt");
  const auto r = Run({"index", "--db", dir_ / "db", dir_ / "in"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("link.txt: rejected: symbolic link to"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("1 added, 0 updated, 1 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 documents had no title"), std::string::npos) << r.out;
  const auto followed = Run({"index", "--db", dir_ / "db", "--follow-symlinks", dir_ / "in"});
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_NE(followed.out.find("1 added, 1 updated, 0 rejected"), std::string::npos) << followed.out;
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
  const auto paged =
      Run({"search", "--db", dir_ / "db", "--limit", "1", "--offset", "1", "--json", "invoice", "wachtwoord"});
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
  // Counted independently: every distinct term Xapian holds, and every file
  // in the index directory.
  Xapian::Database db(dir_ / "db");
  std::uint64_t terms = 0;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++terms;
  EXPECT_EQ(j.at("terms").get<std::uint64_t>(), terms);
  EXPECT_TRUE(db.term_exists("wachtwoord") && db.term_exists("invoice") && db.term_exists("Qinv"));
  std::uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "db")) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  EXPECT_EQ(j.at("bytes").get<std::uint64_t>(), bytes);
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
  const auto typo = [&] {
    return nlohmann::json::parse(
        Run({"search", "--db", dir_ / "db", "--json", "--no-correct", "invoyce"}).out)["total"];
  };
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

TEST_F(Cli, DisabledWordsSettingMakesAnIndexedWordMatchOnlyExactly) {
  IndexFixture();
  const auto total = [&](const std::string& query) {
    return nlohmann::json::parse(Run({"search", "--db", dir_ / "db", "--json", "--no-log", query}).out)["total"];
  };
  EXPECT_EQ(total("wachtwoorf"), 1) << "a typo of it finds it";
  const auto set = Run({"settings", "--db", dir_ / "db", "set", "typo.disabled_words", "Wachtwoord"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(total("wachtwoorf"), 0) << "the listed word is no typo candidate any more";
  EXPECT_EQ(total("wachtwoord"), 1);
  EXPECT_EQ(total("invoyce"), 1) << "other words keep their typos";
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
  dir_.Write(
      "in/a.jsonl",
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
  ASSERT_EQ(Run({"search", "--db", dir_ / "db", "--json", "--session", "s2", "mail me at jan@example.com"}).exit_code,
            0);
  const auto unlogged = Run({"search", "--db", dir_ / "db", "--json", "--no-log", "zzzz"});
  EXPECT_TRUE(nlohmann::json::parse(unlogged.out).at("query_id").is_null());

  auto report = [&](const std::string& name) {
    const auto r = Run({"report", name, "--db", dir_ / "db", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out).at("rows") : nlohmann::json::array();
  };
  auto row_for = [](const nlohmann::json& rows, const std::string& key, const std::string& value) {
    for (const auto& row : rows) {
      if (row.at(key) == value) return row;
    }
    return nlohmann::json();
  };
  ASSERT_EQ(row_for(report("top-queries"), "query", "invoice").at("click_through_rate"), 0.0);
  EXPECT_TRUE(report("feedback").empty());
  EXPECT_TRUE(report("support-contacts").empty());

  EXPECT_EQ(Run({"log-click", "--db", dir_ / "db", "--query-id", qid, "--doc", "inv", "--position", "1"}).exit_code, 0);
  EXPECT_EQ(row_for(report("top-queries"), "query", "invoice").at("click_through_rate"), 1.0) << "the click counts";
  EXPECT_EQ(
      Run({"log-feedback", "--db", dir_ / "db", "--doc", "inv", "--helpful", "no", "--comment", "call 06-12345678"})
          .exit_code,
      0);
  const auto votes = report("feedback");
  ASSERT_EQ(votes.size(), 1u) << votes.dump();
  EXPECT_EQ(votes[0].at("doc_id"), "inv");
  EXPECT_EQ(votes[0].at("votes"), 1);
  EXPECT_EQ(votes[0].at("not_helpful"), 1);
  EXPECT_EQ(votes[0].at("recent_comments"), "call [phone]");
  EXPECT_EQ(Run({"log-support-contact", "--db", dir_ / "db", "--query-id", qid}).exit_code, 0);
  const auto contacts = report("support-contacts");
  ASSERT_EQ(contacts.size(), 1u) << contacts.dump();
  EXPECT_EQ(contacts[0].at("query"), "invoice") << "the contact links to the search it followed";
  EXPECT_EQ(contacts[0].at("contacts"), 1);

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
  const std::string html = Slurp(html_path);
  const auto days = report("summary");
  ASSERT_EQ(days.size(), 1u) << "every search so far was today";
  EXPECT_EQ(days[0].at("searches"), 2) << "the unlogged search is not counted";
  EXPECT_EQ(days[0].at("zero_results"), 1);
  const std::string row = "<tr><td>" + days[0].at("period").get<std::string>() + "</td><td>2</td><td>1</td>";
  EXPECT_NE(html.find(row), std::string::npos) << "the HTML holds the report's row " << row << ": " << html;
  EXPECT_NE(html.find("<th>searches</th>"), std::string::npos);

  // Extra patterns beside the index apply to everything logged after.
  dir_.Write("db.redaction.txt", "# customer numbers\nklantnummer KL-[0-9]{6}\n");
  ASSERT_EQ(Run({"search", "--db", dir_ / "db", "--json", "status KL-123456"}).exit_code, 0);
  const auto custom = Run({"report", "zero-results", "--db", dir_ / "db", "--format", "csv"});
  EXPECT_NE(custom.out.find("status [klantnummer]"), std::string::npos) << custom.out;
  EXPECT_EQ(custom.out.find("123456"), std::string::npos);

  auto queries = [&] {
    std::set<std::string> out;
    for (const auto& r : report("top-queries")) out.insert(r.at("query").get<std::string>());
    return out;
  };
  ASSERT_EQ(queries(), (std::set<std::string>{"invoice", "mail me at [email]", "status [klantnummer]"}));
  const auto erased = Run({"analytics", "erase-user", "--db", dir_ / "db", "--user", "jan"});
  EXPECT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_NE(erased.out.find("deleted 1 searches"), std::string::npos) << erased.out;
  EXPECT_EQ(queries(), (std::set<std::string>{"mail me at [email]", "status [klantnummer]"})) << "jan's search is gone";
  EXPECT_TRUE(report("support-contacts").empty()) << "and the contact linked to it";
  const auto kept = Run({"analytics", "purge", "--db", dir_ / "db", "--older-than", "365d"});
  EXPECT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_NE(kept.out.find("deleted 0 searches"), std::string::npos) << "nothing is a year old: " << kept.out;
  EXPECT_EQ(queries().size(), 2u);
  const auto purged = Run({"analytics", "purge", "--db", dir_ / "db", "--older-than", "0h"});
  EXPECT_EQ(purged.exit_code, 0) << purged.err;
  EXPECT_NE(purged.out.find("deleted 2 searches"), std::string::npos) << "everything is older than now: " << purged.out;
  EXPECT_TRUE(queries().empty());

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

TEST_F(Cli, ForeignXapianIndexIsRefusedByEveryCommandAndLeftAsItWas) {
  // A real Xapian database with two documents that portalkb did not write.
  {
    Xapian::WritableDatabase db(dir_ / "foreign", Xapian::DB_CREATE);
    for (const char* word : {"invoice", "wachtwoord"}) {
      Xapian::Document doc;
      doc.add_term(word);
      doc.set_data(word);
      db.add_document(doc);
    }
    db.commit();
  }
  const Xapian::rev revision = Xapian::Database(dir_ / "foreign").get_revision();
  dir_.Write("in/a.jsonl", R"({"id": "a", "title": "Invoice", "lang": "en", "visibility": ["public"]})"
                           "\n"
                           R"({"id": "b", "title": "Payment", "lang": "en", "visibility": ["public"]})"
                           "\n"
                           R"({"id": "c", "title": "Refund", "lang": "en", "visibility": ["public"]})"
                           "\n");
  const std::string db = dir_ / "foreign";
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"search", "--db", db, "--json", "invoice"},
                                             {"stats", "--db", db, "--json"},
                                             {"settings", "--db", db, "list", "--json"},
                                             {"settings", "--db", db, "set", "typo.enabled", "false"},
                                             {"index", "--db", db, dir_ / "in"},
                                             {"delete", "--db", db, "a"}}) {
    const auto r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("portalkb " + args[0] + ": "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not a portalkb index"), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << args[0] << " printed results for a foreign index: " << r.out;
  }
  Xapian::Database after(dir_ / "foreign");
  EXPECT_EQ(after.get_doccount(), 2u) << "a refused run wrote documents";
  EXPECT_EQ(after.get_revision(), revision) << "a refused run committed";
  EXPECT_EQ(after.get_metadata("portalkb.format"), "");
  EXPECT_EQ(after.get_metadata("portalkb.settings"), "");
}

TEST_F(Cli, SynonymsFileWithoutALanguageIsImportedForEveryLanguage) {
  IndexFixture();
  const std::string file = dir_.Write("synonyms.txt", "invoice, bill\nwachtwoord, paswoord\n");
  const auto r = Run({"synonyms", "--db", dir_ / "db", "import", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 8 rules (de 2, en 2, nl 2, sv 2)\n");
  EXPECT_EQ(nlohmann::json::parse(Run({"search", "--db", dir_ / "db", "--json", "--lang", "en", "bill"}).out)["total"],
            1);
  EXPECT_EQ(
      nlohmann::json::parse(Run({"search", "--db", dir_ / "db", "--json", "--lang", "nl", "paswoord"}).out)["total"],
      1);
  // --lang restricts to one language; --replace without one replaces them all.
  dir_.Write("other.txt", "factuur, nota\n");
  EXPECT_EQ(Run({"synonyms", "--db", dir_ / "db", "--lang", "nl", "import", dir_ / "other.txt"}).out,
            "imported 1 rules (nl 1)\n");
  ASSERT_EQ(Run({"synonyms", "--db", dir_ / "db", "import", "--replace", dir_ / "other.txt"}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(Run({"synonyms", "--db", dir_ / "db", "list", "--json"}).out).size(), 4u);
  // An over-large rule is a usage error naming the limit.
  dir_.Write("huge.txt", std::string(20000, 'x') + ", y\n");
  const auto huge = Run({"synonyms", "--db", dir_ / "db", "import", dir_ / "huge.txt"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("limit of"), std::string::npos) << huge.err;
  EXPECT_LT(huge.err.size(), 300u) << huge.err;
}

TEST_F(Cli, RelatedJsonHitsHaveTheSearchHitShape) {
  dir_.Write(
      "in/a.jsonl",
      R"({"id": "inv", "title": "Download an invoice", "lang": "en", "visibility": ["public"], "body": "Download the invoice PDF from Billing. Invoice numbers and invoice dates."})"
      "\n"
      R"({"id": "inv2", "title": "Invoice is missing", "lang": "en", "visibility": ["public"], "body": "An invoice missing from Billing? Invoice numbers and invoice dates explained."})"
      "\n"
      R"({"id": "pw", "title": "Reset your password", "lang": "en", "visibility": ["public"], "body": "Choose a new password on the sign-in page."})"
      "\n"
      R"({"id": "ship", "title": "Track a delivery", "lang": "en", "visibility": ["public"], "body": "Follow your parcel with the tracking code."})"
      "\n");
  ASSERT_EQ(Run({"index", "--db", dir_ / "db", dir_ / "in"}).exit_code, 0);
  const auto search = Run({"search", "--db", dir_ / "db", "--json", "--no-log", "invoice"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  const auto search_hits = nlohmann::json::parse(search.out).at("hits");
  ASSERT_FALSE(search_hits.empty());
  const auto related = Run({"related", "--db", dir_ / "db", "--json", "inv"});
  ASSERT_EQ(related.exit_code, 0) << related.err;
  const auto j = nlohmann::json::parse(related.out);
  EXPECT_EQ(j.at("id"), "inv");
  ASSERT_FALSE(j.at("related").empty()) << related.out;
  auto keys = [](const nlohmann::json& object) {
    std::set<std::string> out;
    for (const auto& item : object.items()) out.insert(item.key());
    return out;
  };
  const auto& hit = j.at("related")[0];
  EXPECT_EQ(hit.at("id"), "inv2");
  EXPECT_EQ(keys(hit), keys(search_hits[0])) << related.out;
  for (const auto& item : search_hits[0].items())
    EXPECT_EQ(hit.at(item.key()).type(), item.value().type()) << item.key();
}

TEST_F(Cli, NegativeCountsAreUsageErrorsNamingTheOption) {
  IndexFixture();
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"search", "--db", dir_ / "db", "--limit", "-1", "x"}, "'--limit'"},
      {{"search", "--db", dir_ / "db", "--limit=-1", "x"}, "'--limit'"},
      {{"search", "--db", dir_ / "db", "--offset", "-1", "x"}, "'--offset'"},
      {{"search", "--db", dir_ / "db", "--limit", "2.5", "x"}, "'--limit'"},
      {{"search", "--db", dir_ / "db", "--limit", "99999999999999999999999", "x"}, "'--limit'"},
      {{"suggest", "--db", dir_ / "db", "--limit", "-1", "x"}, "'--limit'"},
      {{"related", "--db", dir_ / "db", "--limit", "-1", "inv"}, "'--limit'"},
      {{"log-click", "--db", dir_ / "db", "--query-id", "q-1", "--doc", "inv", "--position", "-1"}, "'--position'"},
  };
  for (const auto& [args, option] : bad) {
    const auto r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    EXPECT_NE(r.err.find(option), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("whole number"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("18446744073709551615"), std::string::npos) << r.err;
  }
  EXPECT_EQ(Run({"search", "--db", dir_ / "db", "--limit", "0", "--offset", "1", "x"}).exit_code, 0);
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

TEST_F(Cli, AMissingDocumentExitsOneAnInjectedGrantTwo) {
  IndexFixture();
  const auto missing = Run({"related", "--db", dir_ / "db", "UNKNOWN-ID"});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("no document"), std::string::npos) << missing.err;
  const auto injected = Run({"search", "--db", dir_ / "db", "--org", "acme/role:finance", "invoice"});
  EXPECT_EQ(injected.exit_code, 2);
  EXPECT_NE(injected.err.find("org"), std::string::npos) << injected.err;
  EXPECT_EQ(Run({"search", "--db", dir_ / "nothing", "invoice"}).exit_code, 2);
  const auto stats = Run({"stats", "--db", dir_ / "db"});
  EXPECT_NE(stats.out.find("as admin"), std::string::npos) << stats.out;
}

}  // namespace
}  // namespace portalkb
