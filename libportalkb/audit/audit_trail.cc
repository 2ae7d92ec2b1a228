// AuditTrail: the public face of the audit store (see portalkb/audit.h).
#include <nlohmann/json.hpp>

#include "audit/audit_store.h"
#include "portalkb/audit.h"

namespace portalkb {

std::string AuditTrail::PathFor(const std::string& index_path) {
  std::string p = index_path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + ".audit.sqlite";
}

std::string AuditTrail::KeyPathFor(const std::string& trail_path) { return trail_path + ".key"; }

Result<std::unique_ptr<AuditTrail>> AuditTrail::Open(const std::string& path, AuditOptions options) {
  auto store = AuditStore::Open(path, std::move(options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<AuditTrail>(new AuditTrail(std::move(store).value()));
}

Result<std::unique_ptr<AuditTrail>> AuditTrail::OpenForIndex(const std::string& index_path, AuditOptions options) {
  return Open(PathFor(index_path), std::move(options));
}

AuditTrail::AuditTrail(std::unique_ptr<AuditStore> store) : store_(std::move(store)) {}
AuditTrail::~AuditTrail() = default;

Result<AuditEntry> AuditTrail::Append(const AuditRecord& record) { return store_->Append(record); }
Status AuditTrail::AppendAll(const std::vector<AuditRecord>& records) { return store_->AppendAll(records); }
Result<std::vector<AuditEntry>> AuditTrail::List(const AuditQuery& query) const { return store_->List(query); }
Result<AuditVerifyReport> AuditTrail::Verify() const { return store_->Verify(); }
Result<std::vector<AuditWeekCount>> AuditTrail::CountByOrgAndWeek(const std::string& action, long long since,
                                                                  long long until) const {
  return store_->CountByOrgAndWeek(action, since, until);
}
Result<AuditPruneReport> AuditTrail::Prune() { return store_->Prune(); }
Result<std::int64_t> AuditTrail::Pseudonymise(const std::string& user, const std::string& pseudonym,
                                              const std::string& actor) {
  return store_->Pseudonymise(user, pseudonym, actor);
}
const std::string& AuditTrail::path() const { return store_->path(); }

std::string AuditEntriesToJson(const std::vector<AuditEntry>& entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : entries) {
    auto detail = nlohmann::json::parse(e.detail, nullptr, false);
    if (detail.is_discarded()) detail = e.detail;  // shown as text; Verify reports the entry
    list.push_back({{"seq", e.seq},
                    {"time", e.time},
                    {"actor", e.actor},
                    {"action", e.action},
                    {"subject_user", e.subject_user},
                    {"org", e.org},
                    {"detail", std::move(detail)},
                    {"prev_hash", e.prev_hash},
                    {"hash", e.hash}});
  }
  return nlohmann::json{{"entries", std::move(list)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AuditVerifyReportToJson(const AuditVerifyReport& r) {
  nlohmann::json out{{"ok", r.ok},
                     {"entries_checked", r.entries_checked},
                     {"anchor_seq", r.anchor_seq},
                     {"head_seq", r.head_seq},
                     {"head_hash", r.head_hash}};
  if (!r.ok) {
    out["bad_seq"] = r.bad_seq;
    out["problem"] = r.problem;
    out["message"] = r.message;
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace portalkb
