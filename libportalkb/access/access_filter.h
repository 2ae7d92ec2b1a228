// Access control as a constraint inside the match: the grants a principal
// holds, and the publishing state it may see.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
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

struct PrincipalAccess;

// The documents an AccessFilter admits at one time, as sets to test
// document ids against, so that a probe ("does this word occur in a
// document the principal may see?") walks a posting list instead of
// running a query. Had only when that is exact: for an admin; or when the
// shared grants' set of this revision is built (AccessSetCache, from its
// second request) and no document's publishing window can exclude anything
// at that time (by the slots' value bounds, which Xapian keeps).
class VisibleDocuments {
 public:
  friend PrincipalAccess AccessFor(const Principal& principal, long long now,
                                   const std::vector<std::string>& draft_viewer_roles, const Xapian::Database& db,
                                   const AccessSetCache& cache);
  static std::optional<VisibleDocuments> Of(const Principal& principal, long long now,
                                            const std::vector<std::string>& draft_viewer_roles,
                                            const Xapian::Database& db, const AccessSetCache& cache);
  bool Contains(Xapian::docid id) const {
    return all_ || shared_->Contains(id) || std::binary_search(own_.begin(), own_.end(), id);
  }

 private:
  bool all_ = false;
  std::shared_ptr<const AccessSet> shared_;
  std::vector<Xapian::docid> own_;  // the user's own (published) documents, sorted
};

// What one request needs of a principal's access: the filter (as the
// cached AccessFilter) and, when they can be had, the visible documents as
// sets; each cached set is asked for once, so "built from the second
// request" holds per request.
struct PrincipalAccess {
  Xapian::Query filter;
  std::optional<VisibleDocuments> visible;
};
PrincipalAccess AccessFor(const Principal& principal, long long now, const std::vector<std::string>& draft_viewer_roles,
                          const Xapian::Database& db, const AccessSetCache& cache);

// Whether no document's publishing window excludes anything at `now`: every
// document has both window values, and the slots' bounds lie outside `now`.
bool WindowOpenForAll(const Xapian::Database& db, long long now);

// Whether `term` occurs in a document of `visible` that is also in `also`
// (unless null): walks the term's postings up to the first. Throws
// Xapian::Error.
bool OccursIn(const Xapian::Database& db, const std::string& term, const VisibleDocuments& visible,
              const AccessSet* also = nullptr);

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
