// Who a search runs as. Access control is enforced inside the engine for
// every query: hits, counts, facets, snippets, suggestions and corrections
// only ever come from documents the principal may see.
#pragma once

#include <string>
#include <vector>

namespace portalkb {

struct Principal {
  std::string user;                // empty: not signed in
  std::string org;                 // empty: no organisation
  std::vector<std::string> roles;  // e.g. "customer", "finance", "editor"
  // Sees every document, drafts and unscheduled ones included. For
  // administration and evaluation only; never derive it from user input.
  bool admin = false;

  static Principal Anonymous() { return {}; }
  static Principal Admin() {
    Principal p;
    p.admin = true;
    return p;
  }
  bool HasRole(const std::string& role) const;
};

}  // namespace portalkb
