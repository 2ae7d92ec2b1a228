// The portal around one index: its accounts store, audit trail and
// analytics log, wired together. Account events (logins, approvals, role
// changes) are written to the audit trail as they happen; GDPR requests
// (export, rectification, erasure) span every store; and single sign-on
// tokens become (just-in-time provisioned) accounts.
//
// Thread-safety: one Portal may be shared by every thread; Accounts and
// AuditTrail are thread-safe, and a GDPR request takes each store's own
// locks in turn.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "portalkb/accounts.h"
#include "portalkb/audit.h"
#include "portalkb/engine.h"
#include "portalkb/index_writer.h"
#include "portalkb/status.h"

namespace portalkb {

struct PortalOptions {
  // The accounts store's options; key_file is required.
  AccountsOptions accounts;
  AuditOptions audit;
  // What erasure does with documents granted to the erased user alone:
  // list them in the report (default; an editor decides), or delete them.
  bool erase_deletes_own_documents = false;
};

// What EraseUser did.
struct ErasureReport {
  std::string user;
  std::string pseudonym;  // what the user's id became in the audit trail
  std::int64_t audit_entries_pseudonymised = 0;
  std::size_t searches_pseudonymised = 0;
  // Documents granted to user:U alone: deleted (when configured) or listed.
  std::vector<std::string> own_documents;
  bool own_documents_deleted = false;
  // Documents that grant user:U beside others: they stay, with the grant.
  std::vector<std::string> shared_documents;
};

class Portal {
 public:
  // Opens "<index>.accounts.sqlite" and "<index>.audit.sqlite" (creating
  // them as the options say) beside the index at `index_path`.
  static Result<std::unique_ptr<Portal>> Open(const std::string& index_path, PortalOptions options);
  ~Portal();
  Portal(const Portal&) = delete;
  Portal& operator=(const Portal&) = delete;

  Accounts& accounts();
  AuditTrail& audit();

  // Records an administrative action (a document published or deleted, a
  // synonym or setting changed, a key minted) in the audit trail.
  Status Record(const AuditRecord& record);

  // How customers use the portal, kind "portal-usage": per organisation
  // and ISO week (UTC) in [since_ms, until_ms) (until 0: now), the logins and
  // active (logged-in) users from the audit trail, the searches, searching
  // users and "was this helpful?" votes from `engine`'s analytics log, the
  // satisfaction (helpful share of the votes), and per organisation the
  // trend: its last four weeks against the four before ("rising" above
  // 1.25x, "falling" under 0.8x, "steady", or "new"). Rows by organisation,
  // then week; rendered like every report (FormatReport, the wire JSON).
  Result<Report> UsageReport(Engine& engine, long long since_ms, long long until_ms);

  // Everything held about `user_id` as one JSON object: profile and
  // memberships, organisation, audit entries about or by them, their
  // searches, clicks, feedback and support contacts (from `engine`'s
  // analytics log, when it has one), and the documents granted to
  // user:<id>. Recorded in the audit trail as "gdpr.export" by `actor`.
  Result<std::string> ExportUser(Engine& engine, const std::string& user_id, const std::string& actor);

  // Corrects profile fields; recorded as "gdpr.rectify" naming the fields
  // (never their values).
  Result<User> RectifyUser(const std::string& user_id, const UserUpdate& update, const std::string& actor);

  // Erases the account and its personal data: the audit trail's entries
  // are pseudonymised (the chain stays valid), the analytics events are
  // pseudonymised (reports stay valid), documents granted to the user alone
  // are listed or deleted through `writer` (committed), and the account is
  // removed. Every step can be repeated: when a failure stops it half-way,
  // running it again (the account may be gone by then) finishes it.
  // `writer` may be null when documents are only listed. Recorded as
  // "gdpr.erase" about the pseudonym.
  Result<ErasureReport> EraseUser(Engine& engine, IndexWriter* writer, const std::string& user_id,
                                  const std::string& actor);

 private:
  struct Impl;
  explicit Portal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The audit action an account event is recorded as: "account." + action.
AuditRecord AuditRecordFor(const AccountEvent& event);

}  // namespace portalkb
