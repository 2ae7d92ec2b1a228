// Shared plumbing of the `portalkb` commands: option parsing, exit codes and
// output helpers. Commands are thin: parse, call one library API, print.
#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "portalkb/principal.h"
#include "portalkb/status.h"

namespace portalkb::cli {

namespace po = boost::program_options;

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran but failed (or rejected input records)
inline constexpr int kExitUsage = 2;    // bad usage: unknown option, missing argument, missing index

// The value of a count option (--limit, --offset, --position): a whole number
// of 0 or more that fits T. Boost alone reads "-1" into a std::size_t as
// 18446744073709551615; this makes it, "1e3" and "2.5" a usage error naming
// the option. Use like po::value: CountValue(&request.limit)->default_value(10).
class CountError : public po::validation_error {
 public:
  explicit CountError(const std::string& token);
};
std::uint64_t ParseCountOrThrow(const std::string& token, std::uint64_t max);

template <typename T>
class CountSemantic : public po::typed_value<T> {
 public:
  explicit CountSemantic(T* target) : po::typed_value<T>(target) {}
  void xparse(boost::any& value_store, const std::vector<std::string>& tokens) const override {
    po::validators::check_first_occurrence(value_store);
    const std::string& token = po::validators::get_single_string(tokens);
    value_store = static_cast<T>(ParseCountOrThrow(token, static_cast<std::uint64_t>(std::numeric_limits<T>::max())));
  }
};
template <typename T>
CountSemantic<T>* CountValue(T* target) {
  return new CountSemantic<T>(target);  // owned by the options_description, as po::value's result is
}

// Parses `args` (after the command name). Prints the one-line error and
// returns nullopt on bad usage; prints help and sets `help_shown` on --help.
std::optional<po::variables_map> ParseOptions(const std::string& command, const std::vector<std::string>& args,
                                              po::options_description& options,
                                              const po::positional_options_description& positional,
                                              const std::string& usage, bool& help_shown);

// Prints "portalkb COMMAND: message" to stderr and returns the exit code for
// the status (usage errors and a missing index: 2; anything else, a missing
// document included: 1).
int ReportError(const std::string& command, const Status& status);

bool StdoutIsTerminal();

// Records an operator's change to the index at `db` in its audit trail
// (DIR.audit.sqlite, portalkb/audit.h) as actor "operator"; `detail` is a
// JSON object of ids and counts. A failure to record is a warning on stderr:
// the change itself stands.
void RecordAudit(const std::string& db, const std::string& action, const std::string& detail_json);

// --user, --org, --role (repeatable) and --as-admin, shared by every command
// that reads documents on behalf of someone.
struct PrincipalArgs {
  std::string user;
  std::string org;
  std::vector<std::string> roles;
};
void AddPrincipalOptions(po::options_description& options, PrincipalArgs& args);
Principal MakePrincipal(const po::variables_map& vm, const PrincipalArgs& args);

// Turns "<mark>x</mark>" snippets into terminal text: bold on a terminal,
// *x* otherwise; HTML entities decoded.
std::string SnippetForTerminal(const std::string& html, bool terminal);

// Pads or cuts `text` to `width` display columns (UTF-8 aware).
std::string Column(const std::string& text, std::size_t width);

int RunIndex(const std::vector<std::string>& args);
int RunSearch(const std::vector<std::string>& args);
int RunDelete(const std::vector<std::string>& args);
int RunStats(const std::vector<std::string>& args);
int RunSuggest(const std::vector<std::string>& args);
int RunSynonyms(const std::vector<std::string>& args);
int RunSettings(const std::vector<std::string>& args);
int RunEval(const std::vector<std::string>& args);
int RunRelated(const std::vector<std::string>& args);
int RunLogClick(const std::vector<std::string>& args);
int RunLogFeedback(const std::vector<std::string>& args);
int RunLogSupportContact(const std::vector<std::string>& args);
int RunReport(const std::vector<std::string>& args);
int RunAnalytics(const std::vector<std::string>& args);
int RunKeys(const std::vector<std::string>& args);
int RunServe(const std::vector<std::string>& args);
int RunBackup(const std::vector<std::string>& args);
int RunRestore(const std::vector<std::string>& args);
int RunAudit(const std::vector<std::string>& args);
int RunOrganisations(const std::vector<std::string>& args);
int RunUsers(const std::vector<std::string>& args);
int RunRoles(const std::vector<std::string>& args);
int RunGroups(const std::vector<std::string>& args);
int RunGdpr(const std::vector<std::string>& args);

}  // namespace portalkb::cli
