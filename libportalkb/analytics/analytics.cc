#include <sodium.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "analytics/analytics_store.h"
#include "analytics/event_writer.h"
#include "analytics/redactor.h"
#include "portalkb/analytics.h"

namespace portalkb {

struct Analytics::Private {
  Redactor redactor;
  std::string key;  // hex; keys the pseudonymous ids
};

namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A keyed BLAKE2b hash: the same id always maps to the same key in this log,
// and the id cannot be recovered from it without the key.
std::string Pseudonym(const std::string& key_hex, const std::string& id) {
  if (id.empty()) return {};
  unsigned char key[crypto_generichash_KEYBYTES] = {};
  std::size_t key_len = 0;
  sodium_hex2bin(key, sizeof key, key_hex.c_str(), key_hex.size(), nullptr, &key_len, nullptr);
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(id.data()), id.size(), key, key_len);
  char hex[2 * sizeof out + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

}  // namespace

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

Analytics::Analytics(std::unique_ptr<AnalyticsStore> store, std::unique_ptr<EventWriter> writer, AnalyticsOptions options)
    : store_(std::move(store)), writer_(std::move(writer)), options_(std::move(options)), private_(std::make_unique<Private>()) {}

Analytics::~Analytics() { writer_.reset(); }

Result<std::unique_ptr<Analytics>> Analytics::Open(const std::string& path, AnalyticsOptions options) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  auto store = AnalyticsStore::Open(path);
  if (!store.ok()) return store.status();
  auto key = store.value()->PseudonymKey();
  if (!key.ok()) return key.status();
  Redactor redactor;
  if (Status s = redactor.AddPatterns(options.redaction_patterns); !s.ok()) {
    return Status::InvalidArgument("redaction patterns: " + s.message());
  }
  auto writer = std::make_unique<EventWriter>(*store.value(), options.flush_interval_ms);
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
  if (options_.normalize) {
    s.normalized = options_.normalize(s.query);
  } else {
    for (char c : s.query) s.normalized += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  s.lang = e.lang;
  for (const auto& r : e.roles) s.roles += (s.roles.empty() ? "" : ",") + r;
  s.org_key = Pseudonym(private_->key, e.org);
  s.user_key = Pseudonym(private_->key, e.user);
  s.session = e.session.substr(0, 128);
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

Status Analytics::LogFeedback(const std::string& query_id, const std::string& doc_id, bool helpful, const std::string& comment) {
  if (doc_id.empty()) return Status::InvalidArgument("feedback needs a document id");
  return store_->InsertFeedback(query_id, doc_id, helpful, private_->redactor.Redact(comment), NowMs());
}

Status Analytics::LogSupportContact(const std::string& query_id) {
  if (query_id.empty()) return Status::InvalidArgument("a support contact needs the query id of the search before it");
  return store_->InsertSupportContact(query_id, NowMs());
}

Status Analytics::Flush() { return writer_->Flush(); }

std::size_t Analytics::PendingEvents() { return writer_->Pending(); }

Result<std::vector<std::pair<std::string, std::int64_t>>> Analytics::FrequentQueries(const std::string& prefix,
                                                                                   std::size_t limit, std::int64_t min_count) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (prefix.empty()) return out;
  // A range on the index instead of LIKE: "prefix" <= q < "prefix\xF4\x8F\xBF\xBF".
  Status s = store_->Query(
      "SELECT normalized, count(*) AS n FROM searches WHERE normalized >= ?1 AND normalized < ?1 || char(1114111) "
      "AND results > 0 AND clicked = 1 AND superseded_ms IS NULL GROUP BY normalized HAVING n >= CAST(?2 AS INTEGER) "
      "ORDER BY n DESC, normalized LIMIT CAST(?3 AS INTEGER)",
      {prefix, std::to_string(min_count), std::to_string(limit)},
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
  if (Status s = Flush(); !s.ok()) return s;
  return store_->DeleteUser(Pseudonym(private_->key, user_id));
}

std::string RedactPersonalData(std::string_view text, std::size_t max_bytes) {
  // Built-in patterns only; immutable after construction, so one shared
  // instance is safe for concurrent callers.
  static const Redactor redactor;
  return redactor.Redact(text, max_bytes);
}

}  // namespace portalkb
