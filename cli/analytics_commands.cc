// Analytics commands: log-click, log-feedback, log-support-contact, report,
// and analytics purge|erase-user. Each opens the log beside the index.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/portal.h"
#include "portalkb/analytics.h"
#include "portalkb/json_value.h"

namespace portalkb::cli {
namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Opens the analytics log of the index at `db`; the index must exist.
Result<std::unique_ptr<Analytics>> OpenLog(const std::string& db) {
  std::error_code ec;
  if (!std::filesystem::is_directory(db, ec)) return Status::IndexNotFound("no index at '" + db + "'");
  return Analytics::OpenForIndex(db);
}

}  // namespace

int RunLogClick(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, query_id, doc;
  int position = 0;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "query-id", po::value(&query_id)->required(), "the query_id printed by search --json")(
      "doc", po::value(&doc)->required(), "id of the clicked document")("position", CountValue(&position)->required(),
                                                                        "1-based rank of the clicked hit");
  bool help = false;
  auto vm = ParseOptions("log-click", args, options, {}, "--db DIR --query-id Q --doc ID --position N", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  auto log = OpenLog(db);
  if (!log.ok()) return ReportError("log-click", log.status());
  if (Status s = log.value()->LogClick(query_id, doc, position); !s.ok()) return ReportError("log-click", s);
  return kExitOk;
}

int RunLogFeedback(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, query_id, doc, helpful, comment;
  options.add_options()("db", po::value(&db)->required(), "index directory")("doc", po::value(&doc)->required(),
                                                                             "id of the document voted on")(
      "helpful", po::value(&helpful)->required(), "yes or no")("comment", po::value(&comment),
                                                               "optional comment (personal data is redacted)")(
      "query-id", po::value(&query_id), "the search that led to the document");
  bool help = false;
  auto vm = ParseOptions("log-feedback", args, options, {},
                         "--db DIR --doc ID --helpful yes|no [--comment TEXT] [--query-id Q]", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  if (helpful != "yes" && helpful != "no") {
    std::cerr << "portalkb log-feedback: --helpful must be yes or no, not '" << helpful << "'\n";
    return kExitUsage;
  }
  auto log = OpenLog(db);
  if (!log.ok()) return ReportError("log-feedback", log.status());
  if (Status s = log.value()->LogFeedback(query_id, doc, helpful == "yes", comment); !s.ok())
    return ReportError("log-feedback", s);
  return kExitOk;
}

int RunLogSupportContact(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, query_id;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "query-id", po::value(&query_id)->required(), "the search after which the visitor contacted support");
  bool help = false;
  auto vm = ParseOptions("log-support-contact", args, options, {}, "--db DIR --query-id Q", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  auto log = OpenLog(db);
  if (!log.ok()) return ReportError("log-support-contact", log.status());
  if (Status s = log.value()->LogSupportContact(query_id); !s.ok()) return ReportError("log-support-contact", s);
  return kExitOk;
}

int RunReport(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, since = "30d", until, format = "table", output, key_file;
  ReportRequest request;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "since", po::value(&since)->default_value("30d"), "start: an ISO date or relative (30d, 12w)")(
      "until", po::value(&until), "end (exclusive): an ISO date or relative; default now")(
      "lang", po::value(&request.lang), "only searches in this language (an exact tag; detected when not given)")(
      "role", po::value(&request.role), "only searches by principals with exactly this role (no patterns)")(
      "format", po::value(&format)->default_value("table"), "table, csv, json or html")(
      "output", po::value(&output), "write to this file instead of standard output")(
      "limit", CountValue(&request.limit)->default_value(50), "rows")(
      "bucket", po::value(&request.bucket)->default_value("day"), "summary: day or week")(
      "burst-window-ms", CountValue(&request.burst_window_ms)->default_value(5000), "typing-burst window")(
      "key-file", po::value(&key_file), "portal-usage: the accounts key file (the organisations come from there)")(
      "kind", po::value(&request.kind)->required(),
      "zero-results, summary, top-queries, low-ctr, content-gaps, feedback, support-contacts or portal-usage");
  po::positional_options_description positional;
  positional.add("kind", 1);
  bool help = false;
  auto vm =
      ParseOptions("report", args, options, positional,
                   "KIND --db DIR [--since D] [--until D] [--lang L] [--role R] [--format table|csv|json|html]", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  const long long now = NowMs();
  auto from = ParseReportTime(since, now);
  if (!from.ok()) return ReportError("report", Status::InvalidArgument("--since " + from.status().message()));
  request.since_ms = from.value();
  if (!until.empty()) {
    auto to = ParseReportTime(until, now);
    if (!to.ok()) return ReportError("report", Status::InvalidArgument("--until " + to.status().message()));
    request.until_ms = to.value();
  }
  Result<Report> report = Report{};
  if (request.kind == "portal-usage") {
    // Logins from the audit trail, organisations from the accounts store,
    // searches and votes from the index's analytics log.
    if (key_file.empty()) {
      std::cerr << "portalkb report: portal-usage needs --key-file (the accounts key file)\n";
      return kExitUsage;
    }
    PortalOptions portal_options;
    portal_options.accounts.key_file = key_file;
    auto portal = Portal::Open(db, portal_options);
    if (!portal.ok()) return ReportError("report", portal.status());
    auto engine = Engine::Open(db);
    if (!engine.ok()) return ReportError("report", engine.status());
    report = portal.value()->UsageReport(*engine.value(), request.since_ms, request.until_ms);
  } else {
    auto log = OpenLog(db);
    if (!log.ok()) return ReportError("report", log.status());
    report = log.value()->Run(request);
  }
  if (!report.ok()) return ReportError("report", report.status());
  // JSON is the wire format (portalkb/json.h), the same keys the server gives.
  auto text = format == "json" ? Result<std::string>(DumpJson(ToJsonValue(report.value()), 2) + "\n")
                               : FormatReport(report.value(), format);
  if (!text.ok()) return ReportError("report", text.status());
  if (output.empty()) {
    std::cout << text.value();
  } else {
    std::ofstream out(output, std::ios::binary);
    out << text.value();
    if (!out) return ReportError("report", Status::IOError("cannot write '" + output + "'"));
  }
  return kExitOk;
}

int RunAnalytics(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, action, older_than, user;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "older-than", po::value(&older_than), "purge: delete events older than this (365d, 12w, or a date)")(
      "user", po::value(&user), "erase-user: the user id whose events to delete (any case or spacing)")(
      "action", po::value(&action)->required(), "purge or erase-user");
  po::positional_options_description positional;
  positional.add("action", 1);
  bool help = false;
  auto vm = ParseOptions("analytics", args, options, positional,
                         "purge --db DIR --older-than 365d | erase-user --db DIR --user U", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  auto usage = [](const std::string& m) {
    std::cerr << "portalkb analytics: " << m << "\n";
    return kExitUsage;
  };
  if (action != "purge" && action != "erase-user")
    return usage("unknown action '" + action + "' (expected purge or erase-user)");
  if (action == "purge" && older_than.empty()) return usage("purge needs --older-than");
  if (action == "erase-user" && user.empty()) return usage("erase-user needs --user");
  long long cutoff = 0;
  if (action == "purge") {
    auto t = ParseReportTime(older_than, NowMs());
    if (!t.ok()) return usage("--older-than " + t.status().message());
    cutoff = t.value();
  }
  auto log = OpenLog(db);
  if (!log.ok()) return ReportError("analytics", log.status());
  auto n = action == "purge" ? log.value()->Purge(cutoff) : log.value()->EraseUser(user);
  if (!n.ok()) return ReportError("analytics", n.status());
  std::printf("%s: deleted %zu searches and the events linked to them\n", action.c_str(), n.value());
  return kExitOk;
}

}  // namespace portalkb::cli
