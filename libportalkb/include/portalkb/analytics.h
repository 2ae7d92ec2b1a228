// Search analytics: every search, click, "was this helpful?" vote and
// support contact, with personal data redacted and user and organisation ids
// pseudonymised before anything is written; and the reports content owners
// read (zero results, content gaps, click-through, feedback).
//
// Pseudonyms are keyed BLAKE2b hashes. The key is a separate file beside the
// log ("<log>.key", mode 0600), so the log alone links nothing to a person.
// Rotating it (a new key file) starts new pseudonyms that do not link to the
// old ones; erasing a user's older searches then needs the old key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "portalkb/options.h"  // AnalyticsOptions
#include "portalkb/status.h"

namespace portalkb {

// What the engine records for one search. Raw values go in; the log stores
// the query redacted, and the user, org and session as keyed hashes. User and
// org ids are normalised first (NormalizePrincipalId: trimmed, ASCII lower
// case), so "Carol" and " carol" are one user; an invalid id is not stored.
struct SearchEvent {
  long long ts_ms = 0;             // milliseconds since the epoch
  std::string query_id;            // links clicks and feedback to this search
  std::string query;               // as typed (redacted before writing, then normalised)
  std::string lang;                // as requested; may be empty
  std::string detected_lang;       // what the engine detected in the query; reports use it when lang is empty
  std::vector<std::string> roles;  // normalised like ids; invalid ones are dropped
  std::string org;                 // pseudonymised before writing
  std::string user;                // pseudonymised before writing
  std::string session;             // the caller's session id (may be an e-mail address): hashed before writing
  std::uint64_t results = 0;
  std::string corrected;  // the corrected query searched instead, if any
  double latency_ms = 0;
};

// What a visitor's page reports about a search it showed (Analytics::LogClick,
// LogFeedback, LogSupportContact; the HTTP server's event bodies, whose wire
// form is in json.h). No principal: the shell attributes an event to its
// authenticated caller.
struct ClickEvent {
  std::string query_id;  // the search the click was on (required)
  std::string doc_id;    // the clicked result (required)
  int position = 0;      // its place in the results, 0-based (0..100000)
};
struct FeedbackEvent {
  std::string query_id;  // the search the vote came from; may be empty (a vote on an article page)
  std::string doc_id;    // the article voted on (required)
  bool helpful = false;
  std::string comment;  // free text, up to 2000 bytes (redacted before writing)
};
struct SupportContactEvent {
  std::string query_id;  // the search after which the visitor contacted support (required)
};

struct ReportRequest {
  // zero-results, summary, top-queries, low-ctr, content-gaps, feedback, support-contacts
  std::string kind;
  long long since_ms = 0;  // inclusive
  long long until_ms = 0;  // exclusive; 0 = now
  // Filters, the same for every kind, all on searches: feedback and support
  // contacts are filtered through the search of their query_id (its time,
  // language and roles); one without a logged search counts by its own time
  // and is left out when lang or role is set. Exact values, never patterns.
  std::string lang;            // only searches in this language (requested, else detected)
  std::string role;            // only searches by principals holding this role (normalised; invalid: InvalidArgument)
  int burst_window_ms = 5000;  // a query typed on within this time in one session replaces its prefix
  std::size_t limit = 50;      // rows
  std::string bucket = "day";  // summary: day or week
};

using ReportValue = std::variant<std::string, std::int64_t, double, std::vector<std::string>>;

struct Report {
  std::string kind;
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<ReportValue>> rows;
  long long since_ms = 0;
  long long until_ms = 0;
};

// One search as the log holds it: the query already redacted, user and org
// as keyed hashes (never the ids). For exports to data teams.
struct LoggedSearch {
  std::int64_t seq = 0;  // increasing in log order; a next page starts after it
  long long ts_ms = 0;
  std::string query_id;
  std::string query;  // redacted
  std::string normalized;
  std::string lang;
  std::vector<std::string> roles;
  std::string org_key;   // keyed hash; "" when none
  std::string user_key;  // keyed hash; "" when none
  std::string session;
  std::uint64_t results = 0;
  std::string corrected;  // redacted
  double latency_ms = 0;
};

// Everything the log holds about one user, for a GDPR export: their
// searches (queries as stored, i.e. redacted) and the clicks, feedback and
// support contacts that followed them.
struct LoggedClick {
  std::string query_id;
  std::string doc_id;
  int position = 0;
  long long ts_ms = 0;
};
struct LoggedFeedback {
  std::string query_id;
  std::string doc_id;
  bool helpful = false;
  std::string comment;  // redacted
  long long ts_ms = 0;
};
struct LoggedSupportContact {
  std::string query_id;
  long long ts_ms = 0;
};
struct UserActivity {
  std::vector<LoggedSearch> searches;
  std::vector<LoggedClick> clicks;
  std::vector<LoggedFeedback> feedback;
  std::vector<LoggedSupportContact> support_contacts;
  bool truncated = false;  // more searches than the limit asked for
};

// One organisation's searching in one week (for portal usage reports).
struct OrgWeekUsage {
  std::string org;              // as asked for (the log holds only its keyed hash)
  long long week_start_ms = 0;  // the Monday 00:00 UTC the week starts
  std::int64_t searches = 0;
  std::int64_t users = 0;    // distinct users who searched
  std::int64_t helpful = 0;  // "was this helpful?" votes on those searches
  std::int64_t not_helpful = 0;
};

// Renders a report as "table", "csv", "json" (an array of objects keyed by
// column) or "html" (one self-contained page with tables and charts).
Result<std::string> FormatReport(const Report& report, const std::string& format);

// `text` with personal data (e-mail, phone, IBAN, card, BSN, personnummer)
// replaced by placeholders, using the built-in patterns of the analytics
// log; at most the first `max_bytes` are kept. For logs outside analytics
// (e.g. a server's access log). Thread-safe.
std::string RedactPersonalData(std::string_view text, std::size_t max_bytes = 2000);

// Parses "2026-01-31", "30d", "12w" (relative to now_ms) into milliseconds.
Result<long long> ParseReportTime(const std::string& text, long long now_ms);

class AnalyticsStore;
class EventWriter;

// The analytics log of one index: an SQLite database (WAL) beside it.
// Thread-safety: all methods are safe to call from several threads; one
// Analytics per log per process (it owns the one writer thread).
class Analytics {
 public:
  // Opens or creates the log at `path`, migrating an older schema, and its
  // key file KeyPathFor(path) (created on first use; a key an older log kept
  // inside the database is moved out to it). A key file that group or others
  // may read or write is PermissionDenied naming it and its mode.
  static Result<std::unique_ptr<Analytics>> Open(const std::string& path, AnalyticsOptions options = {});
  // The log that belongs to the index at `index_path`.
  static std::string PathFor(const std::string& index_path);
  // The pseudonym key file of the log at `log_path`: "<log_path>.key".
  static std::string KeyPathFor(const std::string& log_path);
  // Opens the log of the index at `index_path`. Extra redaction patterns are
  // read from "<index_path>.redaction.txt" when that file exists (added to
  // options.redaction_patterns); a malformed file is InvalidArgument naming it.
  static Result<std::unique_ptr<Analytics>> OpenForIndex(const std::string& index_path, AnalyticsOptions options = {});
  ~Analytics();  // writes what is pending

  // Queues the event; returns at once. Redaction happens here, on the
  // caller's thread, so raw personal data never sits in the queue for long.
  void LogSearch(SearchEvent event);
  Status LogClick(const std::string& query_id, const std::string& doc_id, int position);
  Status LogFeedback(const std::string& query_id, const std::string& doc_id, bool helpful, const std::string& comment);
  Status LogSupportContact(const std::string& query_id);
  // Writes everything queued so far; the error of a failed write, if any.
  Status Flush();
  // Ok, or the last error writing queued searches (it stays until a later
  // write succeeds). Logging never fails a search; this is how to notice.
  Status Health() const;
  // Search events queued and not yet written (for monitoring).
  std::size_t PendingEvents();
  // Search events dropped because too many waited to be written (the log
  // could not keep up), since Open.
  std::uint64_t DroppedEvents();

  // Deletes events older than `cutoff_ms`; returns how many searches went.
  Result<std::size_t> Purge(long long cutoff_ms);
  // Deletes every event of one user; `user_id` is normalised like the ids of
  // searches (InvalidArgument when it is not a valid id).
  Result<std::size_t> EraseUser(const std::string& user_id);

  // What the log holds about one user (at most `limit` searches, 1..100000,
  // newest last, with their events). Writes what is queued first.
  // InvalidArgument for an invalid id or limit.
  Result<UserActivity> ActivityOf(const std::string& user_id, std::size_t limit = 10000);
  // Searches, distinct users and feedback votes per organisation of `orgs`
  // and ISO week (UTC), since_ms <= ts < until_ms. The log keeps only keyed
  // hashes of organisation ids, so the caller names the organisations (at
  // most 10000; InvalidArgument for an invalid id). Writes what is queued
  // first.
  Result<std::vector<OrgWeekUsage>> OrgUsage(const std::vector<std::string>& orgs, long long since_ms,
                                             long long until_ms);
  // GDPR erasure that keeps reports valid: the user's searches stay, but
  // their user pseudonym and each of their session ids are replaced by
  // random values no key links back to anyone, and feedback comments on
  // them are emptied; deleted and rewritten content is zeroed
  // (secure_delete). Returns how many searches were rewritten.
  Result<std::size_t> PseudonymiseUser(const std::string& user_id);

  Result<Report> Run(const ReportRequest& request);

  // Logged searches with since_ms <= ts < until_ms (until_ms 0: no end) and
  // seq > after_seq, in log order, at most `limit` (1..10000, else
  // InvalidArgument). Writes what is queued first. Page through a large log
  // by passing the last seq returned as the next after_seq.
  Result<std::vector<LoggedSearch>> Searches(long long since_ms, long long until_ms, std::int64_t after_seq,
                                             std::size_t limit);

  // Normalised queries starting with `prefix` that found results and got a
  // click, typed by at least options.suggest_min_users distinct users and
  // never containing anything the redactor replaced, with their search
  // counts, most frequent first. Whether the principal may see what a query
  // finds is the caller's check.
  Result<std::vector<std::pair<std::string, std::int64_t>>> FrequentQueries(const std::string& prefix,
                                                                            std::size_t limit);

  // A random id for a search ("q-" + 24 hex characters).
  static std::string NewQueryId();

 private:
  Analytics(std::unique_ptr<AnalyticsStore> store, std::unique_ptr<EventWriter> writer, AnalyticsOptions options);
  std::unique_ptr<AnalyticsStore> store_;
  std::unique_ptr<EventWriter> writer_;
  AnalyticsOptions options_;
  struct Private;
  std::unique_ptr<Private> private_;
};

}  // namespace portalkb
