// A fixture that indexes a few documents, starts the server in-process on a
// free loopback port and talks to it with httplib::Client.
#pragma once

#include <httplib.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "portalkb/portalkb.h"
#include "server.h"
#include "test_util.h"

namespace portalkb::server {

inline Document Doc(const std::string& id, const std::string& title, const std::string& body,
                    std::initializer_list<const char*> grants, const std::string& lang = "en") {
  Document doc = testing::MakeArticle(id, title, body, lang);
  doc.visibility.clear();
  for (const char* g : grants) doc.visibility.push_back(*Grant::Parse(g));
  return doc;
}

inline Principal As(const std::string& user, const std::string& org, std::vector<std::string> roles) {
  Principal p;
  p.user = user;
  p.org = org;
  p.roles = std::move(roles);
  return p;
}

class ServerTest : public ::testing::Test {
 protected:
  const std::string kAdminKey = "admin-key-for-the-tests-0123456789";
  const std::map<std::string, std::string> kSecrets = {{"k1", "first-secret-0123456789abcdef0123456789"},
                                                       {"k2", "second-secret-0123456789abcdef012345678"}};

  void TearDown() override { StopServer(); }

  // Puts documents into the index; call before Start (the server holds the writer).
  void Index(const std::vector<Document>& docs) {
    auto writer = IndexWriter::Open(db());
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const auto& d : docs) {
      auto r = writer.value()->Put(d);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    ASSERT_TRUE(writer.value()->Commit().ok());
  }

  // Default options: admin key and search-key secrets set, generous limits.
  ServerOptions Options() {
    ServerOptions o;
    o.db = db();
    o.port = 0;
    o.threads = 4;
    o.admin_key_sha256 = Sha256Hex(kAdminKey);
    o.key_secrets = kSecrets;
    o.per_key = {1000, 1000};
    o.per_client = {1000, 1000};
    o.commit_interval_ms = 200;
    o.clock = [this] { return now_.load(); };
    o.log_sink = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_ += line + "\n";
    };
    return o;
  }

  void Start(ServerOptions options) {
    auto created = Server::Create(std::move(options));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    server_ = std::move(created).value();
    thread_ = std::thread([this] { run_status_ = server_->Run(); });
    // Wait until it answers.
    for (int i = 0; i < 200; ++i) {
      if (auto r = Client().Get("/healthz"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "server did not answer /healthz";
  }
  void Start() { Start(Options()); }

  void StopServer() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(20, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }

  std::string Key(const Principal& p, const std::string& filter = "", long long ttl = 3600,
                  const std::string& key_id = "k1") {
    SearchKeyClaims c;
    c.key_id = key_id;
    c.principal = p;
    c.filter = filter;
    c.expires_at = now_ + ttl;
    auto key = MintSearchKey(kSecrets.at(key_id), c, now_);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    return key.ok() ? key.value() : "";
  }

  static httplib::Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
  httplib::Headers Admin() const { return Bearer(kAdminKey); }

  static nlohmann::json Json(const httplib::Result& r) {
    if (!r) return nullptr;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  static std::vector<std::string> Ids(const nlohmann::json& response) {
    std::vector<std::string> ids;
    if (response.contains("hits")) {
      for (const auto& h : response["hits"]) ids.push_back(h["id"].get<std::string>());
    }
    return ids;
  }
  // GET /v1/search with `params` and `key`; expects 200.
  nlohmann::json Search(const std::string& key, const httplib::Params& params) {
    auto r = Client().Get("/v1/search", params, Bearer(key));
    EXPECT_TRUE(r) << "no response";
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 200) << r->body;
    return Json(r);
  }

  // Accounts: an accounts store beside the index (EnableAccounts before
  // anything else), users added through another connection (also while the
  // server runs), and sessions by POST /v1/login.
  static constexpr const char* kPassword = "a long enough password 42";

  void EnableAccounts() {
    key_file_ = dir_ / "accounts.key";
    ASSERT_TRUE(Accounts::CreateKeyFile(key_file_).ok());
  }

  std::unique_ptr<Accounts> OpenAccounts() {
    AccountsOptions options;
    options.key_file = key_file_;
    options.pwhash_opslimit = 1;
    options.pwhash_memlimit = 8192;
    auto opened = Accounts::Open(Accounts::PathFor(db()), options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  // Adds a user of `org` with `roles` and kPassword; the user's id, or "".
  std::string AddUser(Accounts& accounts, const std::string& org, const std::string& email,
                      const std::vector<std::string>& roles) {
    NewUser u;
    u.org = org;
    u.email = email;
    u.display_name = email.substr(0, email.find('@'));
    auto added = accounts.AddUser(u);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    if (!added.ok()) return "";
    for (const auto& role : roles) EXPECT_TRUE(accounts.GrantRole(added->id, role).ok()) << role;
    EXPECT_TRUE(accounts.SetPassword(added->id, kPassword).ok());
    return added->id;
  }
  std::string AddUser(Accounts& accounts, const std::string& org, const std::string& email, const std::string& role) {
    return AddUser(accounts, org, email, std::vector<std::string>{role});
  }

  ServerOptions AccountOptions() {
    ServerOptions o = Options();
    o.accounts_key_file = key_file_;
    o.accounts_pwhash_opslimit = 1;
    o.accounts_pwhash_memlimit = 8192;
    return o;
  }

  // POST /v1/login; the session token, or "" (and the status in `status`).
  std::string Login(const std::string& email, const std::string& password, int* status = nullptr) {
    auto r =
        Client().Post("/v1/login", nlohmann::json{{"email", email}, {"password", password}}.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return "";
    if (status != nullptr) *status = r->status;
    if (r->status != 200) return "";
    return Json(r)["token"].get<std::string>();
  }

  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  std::string db() const { return dir_ / "index"; }

  testing::TempDir dir_;
  std::string key_file_;
  std::atomic<long long> now_{static_cast<long long>(std::time(nullptr))};
  std::unique_ptr<Server> server_;
  std::thread thread_;
  Status run_status_;
  std::mutex log_mutex_;
  std::string log_;
};

}  // namespace portalkb::server
