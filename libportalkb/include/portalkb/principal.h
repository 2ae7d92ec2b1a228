// Who a search runs as. Access control is enforced inside the engine for
// every query: hits, counts, facets, snippets, suggestions and corrections
// only ever come from documents the principal may see.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

struct Principal {
  std::string user;                // empty: not signed in
  std::string org;                 // empty: no organisation
  std::vector<std::string> roles;  // e.g. "customer", "finance", "editor"
  // Sees every document, drafts and unscheduled ones included. For
  // administration and evaluation only; never derive it from user input
  // (no wire format or request parser sets it).
  bool admin = false;

  static Principal Anonymous() { return {}; }
  static Principal Admin() {
    Principal p;
    p.admin = true;
    return p;
  }
  // Exact comparison: call on a normalised principal (NormalizePrincipal).
  bool HasRole(std::string_view role) const;
};

// The one rule for user, org and role ids, in principals and in grants alike:
// trimmed and ASCII-lower-cased, then 1-64 characters of a-z 0-9 . _ - @.
// So an id can never carry a grant separator (':' or '/'). `what` names the
// argument in the error ("org", "role", "user").
Result<std::string> NormalizePrincipalId(std::string_view raw, std::string_view what);

// Validates and normalises every id of `principal` (empty user and org stay
// empty; empty roles are dropped, duplicates removed). InvalidArgument naming
// the argument and the offending value (cut to 80 characters) otherwise.
// Every library entry point that takes a principal calls this first.
Result<Principal> NormalizePrincipal(const Principal& principal);

}  // namespace portalkb
