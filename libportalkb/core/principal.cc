#include "portalkb/principal.h"

#include <algorithm>

#include "core/text.h"

namespace portalkb {
namespace {

constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxRoles = 64;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@';
}

std::string Shown(std::string_view raw) {
  std::string shown = SanitizeUtf8(raw.substr(0, 80));
  if (raw.size() > 80) shown += "\xE2\x80\xA6";
  return shown;
}

}  // namespace

bool Principal::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Result<std::string> NormalizePrincipalId(std::string_view raw, std::string_view what) {
  std::string name = AsciiLower(Trim(raw));
  if (name.empty() || name.size() > kMaxNameBytes || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Status::InvalidArgument(std::string(what) + " '" + Shown(raw) +
                                   "': must be 1-64 characters of a-z 0-9 . _ - @");
  }
  return name;
}

Result<Principal> NormalizePrincipal(const Principal& principal) {
  Principal out;
  out.admin = principal.admin;
  if (!Trim(principal.user).empty()) {
    auto user = NormalizePrincipalId(principal.user, "user");
    if (!user.ok()) return user.status();
    out.user = std::move(user).value();
  }
  if (!Trim(principal.org).empty()) {
    auto org = NormalizePrincipalId(principal.org, "org");
    if (!org.ok()) return org.status();
    out.org = std::move(org).value();
  }
  if (principal.roles.size() > kMaxRoles) {
    return Status::InvalidArgument("role: " + std::to_string(principal.roles.size()) + " roles, over the limit of 64");
  }
  for (const auto& raw : principal.roles) {
    if (Trim(raw).empty()) continue;
    auto role = NormalizePrincipalId(raw, "role");
    if (!role.ok()) return role.status();
    if (!out.HasRole(role.value())) out.roles.push_back(std::move(role).value());
  }
  return out;
}

}  // namespace portalkb
