#include <sodium.h>

#include <map>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "analytics/analytics_store.h"
#include "analytics/event_writer.h"
#include "analytics/pseudonym_key.h"
#include "analytics/redactor.h"
#include "portalkb/analytics.h"
#include "portalkb/principal.h"

namespace portalkb {

struct Analytics::Private {
  Redactor redactor;
  std::string key;  // 32 raw bytes; keys the pseudonymous ids. Immutable after Open.
};

namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A keyed BLAKE2b hash: the same id always maps to the same key in this log,
// and the id cannot be recovered from it without the key. `domain` keeps a
// session id from ever hashing like an equal user id.
std::string Pseudonym(const std::string& key, std::string_view domain, std::string_view id) {
  if (id.empty()) return {};
  crypto_generichash_state state;
  crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size(), 16);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  unsigned char out[16];
  crypto_generichash_final(&state, out, sizeof out);
  char hex[2 * sizeof out + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

// User and org ids: "" for a valid id's pseudonym domain, so keys made
// before sessions were hashed stay the same.
std::string IdPseudonym(const std::string& key, std::string_view id, std::string_view what) {
  if (id.empty()) return {};
  auto normalized = NormalizePrincipalId(id, what);
  // An invalid id cannot be erased by id later, so it is not kept at all.
  return normalized.ok() ? Pseudonym(key, "", normalized.value()) : std::string();
}

// The columns kSearchColumns selects, as a LoggedSearch.
constexpr const char* kSearchColumns =
    "id, ts, query_id, query, normalized, lang, roles, org_key, user_key, session, results, corrected, latency_ms";

LoggedSearch ToLoggedSearch(const std::vector<std::string>& row) {
  LoggedSearch e;
  e.seq = std::stoll(row[0]);
  e.ts_ms = std::stoll(row[1]);
  e.query_id = row[2];
  e.query = row[3];
  e.normalized = row[4];
  e.lang = row[5];
  for (std::size_t begin = 0; begin < row[6].size();) {
    std::size_t end = row[6].find(',', begin);
    if (end == std::string::npos) end = row[6].size();
    if (end > begin) e.roles.push_back(row[6].substr(begin, end - begin));
    begin = end + 1;
  }
  e.org_key = row[7];
  e.user_key = row[8];
  e.session = row[9];
  e.results = static_cast<std::uint64_t>(std::stoll(row[10]));
  e.corrected = row[11];
  e.latency_ms = std::stod(row[12]);
  return e;
}

// The default write-error report: one line on stderr, once per process (a
// broken log would otherwise repeat it every flush interval).
void WarnOnceOnStderr(const Status& status) {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  std::fprintf(stderr, "portalkb: analytics: searches are not all being logged: %s\n", status.ToString().c_str());
}

}  // namespace

std::string Analytics::KeyPathFor(const std::string& log_path) { return log_path + ".key"; }

std::string Analytics::PathFor(const std::string& index_path) {
  std::string p = index_path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + ".analytics.sqlite";
}

Result<std::unique_ptr<Analytics>> Analytics::OpenForIndex(const std::string& index_path, AnalyticsOptions options) {
  std::string base = index_path;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  const std::string patterns = base + ".redaction.txt";
  std::ifstream in(patterns);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    options.redaction_patterns += "\n" + text.str();
  }
  auto log = Open(PathFor(index_path), std::move(options));
  if (!log.ok() && in && log.status().code() == StatusCode::kInvalidArgument) {
    return Status::InvalidArgument(patterns + ": " + log.status().message());
  }
  return log;
}

std::string Analytics::NewQueryId() {
  if (sodium_init() < 0) return "q-" + std::to_string(NowMs());
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string("q-") + hex;
}

Analytics::Analytics(std::unique_ptr<AnalyticsStore> store, std::unique_ptr<EventWriter> writer,
                     AnalyticsOptions options)
    : store_(std::move(store)),
      writer_(std::move(writer)),
      options_(std::move(options)),
      private_(std::make_unique<Private>()) {}

Analytics::~Analytics() { writer_.reset(); }

Result<std::unique_ptr<Analytics>> Analytics::Open(const std::string& path, AnalyticsOptions options) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  auto store = AnalyticsStore::Open(path);
  if (!store.ok()) return store.status();
  // Logs before schema version 5 kept the key inside: move it out.
  auto legacy = store.value()->LegacyPseudonymKey();
  if (!legacy.ok()) return legacy.status();
  std::string legacy_key;
  if (legacy->has_value()) {
    legacy_key.resize(kPseudonymKeyBytes);
    std::size_t length = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(legacy_key.data()), legacy_key.size(), (*legacy)->c_str(),
                       (*legacy)->size(), nullptr, &length, nullptr) != 0 ||
        length != kPseudonymKeyBytes) {
      return Status::Corruption("analytics log '" + path + "': the stored pseudonym key is not 32 bytes of hex");
    }
  }
  auto key = LoadOrCreatePseudonymKey(KeyPathFor(path), legacy_key);
  if (!key.ok()) return key.status();
  if (legacy->has_value()) {
    if (Status s = store.value()->DeleteLegacyPseudonymKey(); !s.ok()) return s;
  }
  Redactor redactor;
  if (Status s = redactor.AddPatterns(options.redaction_patterns); !s.ok()) {
    return Status::InvalidArgument("redaction patterns: " + s.message());
  }
  auto on_error = options.on_write_error ? options.on_write_error : WarnOnceOnStderr;
  auto writer = std::make_unique<EventWriter>(*store.value(), options.flush_interval_ms, std::move(on_error));
  std::unique_ptr<Analytics> analytics(new Analytics(std::move(store).value(), std::move(writer), std::move(options)));
  analytics->private_->redactor = std::move(redactor);
  analytics->private_->key = std::move(key).value();
  return analytics;
}

void Analytics::LogSearch(SearchEvent e) {
  StoredSearch s;
  s.ts_ms = e.ts_ms > 0 ? e.ts_ms : NowMs();
  s.query_id = e.query_id.empty() ? NewQueryId() : e.query_id;
  s.query = private_->redactor.Redact(e.query);
  // Anything replaced (or the query cut) makes it unfit to suggest to others.
  s.redacted = s.query != e.query;
  if (options_.normalize) {
    s.normalized = options_.normalize(s.query);
  } else {
    for (char c : s.query) s.normalized += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  s.lang = e.lang.substr(0, 32);
  s.detected_lang = e.detected_lang.substr(0, 32);
  // Normalised roles never contain a comma, so ",role," matches exactly.
  std::vector<std::string> roles;
  for (const auto& r : e.roles) {
    if (auto role = NormalizePrincipalId(r, "role"); role.ok()) roles.push_back(std::move(role).value());
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  for (const auto& r : roles) s.roles += (s.roles.empty() ? "" : ",") + r;
  s.org_key = IdPseudonym(private_->key, e.org, "org");
  s.user_key = IdPseudonym(private_->key, e.user, "user");
  s.session = Pseudonym(private_->key, "session:", std::string_view(e.session).substr(0, 256));
  s.results = static_cast<long long>(e.results);
  s.corrected = private_->redactor.Redact(e.corrected);
  s.latency_ms = e.latency_ms;
  writer_->Push(std::move(s));
}

Status Analytics::LogClick(const std::string& query_id, const std::string& doc_id, int position) {
  if (query_id.empty() || doc_id.empty()) return Status::InvalidArgument("a click needs a query id and a document id");
  if (position < 1) return Status::InvalidArgument("position " + std::to_string(position) + ": positions start at 1");
  // The search may still be queued: write it first so the click can mark it.
  if (Status s = Flush(); !s.ok()) return s;
  return store_->InsertClick(query_id, doc_id, position, NowMs());
}

Status Analytics::LogFeedback(const std::string& query_id, const std::string& doc_id, bool helpful,
                              const std::string& comment) {
  if (doc_id.empty()) return Status::InvalidArgument("feedback needs a document id");
  return store_->InsertFeedback(query_id, doc_id, helpful, private_->redactor.Redact(comment), NowMs());
}

Status Analytics::LogSupportContact(const std::string& query_id) {
  if (query_id.empty()) return Status::InvalidArgument("a support contact needs the query id of the search before it");
  return store_->InsertSupportContact(query_id, NowMs());
}

Status Analytics::Flush() { return writer_->Flush(); }

Status Analytics::Health() const { return writer_->LastError(); }

Result<std::vector<LoggedSearch>> Analytics::Searches(long long since_ms, long long until_ms, std::int64_t after_seq,
                                                      std::size_t limit) {
  if (limit < 1 || limit > 10000)
    return Status::InvalidArgument("limit " + std::to_string(limit) + ": must be 1..10000");
  if (Status s = Flush(); !s.ok()) return s;
  std::vector<LoggedSearch> out;
  // The rowid is the log order; paging on it (not OFFSET) keeps each page one index range.
  Status s = store_->Query(
      std::string("SELECT ") + kSearchColumns +
          " FROM searches WHERE id > CAST(?1 AS INTEGER) AND ts >= CAST(?2 AS INTEGER) "
          "AND (CAST(?3 AS INTEGER) = 0 OR ts < CAST(?3 AS INTEGER)) ORDER BY id LIMIT CAST(?4 AS INTEGER)",
      {std::to_string(after_seq), std::to_string(since_ms), std::to_string(until_ms), std::to_string(limit)},
      [&](const AnalyticsStore::Row& row) { out.push_back(ToLoggedSearch(row)); });
  if (!s.ok()) return s;
  return out;
}

std::size_t Analytics::PendingEvents() { return writer_->Pending(); }

std::uint64_t Analytics::DroppedEvents() { return writer_->Dropped(); }

Result<std::vector<std::pair<std::string, std::int64_t>>> Analytics::FrequentQueries(const std::string& prefix,
                                                                                     std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (prefix.empty() || limit == 0) return out;
  const std::int64_t min_users = std::max(1, options_.suggest_min_users);
  // A range on the index instead of LIKE: "prefix" <= q < "prefix\xF4\x8F\xBF\xBF".
  // Distinct people: the user's pseudonym, else the (hashed) session; a
  // search with neither counts as nobody. Any redacted search of the query
  // keeps it out for good.
  Status s = store_->Query(
      "SELECT normalized, count(*) AS n FROM searches WHERE normalized >= ?1 AND normalized < ?1 || char(1114111) "
      "AND results > 0 AND clicked = 1 AND superseded_ms IS NULL GROUP BY normalized "
      "HAVING count(DISTINCT CASE WHEN user_key <> '' THEN 'u' || user_key WHEN session <> '' THEN 's' || session END) "
      ">= ?2 "
      "AND NOT EXISTS (SELECT 1 FROM searches r WHERE r.normalized = searches.normalized AND r.redacted = 1) "
      "ORDER BY n DESC, normalized LIMIT ?3",
      {prefix, min_users, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1000))},
      [&](const AnalyticsStore::Row& row) { out.emplace_back(row[0], std::stoll(row[1])); });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> Analytics::Purge(long long cutoff_ms) {
  if (Status s = Flush(); !s.ok()) return s;
  return store_->DeleteOlderThan(cutoff_ms);
}

Result<std::size_t> Analytics::EraseUser(const std::string& user_id) {
  if (user_id.empty()) return Status::InvalidArgument("erase needs a user id");
  auto normalized = NormalizePrincipalId(user_id, "user");
  if (!normalized.ok()) return normalized.status();
  if (Status s = Flush(); !s.ok()) return s;
  return store_->DeleteUser(Pseudonym(private_->key, "", normalized.value()));
}

Result<UserActivity> Analytics::ActivityOf(const std::string& user_id, std::size_t limit) {
  if (limit < 1 || limit > 100000)
    return Status::InvalidArgument("limit " + std::to_string(limit) + ": must be 1..100000");
  if (user_id.empty()) return Status::InvalidArgument("activity needs a user id");
  auto normalized = NormalizePrincipalId(user_id, "user");
  if (!normalized.ok()) return normalized.status();
  if (Status s = Flush(); !s.ok()) return s;
  const std::string user_key = Pseudonym(private_->key, "", normalized.value());
  UserActivity out;
  Status s = store_->Query(std::string("SELECT ") + kSearchColumns +
                               " FROM searches WHERE user_key = ?1 ORDER BY id LIMIT CAST(?2 AS INTEGER)",
                           {user_key, std::to_string(limit + 1)},
                           [&](const AnalyticsStore::Row& row) { out.searches.push_back(ToLoggedSearch(row)); });
  if (!s.ok()) return s;
  if (out.searches.size() > limit) {
    out.searches.pop_back();
    out.truncated = true;
  }
  // Events follow their search by query id; the searches of this user are
  // a subquery, so no id list is built in memory.
  const std::string mine = " WHERE query_id IN (SELECT query_id FROM searches WHERE user_key = ?1) ORDER BY id";
  s = store_->Query("SELECT query_id, doc_id, position, ts FROM clicks" + mine, {user_key},
                    [&](const AnalyticsStore::Row& row) {
                      out.clicks.push_back({row[0], row[1], std::stoi(row[2]), std::stoll(row[3])});
                    });
  if (!s.ok()) return s;
  s = store_->Query("SELECT query_id, doc_id, helpful, comment, ts FROM feedback" + mine, {user_key},
                    [&](const AnalyticsStore::Row& row) {
                      out.feedback.push_back({row[0], row[1], row[2] == "1", row[3], std::stoll(row[4])});
                    });
  if (!s.ok()) return s;
  s = store_->Query("SELECT query_id, ts FROM support_contacts" + mine, {user_key},
                    [&](const AnalyticsStore::Row& row) {
                      out.support_contacts.push_back({row[0], std::stoll(row[1])});
                    });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<OrgWeekUsage>> Analytics::OrgUsage(const std::vector<std::string>& orgs, long long since_ms,
                                                      long long until_ms) {
  if (orgs.size() > 10000) return Status::InvalidArgument("org usage: at most 10000 organisations at once");
  std::map<std::string, std::string> org_of_key;
  for (const auto& org : orgs) {
    auto normalized = NormalizePrincipalId(org, "org");
    if (!normalized.ok()) return normalized.status();
    org_of_key[Pseudonym(private_->key, "", normalized.value())] = normalized.value();
  }
  if (Status s = Flush(); !s.ok()) return s;
  std::map<std::pair<std::string, long long>, OrgWeekUsage> rows;
  // The Monday (ms) of the week of the timestamp column `ts`: 1970-01-01 was
  // a Thursday, so day + 3 counts days from Monday 1969-12-29.
  auto week = [](const std::string& ts) { return "((" + ts + " / 86400000 + 3) / 7) * 7 * 86400000 - 3 * 86400000"; };
  Status s = store_->Query("SELECT org_key, " + week("ts") +
                               " AS week, count(*), count(DISTINCT NULLIF(user_key, '')) FROM searches"
                               " WHERE ts >= CAST(?1 AS INTEGER) AND ts < CAST(?2 AS INTEGER) AND org_key != ''"
                               " GROUP BY org_key, week",
                           {std::to_string(since_ms), std::to_string(until_ms)}, [&](const AnalyticsStore::Row& row) {
                             const auto org = org_of_key.find(row[0]);
                             if (org == org_of_key.end()) return;
                             OrgWeekUsage& u = rows[{org->second, std::stoll(row[1])}];
                             u.searches = std::stoll(row[2]);
                             u.users = std::stoll(row[3]);
                           });
  if (!s.ok()) return s;
  s = store_->Query("SELECT s.org_key, " + week("s.ts") +
                        " AS week,"
                        " sum(f.helpful), sum(1 - f.helpful) FROM feedback f JOIN searches s ON s.query_id = f.query_id"
                        " WHERE s.ts >= CAST(?1 AS INTEGER) AND s.ts < CAST(?2 AS INTEGER) AND s.org_key != ''"
                        " GROUP BY s.org_key, week",
                    {std::to_string(since_ms), std::to_string(until_ms)}, [&](const AnalyticsStore::Row& row) {
                      const auto org = org_of_key.find(row[0]);
                      if (org == org_of_key.end()) return;
                      OrgWeekUsage& u = rows[{org->second, std::stoll(row[1])}];
                      u.helpful = std::stoll(row[2]);
                      u.not_helpful = std::stoll(row[3]);
                    });
  if (!s.ok()) return s;
  std::vector<OrgWeekUsage> out;
  for (auto& [key, usage] : rows) {
    usage.org = key.first;
    usage.week_start_ms = key.second;
    out.push_back(std::move(usage));
  }
  return out;
}

Result<std::size_t> Analytics::PseudonymiseUser(const std::string& user_id) {
  if (user_id.empty()) return Status::InvalidArgument("pseudonymise needs a user id");
  auto normalized = NormalizePrincipalId(user_id, "user");
  if (!normalized.ok()) return normalized.status();
  if (Status s = Flush(); !s.ok()) return s;
  auto random_hex = [] {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    char hex[2 * sizeof bytes + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return std::string(hex);
  };
  // Random, not keyed: nobody holding the log's key can link them back.
  return store_->PseudonymiseUser(Pseudonym(private_->key, "", normalized.value()), random_hex(), random_hex);
}

std::string RedactPersonalData(std::string_view text, std::size_t max_bytes) {
  // Built-in patterns only; immutable after construction, so one shared
  // instance is safe for concurrent callers.
  static const Redactor redactor;
  return redactor.Redact(text, max_bytes);
}

}  // namespace portalkb
