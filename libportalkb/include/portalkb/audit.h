// The audit trail: an append-only, hash-chained record of security-relevant
// actions (logins, role changes, approvals, publishing, settings, key
// minting, GDPR requests), in an SQLite file beside the index
// ("<index>.audit.sqlite").
//
// Chain: entry N stores hash_N = SHA-256 over a length-prefixed encoding of
// (seq, time, HMAC(key, actor), action, HMAC(key, subject_user), org, detail,
// hash_{N-1}); entry 1 chains to 32 zero bytes, or to the anchor left by
// pruning. The hash covers keyed digests of the two user ids, not the ids, so
// Pseudonymise can rewrite an id in clear without breaking the chain, and a
// copy of the file does not let anyone test a guessed id against the hashes
// of pseudonymised entries. The key is a file of its own ("<trail>.key", 32
// bytes, mode 0600). The format is written down in doc/audit-format.md.
//
// What the chain proves: any edit, deletion or reordering of stored entries
// (and truncation of the newest ones, through the stored head) is found by
// Verify. Someone who can write the file can still recompute the whole
// chain; record `AuditVerifyReport::head_hash` elsewhere (a ticket, a log
// shipper) to detect that too.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

inline constexpr std::size_t kMaxAuditDetailBytes = 16 * 1024;
inline constexpr std::size_t kMaxAuditActionBytes = 64;
inline constexpr std::size_t kMaxAuditListLimit = 10000;

// What a caller records. Ids follow the principal id rules
// (NormalizePrincipalId) and are stored normalised; empty means none.
struct AuditRecord {
  std::string actor{};  // who did it: a user id, or a service name such as "admin-key"
  // Required: 1-64 of a-z 0-9 . _ - (e.g. "document.publish",
  // "login.failure"); "audit.*" is reserved for the trail's own entries.
  std::string action{};
  std::string subject_user{};  // whose account it concerns
  std::string org{};           // the organisation it concerns
  // A JSON object (text) with the particulars: document ids, old and new
  // roles, a reason. "" means {}. At most kMaxAuditDetailBytes; stored in
  // its canonical form (keys sorted). Put ids here, never secrets or
  // personal data beyond ids: Pseudonymise does not rewrite it.
  std::string detail{};
};

// One stored entry.
struct AuditEntry {
  std::int64_t seq = 0;  // 1, 2, 3, ... in order of appending
  long long time = 0;    // seconds since the epoch; never decreases with seq
  std::string actor{};
  std::string action{};
  std::string subject_user{};
  std::string org{};
  std::string detail{};     // canonical JSON object
  std::string prev_hash{};  // lower-case hex SHA-256 of the previous entry (or the anchor)
  std::string hash{};       // lower-case hex SHA-256 of this entry
};

struct AuditOptions {
  // Entries older than this many days are deleted by Prune (default 365;
  // the seed portals ask for 6-12 months). 1 or more.
  int retention_days = 365;
  // Seconds since the epoch; the system clock when empty. Tests and
  // benchmarks inject their own.
  std::function<long long()> clock{};
  // Creates the trail (and its key) when there is none. The CLI's read
  // commands switch it off, so looking never creates files.
  bool create = true;
};

// Filters of List; each is ANDed, empty/nullopt means any.
struct AuditQuery {
  std::string user{};   // subject_user (what happened to this account)
  std::string actor{};  // who did it
  std::string org{};
  std::string action{};              // exact action name
  std::optional<long long> since{};  // time >= since (seconds)
  std::optional<long long> until{};  // time < until (seconds)
  std::size_t limit = 100;           // 1..kMaxAuditListLimit
};

// What Verify found. `ok` with the count checked, or the first bad entry.
struct AuditVerifyReport {
  bool ok = true;
  std::int64_t entries_checked = 0;
  std::int64_t anchor_seq = 0;  // entries up to this seq were pruned
  std::string head_hash{};      // hash of the newest entry (hex), to record elsewhere
  std::int64_t head_seq = 0;
  // When !ok: the seq of the first bad entry (for a deletion, the first
  // missing seq) and what is wrong with it.
  std::int64_t bad_seq = 0;
  std::string problem{};  // "edited", "deleted", "reordered", "truncated"
  std::string message{};  // one line naming the entry and the reason
};

struct AuditPruneReport {
  std::int64_t deleted = 0;
  std::int64_t anchor_seq = 0;  // the newest pruned seq (0: nothing ever pruned)
};

// How many entries of one action an organisation had in one week.
struct AuditWeekCount {
  std::string org;
  long long week_start = 0;  // seconds: the Monday 00:00 UTC the week starts
  std::int64_t entries = 0;
  std::int64_t subjects = 0;  // distinct subject users
};

class AuditStore;

// The audit trail of one index. Thread-safe: appends are serialised under
// one mutex and one SQLite transaction each, so several processes may append
// to one file too (SQLite's write lock orders them).
class AuditTrail {
 public:
  // "<index>.audit.sqlite" (trailing slashes of `index_path` dropped).
  static std::string PathFor(const std::string& index_path);
  // "<trail>.key".
  static std::string KeyPathFor(const std::string& trail_path);

  // Opens or creates the trail at `path` and its key file. Errors: NotFound
  // when it does not exist and !options.create; PermissionDenied naming the
  // key file and its mode when group or others may use it; Corruption when
  // the trail has entries but its key is missing or not 32 bytes;
  // InvalidArgument for bad options; IOError.
  static Result<std::unique_ptr<AuditTrail>> Open(const std::string& path, AuditOptions options = {});
  static Result<std::unique_ptr<AuditTrail>> OpenForIndex(const std::string& index_path, AuditOptions options = {});
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  // Appends one entry at the clock's time (or the previous entry's time when
  // the clock went back) and returns it. InvalidArgument naming the field
  // for a bad id, action or detail.
  Result<AuditEntry> Append(const AuditRecord& record);
  // Appends all of `records` in one transaction (all or none): for imports
  // and benchmarks. InvalidArgument naming the index of a bad record.
  Status AppendAll(const std::vector<AuditRecord>& records);

  // Entries matching `query`, newest first. InvalidArgument for a bad id or
  // limit. Each filter is served by an index on (filter, time), so one
  // account's history is found without reading the others'.
  Result<std::vector<AuditEntry>> List(const AuditQuery& query) const;

  // Entries of `action` with since <= time < until, counted per
  // organisation and ISO week (Monday to Sunday, UTC), with the distinct
  // subject users: for usage reports (logins per organisation per week).
  // Served by the (action, time) index. InvalidArgument for a bad action.
  Result<std::vector<AuditWeekCount>> CountByOrgAndWeek(const std::string& action, long long since,
                                                        long long until) const;

  // Walks the whole chain from the anchor and stops at the first bad entry.
  // Chain problems are a report with ok == false, not an error; errors are
  // reading failures (IOError).
  Result<AuditVerifyReport> Verify() const;

  // Deletes entries older than the retention and keeps the hash of the
  // newest deleted one as the anchor, so the rest still verifies; then
  // appends an "audit.prune" entry recording it. Nothing to delete: no entry.
  Result<AuditPruneReport> Prune();

  // Replaces `user` by `pseudonym` as actor and as subject in every entry
  // (GDPR erasure), keeping the chain valid: the hashes cover HMAC(key, id),
  // and the pseudonym table maps that digest to the pseudonym so Verify
  // still checks every clear id. Appends an "audit.pseudonymise" entry by
  // `actor` about the pseudonym. Returns the number of ids rewritten (an
  // entry where the user is actor and subject counts twice). A pseudonym
  // names one erased id for good: one already in the trail is AlreadyExists;
  // choose ones that cannot be real ids (e.g. "erased-" and random hex).
  // Deleted rows are overwritten (secure_delete), so the old id does not
  // linger in free pages. InvalidArgument for bad ids or an equal pseudonym.
  Result<std::int64_t> Pseudonymise(const std::string& user, const std::string& pseudonym, const std::string& actor);

  const std::string& path() const;

 private:
  explicit AuditTrail(std::unique_ptr<AuditStore> store);
  std::unique_ptr<AuditStore> store_;
};

// JSON of entries ({"entries": [...]}) and of a verify report, for the CLI
// and the server. Entries' detail is embedded as a JSON object.
std::string AuditEntriesToJson(const std::vector<AuditEntry>& entries);
std::string AuditVerifyReportToJson(const AuditVerifyReport& report);

}  // namespace portalkb
