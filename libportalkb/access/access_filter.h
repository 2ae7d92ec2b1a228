// Access control as a constraint inside the match: the grants a principal
// holds, and the publishing state it may see.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "access/access_set.h"
#include "portalkb/principal.h"

namespace portalkb {

// The grant strings that admit `principal`: "public", "role:R", "org:O",
// "org:O/role:R" and "user:U" for its roles, org and user. `principal` must
// be normalised (NormalizePrincipal): ids are used as they are.
std::vector<std::string> GrantsOf(const Principal& principal);

// The filter every query of `principal` runs under at time `now` (seconds
// since the epoch): any of its grants; published documents, drafts too for
// a principal holding one of `draft_viewer_roles`
// (EngineOptions::draft_viewer_roles); inside their publishing window.
// MatchAll for an admin.
Xapian::Query AccessFilter(const Principal& principal, long long now,
                           const std::vector<std::string>& draft_viewer_roles);

// The same filter, with the grants and publishing state matched as one
// bitset of `db`'s revision, built once per principal's grants and kept in
// `cache` (see access_set.h), in place of their terms: the same documents,
// cheaper to match. Throws Xapian::Error (run it under ReadableStore::Read).
Xapian::Query AccessFilter(const Principal& principal, long long now,
                           const std::vector<std::string>& draft_viewer_roles, const Xapian::Database& db,
                           const AccessSetCache& cache);

// Whether `term` occurs in at least one document that passes `access` (an
// AccessFilter): one boolean probe that stops at the first match. Typo
// candidates, corrections and suggested queries are checked with it, so no
// word only hidden documents hold is ever offered. Throws Xapian::Error.
bool OccursUnder(const Xapian::Database& db, const std::string& term, const Xapian::Query& access);

// Combines `query` with the access filter (and nothing can widen it: user
// filters are ANDed on top).
Xapian::Query Restrict(const Xapian::Query& query, const Principal& principal, long long now,
                       const std::vector<std::string>& draft_viewer_roles);

}  // namespace portalkb
