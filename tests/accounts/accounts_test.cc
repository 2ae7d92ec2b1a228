// The accounts module: directory rules, account requests, principals.
#include <sys/stat.h>

#include <algorithm>

#include "accounts/accounts_fixture.h"

namespace portalkb::testing {
namespace {

TEST(AccountsKeyFile, GroupReadableKeyFileIsRefusedNamingFileAndMode) {
  TempDir dir;
  const std::string key = dir / "accounts.key";
  ASSERT_TRUE(Accounts::CreateKeyFile(key).ok());
  ASSERT_EQ(chmod(key.c_str(), 0640), 0);
  AccountsOptions options;
  options.key_file = key;
  auto opened = Accounts::Open(dir / "kb.accounts.sqlite", options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(opened.status().message().find(key), std::string::npos) << opened.status().message();
  EXPECT_NE(opened.status().message().find("0640"), std::string::npos) << opened.status().message();
}

TEST(AccountsKeyFile, MissingOrMalformedKeyFileIsRefused) {
  TempDir dir;
  AccountsOptions options;
  options.key_file = dir / "none.key";
  auto missing = Accounts::Open(dir / "a.sqlite", options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  options.key_file = dir.Write("short.key", "abc\n");
  ASSERT_EQ(chmod(options.key_file.c_str(), 0600), 0);
  auto malformed = Accounts::Open(dir / "a.sqlite", options);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(Accounts::CreateKeyFile(dir / "short.key").code(), StatusCode::kAlreadyExists);
}

TEST(AccountsPath, StoreSitsBesideTheIndex) {
  EXPECT_EQ(Accounts::PathFor("/srv/kb"), "/srv/kb.accounts.sqlite");
  EXPECT_EQ(Accounts::PathFor("/srv/kb/"), "/srv/kb.accounts.sqlite");
}

TEST_F(AccountsTest, OrganisationsAddListUpdateRemove) {
  auto acme = accounts->AddOrganisation({"Acme", "Acme B.V.", "", 0});
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  EXPECT_EQ(acme->id, "acme");
  EXPECT_EQ(acme->status, "active");
  EXPECT_EQ(accounts->AddOrganisation({"acme", "Again", "", 0}).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(accounts->AddOrganisation({"ac/me", "Bad", "", 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts->AddOrganisation({"x", "", "", 0}).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(accounts->AddOrganisation({"globex", "Globex", "", 0}).ok());
  auto list = accounts->ListOrganisations();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "acme");
  auto updated = accounts->UpdateOrganisation("acme", "Acme Holding", "disabled");
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "Acme Holding");
  EXPECT_EQ(updated->status, "disabled");
  EXPECT_EQ(accounts->UpdateOrganisation("acme", "", "gone").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(accounts->AddUser(NewUserIn("globex", "g@globex.test", "Gina")).ok());
  EXPECT_EQ(accounts->RemoveOrganisation("globex").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(accounts->RemoveOrganisation("acme").ok());
  EXPECT_EQ(accounts->GetOrganisation("acme").status().code(), StatusCode::kNotFound);
}

TEST_F(AccountsTest, UsersAreValidatedAndFoundByNormalisedEmail) {
  AddOrg("acme");
  auto user = accounts->AddUser(NewUserIn("acme", "  Jan.Jansen@Acme.NL ", "Jan Jansen", "nl"));
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->email, "jan.jansen@acme.nl");
  EXPECT_EQ(user->status, kUserActive);
  EXPECT_EQ(user->id.rfind("u-", 0), 0u);
  EXPECT_EQ(user->id.find("jan"), std::string::npos) << "ids carry nothing personal";
  auto found = accounts->FindUserByEmail("JAN.JANSEN@acme.nl");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, user->id);
  EXPECT_EQ(found->display_name, "Jan Jansen");
  EXPECT_EQ(found->language, "nl");
  EXPECT_EQ(accounts->AddUser(NewUserIn("acme", "jan.jansen@ACME.nl", "Other")).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(accounts->AddUser(NewUserIn("acme", "x@acme.nl", "X", "fr")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts->AddUser(NewUserIn("acme", "no-at-sign", "X")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts->AddUser(NewUserIn("nowhere", "y@acme.nl", "Y")).status().code(), StatusCode::kNotFound);
  NewUser bad = NewUserIn("acme", "z@acme.nl", "Z");
  bad.contact_channel = "pigeon";
  EXPECT_EQ(accounts->AddUser(bad).status().code(), StatusCode::kInvalidArgument);

  UserUpdate update;
  update.email = "jan@acme.nl";
  update.contact_channel = "phone";
  auto changed = accounts->UpdateUser(user->id, update);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(accounts->FindUserByEmail("jan.jansen@acme.nl").status().code(), StatusCode::kNotFound);
  auto again = accounts->FindUserByEmail("jan@acme.nl");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->contact_channel, "phone");
  EXPECT_TRUE(accounts->RemoveUser(user->id).ok());
  EXPECT_EQ(accounts->GetUser(user->id).status().code(), StatusCode::kNotFound);
}

TEST_F(AccountsTest, PrincipalHoldsDirectAndGroupRoles) {
  AddOrg("acme");
  for (const char* r : {"customer", "finance", "billing"}) ASSERT_TRUE(accounts->AddRole({r, ""}).ok());
  auto group = accounts->AddGroup({"accounting", "the money people", {"finance", "billing"}});
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_EQ(group->roles, (std::vector<std::string>{"billing", "finance"}));
  EXPECT_EQ(accounts->AddGroup({"ghosts", "", {"nosuchrole"}}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts->GetGroup("ghosts").status().code(), StatusCode::kNotFound) << "a failed add leaves nothing";
  auto user = accounts->AddUser(NewUserIn("acme", "a@acme.test", "A"));
  ASSERT_TRUE(user.ok());
  ASSERT_TRUE(accounts->GrantRole(user->id, "customer").ok());
  EXPECT_EQ(accounts->GrantRole(user->id, "nosuchrole").code(), StatusCode::kNotFound);
  ASSERT_TRUE(accounts->AddToGroup(user->id, "accounting").ok());
  auto principal = accounts->PrincipalFor(user->id);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->user, user->id);
  EXPECT_EQ(principal->org, "acme");
  EXPECT_EQ(principal->roles, (std::vector<std::string>{"billing", "customer", "finance"}));
  EXPECT_FALSE(principal->admin);

  ASSERT_TRUE(accounts->UpdateGroup("accounting", "", std::vector<std::string>{"billing"}).ok());
  EXPECT_EQ(accounts->PrincipalFor(user->id)->roles, (std::vector<std::string>{"billing", "customer"}));
  ASSERT_TRUE(accounts->RemoveRole("billing").ok());
  EXPECT_EQ(accounts->PrincipalFor(user->id)->roles, (std::vector<std::string>{"customer"}));

  UserUpdate disable;
  disable.status = "disabled";
  ASSERT_TRUE(accounts->UpdateUser(user->id, disable).ok());
  EXPECT_EQ(accounts->PrincipalFor(user->id).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AccountsTest, AccountRequestNeedsApprovalByAnAdminOfThatOrganisation) {
  AddOrg("acme");
  AddOrg("globex");
  ASSERT_TRUE(accounts->AddRole({"customer-admin", ""}).ok());
  const std::string acme_admin = AddActiveUser("acme", "boss@acme.test", {"customer-admin"});
  const std::string globex_admin = AddActiveUser("globex", "boss@globex.test", {"customer-admin"});
  const std::string acme_plain = AddActiveUser("acme", "plain@acme.test", {});

  auto request = accounts->RequestAccount(NewUserIn("acme", "new@acme.test", "Newcomer"));
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->status, kUserPending);
  ASSERT_TRUE(accounts->SetPassword(request->id, kPassword).ok());
  auto early = accounts->Login("new@acme.test", kPassword);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts->PrincipalFor(request->id).status().code(), StatusCode::kPermissionDenied);

  auto foreign = accounts->ApproveRequest(globex_admin, request->id);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts->RejectRequest(globex_admin, request->id).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts->ApproveRequest(acme_plain, request->id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts->GetUser(request->id)->status, kUserPending);

  auto approved = accounts->ApproveRequest(acme_admin, request->id);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->status, kUserActive);
  EXPECT_TRUE(accounts->Login("new@acme.test", kPassword).ok());
  EXPECT_EQ(accounts->ApproveRequest(acme_admin, request->id).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasEvent("account_approved", acme_admin, request->id));

  auto second = accounts->RequestAccount(NewUserIn("acme", "spam@acme.test", "Spammer"));
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(accounts->RejectRequest(acme_admin, second->id).ok());
  EXPECT_EQ(accounts->GetUser(second->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts->FindUserByEmail("spam@acme.test").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(HasEvent("account_rejected", acme_admin, second->id));
}

TEST_F(AccountsTest, AdminRoleNameIsConfigurable) {
  options.org_admin_role = "portal-owner";
  Reopen();
  AddOrg("acme");
  ASSERT_TRUE(accounts->AddRole({"customer-admin", ""}).ok());
  ASSERT_TRUE(accounts->AddRole({"portal-owner", ""}).ok());
  const std::string old_style = AddActiveUser("acme", "old@acme.test", {"customer-admin"});
  const std::string owner = AddActiveUser("acme", "owner@acme.test", {"portal-owner"});
  auto request = accounts->RequestAccount(NewUserIn("acme", "new@acme.test", "N"));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(accounts->ApproveRequest(old_style, request->id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(accounts->ApproveRequest(owner, request->id).ok());
}

TEST_F(AccountsTest, AdminRoleThroughAGroupMayApprove) {
  AddOrg("acme");
  ASSERT_TRUE(accounts->AddRole({"customer-admin", ""}).ok());
  ASSERT_TRUE(accounts->AddGroup({"admins", "", {"customer-admin"}}).ok());
  const std::string admin = AddActiveUser("acme", "boss@acme.test", {});
  ASSERT_TRUE(accounts->AddToGroup(admin, "admins").ok());
  auto request = accounts->RequestAccount(NewUserIn("acme", "new@acme.test", "N"));
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(accounts->ApproveRequest(admin, request->id).ok());
}

}  // namespace
}  // namespace portalkb::testing
