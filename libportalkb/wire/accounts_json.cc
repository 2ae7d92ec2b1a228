#include "portalkb/accounts_json.h"

#include "core/text.h"

namespace portalkb {
namespace {

// Stored text is UTF-8 already; this keeps output total even if it is not.
std::string Text(const std::string& s) { return SanitizeUtf8(s); }

nlohmann::json Texts(const std::vector<std::string>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : items) out.push_back(Text(s));
  return out;
}

}  // namespace

nlohmann::json ToJsonValue(const Organisation& org) {
  return {{"id", Text(org.id)}, {"name", Text(org.name)}, {"status", Text(org.status)}, {"created_at", org.created_at}};
}

nlohmann::json ToJsonValue(const User& user) {
  return {{"id", Text(user.id)},
          {"org", Text(user.org)},
          {"email", Text(user.email)},
          {"display_name", Text(user.display_name)},
          {"language", Text(user.language)},
          {"contact_channel", Text(user.contact_channel)},
          {"status", Text(user.status)},
          {"roles", Texts(user.roles)},
          {"groups", Texts(user.groups)},
          {"totp_enabled", user.totp_enabled},
          {"has_password", user.has_password},
          {"created_at", user.created_at}};
}

nlohmann::json ToJsonValue(const Role& role) {
  return {{"name", Text(role.name)}, {"description", Text(role.description)}};
}

nlohmann::json ToJsonValue(const AccessGroup& group) {
  return {{"name", Text(group.name)}, {"description", Text(group.description)}, {"roles", Texts(group.roles)}};
}

nlohmann::json ToJsonValue(const Principal& principal) {
  return {{"user", Text(principal.user)}, {"org", Text(principal.org)}, {"roles", Texts(principal.roles)}};
}

}  // namespace portalkb
