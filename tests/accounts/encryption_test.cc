// Encryption at rest: no personal data or secret in any file the store
// leaves, sealed values bound to their row, and key rotation.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "accounts/accounts_fixture.h"
#include "accounts/totp.h"
#include "sqlite/sqlite.h"

namespace portalkb::testing {
namespace {

// Every file under `root` whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& root, const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) hits.push_back(entry.path().filename().string());
  }
  return hits;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + " ";
  return out;
}

std::string Base32Decode(const std::string& text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    buffer = (buffer << 5) | static_cast<std::uint32_t>(c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

TEST_F(AccountsTest, NoFileTheStoreLeavesHoldsPersonalDataOrSecrets) {
  ASSERT_TRUE(accounts->AddOrganisation({"acme", "Plainly Visible Organisation", "", 0}).ok());
  ASSERT_TRUE(accounts->AddRole({"customer", ""}).ok());
  auto user = accounts->AddUser(NewUserIn("acme", "Wilhelmina.Vanderbilt@example.org", "Wilhelmina Vanderbilt"));
  ASSERT_TRUE(user.ok());
  auto request = accounts->RequestAccount(NewUserIn("acme", "zebediah.quarterman@example.org", "Zebediah Quarterman"));
  ASSERT_TRUE(request.ok());
  const std::string password = "purple-elephant-marmalade-42";
  ASSERT_TRUE(accounts->SetPassword(user->id, password).ok());
  auto session = accounts->Login("wilhelmina.vanderbilt@example.org", password);
  ASSERT_TRUE(session.ok());
  auto reset = accounts->CreateResetToken(user->id);
  ASSERT_TRUE(reset.ok());
  auto enrolment = accounts->BeginTotp(user->id);
  ASSERT_TRUE(enrolment.ok());
  const std::string secret = Base32Decode(enrolment->secret_base32);
  auto recovery = accounts->ConfirmTotp(user->id, accounts::TotpCode(secret, now));
  ASSERT_TRUE(recovery.ok());
  std::string recovery_plain = (*recovery)[0];
  recovery_plain.erase(std::remove(recovery_plain.begin(), recovery_plain.end(), '-'), recovery_plain.end());

  const std::vector<std::string> secrets = {"wilhelmina.vanderbilt@example.org",
                                            "Wilhelmina",
                                            "Vanderbilt",
                                            "wilhelmina",
                                            "vanderbilt",
                                            "zebediah",
                                            "Quarterman",
                                            password,
                                            session->token,
                                            *reset,
                                            enrolment->secret_base32,
                                            secret,
                                            (*recovery)[0],
                                            recovery_plain,
                                            "example.org"};
  auto scan = [&](const char* when) {
    // The scan finds what is there: the organisation's name is not sealed.
    EXPECT_FALSE(FilesContaining(dir.path(), "Plainly Visible Organisation").empty()) << when;
    for (const auto& s : secrets) {
      EXPECT_TRUE(FilesContaining(dir.path(), s).empty())
          << when << ": '" << s << "' found in " << Joined(FilesContaining(dir.path(), s));
    }
  };
  scan("while open");
  accounts.reset();
  scan("after close");
  for (const auto& e : events) {
    for (const auto& s : secrets) {
      EXPECT_EQ((e.action + e.actor_user + e.subject_user + e.org + e.detail).find(s), std::string::npos) << e.action;
    }
  }
}

TEST_F(AccountsTest, PasswordsAreStoredAsArgon2idStrings) {
  AddOrg("acme");
  const std::string id = AddActiveUser("acme", "a@acme.test", {});
  auto db = sqlite::Connection::Open(StorePath());
  ASSERT_TRUE(db.ok());
  auto st = db->Prepare("SELECT password_hash FROM users WHERE id = ?");
  ASSERT_TRUE(st.ok());
  st->BindText(1, id);
  ASSERT_TRUE(st->Step().value());
  EXPECT_EQ(st->Text(0).rfind("$argon2id$v=19$m=8,t=1,", 0), 0u) << st->Text(0);
}

TEST_F(AccountsTest, SealedValueCopiedToAnotherRowDoesNotOpen) {
  AddOrg("acme");
  auto a = accounts->AddUser(NewUserIn("acme", "a@acme.test", "Alice"));
  auto b = accounts->AddUser(NewUserIn("acme", "b@acme.test", "Bob"));
  ASSERT_TRUE(a.ok() && b.ok());
  {
    auto db = sqlite::Connection::Open(StorePath());
    ASSERT_TRUE(db.ok());
    auto st = db->Prepare("UPDATE users SET name_sealed = (SELECT name_sealed FROM users WHERE id = ?) WHERE id = ?");
    ASSERT_TRUE(st.ok());
    st->BindText(1, a->id).BindText(2, b->id);
    ASSERT_TRUE(st->Run().ok());
  }
  auto moved = accounts->GetUser(b->id);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(accounts->GetUser(a->id).ok());
}

TEST_F(AccountsTest, KeyRotationReSealsEveryRowWhileReadsGoOn) {
  AddOrg("acme");
  constexpr int kUsers = 450;
  std::vector<std::string> ids;
  for (int i = 0; i < kUsers; ++i) {
    auto u =
        accounts->AddUser(NewUserIn("acme", "user" + std::to_string(i) + "@acme.test", "User " + std::to_string(i)));
    ASSERT_TRUE(u.ok());
    ids.push_back(u->id);
  }
  ASSERT_TRUE(accounts->SetPassword(ids[0], kPassword).ok());
  ASSERT_TRUE(accounts->SetPassword(ids[kUsers - 1], kPassword).ok());
  auto enrolment = accounts->BeginTotp(ids[kUsers - 1]);
  ASSERT_TRUE(enrolment.ok());
  const std::string secret = Base32Decode(enrolment->secret_base32);
  ASSERT_TRUE(accounts->ConfirmTotp(ids[kUsers - 1], accounts::TotpCode(secret, now)).ok());

  const std::string old_key = key_file;
  const std::string new_key = dir / "accounts-2.key";
  ASSERT_TRUE(Accounts::CreateKeyFile(new_key).ok());
  options.key_file = new_key;
  options.previous_key_files = {old_key};
  options.rotation_batch = 100;
  Reopen();

  auto part = accounts->RotateKey(150);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->resealed, 150u);
  EXPECT_EQ(part->remaining, static_cast<std::size_t>(kUsers - 150));
  // Mid-rotation every row reads, and e-mail lookups find rows on both sides.
  auto all = accounts->ListUsers();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), static_cast<std::size_t>(kUsers));
  for (int i : {0, 149, 150, 300, kUsers - 1}) {
    auto found = accounts->FindUserByEmail("user" + std::to_string(i) + "@acme.test");
    ASSERT_TRUE(found.ok()) << i << ": " << found.status().ToString();
    EXPECT_EQ(found->display_name, "User " + std::to_string(i));
  }
  auto added = accounts->AddUser(NewUserIn("acme", "late@acme.test", "Late Comer"));
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(accounts->AddUser(NewUserIn("acme", "user300@acme.test", "Twin")).status().code(),
            StatusCode::kAlreadyExists)
      << "uniqueness holds across keys";

  // The rest on a background thread while this one keeps reading.
  Result<KeyRotationProgress> rest = Status::Internal("not run");
  std::atomic<bool> done{false};
  std::thread rotator([&] {
    rest = accounts->RotateKey();
    done = true;
  });
  int reads = 0;
  while (!done || reads < 20) {
    const int i = reads % kUsers;
    auto found = accounts->FindUserByEmail("user" + std::to_string(i) + "@acme.test");
    ASSERT_TRUE(found.ok()) << i << ": " << found.status().ToString();
    ++reads;
  }
  rotator.join();
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->resealed, static_cast<std::size_t>(kUsers - 150));
  EXPECT_EQ(rest->remaining, 0u);

  // The old key can go now.
  options.previous_key_files.clear();
  Reopen();
  auto everyone = accounts->ListUsers();
  ASSERT_TRUE(everyone.ok()) << everyone.status().ToString();
  EXPECT_EQ(everyone->size(), static_cast<std::size_t>(kUsers + 1));
  EXPECT_TRUE(accounts->Login("user0@acme.test", kPassword).ok());
  now += 30;
  EXPECT_TRUE(accounts->Login("user449@acme.test", kPassword, accounts::TotpCode(secret, now)).ok())
      << "the TOTP secret was re-sealed too";

  // And the old key alone opens nothing any more.
  options.key_file = old_key;
  Reopen();
  EXPECT_EQ(accounts->GetUser(ids[0]).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(accounts->FindUserByEmail("user0@acme.test").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace portalkb::testing
