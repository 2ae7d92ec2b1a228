// The portal module: account events in the audit trail, and the GDPR
// export / rectification / erasure round trip across every store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

constexpr const char* kEmail = "carol.jansen@acme.example";
constexpr const char* kName = "Carol Jansen";
constexpr const char* kPassword = "correct horse battery staple";

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = dir_ / "kb";
    key_ = dir_ / "accounts.key";
    ASSERT_TRUE(Accounts::CreateKeyFile(key_).ok());
    auto writer = IndexWriter::Open(index_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
    ASSERT_TRUE(writer_->Put(MakeArticle("public-faq", "Factuur downloaden", "Download uw factuur.", "nl")).ok());
    ASSERT_TRUE(writer_->Commit().ok());
    PortalOptions options;
    options.accounts.key_file = key_;
    options.accounts.pwhash_opslimit = 1;
    options.accounts.pwhash_memlimit = 8192;
    options.erase_deletes_own_documents = true;
    auto portal = Portal::Open(index_, options);
    ASSERT_TRUE(portal.ok()) << portal.status().ToString();
    portal_ = std::move(portal).value();
    ASSERT_TRUE(portal_->accounts().AddOrganisation({"acme", "Acme B.V.", "", 0}).ok());
    ASSERT_TRUE(portal_->accounts().AddRole({"customer", ""}).ok());
    NewUser carol;
    carol.org = "acme";
    carol.email = kEmail;
    carol.display_name = kName;
    carol.language = "nl";
    auto added = portal_->accounts().AddUser(carol);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    carol_ = added->id;
    ASSERT_TRUE(portal_->accounts().GrantRole(carol_, "customer").ok());
    ASSERT_TRUE(portal_->accounts().SetPassword(carol_, kPassword).ok());
    // Documents for carol alone, and one shared with her organisation.
    for (const auto& [id, grants] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"carol-contract", {"user:" + carol_}}, {"acme-contract", {"user:" + carol_, "org:acme"}}}) {
      Document d = MakeArticle(id, "Contract " + id, "Uw contract.", "nl");
      d.visibility.clear();
      for (const auto& g : grants) d.visibility.push_back(*Grant::Parse(g));
      ASSERT_TRUE(writer_->Put(d).ok());
    }
    ASSERT_TRUE(writer_->Commit().ok());
    auto engine = Engine::Open(index_);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    ASSERT_NE(engine_->analytics(), nullptr) << engine_->analytics_status().ToString();
  }

  // A search as carol, logged with a session id, and a click on its answer.
  void SearchAsCarol(const std::string& query) {
    auto principal = portal_->accounts().PrincipalFor(carol_);
    ASSERT_TRUE(principal.ok()) << principal.status().ToString();
    SearchRequest request;
    request.query = query;
    request.principal = principal.value();
    request.session = "browser-session-1";
    auto r = engine_->Search(request);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_FALSE(r->hits.empty()) << query;
    ASSERT_TRUE(engine_->analytics()->LogClick(r->query_id, r->hits[0].id, 1).ok());
    ASSERT_TRUE(engine_->analytics()->LogFeedback(r->query_id, r->hits[0].id, false, "bel me op 0612345678").ok());
  }

  testing::TempDir dir_;
  std::string index_;
  std::string key_;
  std::unique_ptr<IndexWriter> writer_;
  std::unique_ptr<Portal> portal_;
  std::unique_ptr<Engine> engine_;
  std::string carol_;
};

TEST_F(PortalTest, AccountEventsAreRecordedInTheAuditTrail) {
  auto session = portal_->accounts().Login(kEmail, kPassword);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_FALSE(portal_->accounts().Login(kEmail, "wrong password here").ok());
  AuditQuery query;
  query.user = carol_;
  auto entries = portal_->audit().List(query);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  std::vector<std::string> actions;
  for (const auto& e : entries.value()) actions.push_back(e.action);
  for (const char* expected : {"account.user_added", "account.role_granted", "account.password_changed",
                               "account.login", "account.login_failed"}) {
    EXPECT_NE(std::find(actions.begin(), actions.end(), expected), actions.end()) << expected;
  }
  for (const auto& e : entries.value()) {
    EXPECT_EQ(e.detail.find(kPassword), std::string::npos);
    EXPECT_EQ(e.detail.find(kEmail), std::string::npos);
  }
  auto verified = portal_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->message;
}

TEST_F(PortalTest, ExportHoldsProfileAuditSearchesAndGrantedDocuments) {
  SearchAsCarol("contract");
  auto session = portal_->accounts().Login(kEmail, kPassword);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto exported = portal_->ExportUser(*engine_, carol_, "operator");
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  const auto j = nlohmann::json::parse(exported.value());
  EXPECT_EQ(j["user"]["email"], kEmail);
  EXPECT_EQ(j["user"]["display_name"], kName);
  EXPECT_EQ(j["user"]["roles"], nlohmann::json::array({"customer"}));
  // The export's user object has the wire module's User keys (accounts_json.h).
  std::set<std::string> user_keys;
  for (const auto& item : j["user"].items()) user_keys.insert(item.key());
  EXPECT_EQ(user_keys,
            (std::set<std::string>{"id", "org", "email", "display_name", "language", "contact_channel", "status",
                                   "roles", "groups", "totp_enabled", "has_password", "created_at"}));
  EXPECT_TRUE(j["user"]["has_password"].get<bool>());
  EXPECT_EQ(j["organisation"]["id"], "acme");
  ASSERT_EQ(j["analytics"]["searches"].size(), 1u);
  EXPECT_EQ(j["analytics"]["searches"][0]["query"], "contract");
  EXPECT_EQ(j["analytics"]["clicks"].size(), 1u);
  EXPECT_EQ(j["analytics"]["feedback"].size(), 1u);
  std::vector<std::string> docs;
  for (const auto& d : j["documents"]["granted"])
    docs.push_back(d["id"].get<std::string>() + (d["only_grant"] ? "*" : ""));
  EXPECT_EQ(docs, (std::vector<std::string>{"acme-contract", "carol-contract*"}));
  EXPECT_GE(j["audit"]["entries"].size(), 3u);
  ASSERT_EQ(j["sessions"].size(), 1u);
  EXPECT_EQ(j["sessions"][0]["expires_at"], session->expires_at);
  EXPECT_FALSE(j["sessions"][0]["revoked"].get<bool>());
  EXPECT_EQ(exported->find(session->token), std::string::npos);
  EXPECT_EQ(exported->find(kPassword), std::string::npos);
  // The export itself is on record.
  AuditQuery query;
  query.action = "gdpr.export";
  auto entries = portal_->audit().List(query);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().subject_user, carol_);
}

TEST_F(PortalTest, RectificationChangesTheProfileAndRecordsWhichFields) {
  UserUpdate update;
  update.display_name = "Carol de Vries";
  auto updated = portal_->RectifyUser(carol_, update, "operator");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(portal_->accounts().GetUser(carol_)->display_name, "Carol de Vries");
  AuditQuery query;
  query.action = "gdpr.rectify";
  auto entries = portal_->audit().List(query);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().detail, R"({"fields":["display_name"]})");
  EXPECT_EQ(entries->front().detail.find("Vries"), std::string::npos);
}

TEST_F(PortalTest, ErasureLeavesNothingPersonalInAnyStoreAndKeepsReportsAndTheChainValid) {
  SearchAsCarol("contract");
  SearchAsCarol("factuur");
  ASSERT_TRUE(portal_->accounts().Login(kEmail, kPassword).ok());
  auto erased = portal_->EraseUser(*engine_, writer_.get(), carol_, "operator");
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->own_documents, std::vector<std::string>{"carol-contract"});
  EXPECT_TRUE(erased->own_documents_deleted);
  EXPECT_EQ(erased->shared_documents, std::vector<std::string>{"acme-contract"});
  EXPECT_EQ(erased->searches_pseudonymised, 2u);
  EXPECT_GE(erased->audit_entries_pseudonymised, 4);
  EXPECT_EQ(portal_->accounts().GetUser(carol_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(portal_->ExportUser(*engine_, carol_, "operator").status().code(), StatusCode::kNotFound);
  // Reports still count her searches; nothing finds them as hers.
  auto activity = engine_->analytics()->ActivityOf(carol_);
  ASSERT_TRUE(activity.ok());
  EXPECT_TRUE(activity->searches.empty());
  ReportRequest summary;
  summary.kind = "summary";
  auto report = engine_->analytics()->Run(summary);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->rows.empty());
  auto verified = portal_->audit().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->message;
  AuditQuery about_her;
  about_her.user = carol_;
  EXPECT_TRUE(portal_->audit().List(about_her).value().empty());
  // Running it again (a failure half-way) is harmless.
  auto again = portal_->EraseUser(*engine_, writer_.get(), carol_, "operator");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->own_documents.empty());
  // Every file the stores left (SQLite databases, WAL and journals
  // included, free pages zeroed by secure_delete): no e-mail address, no
  // name, no feedback comment, no password; the SQLite stores not even the id.
  engine_.reset();
  portal_.reset();
  writer_.reset();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadAll(entry.path());
    const std::string name = entry.path().filename().string();
    for (const std::string& secret :
         {std::string(kEmail), std::string(kName), std::string("0612345678"), std::string(kPassword)}) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << entry.path();
    }
    if (name.find(".sqlite") != std::string::npos) {
      EXPECT_EQ(bytes.find(carol_), std::string::npos) << carol_ << " in " << entry.path();
    }
  }
}

TEST(PortalUsage, LoginsSearchesAndVotesPerOrganisationAndWeekWithTheTrend) {
  testing::TempDir dir;
  const std::string index = dir / "kb";
  const std::string key = dir / "accounts.key";
  ASSERT_TRUE(Accounts::CreateKeyFile(key).ok());
  {
    auto writer = std::move(IndexWriter::Open(index)).value();
    ASSERT_TRUE(writer->Put(MakeArticle("faq", "Factuur downloaden", "Download uw factuur.", "nl")).ok());
    ASSERT_TRUE(writer->Commit().ok());
  }
  // Monday 2026-11-02 00:00 UTC, and the Wednesday five weeks before it.
  constexpr long long kMonday = 1793577600;
  constexpr long long kEarlier = kMonday - 5 * 7 * 86400 + 2 * 86400;
  long long now = kMonday + 3600;
  PortalOptions options;
  options.accounts.key_file = key;
  options.accounts.pwhash_opslimit = 1;
  options.accounts.pwhash_memlimit = 8192;
  options.accounts.clock = [&] { return static_cast<std::int64_t>(now); };
  options.audit.clock = [&] { return now; };
  auto portal = std::move(Portal::Open(index, options)).value();
  for (const char* org : {"acme", "globex"}) ASSERT_TRUE(portal->accounts().AddOrganisation({org, org, "", 0}).ok());
  std::vector<std::string> users;
  for (const char* email : {"a@acme.example", "b@acme.example"}) {
    NewUser u;
    u.org = "acme";
    u.email = email;
    u.display_name = "x";
    auto added = portal->accounts().AddUser(u);
    ASSERT_TRUE(added.ok());
    ASSERT_TRUE(portal->accounts().SetPassword(added->id, kPassword).ok());
    users.push_back(added->id);
  }
  for (const char* email : {"a@acme.example", "a@acme.example", "b@acme.example"}) {
    ASSERT_TRUE(portal->accounts().Login(email, kPassword).ok());
  }
  auto engine = std::move(Engine::Open(index)).value();
  Analytics& log = *engine->analytics();
  auto search = [&](long long seconds, const std::string& user, const std::string& org) {
    SearchEvent e;
    e.ts_ms = seconds * 1000;
    e.query_id = Analytics::NewQueryId();
    e.query = "factuur";
    e.user = user;
    e.org = org;
    e.results = 1;
    log.LogSearch(e);
    return e.query_id;
  };
  search(kEarlier, users[0], "acme");
  search(kEarlier + 60, users[0], "acme");
  for (int i = 0; i < 6; ++i) {
    const std::string q = search(kMonday + 60 * i, users[i % 2], "acme");
    if (i < 2) {
      ASSERT_TRUE(log.LogFeedback(q, "faq", i == 0, "").ok());
    }
  }
  search(kMonday, "g1", "globex");
  auto report = portal->UsageReport(*engine, (kMonday - 8 * 7 * 86400) * 1000, (kMonday + 7 * 86400) * 1000);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->kind, "portal-usage");
  ASSERT_EQ(report->rows.size(), 3u);
  auto text = [](const ReportValue& v) { return std::get<std::string>(v); };
  auto number = [](const ReportValue& v) { return std::get<std::int64_t>(v); };
  // acme, five weeks earlier: two searches by one user, no logins.
  EXPECT_EQ(text(report->rows[0][0]), "acme");
  EXPECT_EQ(text(report->rows[0][1]), "2026-09-28");
  EXPECT_EQ(number(report->rows[0][2]), 0);
  EXPECT_EQ(number(report->rows[0][4]), 2);
  EXPECT_EQ(number(report->rows[0][5]), 1);
  // acme, the last week: three logins by two users, six searches, one vote each way.
  EXPECT_EQ(text(report->rows[1][1]), "2026-11-02");
  EXPECT_EQ(number(report->rows[1][2]), 3);
  EXPECT_EQ(number(report->rows[1][3]), 2);
  EXPECT_EQ(number(report->rows[1][4]), 6);
  EXPECT_EQ(number(report->rows[1][5]), 2);
  EXPECT_EQ(number(report->rows[1][6]), 1);
  EXPECT_EQ(number(report->rows[1][7]), 1);
  EXPECT_DOUBLE_EQ(std::get<double>(report->rows[1][8]), 0.5);
  EXPECT_EQ(text(report->rows[1][9]), "rising");  // 9 in the last four weeks against 2 before
  EXPECT_EQ(text(report->rows[2][0]), "globex");
  EXPECT_EQ(text(report->rows[2][9]), "new");
  auto csv = FormatReport(report.value(), "csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("org,week,logins,active_users,searches"), std::string::npos) << csv.value();
}

}  // namespace
}  // namespace portalkb
