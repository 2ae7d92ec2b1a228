#include "cli_common.h"

#include "portalkb/audit.h"

#include <unistd.h>

#include <charconv>
#include <iostream>

namespace portalkb::cli {

CountError::CountError(const std::string& token)
    : po::validation_error(po::validation_error::invalid_option_value, "", token) {
  // Boost puts the option's name in for %canonical_option% when it reports
  // (its %value% is lost on the way, so the token goes in here, cut short).
  m_error_template =
      "option '%canonical_option%' must be a whole number of 0 or more, not '" + token.substr(0, 40) + "'";
}

std::uint64_t ParseCountOrThrow(const std::string& token, std::uint64_t max) {
  if (token.empty() || token.size() > 20 || token.find_first_not_of("0123456789") != std::string::npos) {
    throw CountError(token);
  }
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), n);
  if (error != std::errc() || end != token.data() + token.size() || n > max) throw CountError(token);
  return n;
}

std::optional<po::variables_map> ParseOptions(const std::string& command, const std::vector<std::string>& args,
                                              po::options_description& options,
                                              const po::positional_options_description& positional,
                                              const std::string& usage, bool& help_shown) {
  help_shown = false;
  options.add_options()("help", "show this help");
  po::variables_map vm;
  try {
    // Long options only, never abbreviated: a query word may start with '-'
    // ("-word" excludes it) and scripts must not depend on guessed names.
    const int style = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                      po::command_line_style::long_allow_next;
    po::store(po::command_line_parser(args).options(options).positional(positional).style(style).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: portalkb " << command << " " << usage << "\n\n" << options << "\n";
      help_shown = true;
      return vm;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "portalkb " << command << ": " << e.what() << " (see portalkb " << command << " --help)\n";
    return std::nullopt;
  }
  return vm;
}

int ReportError(const std::string& command, const Status& status) {
  std::cerr << "portalkb " << command << ": " << status.message() << "\n";
  switch (status.code()) {
    // The contract: 2 for usage errors (a bad option, query, filter or id)
    // and a missing index; 1 for everything that failed while running,
    // including a document that does not exist.
    case StatusCode::kInvalidArgument:
    case StatusCode::kIndexNotFound:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

void AddPrincipalOptions(po::options_description& options, PrincipalArgs& args) {
  options.add_options()("user", po::value(&args.user), "search as this user")(
      "org", po::value(&args.org), "search as a member of this organisation")(
      "role", po::value(&args.roles)->composing(), "a role of the principal (repeatable)")(
      "as-admin", "see everything, drafts included (says so in the output)");
}

Principal MakePrincipal(const po::variables_map& vm, const PrincipalArgs& args) {
  Principal p;
  p.user = args.user;
  p.org = args.org;
  p.roles = args.roles;
  p.admin = vm.count("as-admin") > 0;
  return p;
}

std::string SnippetForTerminal(const std::string& html, bool terminal) {
  struct Replacement {
    const char* from;
    const char* to_terminal;
    const char* to_plain;
  };
  static constexpr Replacement kReplacements[] = {
      {"<mark>", "\x1b[1m", "*"}, {"</mark>", "\x1b[0m", "*"}, {"&lt;", "<", "<"},  {"&gt;", ">", ">"},
      {"&quot;", "\"", "\""},     {"&#39;", "'", "'"},         {"&amp;", "&", "&"},
  };
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    bool replaced = false;
    for (const auto& r : kReplacements) {
      const std::string_view from(r.from);
      if (html.compare(i, from.size(), from) == 0) {
        out += terminal ? r.to_terminal : r.to_plain;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += html[i++];
  }
  return out;
}

std::string Column(const std::string& text, std::size_t width) {
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    if (columns + 1 > width) {
      if (!out.empty()) {
        // Replace the last character with an ellipsis.
        std::size_t back = out.size() - 1;
        while (back > 0 && (static_cast<unsigned char>(out[back]) & 0xC0) == 0x80) --back;
        out.resize(back);
        out += "\xE2\x80\xA6";
      }
      return out;
    }
    out.append(text, i, len);
    i += len;
    ++columns;
  }
  out.append(width - columns, ' ');
  return out;
}

void RecordAudit(const std::string& db, const std::string& action, const std::string& detail_json) {
  auto trail = AuditTrail::OpenForIndex(db);
  Status s = trail.status();
  if (trail.ok()) {
    AuditRecord record;
    record.actor = "operator";
    record.action = action;
    record.detail = detail_json;
    auto appended = trail.value()->Append(record);
    s = appended.status();
  }
  if (!s.ok())
    std::cerr << "portalkb: warning: not recorded in the audit trail (" << action << "): " << s.message() << "\n";
}

}  // namespace portalkb::cli
