// portalkb: the command-line shell over libportalkb.
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>&);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"index", &portalkb::cli::RunIndex, "ingest files and directories into an index"},
    {"search", &portalkb::cli::RunSearch, "search an index"},
    {"delete", &portalkb::cli::RunDelete, "delete documents by id"},
    {"stats", &portalkb::cli::RunStats, "show what an index holds"},
    {"suggest", &portalkb::cli::RunSuggest, "complete what has been typed (search-as-you-type)"},
    {"synonyms", &portalkb::cli::RunSynonyms, "add, remove, list, import or export synonym rules"},
    {"settings", &portalkb::cli::RunSettings, "list, set or unset the search settings stored with an index"},
    {"related", &portalkb::cli::RunRelated, "documents like a given one, among those the principal may see"},
    {"report", &portalkb::cli::RunReport, "search analytics reports: zero-results, summary, content-gaps, ..."},
    {"log-click", &portalkb::cli::RunLogClick, "record a click on a search result"},
    {"log-feedback", &portalkb::cli::RunLogFeedback, "record a \"was this helpful?\" vote"},
    {"log-support-contact", &portalkb::cli::RunLogSupportContact,
     "record that a visitor contacted support after a search"},
    {"analytics", &portalkb::cli::RunAnalytics, "purge old events or erase one user's events"},
    {"eval", &portalkb::cli::RunEval, "measure relevance on a set of queries with known answers"},
    {"serve", &portalkb::cli::RunServe, "serve the HTTP API and search page over an index"},
    {"keys", &portalkb::cli::RunKeys, "hash an admin key or mint a scoped search key"},
    {"backup", &portalkb::cli::RunBackup, "write an online backup of an index and its logs to one archive"},
    {"restore", &portalkb::cli::RunRestore, "verify a backup archive, or restore it into an index directory"},
    {"audit", &portalkb::cli::RunAudit, "list, verify or prune the audit trail of an index"},
    {"orgs", &portalkb::cli::RunOrganisations, "add, list, show, update or remove customer organisations"},
    {"users", &portalkb::cli::RunUsers, "portal accounts: add, approve, reject, set-password, rotate-key, ..."},
    {"roles", &portalkb::cli::RunRoles, "add, list, show, update or remove roles"},
    {"groups", &portalkb::cli::RunGroups, "access groups bundling roles: add, list, show, update, remove"},
    {"gdpr", &portalkb::cli::RunGdpr, "a user's GDPR requests: export, rectify or erase everything held about them"},
};

void PrintUsage(std::ostream& out) {
  out << "usage: portalkb COMMAND [OPTIONS]\n\ncommands:\n";
  for (const auto& c : kCommands)
    out << "  " << c.name << std::string(21 - std::string(c.name).size(), ' ') << c.summary << "\n";
  out << "\nRun 'portalkb COMMAND --help' for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(std::cerr);
    return portalkb::cli::kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return portalkb::cli::kExitOk;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (name == c.name) return c.run(args);
  }
  std::cerr << "portalkb: unknown command '" << name << "' (see portalkb --help)\n";
  return portalkb::cli::kExitUsage;
}
