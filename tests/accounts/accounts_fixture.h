// A fresh accounts store per test: its own directory and key file, cheap
// Argon2id limits, a clock the test moves and the events it sent.
#pragma once

#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "portalkb/accounts.h"
#include "test_util.h"

namespace portalkb::testing {

inline constexpr const char* kPassword = "correct horse battery staple";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file = dir / "accounts.key";
    ASSERT_TRUE(Accounts::CreateKeyFile(key_file).ok());
    options.key_file = key_file;
    // The minimum cost: the rules under test do not depend on it.
    options.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    options.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    options.clock = [this] { return now; };
    options.on_event = [this](const AccountEvent& e) { events.push_back(e); };
    Reopen();
  }

  void Reopen() {
    accounts.reset();
    auto opened = Accounts::Open(StorePath(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    accounts = std::move(opened).value();
  }

  std::string StorePath() const { return dir / "kb.accounts.sqlite"; }

  void AddOrg(const std::string& id) {
    auto added = accounts->AddOrganisation({id, id + " Ltd", "", 0});
    ASSERT_TRUE(added.ok()) << added.status().ToString();
  }

  static NewUser NewUserIn(const std::string& org, const std::string& email, const std::string& name,
                           const std::string& language = "en") {
    NewUser u;
    u.org = org;
    u.email = email;
    u.display_name = name;
    u.language = language;
    return u;
  }

  // An active user with kPassword and the given (existing) roles; its id.
  std::string AddActiveUser(const std::string& org, const std::string& email, const std::vector<std::string>& roles) {
    auto user = accounts->AddUser(NewUserIn(org, email, "Name of " + email));
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    if (!user.ok()) return "";
    EXPECT_TRUE(accounts->SetPassword(user->id, kPassword).ok());
    for (const auto& r : roles) EXPECT_TRUE(accounts->GrantRole(user->id, r).ok()) << r;
    return user->id;
  }

  bool HasEvent(const std::string& action, const std::string& actor, const std::string& subject) const {
    for (const auto& e : events) {
      if (e.action == action && e.actor_user == actor && e.subject_user == subject) return true;
    }
    return false;
  }

  TempDir dir;
  std::string key_file;
  std::int64_t now = 1'700'000'000;
  std::vector<AccountEvent> events;
  AccountsOptions options;
  std::unique_ptr<Accounts> accounts;
};

}  // namespace portalkb::testing
