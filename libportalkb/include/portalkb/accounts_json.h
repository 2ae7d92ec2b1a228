// The wire format of the accounts types (portalkb/accounts.h), for the CLI's
// --json, the portal's GDPR export and the server's account endpoints (whose
// /v1 user objects leave out has_password and created_at). Output only:
// nothing here parses a principal or a password. Owned by the wire module.
//
//   Organisation  {"id", "name", "status", "created_at"}
//   User          {"id", "org", "email", "display_name", "language",
//                  "contact_channel", "status", "roles": [], "groups": [],
//                  "totp_enabled", "has_password", "created_at"}
//   Role          {"name", "description"}
//   AccessGroup   {"name", "description", "roles": []}
//   Principal     {"user", "org", "roles": []}
// created_at is seconds since the epoch. Never written: password hashes,
// tokens, TOTP secrets, recovery codes.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "portalkb/accounts.h"

namespace portalkb {

nlohmann::json ToJsonValue(const Organisation& org);
nlohmann::json ToJsonValue(const User& user);
nlohmann::json ToJsonValue(const Role& role);
nlohmann::json ToJsonValue(const AccessGroup& group);
nlohmann::json ToJsonValue(const Principal& principal);
// Arrays of the above.
template <typename T>
nlohmann::json ToJsonArray(const std::vector<T>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(ToJsonValue(item));
  return out;
}

}  // namespace portalkb
