// The account endpoints: login with a password, searches as the session's
// user, logout, /v1/me and its export, account requests approved only by an
// admin of the same organisation, and a role change effective on the next
// search.
#include <set>

#include "oidc/jwt_test_keys.h"
#include "server/server_fixture.h"

namespace portalkb::server {
namespace {

using nlohmann::json;

class ServerAccountsTest : public ServerTest {
 protected:
  void SetUp() override {
    EnableAccounts();
    Index({Doc("faq", "Reset your password", "Choose a new password.", {"public"}),
           Doc("acme-contract", "Acme contract terms", "The contract of Acme.", {"org:acme/role:customer"})});
    // The store as an operator fills it before the server starts.
    auto accounts = OpenAccounts();
    ASSERT_NE(accounts, nullptr);
    for (const char* org : {"acme", "globex"}) ASSERT_TRUE(accounts->AddOrganisation({org, org, "", 0}).ok());
    for (const char* role : {"customer", "customer-admin"}) ASSERT_TRUE(accounts->AddRole({role, ""}).ok());
    carol_ = AddUser(*accounts, "acme", "carol@acme.example", "customer");
    anna_ = AddUser(*accounts, "acme", "anna@acme.example", "customer-admin");
    gus_ = AddUser(*accounts, "globex", "gus@globex.example", "customer-admin");
  }

  std::string carol_, anna_, gus_;
};

TEST_F(ServerAccountsTest, WithoutAnAccountsStoreTheAccountEndpointsDoNotExist) {
  Start();
  auto r = Client().Post("/v1/login", R"({"email":"carol@acme.example","password":"x"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(ServerAccountsTest, LoginGivesASessionThatSearchesAsTheUserUntilLogout) {
  Start(AccountOptions());
  int status = 0;
  EXPECT_EQ(Login("carol@acme.example", "not the password", &status), "");
  EXPECT_EQ(status, 401);
  const std::string token = Login("CAROL@acme.example ", kPassword);
  ASSERT_FALSE(token.empty());
  const json found = Search(token, {{"q", "contract"}});
  EXPECT_EQ(Ids(found), std::vector<std::string>{"acme-contract"});
  // A session is no admin key.
  auto admin = Client().Get("/v1/stats", Bearer(token));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403);
  auto me = Client().Get("/v1/me", Bearer(token));
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(Json(me)["email"], "carol@acme.example");
  EXPECT_EQ(Json(me)["principal"]["org"], "acme");
  auto exported = Client().Get("/v1/me/export", Bearer(token));
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200) << exported->body;
  const json data = Json(exported);
  EXPECT_EQ(data["user"]["id"], carol_);
  EXPECT_EQ(exported->body.find(kPassword), std::string::npos);
  // A search key cannot reach the account endpoints.
  auto with_key = Client().Get("/v1/me", Bearer(Key(As("carol", "acme", {"customer"}))));
  ASSERT_TRUE(with_key);
  EXPECT_EQ(with_key->status, 401);
  auto out = Client().Post("/v1/logout", Bearer(token), "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200) << out->body;
  auto after = Client().Get("/v1/search", {{"q", "contract"}}, Bearer(token));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401) << after->body;
  // Neither the password nor the session token reaches the access log.
  EXPECT_EQ(Log().find(kPassword), std::string::npos);
  EXPECT_EQ(Log().find(token), std::string::npos);
  EXPECT_NE(Log().find("\"endpoint\":\"login\""), std::string::npos) << Log();
}

// The /v1 user object is a fixed contract: exactly these keys, whatever the
// wire module's User carries besides (has_password, created_at).
TEST_F(ServerAccountsTest, UserObjectsKeepTheirV1Keys) {
  Start(AccountOptions());
  const std::set<std::string> user_keys = {"id",     "org",   "email",  "display_name", "language", "contact_channel",
                                           "status", "roles", "groups", "totp_enabled"};
  auto keys = [](const json& object) {
    std::set<std::string> out;
    for (const auto& item : object.items()) out.insert(item.key());
    return out;
  };
  auto login = Client().Post("/v1/login", json{{"email", "carol@acme.example"}, {"password", kPassword}}.dump(),
                             "application/json");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  EXPECT_EQ(keys(Json(login)["user"]), user_keys) << login->body;
  const std::string token = Json(login)["token"].get<std::string>();
  auto me = Client().Get("/v1/me", Bearer(token));
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  std::set<std::string> me_keys = user_keys;
  me_keys.insert("principal");
  EXPECT_EQ(keys(Json(me)), me_keys) << me->body;
  EXPECT_EQ(Json(me)["id"], carol_);
  EXPECT_EQ(Json(me)["roles"], json::array({"customer"}));
  EXPECT_EQ(Json(me)["totp_enabled"], false);
}

TEST_F(ServerAccountsTest, ARoleChangeTakesEffectOnTheNextSearch) {
  Start(AccountOptions());
  const std::string token = Login("carol@acme.example", kPassword);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Ids(Search(token, {{"q", "contract"}})), std::vector<std::string>{"acme-contract"});
  // An operator revokes the role through the store (another connection).
  auto accounts = OpenAccounts();
  ASSERT_NE(accounts, nullptr);
  ASSERT_TRUE(accounts->RevokeRole(carol_, "customer").ok());
  EXPECT_TRUE(Ids(Search(token, {{"q", "contract"}})).empty());
}

TEST_F(ServerAccountsTest, AccountRequestsAreApprovedOnlyByAnAdminOfThatOrganisation) {
  Start(AccountOptions());
  auto filed = Client().Post("/v1/account-requests",
                             json{{"org", "acme"}, {"email", "new@acme.example"}, {"display_name", "Nina"}}.dump(),
                             "application/json");
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 202) << filed->body;
  const std::string id = Json(filed)["id"].get<std::string>();
  EXPECT_EQ(Json(filed)["status"], "pending");
  // Unknown keys, and strangers probing which organisations exist, learn nothing.
  auto probe = Client().Post("/v1/account-requests",
                             json{{"org", "nope"}, {"email", "x@nope.example"}, {"display_name", "X"}}.dump(),
                             "application/json");
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->status, 202);
  auto extra = Client().Post(
      "/v1/account-requests",
      json{{"org", "acme"}, {"email", "y@acme.example"}, {"display_name", "Y"}, {"roles", "admin"}}.dump(),
      "application/json");
  ASSERT_TRUE(extra);
  EXPECT_EQ(extra->status, 400);

  const std::string carol = Login("carol@acme.example", kPassword);
  const std::string gus = Login("gus@globex.example", kPassword);
  const std::string anna = Login("anna@acme.example", kPassword);
  ASSERT_FALSE(carol.empty());
  ASSERT_FALSE(gus.empty());
  ASSERT_FALSE(anna.empty());
  auto listed_by_carol = Client().Get("/v1/account-requests", Bearer(carol));
  ASSERT_TRUE(listed_by_carol);
  EXPECT_EQ(listed_by_carol->status, 403);
  auto by_gus = Client().Post("/v1/account-requests/" + id + "/approve", Bearer(gus), "", "application/json");
  ASSERT_TRUE(by_gus);
  EXPECT_EQ(by_gus->status, 403) << by_gus->body;
  auto listed = Client().Get("/v1/account-requests", Bearer(anna));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  ASSERT_EQ(Json(listed)["requests"].size(), 1u);
  EXPECT_EQ(Json(listed)["requests"][0]["id"], id);
  auto by_anna = Client().Post("/v1/account-requests/" + id + "/approve", Bearer(anna), "", "application/json");
  ASSERT_TRUE(by_anna);
  ASSERT_EQ(by_anna->status, 200) << by_anna->body;
  EXPECT_EQ(Json(by_anna)["status"], "active");
  auto accounts = OpenAccounts();
  ASSERT_NE(accounts, nullptr);
  EXPECT_EQ(accounts->GetUser(id)->status, "active");
  // The approval is in the audit trail, by anna, about the new user.
  auto trail = AuditTrail::OpenForIndex(db());
  ASSERT_TRUE(trail.ok()) << trail.status().ToString();
  AuditQuery query;
  query.user = id;
  query.action = "account.account_approved";
  auto entries = trail.value()->List(query);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().actor, anna_);
}

TEST_F(ServerAccountsTest, SingleSignOnTokensProvisionTheUserAndFollowTheProvidersRoles) {
  const testing::TestKey key = testing::TestKey::Ec("ec-1");
  const testing::TestKey stranger = testing::TestKey::Ec("ec-1");  // same kid, another key
  ServerOptions o = AccountOptions();
  o.oidc.issuer = "https://login.example.com/realms/portal";
  o.oidc.audiences = {"portal-web"};
  o.oidc.jwks_file = dir_.Write("jwks.json", json{{"keys", json::array({key.Jwk()})}}.dump());
  Start(o);
  auto claims = [&](const std::string& aud, json roles) {
    return json{{"iss", o.oidc.issuer}, {"aud", aud},       {"sub", "kc-123"},           {"exp", now_ + 300},
                {"iat", now_ - 5},      {"org_id", "acme"}, {"roles", std::move(roles)}, {"email", "sso@acme.example"},
                {"name", "Sam Single"}};
  };
  auto login = [&](const std::string& token) {
    return Client().Post("/v1/login/oidc", json{{"token", token}}.dump(), "application/json");
  };
  auto first = login(testing::MakeToken(key, claims("portal-web", {"customer"})));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const json session = Json(first);
  EXPECT_EQ(session["user"]["email"], "sso@acme.example");
  EXPECT_EQ(session["principal"]["roles"], json::array({"customer"}));
  const std::string token = session["token"].get<std::string>();
  EXPECT_EQ(Ids(Search(token, {{"q", "contract"}})), std::vector<std::string>{"acme-contract"});
  // Refused: another audience, a key not in the set, an expired token.
  for (const auto& bad :
       {testing::MakeToken(key, claims("other-app", {"customer"})),
        testing::MakeToken(stranger, claims("portal-web", {"customer"})), testing::MakeToken(key, [&] {
          json c = claims("portal-web", {"customer"});
          c["exp"] = now_ - 3600;
          return c;
        }())}) {
    auto r = login(bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << r->body;
  }
  // The same subject again is the same user; the provider dropped the role.
  auto again = login(testing::MakeToken(key, claims("portal-web", json::array())));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(Json(again)["user"]["id"], session["user"]["id"]);
  EXPECT_TRUE(Ids(Search(Json(again)["token"].get<std::string>(), {{"q", "contract"}})).empty());
}

TEST_F(ServerAccountsTest, AdminWritesAreRecordedInTheAuditTrail) {
  Start();  // an admin key, no accounts: the server keeps a trail of its own
  auto put = Client().Put("/v1/documents/new-doc?wait=true", Admin(),
                          json{{"title", "New"}, {"lang", "en"}, {"visibility", {"public"}}, {"body", "x"}}.dump(),
                          "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 201) << put->body;
  auto del = Client().Delete("/v1/documents/new-doc?wait=true", Admin());
  ASSERT_TRUE(del);
  ASSERT_EQ(del->status, 204) << del->body;
  auto trail = AuditTrail::OpenForIndex(db());
  ASSERT_TRUE(trail.ok()) << trail.status().ToString();
  AuditQuery query;
  query.actor = "admin-key";
  auto entries = trail.value()->List(query);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].action, "document.delete");
  EXPECT_EQ((*entries)[1].action, "document.publish");
  EXPECT_EQ(json::parse((*entries)[1].detail)["id"], "new-doc");
  EXPECT_EQ(put->body.find(kAdminKey), std::string::npos);
}

}  // namespace
}  // namespace portalkb::server
