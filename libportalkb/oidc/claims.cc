// Claim mapping: a verified token's claims -> the Principal a search runs as.
#include "core/text.h"
#include "portalkb/oidc.h"

namespace portalkb {
namespace {

using nlohmann::json;

// The claim at `path` ("a.b.c" walks into objects), or nullptr.
const json* Claim(const json& claims, const std::string& path) {
  const json* at = &claims;
  for (const auto& part : SplitList(path, '.')) {
    if (!at->is_object()) return nullptr;
    const auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at == &claims ? nullptr : at;
}

Status WrongType(const std::string& claim, const char* expected) {
  return Status::Unauthenticated("token rejected: claim \"" + Abbreviate(claim) + "\" is not " + expected);
}

}  // namespace

Result<Principal> PrincipalFromClaims(const json& claims, const ClaimMapping& mapping) {
  if (mapping.user_claim.empty()) return Status::InvalidArgument("claim mapping: user_claim is required");
  Principal principal;
  const json* user = Claim(claims, mapping.user_claim);
  if (user == nullptr) {
    return Status::Unauthenticated("token rejected: no \"" + Abbreviate(mapping.user_claim) + "\" claim");
  }
  if (!user->is_string()) return WrongType(mapping.user_claim, "a string");
  principal.user = user->get<std::string>();
  if (!mapping.org_claim.empty()) {
    if (const json* org = Claim(claims, mapping.org_claim); org != nullptr) {
      if (!org->is_string()) return WrongType(mapping.org_claim, "a string");
      principal.org = org->get<std::string>();
    }
  }
  if (!mapping.roles_claim.empty()) {
    if (const json* roles = Claim(claims, mapping.roles_claim); roles != nullptr) {
      if (roles->is_string()) {
        principal.roles = SplitList(roles->get<std::string>(), ' ');
      } else if (roles->is_array()) {
        for (const auto& role : *roles) {
          if (!role.is_string()) return WrongType(mapping.roles_claim, "an array of strings");
          principal.roles.push_back(role.get<std::string>());
        }
      } else {
        return WrongType(mapping.roles_claim, "an array of strings or a space-separated string");
      }
    }
  }
  auto normalized = NormalizePrincipal(principal);
  if (!normalized.ok()) return Status::InvalidArgument("token claims: " + normalized.status().message());
  if (normalized->user.empty()) {
    return Status::Unauthenticated("token rejected: claim \"" + Abbreviate(mapping.user_claim) + "\" is empty");
  }
  return normalized;
}

}  // namespace portalkb
