// The wire shapes of the accounts types: exact keys, and nothing secret.
#include "portalkb/accounts_json.h"

#include <gtest/gtest.h>

#include <set>

namespace portalkb {
namespace {

std::set<std::string> Keys(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

TEST(AccountsJson, UserHasExactlyTheDocumentedKeys) {
  User u;
  u.id = "u-0123456789abcdef";
  u.org = "acme";
  u.email = "a@acme.test";
  u.display_name = std::string("Ann \xff");  // invalid UTF-8 is replaced, never thrown on
  u.roles = {"customer"};
  u.totp_enabled = true;
  const auto json = ToJsonValue(u);
  EXPECT_EQ(Keys(json),
            (std::set<std::string>{"id", "org", "email", "display_name", "language", "contact_channel", "status",
                                   "roles", "groups", "totp_enabled", "has_password", "created_at"}));
  EXPECT_EQ(json.at("roles"), nlohmann::json::array({"customer"}));
  EXPECT_EQ(json.at("display_name"), "Ann \xEF\xBF\xBD");
  EXPECT_NO_THROW((void)json.dump());
}

TEST(AccountsJson, OrganisationRoleGroupPrincipal) {
  EXPECT_EQ(Keys(ToJsonValue(Organisation{"acme", "Acme", "active", 5})),
            (std::set<std::string>{"id", "name", "status", "created_at"}));
  EXPECT_EQ(ToJsonValue(Role{"editor", "writes"}), (nlohmann::json{{"name", "editor"}, {"description", "writes"}}));
  EXPECT_EQ(ToJsonValue(AccessGroup{"admins", "", {"a", "b"}}).at("roles"), nlohmann::json::array({"a", "b"}));
  Principal p;
  p.user = "u-1";
  p.org = "acme";
  p.roles = {"customer"};
  EXPECT_EQ(ToJsonValue(p), (nlohmann::json{{"user", "u-1"}, {"org", "acme"}, {"roles", {"customer"}}}));
  EXPECT_EQ(ToJsonArray(std::vector<Role>{{"a", ""}, {"b", ""}}).size(), 2u);
}

}  // namespace
}  // namespace portalkb
