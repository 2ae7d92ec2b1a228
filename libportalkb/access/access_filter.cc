#include "access/access_filter.h"

#include <algorithm>

#include "core/text.h"
#include "storage/schema.h"

namespace portalkb {

bool Principal::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::vector<std::string> GrantsOf(const Principal& principal) {
  std::vector<std::string> grants{"public"};
  auto norm = [](const std::string& s) { return AsciiLower(Trim(s)); };
  const std::string org = norm(principal.org);
  for (const auto& raw : principal.roles) {
    const std::string role = norm(raw);
    if (role.empty()) continue;
    grants.push_back("role:" + role);
    if (!org.empty()) grants.push_back("org:" + org + "/role:" + role);
  }
  if (!org.empty()) grants.push_back("org:" + org);
  const std::string user = norm(principal.user);
  if (!user.empty()) grants.push_back("user:" + user);
  return grants;
}

Xapian::Query AccessFilter(const Principal& principal, long long now) {
  using Q = Xapian::Query;
  if (principal.admin) return Q::MatchAll;
  std::vector<Q> grants;
  for (const auto& g : GrantsOf(principal)) grants.emplace_back(schema::Term(schema::kGrant, g));
  std::vector<Q> parts;
  parts.emplace_back(Q::OP_OR, grants.begin(), grants.end());
  if (!principal.HasRole("editor")) parts.emplace_back(schema::Term(schema::kStatus, "published"));
  const std::string at = Xapian::sortable_serialise(static_cast<double>(now));
  parts.emplace_back(Q::OP_VALUE_LE, schema::kSlotPublishAt, at);
  parts.emplace_back(Q::OP_VALUE_GE, schema::kSlotUnpublishAt, at);
  return Q(Q::OP_AND, parts.begin(), parts.end());
}

Xapian::Query Restrict(const Xapian::Query& query, const Principal& principal, long long now) {
  if (principal.admin) return query;
  return Xapian::Query(Xapian::Query::OP_FILTER, query, AccessFilter(principal, now));
}

}  // namespace portalkb
