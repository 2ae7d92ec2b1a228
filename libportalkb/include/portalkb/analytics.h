// Search analytics: every search, click, "was this helpful?" vote and
// support contact, with personal data redacted and user and organisation ids
// pseudonymised before anything is written; and the reports content owners
// read (zero results, content gaps, click-through, feedback).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

// What the engine records for one search. Raw values go in; the log stores
// the query redacted and the user and org as keyed hashes.
struct SearchEvent {
  long long ts_ms = 0;        // milliseconds since the epoch
  std::string query_id;       // links clicks and feedback to this search
  std::string query;          // as typed (redacted before writing, then normalised)
  std::string lang;
  std::vector<std::string> roles;
  std::string org;            // pseudonymised before writing
  std::string user;           // pseudonymised before writing
  std::string session;        // a pseudonymous id supplied by the caller
  std::uint64_t results = 0;
  std::string corrected;      // the corrected query searched instead, if any
  double latency_ms = 0;
};

struct AnalyticsOptions {
  // Turns a redacted query into its normalised form (folded words,
  // space-separated, placeholders kept) for grouping. The engine supplies
  // its analyzer; null: lower-cased and trimmed.
  std::function<std::string(const std::string&)> normalize;
  // Extra redaction patterns: "NAME REGEX" per line (see Redactor).
  std::string redaction_patterns;
  // Pending events are written at least this often (ms); a crash loses at
  // most this much. Writes never happen on the searching thread.
  int flush_interval_ms = 200;
};

struct ReportRequest {
  // zero-results, summary, top-queries, low-ctr, content-gaps, feedback, support-contacts
  std::string kind;
  long long since_ms = 0;      // inclusive
  long long until_ms = 0;      // exclusive; 0 = now
  std::string lang;            // only searches in this language
  std::string role;            // only searches by principals holding this role
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
// Thread-safety: all methods are safe to call from several threads.
class Analytics {
 public:
  // Opens or creates the log at `path`, migrating an older schema.
  static Result<std::unique_ptr<Analytics>> Open(const std::string& path, AnalyticsOptions options = {});
  // The log that belongs to the index at `index_path`.
  static std::string PathFor(const std::string& index_path);
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
  // Writes everything queued so far.
  Status Flush();
  // Search events queued and not yet written (for monitoring).
  std::size_t PendingEvents();

  // Deletes events older than `cutoff_ms`; returns how many searches went.
  Result<std::size_t> Purge(long long cutoff_ms);
  // Deletes every event of one user (by user id, as searches gave it).
  Result<std::size_t> EraseUser(const std::string& user_id);

  Result<Report> Run(const ReportRequest& request);

  // Normalised queries starting with `prefix` that found results and got a
  // click, searched at least `min_count` times (so one person's query is
  // never offered to others), most frequent first.
  Result<std::vector<std::pair<std::string, std::int64_t>>> FrequentQueries(const std::string& prefix, std::size_t limit,
                                                                            std::int64_t min_count = 3);

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
