// The audit trail on the sqlite adapter: schema, appends, queries, the chain
// walk, pruning and pseudonymisation. AuditTrail (portalkb/audit.h) is its
// public face; the format is doc/audit-format.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/thread_annotations.h"
#include "portalkb/audit.h"
#include "sqlite/sqlite.h"

namespace portalkb {

class AuditStore {
 public:
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& path, AuditOptions options);

  Result<AuditEntry> Append(const AuditRecord& record) EXCLUDES(mutex_);
  Status AppendAll(const std::vector<AuditRecord>& records) EXCLUDES(mutex_);
  Result<std::vector<AuditEntry>> List(const AuditQuery& query) const EXCLUDES(mutex_);
  Result<std::vector<AuditWeekCount>> CountByOrgAndWeek(const std::string& action, long long since,
                                                        long long until) const EXCLUDES(mutex_);
  Result<AuditVerifyReport> Verify() const EXCLUDES(mutex_);
  Result<AuditPruneReport> Prune() EXCLUDES(mutex_);
  Result<std::int64_t> Pseudonymise(const std::string& user, const std::string& pseudonym, const std::string& actor)
      EXCLUDES(mutex_);

  const std::string& path() const { return path_; }

 private:
  // A validated record: normalised ids, canonical detail.
  struct CleanRecord {
    std::string actor, action, subject_user, org, detail;
  };
  struct Head {
    std::int64_t seq = 0;
    std::string hash;  // raw
    long long time = 0;
    std::int64_t anchor_seq = 0;
    std::string anchor_hash;  // raw
  };

  AuditStore(sqlite::Connection writer, sqlite::Connection reader, std::string path, std::string key,
             AuditOptions options)
      : connection_(std::move(writer)),
        reader_(std::move(reader)),
        path_(std::move(path)),
        key_(std::move(key)),
        options_(std::move(options)) {}

  long long Now() const;
  static Result<CleanRecord> Clean(const AuditRecord& record);
  // audit.prune and audit.pseudonymise vouch for the anchor and for
  // pseudonyms; callers may not write them.
  static Status CheckNotReserved(const AuditRecord& record);
  static Result<Head> ReadHead(const sqlite::Connection& connection);
  // The digest the chain uses for `id`: the pseudonym table's when `id` is a
  // pseudonym, else HMAC(key, id).
  Result<std::string> DigestFor(const std::string& id) REQUIRES(mutex_);
  // Appends inside the caller's transaction and advances `head`.
  Result<AuditEntry> AppendLocked(const CleanRecord& record, Head& head) REQUIRES(mutex_);
  Status WriteHead(const Head& head) REQUIRES(mutex_);
  // Where the entry whose hash is `hash_hex` sits now (0: nowhere).
  static Result<std::int64_t> SeqOfHash(const sqlite::Connection& connection, const std::string& hash_hex);
  // The walk of Verify inside a read transaction on `connection`.
  Result<AuditVerifyReport> Walk(const sqlite::Connection& connection) const;

  mutable Mutex mutex_;
  // The connection is serialized (thread-safe) itself; the mutex makes each
  // read-head, append, write-head sequence one unit within this process.
  mutable sqlite::Connection connection_ GUARDED_BY(mutex_);
  // List reads through a connection of its own, so it never waits for an
  // append; Verify opens one per walk, so a walk of seconds holds up
  // neither (each sees one snapshot: WAL).
  mutable Mutex reader_mutex_;
  mutable sqlite::Connection reader_ GUARDED_BY(reader_mutex_);
  // Prepared once: appends are the hot path (a million in the benchmark).
  std::optional<sqlite::Statement> digest_stmt_ GUARDED_BY(mutex_);
  std::optional<sqlite::Statement> insert_stmt_ GUARDED_BY(mutex_);
  const std::string path_;
  const std::string key_;
  const AuditOptions options_;
};

}  // namespace portalkb
