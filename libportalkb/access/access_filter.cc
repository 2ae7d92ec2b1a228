#include "access/access_filter.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "portalkb/document.h"
#include "storage/schema.h"

namespace portalkb {

std::vector<std::string> GrantsOf(const Principal& principal) {
  // Built from the principal's parts, which NormalizePrincipal has checked
  // (no ':' or '/' in any id), through Grant::ToString: never by gluing
  // caller text into a grant.
  std::vector<std::string> grants{Grant{}.ToString()};
  auto grant = [&](Grant::Kind kind, const std::string& org, const std::string& role, const std::string& user) {
    Grant g;
    g.kind = kind;
    g.org = org;
    g.role = role;
    g.user = user;
    grants.push_back(g.ToString());
  };
  for (const auto& role : principal.roles) {
    if (role.empty()) continue;
    grant(Grant::Kind::kRole, "", role, "");
    if (!principal.org.empty()) grant(Grant::Kind::kOrgRole, principal.org, role, "");
  }
  if (!principal.org.empty()) grant(Grant::Kind::kOrg, principal.org, "", "");
  if (!principal.user.empty()) grant(Grant::Kind::kUser, "", "", principal.user);
  return grants;
}

namespace {

// The grant and status terms of a principal's filter (not the publishing
// window, which depends on the time), the user's own grant apart: the rest
// is shared by every user of the same organisation and roles.
struct PrincipalTerms {
  AccessTerms shared;
  std::string user_grant;  // or ""
};

PrincipalTerms TermsOf(const Principal& principal, const std::vector<std::string>& draft_viewer_roles) {
  PrincipalTerms terms;
  Grant user;
  user.kind = Grant::Kind::kUser;
  user.user = principal.user;
  const std::string user_grant = principal.user.empty() ? "" : user.ToString();
  for (const auto& g : GrantsOf(principal)) {
    if (!user_grant.empty() && g == user_grant) {
      terms.user_grant = schema::Term(schema::kGrant, g);
    } else {
      terms.shared.any_of.push_back(schema::Term(schema::kGrant, g));
    }
  }
  const bool sees_drafts = std::any_of(draft_viewer_roles.begin(), draft_viewer_roles.end(),
                                       [&](const std::string& role) { return principal.HasRole(role); });
  if (!sees_drafts) terms.shared.required = schema::Term(schema::kStatus, "published");
  return terms;
}

// The documents `terms` admit, before the publishing window: from the
// shared grants' bitset when there is one, from their terms otherwise.
Xapian::Query Admitted(const PrincipalTerms& terms, std::shared_ptr<const AccessSet> shared) {
  using Q = Xapian::Query;
  const bool from_set = shared != nullptr;
  std::vector<Q> any;
  if (from_set) {
    any.push_back(AccessSetQuery(std::move(shared)));
  } else {
    any.assign(terms.shared.any_of.begin(), terms.shared.any_of.end());
  }
  if (!terms.user_grant.empty()) {
    // The set has the publishing state built in; the user's own grant takes it here.
    if (from_set && !terms.shared.required.empty()) {
      any.emplace_back(Q::OP_AND, Q(terms.user_grant), Q(terms.shared.required));
    } else {
      any.emplace_back(terms.user_grant);
    }
  }
  Q admitted(Q::OP_OR, any.begin(), any.end());
  if (!from_set && !terms.shared.required.empty()) admitted = Q(Q::OP_AND, admitted, Q(terms.shared.required));
  return admitted;
}

Xapian::Query WithinWindow(Xapian::Query admitted, long long now, const Xapian::Database* db = nullptr) {
  using Q = Xapian::Query;
  // Value ranges that can exclude nothing cost a value lookup per candidate.
  if (db != nullptr && WindowOpenForAll(*db, now)) return admitted;
  const std::string at = Xapian::sortable_serialise(static_cast<double>(now));
  const Q parts[] = {std::move(admitted), Q(Q::OP_VALUE_LE, schema::kSlotPublishAt, at),
                     Q(Q::OP_VALUE_GE, schema::kSlotUnpublishAt, at)};
  return Q(Q::OP_AND, std::begin(parts), std::end(parts));
}

}  // namespace

Xapian::Query AccessFilter(const Principal& principal, long long now,
                           const std::vector<std::string>& draft_viewer_roles) {
  if (principal.admin) return schema::MatchAllQuery();
  return WithinWindow(Admitted(TermsOf(principal, draft_viewer_roles), nullptr), now);
}

Xapian::Query AccessFilter(const Principal& principal, long long now,
                           const std::vector<std::string>& draft_viewer_roles, const Xapian::Database& db,
                           const AccessSetCache& cache) {
  return AccessFor(principal, now, draft_viewer_roles, db, cache).filter;
}

PrincipalAccess AccessFor(const Principal& principal, long long now, const std::vector<std::string>& draft_viewer_roles,
                          const Xapian::Database& db, const AccessSetCache& cache) {
  PrincipalAccess out;
  if (principal.admin) {
    out.filter = schema::MatchAllQuery();
    VisibleDocuments all;
    all.all_ = true;  // MatchAll: drafts and windows included
    out.visible = std::move(all);
    return out;
  }
  const PrincipalTerms terms = TermsOf(principal, draft_viewer_roles);
  // Each set asked for once per request, all of them before any answer, so
  // all are built from the second request on.
  std::shared_ptr<const AccessSet> shared = cache.Get(db, terms.shared);
  std::shared_ptr<const AccessSet> published;
  const bool needs_published = !terms.user_grant.empty() && !terms.shared.required.empty();
  if (needs_published) {
    AccessTerms required;
    required.any_of = {terms.shared.required};
    published = cache.Get(db, required);
  }
  out.filter = WithinWindow(Admitted(terms, shared), now, &db);
  if (shared == nullptr || (needs_published && published == nullptr) || !WindowOpenForAll(db, now)) return out;
  VisibleDocuments v;
  v.shared_ = std::move(shared);
  if (!terms.user_grant.empty()) {
    for (auto it = db.postlist_begin(terms.user_grant); it != db.postlist_end(terms.user_grant); ++it) {
      if (published == nullptr || published->Contains(*it)) v.own_.push_back(*it);
    }
  }
  out.visible = std::move(v);
  return out;
}

bool WindowOpenForAll(const Xapian::Database& db, long long now) {
  const Xapian::doccount docs = db.get_doccount();
  if (db.get_value_freq(schema::kSlotPublishAt) != docs || db.get_value_freq(schema::kSlotUnpublishAt) != docs) {
    return false;  // a document without a window value fails the value ranges
  }
  if (docs == 0) return true;
  const std::string at = Xapian::sortable_serialise(static_cast<double>(now));
  return db.get_value_upper_bound(schema::kSlotPublishAt) <= at &&
         db.get_value_lower_bound(schema::kSlotUnpublishAt) >= at;
}

std::optional<VisibleDocuments> VisibleDocuments::Of(const Principal& principal, long long now,
                                                     const std::vector<std::string>& draft_viewer_roles,
                                                     const Xapian::Database& db, const AccessSetCache& cache) {
  return AccessFor(principal, now, draft_viewer_roles, db, cache).visible;
}

bool OccursIn(const Xapian::Database& db, const std::string& term, const VisibleDocuments& visible,
              const AccessSet* also) {
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    if ((also == nullptr || also->Contains(*it)) && visible.Contains(*it)) return true;
  }
  return false;
}

bool OccursUnder(const Xapian::Database& db, const std::string& term, const Xapian::Query& access) {
  Xapian::Enquire probe(db);
  probe.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), access));
  probe.set_weighting_scheme(Xapian::BoolWeight());
  return !probe.get_mset(0, 1).empty();
}

Xapian::Query Restrict(const Xapian::Query& query, const Principal& principal, long long now,
                       const std::vector<std::string>& draft_viewer_roles) {
  if (principal.admin) return query;
  return Xapian::Query(Xapian::Query::OP_FILTER, query, AccessFilter(principal, now, draft_viewer_roles));
}

}  // namespace portalkb
