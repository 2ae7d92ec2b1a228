#include "portalkb/portal.h"

#include <sodium.h>

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "portalkb/accounts_json.h"

namespace portalkb {

namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

long long NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "erased-" and 16 random hex digits: a valid principal id that no key
// links back to the user.
std::string NewPseudonym() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string("erased-") + hex;
}

json ActivityJson(const UserActivity& a) {
  json searches = json::array();
  for (const auto& s : a.searches) {
    searches.push_back({{"query_id", s.query_id},
                        {"ts_ms", s.ts_ms},
                        {"query", s.query},
                        {"lang", s.lang},
                        {"roles", s.roles},
                        {"results", s.results},
                        {"corrected", s.corrected}});
  }
  json clicks = json::array();
  for (const auto& c : a.clicks) {
    clicks.push_back({{"query_id", c.query_id}, {"doc_id", c.doc_id}, {"position", c.position}, {"ts_ms", c.ts_ms}});
  }
  json feedback = json::array();
  for (const auto& f : a.feedback) {
    feedback.push_back({{"query_id", f.query_id},
                        {"doc_id", f.doc_id},
                        {"helpful", f.helpful},
                        {"comment", f.comment},
                        {"ts_ms", f.ts_ms}});
  }
  json contacts = json::array();
  for (const auto& c : a.support_contacts) contacts.push_back({{"query_id", c.query_id}, {"ts_ms", c.ts_ms}});
  return {{"searches", std::move(searches)},
          {"clicks", std::move(clicks)},
          {"feedback", std::move(feedback)},
          {"support_contacts", std::move(contacts)},
          {"truncated", a.truncated}};
}

}  // namespace

AuditRecord AuditRecordFor(const AccountEvent& event) {
  AuditRecord record;
  record.action = "account." + event.action;
  // An event without an actor is the operator's, or at login the user's own.
  if (!event.actor_user.empty()) {
    record.actor = event.actor_user;
  } else if (event.action.rfind("login", 0) == 0 || event.action == "logout") {
    record.actor = event.subject_user;
  } else {
    record.actor = "operator";
  }
  record.subject_user = event.subject_user;
  record.org = event.org;
  if (!event.detail.empty()) record.detail = Dump(json{{"detail", event.detail}});
  return record;
}

struct Portal::Impl {
  std::unique_ptr<AuditTrail> audit;
  std::unique_ptr<Accounts> accounts;
  bool erase_deletes_own_documents = false;
};

Portal::Portal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Portal::~Portal() = default;

Result<std::unique_ptr<Portal>> Portal::Open(const std::string& index_path, PortalOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->erase_deletes_own_documents = options.erase_deletes_own_documents;
  auto audit = AuditTrail::OpenForIndex(index_path, options.audit);
  if (!audit.ok()) return audit.status();
  impl->audit = std::move(audit).value();
  // Account events go to the trail as they happen. The trail outlives the
  // accounts store (members are destroyed in reverse order).
  AuditTrail* trail = impl->audit.get();
  auto caller_hook = options.accounts.on_event;
  options.accounts.on_event = [trail, caller_hook](const AccountEvent& event) {
    // Recording must not fail the account operation; the trail's own
    // errors surface through Verify and the readiness check.
    (void)trail->Append(AuditRecordFor(event));
    if (caller_hook) caller_hook(event);
  };
  auto accounts = Accounts::Open(Accounts::PathFor(index_path), std::move(options.accounts));
  if (!accounts.ok()) return accounts.status();
  impl->accounts = std::move(accounts).value();
  return std::unique_ptr<Portal>(new Portal(std::move(impl)));
}

Accounts& Portal::accounts() { return *impl_->accounts; }
AuditTrail& Portal::audit() { return *impl_->audit; }

Status Portal::Record(const AuditRecord& record) {
  auto appended = impl_->audit->Append(record);
  return appended.ok() ? Status::Ok() : appended.status();
}

Result<Report> Portal::UsageReport(Engine& engine, long long since_ms, long long until_ms) {
  if (until_ms == 0) {
    until_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count() +
        1;
  }
  if (since_ms < 0 || until_ms <= since_ms) {
    return Status::InvalidArgument("portal usage: the period must start before it ends");
  }
  auto orgs = impl_->accounts->ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  struct Week {
    std::int64_t logins = 0, active = 0, searches = 0, searchers = 0, helpful = 0, not_helpful = 0;
  };
  std::map<std::string, std::map<long long, Week>> table;  // org -> week start (ms) -> counts
  std::vector<std::string> org_ids;
  for (const auto& o : orgs.value()) {
    org_ids.push_back(o.id);
    table[o.id];
  }
  auto logins = impl_->audit->CountByOrgAndWeek("account.login", since_ms / 1000, (until_ms + 999) / 1000);
  if (!logins.ok()) return logins.status();
  for (const auto& c : logins.value()) {
    if (!table.count(c.org)) continue;  // an organisation removed since
    Week& w = table[c.org][c.week_start * 1000];
    w.logins = c.entries;
    w.active = c.subjects;
  }
  if (Analytics* analytics = engine.analytics(); analytics != nullptr && !org_ids.empty()) {
    auto usage = analytics->OrgUsage(org_ids, since_ms, until_ms);
    if (!usage.ok()) return usage.status();
    for (const auto& u : usage.value()) {
      Week& w = table[u.org][u.week_start_ms];
      w.searches = u.searches;
      w.searchers = u.users;
      w.helpful = u.helpful;
      w.not_helpful = u.not_helpful;
    }
  }
  Report report;
  report.kind = "portal-usage";
  report.title = "Portal usage per organisation and week";
  report.columns = {"org",       "week",    "logins",      "active_users", "searches",
                    "searchers", "helpful", "not_helpful", "satisfaction", "trend"};
  report.since_ms = since_ms;
  report.until_ms = until_ms;
  constexpr long long kWeekMs = 7LL * 86400 * 1000;
  // The week the period's last moment falls in, as the rows count weeks.
  const long long last_week = ((until_ms - 1) / 86400000 + 3) / 7 * 7 * 86400000 - 3 * 86400000;
  for (const auto& [org, weeks] : table) {
    std::int64_t recent = 0, before = 0;
    for (const auto& [start, w] : weeks) {
      const long long age = (last_week - start) / kWeekMs;  // 0: the last week
      if (age < 4) {
        recent += w.logins + w.searches;
      } else if (age < 8) {
        before += w.logins + w.searches;
      }
    }
    std::string trend = "steady";
    if (before == 0) {
      trend = recent > 0 ? "new" : "steady";
    } else if (static_cast<double>(recent) > 1.25 * static_cast<double>(before)) {
      trend = "rising";
    } else if (static_cast<double>(recent) < 0.8 * static_cast<double>(before)) {
      trend = "falling";
    }
    for (const auto& [start, w] : weeks) {
      const std::time_t t = static_cast<std::time_t>(start / 1000);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char day[16];
      std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
      const std::int64_t votes = w.helpful + w.not_helpful;
      report.rows.push_back({org, std::string(day), w.logins, w.active, w.searches, w.searchers, w.helpful,
                             w.not_helpful,
                             votes == 0 ? 0.0 : static_cast<double>(w.helpful) / static_cast<double>(votes), trend});
    }
  }
  return report;
}

Result<std::string> Portal::ExportUser(Engine& engine, const std::string& user_id, const std::string& actor) {
  auto user = impl_->accounts->GetUser(user_id);
  if (!user.ok()) return user.status();
  json out;
  out["exported_at"] = NowSeconds();
  out["user"] = ToJsonValue(user.value());
  if (auto org = impl_->accounts->GetOrganisation(user->org); org.ok()) {
    out["organisation"] = {{"id", org->id}, {"name", org->name}, {"status", org->status}};
  }
  auto sessions = impl_->accounts->ListSessions(user->id);
  if (!sessions.ok()) return sessions.status();
  json session_list = json::array();
  for (const auto& s : sessions.value()) {
    session_list.push_back({{"created_at", s.created_at},
                            {"last_seen", s.last_seen},
                            {"expires_at", s.expires_at},
                            {"revoked", s.revoked}});
  }
  out["sessions"] = std::move(session_list);
  // What happened to the account, and what the user did.
  json audit = json::array();
  bool audit_truncated = false;
  for (bool as_subject : {true, false}) {
    AuditQuery query;
    (as_subject ? query.user : query.actor) = user->id;
    query.limit = kMaxAuditListLimit;
    auto entries = impl_->audit->List(query);
    if (!entries.ok()) return entries.status();
    audit_truncated = audit_truncated || entries->size() == kMaxAuditListLimit;
    for (const auto& e : entries.value()) {
      if (!as_subject && e.subject_user == user->id) continue;  // listed already
      audit.push_back(json::parse(AuditEntriesToJson({e}))["entries"][0]);
    }
  }
  out["audit"] = {{"entries", std::move(audit)}, {"truncated", audit_truncated}};
  if (Analytics* analytics = engine.analytics(); analytics != nullptr) {
    auto activity = analytics->ActivityOf(user->id, 100000);
    if (!activity.ok()) return activity.status();
    out["analytics"] = ActivityJson(activity.value());
  } else {
    out["analytics"] = nullptr;
  }
  Grant grant;
  grant.kind = Grant::Kind::kUser;
  grant.user = user->id;
  bool truncated = false;
  auto documents = engine.DocumentsGrantedTo(grant, 100000, &truncated);
  if (!documents.ok()) return documents.status();
  json docs = json::array();
  for (const auto& d : documents.value()) {
    docs.push_back(
        {{"id", d.id}, {"title", d.title}, {"type", DocumentTypeName(d.type)}, {"only_grant", d.only_grant}});
  }
  out["documents"] = {{"granted", std::move(docs)}, {"truncated", truncated}};
  AuditRecord record;
  record.actor = actor;
  record.action = "gdpr.export";
  record.subject_user = user->id;
  record.org = user->org;
  if (Status s = Record(record); !s.ok()) return s;
  return Dump(out);
}

Result<User> Portal::RectifyUser(const std::string& user_id, const UserUpdate& update, const std::string& actor) {
  auto updated = impl_->accounts->UpdateUser(user_id, update);
  if (!updated.ok()) return updated.status();
  json fields = json::array();
  if (update.email) fields.push_back("email");
  if (update.display_name) fields.push_back("display_name");
  if (update.language) fields.push_back("language");
  if (update.contact_channel) fields.push_back("contact_channel");
  if (update.status) fields.push_back("status");
  AuditRecord record;
  record.actor = actor;
  record.action = "gdpr.rectify";
  record.subject_user = updated->id;
  record.org = updated->org;
  record.detail = Dump(json{{"fields", std::move(fields)}});
  if (Status s = Record(record); !s.ok()) return s;
  return updated;
}

Result<ErasureReport> Portal::EraseUser(Engine& engine, IndexWriter* writer, const std::string& user_id,
                                        const std::string& actor) {
  // An account already removed by an erasure that failed later on is
  // erased again from the other stores: every step below can be repeated.
  std::string id = user_id;
  std::string org;
  bool account_exists = true;
  if (auto user = impl_->accounts->GetUser(user_id); user.ok()) {
    id = user->id;
    org = user->org;
  } else if (user.status().code() == StatusCode::kNotFound) {
    account_exists = false;
  } else {
    return user.status();
  }
  if (impl_->erase_deletes_own_documents && writer == nullptr) {
    return Status::InvalidArgument("erasure deletes the user's own documents, so it needs the index writer");
  }
  Grant grant;
  grant.kind = Grant::Kind::kUser;
  grant.user = id;
  // A malformed id matches no grant, no analytics event and no entry.
  if (auto parsed = Grant::Parse("user:" + id); !parsed.ok()) return parsed.status();
  ErasureReport report;
  report.user = id;
  report.pseudonym = NewPseudonym();
  auto documents = engine.DocumentsGrantedTo(grant, 100000);
  if (!documents.ok()) return documents.status();
  for (const auto& d : documents.value())
    (d.only_grant ? report.own_documents : report.shared_documents).push_back(d.id);
  if (impl_->erase_deletes_own_documents && !report.own_documents.empty()) {
    for (const auto& doc : report.own_documents) {
      auto deleted = writer->Delete(doc);
      if (!deleted.ok()) return deleted.status();
    }
    if (Status s = writer->Commit(); !s.ok()) return s;
    report.own_documents_deleted = true;
  }
  if (Analytics* analytics = engine.analytics(); analytics != nullptr) {
    auto searches = analytics->PseudonymiseUser(id);
    if (!searches.ok()) return searches.status();
    report.searches_pseudonymised = searches.value();
  }
  // The account goes before the trail is rewritten: its removal is itself
  // an entry about the user, and is pseudonymised with the rest.
  if (account_exists) {
    if (Status s = impl_->accounts->RemoveUser(id); !s.ok()) return s;
  }
  auto rewritten = impl_->audit->Pseudonymise(id, report.pseudonym, actor);
  if (!rewritten.ok()) return rewritten.status();
  report.audit_entries_pseudonymised = rewritten.value();
  AuditRecord record;
  record.actor = actor;
  record.action = "gdpr.erase";
  record.subject_user = report.pseudonym;
  record.org = org;
  record.detail = Dump(json{{"own_documents", report.own_documents.size()},
                            {"own_documents_deleted", report.own_documents_deleted},
                            {"searches_pseudonymised", report.searches_pseudonymised}});
  if (Status s = Record(record); !s.ok()) return s;
  return report;
}

}  // namespace portalkb
