// portalkb audit: list entries of an index's audit trail, verify its chain,
// prune it by retention.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli_common.h"
#include "portalkb/analytics.h"  // ParseReportTime: the same date forms as `report`
#include "portalkb/audit.h"

namespace portalkb::cli {
namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string UtcTime(long long seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The trail of the index at `db`; the index must exist. Reading never
// creates a trail.
Result<std::unique_ptr<AuditTrail>> OpenTrail(const std::string& db, bool create, int retention_days = 365) {
  std::error_code ec;
  if (!std::filesystem::is_directory(db, ec)) return Status::IndexNotFound("no index at '" + db + "'");
  AuditOptions options;
  options.create = create;
  options.retention_days = retention_days;
  return AuditTrail::OpenForIndex(db, options);
}

// "2026-01-31", "2026-01-31T10:00Z", "30d", "12w" into seconds.
Result<long long> ParseTime(const std::string& option, const std::string& text) {
  auto ms = ParseReportTime(text, NowMs());
  if (!ms.ok()) return Status::InvalidArgument(option + " " + ms.status().message());
  return ms.value() / 1000;
}

int RunAuditList(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db, since, until;
  AuditQuery query;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "user", po::value(&query.user), "entries about this user (the subject)")("actor", po::value(&query.actor),
                                                                               "entries by this actor")(
      "org", po::value(&query.org), "entries about this organisation")("action", po::value(&query.action),
                                                                       "entries of this action (e.g. role.grant)")(
      "since", po::value(&since), "from: an ISO date or relative (30d, 12w)")(
      "until", po::value(&until), "before (exclusive): an ISO date or relative")(
      "limit", CountValue(&query.limit)->default_value(100), "entries, newest first (1-10000)")("json", "JSON output");
  bool help = false;
  auto vm = ParseOptions("audit list", args, options, {},
                         "--db DIR [--user U] [--actor A] [--org O] [--action A] [--since D] [--until D] [--limit N] "
                         "[--json]",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  if (!since.empty()) {
    auto t = ParseTime("--since", since);
    if (!t.ok()) return ReportError("audit list", t.status());
    query.since = t.value();
  }
  if (!until.empty()) {
    auto t = ParseTime("--until", until);
    if (!t.ok()) return ReportError("audit list", t.status());
    query.until = t.value();
  }
  if (query.limit < 1 || query.limit > kMaxAuditListLimit) {
    std::cerr << "portalkb audit list: --limit " << query.limit << ": expected 1-" << kMaxAuditListLimit << "\n";
    return kExitUsage;
  }
  auto trail = OpenTrail(db, false);
  if (!trail.ok()) return ReportError("audit list", trail.status());
  auto entries = trail.value()->List(query);
  if (!entries.ok()) return ReportError("audit list", entries.status());
  if (vm->count("json")) {
    std::cout << AuditEntriesToJson(entries.value()) << "\n";
    return kExitOk;
  }
  for (const auto& e : entries.value()) {
    std::cout << UtcTime(e.time) << "  #" << e.seq << "  " << e.action
              << "  actor=" << (e.actor.empty() ? "-" : e.actor)
              << "  user=" << (e.subject_user.empty() ? "-" : e.subject_user)
              << "  org=" << (e.org.empty() ? "-" : e.org) << "  " << e.detail << "\n";
  }
  if (entries->empty()) std::cerr << "no entries\n";
  return kExitOk;
}

int RunAuditVerify(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  options.add_options()("db", po::value(&db)->required(), "index directory")("json", "JSON output");
  bool help = false;
  auto vm = ParseOptions("audit verify", args, options, {}, "--db DIR [--json]", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  auto trail = OpenTrail(db, false);
  if (!trail.ok()) return ReportError("audit verify", trail.status());
  auto report = trail.value()->Verify();
  if (!report.ok()) return ReportError("audit verify", report.status());
  const AuditVerifyReport& r = report.value();
  if (vm->count("json")) {
    std::cout << AuditVerifyReportToJson(r) << "\n";
  } else if (r.ok) {
    std::cout << "ok: " << r.entries_checked << " entries verified";
    if (r.anchor_seq > 0) std::cout << " after the pruning anchor at seq " << r.anchor_seq;
    std::cout << "; head seq " << r.head_seq << " hash " << r.head_hash << "\n";
  }
  if (!r.ok) {
    std::cerr << "portalkb audit verify: chain broken: " << r.message << " (" << r.problem << ")\n";
    return kExitFailure;
  }
  return kExitOk;
}

int RunAuditPrune(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  int retention_days = 365;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "retention-days", CountValue(&retention_days)->default_value(365), "keep entries this many days (1 or more)");
  bool help = false;
  auto vm = ParseOptions("audit prune", args, options, {}, "--db DIR [--retention-days N]", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  auto trail = OpenTrail(db, false, retention_days);
  if (!trail.ok()) return ReportError("audit prune", trail.status());
  auto pruned = trail.value()->Prune();
  if (!pruned.ok()) return ReportError("audit prune", pruned.status());
  std::cout << "deleted " << pruned->deleted << " entries; anchor at seq " << pruned->anchor_seq << "\n";
  return kExitOk;
}

}  // namespace

int RunAudit(const std::vector<std::string>& args) {
  const std::string usage =
      "usage: portalkb audit list --db DIR [--user U] [--actor A] [--org O] [--action A] [--since D] [--until D] "
      "[--limit N] [--json]\n"
      "       portalkb audit verify --db DIR [--json]\n"
      "       portalkb audit prune --db DIR [--retention-days N]\n";
  if (args.empty()) {
    std::cerr << usage;
    return kExitUsage;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") return RunAuditList(rest);
  if (args[0] == "verify") return RunAuditVerify(rest);
  if (args[0] == "prune") return RunAuditPrune(rest);
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return kExitOk;
  }
  std::cerr << "portalkb audit: unknown subcommand '" << args[0] << "'\n" << usage;
  return kExitUsage;
}

}  // namespace portalkb::cli
