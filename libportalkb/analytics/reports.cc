// The reports: SQL does the counting over the collapsed searches; C++ does
// the clustering of typo variants and the shaping of rows.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "analytics/analytics_store.h"
#include "core/edit_distance.h"
#include "core/text.h"
#include "portalkb/analytics.h"
#include "portalkb/principal.h"

namespace portalkb {
namespace {

using Row = AnalyticsStore::Row;

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoDate(long long ms) { return FormatIsoDateTime(ms / 1000); }

using sqlite::Value;

// The language of a search of table alias `t`: as requested, else detected.
std::string LangOf(const std::string& t) {
  return "(CASE WHEN " + t + ".lang <> '' THEN " + t + ".lang ELSE " + t + ".detected_lang END)";
}

// The filters every report applies to a search row of alias `t`, on the
// parameters ?1 since, ?2 until, ?3 lang, ?4 role, all bound as exact values:
// roles are stored normalised and comma-separated, so ",role," is an exact
// match, never a pattern.
std::string SearchFilter(const std::string& t) {
  return t + ".ts >= ?1 AND " + t + ".ts < ?2 AND (?3 = '' OR " + LangOf(t) + " = ?3) AND (?4 = '' OR instr(',' || " +
         t + ".roles || ',', ',' || ?4 || ',') > 0)";
}

std::vector<Value> FilterParams(const ReportRequest& r, long long since, long long until) {
  return {static_cast<std::int64_t>(since), static_cast<std::int64_t>(until), r.lang, r.role,
          static_cast<std::int64_t>(r.burst_window_ms)};
}

// Searches in the period after filters, with typing bursts collapsed: a
// search followed in the same session within the window by a longer query
// that starts with it is replaced by that query, so "fac", "fact", "factuur"
// count once, as "factuur".
std::string Collapsed(const ReportRequest& r, std::vector<Value>& params, long long since, long long until) {
  params = FilterParams(r, since, until);
  // superseded_ms is set when the session's next search extended this one
  // (see AnalyticsStore::MarkBurst); within the window it does not count.
  return "WITH counted AS (SELECT s.query_id, s.ts, s.query, s.normalized, " + LangOf("s") +
         " AS lang, s.roles, s.session, s.results, s.corrected, s.clicked, s.session_seq FROM searches s WHERE " +
         SearchFilter("s") + " AND (s.superseded_ms IS NULL OR s.superseded_ms > ?5)) ";
}

// After Collapsed: per normalised query of the counted searches matching
// `where`, in one pass (first per typed form, then per normalised query):
//   0 normalized, 1 n (searches), 2 first ts, 3 last ts, 4 zero-result
//   searches, 5 searches with results, 6 click-through rate, 7 roles and
//   8 languages (comma lists, may repeat), 9 the form typed most often
//   (after redaction; ties: the smallest).
// `having` and `order` may use total, total_found and ctr (named apart from
// the columns of `forms`, which SQLite would otherwise pick in HAVING).
constexpr std::size_t kFormKeyDigits = 12;
std::string GroupsSql(const std::string& where, const std::string& having, const std::string& order) {
  // The most frequent form is min() of "<999999999999 - count>|<form>".
  return ", forms AS (SELECT normalized, query, count(*) AS n, min(ts) AS first, max(ts) AS last, sum(results = 0) AS "
         "zeros, "
         "sum(results > 0) AS found, sum(clicked) AS clicks, group_concat(DISTINCT roles) AS roles, "
         "group_concat(DISTINCT lang) AS langs FROM counted WHERE " +
         where +
         " GROUP BY normalized, query) "
         "SELECT normalized, sum(n) AS total, min(first), max(last), sum(zeros), sum(found) AS total_found, "
         "sum(clicks) * 1.0 / sum(n) AS ctr, group_concat(roles), group_concat(langs), "
         "min(printf('%012d|', 999999999999 - n) || query) FROM forms GROUP BY normalized " +
         having + " ORDER BY " + order + " LIMIT 2000";
}

// The form out of column 9 of GroupsSql.
std::string FormOf(const std::string& key) {
  return key.size() > kFormKeyDigits ? key.substr(kFormKeyDigits + 1) : key;
}

// True when the normalised query holds nothing but redaction placeholders.
bool OnlyPlaceholders(const std::string& q) {
  std::size_t i = 0;
  while (i < q.size()) {
    if (q[i] == ' ') {
      ++i;
      continue;
    }
    if (q[i] != '[') return false;
    const auto close = q.find(']', i);
    if (close == std::string::npos) return false;
    i = close + 1;
  }
  return true;
}

struct Group {
  std::string query;    // normalised: what groups and clusters
  std::string display;  // the form typed most often
  long long count = 0;
  long long first = 0, last = 0;
  std::set<std::string> roles, langs;
  double ctr = 0;
};

struct Cluster {
  Group leader;
  std::vector<std::string> variants;  // normalised
  std::vector<std::string> shown;     // as displayed, in the order of variants
  long long count = 0;
  long long first = 0, last = 0;
  std::set<std::string> roles, langs;
};

int AllowedTypos(const std::u32string& s) { return s.size() >= 9 ? 2 : s.size() >= 5 ? 1 : 0; }

// Typo variants of one intent in one row: each group joins the first (most
// frequent) cluster whose leader is within the typo budget of the leader's length.
std::vector<Cluster> ClusterGroups(std::vector<Group> groups) {
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return a.count != b.count ? a.count > b.count : a.query < b.query; });
  std::vector<Cluster> clusters;
  std::vector<std::u32string> leaders;
  for (auto& g : groups) {
    const std::u32string cps = ToCodePoints(g.query);
    Cluster* home = nullptr;
    for (std::size_t c = 0; c < clusters.size(); ++c) {
      const int budget = AllowedTypos(leaders[c]);
      if (budget == 0) continue;
      const long diff = static_cast<long>(leaders[c].size()) - static_cast<long>(cps.size());
      if (diff > budget || -diff > budget) continue;
      // First-letter edits cost 2, as in typo matching: "factuur" and
      // "pactuur" are not one intent.
      if (DamerauLevenshtein(leaders[c], cps, 2) <= budget) {
        home = &clusters[c];
        break;
      }
    }
    if (home == nullptr) {
      clusters.push_back({g, {}, {}, 0, g.first, g.last, {}, {}});
      leaders.push_back(cps);
      home = &clusters.back();
    }
    home->variants.push_back(g.query);
    home->shown.push_back(g.display);
    home->count += g.count;
    home->first = std::min(home->first, g.first);
    home->last = std::max(home->last, g.last);
    home->roles.insert(g.roles.begin(), g.roles.end());
    home->langs.insert(g.langs.begin(), g.langs.end());
  }
  return clusters;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// Zero-result groups of a period: normalised query, count, first/last, roles, langs.
Result<std::vector<Group>> ZeroResultGroups(AnalyticsStore& store, const ReportRequest& r, long long since,
                                            long long until) {
  std::vector<Value> params;
  const std::string sql = Collapsed(r, params, since, until) +
                          GroupsSql("results = 0 AND trim(normalized) <> ''", "", "total DESC, normalized");
  std::vector<Group> groups;
  Status s = store.Query(sql, params, [&](const Row& row) {
    if (OnlyPlaceholders(row[0])) return;
    Group g;
    g.query = row[0];
    g.display = FormOf(row[9]);
    g.count = std::stoll(row[1]);
    g.first = std::stoll(row[2]);
    g.last = std::stoll(row[3]);
    for (const auto& x : SplitList(row[7])) g.roles.insert(x);
    for (const auto& x : SplitList(row[8])) g.langs.insert(x);
    groups.push_back(std::move(g));
  });
  if (!s.ok()) return s;
  return groups;
}

Result<long long> TotalSearches(AnalyticsStore& store, const ReportRequest& r, long long since, long long until) {
  std::vector<Value> params;
  long long total = 0;
  Status s = store.Query(Collapsed(r, params, since, until) + "SELECT count(*) FROM counted", params,
                         [&](const Row& row) { total = std::stoll(row[0]); });
  if (!s.ok()) return s;
  return total;
}

std::string Trend(long long now, long long before) {
  if (before == 0) return now > 0 ? "new" : "0%";
  const long long pct = (now - before) * 100 / before;
  return (pct >= 0 ? "+" : "") + std::to_string(pct) + "%";
}

Result<Report> ZeroResults(AnalyticsStore& store, const ReportRequest& r, Report report) {
  auto groups = ZeroResultGroups(store, r, report.since_ms, report.until_ms);
  if (!groups.ok()) return groups.status();
  const long long length = report.until_ms - report.since_ms;
  auto previous = ZeroResultGroups(store, r, report.since_ms - length, report.since_ms);
  if (!previous.ok()) return previous.status();
  std::map<std::string, long long> before;
  for (const auto& g : previous.value()) before[g.query] = g.count;
  auto total = TotalSearches(store, r, report.since_ms, report.until_ms);
  if (!total.ok()) return total.status();

  report.title = "Searches that found nothing";
  report.columns = {"query",     "count", "share",     "variants",       "first_seen",
                    "last_seen", "roles", "languages", "previous_count", "trend"};
  // A cluster's count is its variants' sum, so clusters are ordered by it
  // here and not by their leader's count.
  std::vector<Cluster> clusters = ClusterGroups(std::move(groups).value());
  std::stable_sort(clusters.begin(), clusters.end(),
                   [](const Cluster& a, const Cluster& b) { return a.count > b.count; });
  for (const auto& c : clusters) {
    if (report.rows.size() >= r.limit) break;
    long long prev = 0;
    for (const auto& v : c.variants) prev += before.count(v) ? before[v] : 0;
    const double share = total.value() > 0 ? static_cast<double>(c.count) / static_cast<double>(total.value()) : 0.0;
    report.rows.push_back({c.leader.display, static_cast<std::int64_t>(c.count), share, c.shown, IsoDate(c.first),
                           IsoDate(c.last), Join(c.roles), Join(c.langs), static_cast<std::int64_t>(prev),
                           Trend(c.count, prev)});
  }
  return report;
}

Result<Report> Summary(AnalyticsStore& store, const ReportRequest& r, Report report) {
  if (r.bucket != "day" && r.bucket != "week")
    return Status::InvalidArgument("bucket '" + r.bucket + "': expected day or week");
  const std::string bucket =
      r.bucket == "day" ? "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')" : "strftime('%Y-W%W', ts / 1000, 'unixepoch')";
  std::vector<Value> params;
  // A session succeeds when one of its first three searches got a click
  // (session_seq counts searches, a typing burst as one; see MarkBurst).
  const std::string sql =
      Collapsed(r, params, report.since_ms, report.until_ms) + "SELECT " + bucket +
      " AS b, count(*), sum(results = 0), sum(clicked), coalesce(sum(session <> '' AND session_seq = 1), 0), "
      "count(DISTINCT CASE WHEN session <> '' AND session_seq <= 3 AND clicked THEN session END) "
      "FROM counted GROUP BY b ORDER BY b";
  report.title = "Searches, zero results and clicks per " + r.bucket;
  report.columns = {"period",   "searches",           "zero_results", "zero_result_rate", "click_through_rate",
                    "sessions", "search_success_rate"};
  Status s = store.Query(sql, params, [&](const Row& row) {
    const double searches = std::stod(row[1]);
    const double sessions = std::stod(row[4]);
    report.rows.push_back(
        {row[0], static_cast<std::int64_t>(std::stoll(row[1])), static_cast<std::int64_t>(std::stoll(row[2])),
         searches > 0 ? std::stod(row[2]) / searches : 0.0, searches > 0 ? std::stod(row[3]) / searches : 0.0,
         static_cast<std::int64_t>(std::stoll(row[4])), sessions > 0 ? std::stod(row[5]) / sessions : 0.0});
  });
  if (!s.ok()) return s;
  return report;
}

// Per normalised query: count, zero-result count, click-through rate.
Result<std::vector<Group>> QueryGroups(AnalyticsStore& store, const ReportRequest& r, long long since, long long until,
                                       const std::string& having, const std::string& order,
                                       std::vector<long long>* zeros) {
  std::vector<Value> params;
  const std::string sql = Collapsed(r, params, since, until) + GroupsSql("trim(normalized) <> ''", having, order);
  std::vector<Group> groups;
  Status s = store.Query(sql, params, [&](const Row& row) {
    if (OnlyPlaceholders(row[0])) return;
    Group g;
    g.query = row[0];
    g.display = FormOf(row[9]);
    g.count = std::stoll(row[1]);
    g.first = std::stoll(row[2]);
    g.last = std::stoll(row[3]);
    if (zeros != nullptr) zeros->push_back(std::stoll(row[4]));
    g.ctr = std::stod(row[6].empty() ? "0" : row[6]);
    for (const auto& x : SplitList(row[8])) g.langs.insert(x);
    groups.push_back(std::move(g));
  });
  if (!s.ok()) return s;
  return groups;
}

Result<Report> TopQueries(AnalyticsStore& store, const ReportRequest& r, Report report) {
  std::vector<long long> zeros;
  auto groups = QueryGroups(store, r, report.since_ms, report.until_ms, "", "total DESC, normalized", &zeros);
  if (!groups.ok()) return groups.status();
  report.title = "Most frequent searches";
  report.columns = {"query", "count", "zero_results", "click_through_rate", "languages"};
  for (std::size_t i = 0; i < groups->size() && report.rows.size() < r.limit; ++i) {
    const Group& g = (*groups)[i];
    report.rows.push_back(
        {g.display, static_cast<std::int64_t>(g.count), static_cast<std::int64_t>(zeros[i]), g.ctr, Join(g.langs)});
  }
  return report;
}

Result<Report> LowCtr(AnalyticsStore& store, const ReportRequest& r, Report report) {
  auto groups = QueryGroups(store, r, report.since_ms, report.until_ms, "HAVING total_found >= 2 AND ctr < 0.2",
                            "total DESC, normalized", nullptr);
  if (!groups.ok()) return groups.status();
  report.title = "Searches with results but few clicks (click-through under 20%)";
  report.columns = {"query", "count", "click_through_rate", "languages"};
  for (const auto& g : groups.value()) {
    if (report.rows.size() >= r.limit) break;
    report.rows.push_back({g.display, static_cast<std::int64_t>(g.count), g.ctr, Join(g.langs)});
  }
  return report;
}

Result<Report> ContentGaps(AnalyticsStore& store, const ReportRequest& r, Report report) {
  auto zero = ZeroResultGroups(store, r, report.since_ms, report.until_ms);
  if (!zero.ok()) return zero.status();
  auto low = QueryGroups(store, r, report.since_ms, report.until_ms, "HAVING total_found >= 2 AND ctr < 0.2",
                         "total DESC", nullptr);
  if (!low.ok()) return low.status();
  struct Gap {
    Cluster cluster;
    std::string kind;
  };
  std::vector<Gap> gaps;
  for (auto& c : ClusterGroups(std::move(zero).value())) gaps.push_back({std::move(c), "zero-results"});
  for (auto& c : ClusterGroups(std::move(low).value())) gaps.push_back({std::move(c), "low-ctr"});
  std::stable_sort(gaps.begin(), gaps.end(),
                   [](const Gap& a, const Gap& b) { return a.cluster.count > b.cluster.count; });
  report.title = "Content gaps: what people look for and do not find";
  report.columns = {"query", "kind", "count", "variants", "languages"};
  for (const auto& g : gaps) {
    if (report.rows.size() >= r.limit) break;
    report.rows.push_back({g.cluster.leader.display, g.kind, static_cast<std::int64_t>(g.cluster.count),
                           g.cluster.shown, Join(g.cluster.langs)});
  }
  return report;
}

// Feedback and support contacts are filtered through the search they
// belong to (their query_id): its time, language and roles. An event without
// a logged search is counted by its own time, and only when no language or
// role filter is set.
std::string LinkedEventFilter(const std::string& event, const std::string& search) {
  return "coalesce(" + search + ".ts, " + event + ".ts) >= ?1 AND coalesce(" + search + ".ts, " + event + ".ts) < ?2 " +
         "AND (?3 = '' OR " + search + ".query_id IS NOT NULL) AND (?4 = '' OR " + search +
         ".query_id IS NOT NULL) AND (" + search + ".query_id IS NULL OR (" + SearchFilter(search) + "))";
}

Result<Report> Feedback(AnalyticsStore& store, const ReportRequest& r, Report report) {
  const std::string sql =
      "WITH fb AS (SELECT f.doc_id, f.helpful, f.comment, f.ts FROM feedback f "
      "LEFT JOIN searches s ON s.query_id = f.query_id AND f.query_id <> '' WHERE " +
      LinkedEventFilter("f", "s") + ") " +
      R"sql(
    SELECT doc_id, count(*), sum(helpful = 0), sum(helpful = 1),
           (SELECT group_concat(comment, ' | ') FROM (
              SELECT comment FROM fb f2 WHERE f2.doc_id = fb.doc_id AND f2.helpful = 0 AND f2.comment <> ''
                ORDER BY f2.ts DESC LIMIT 3))
    FROM fb GROUP BY doc_id ORDER BY sum(helpful = 0) DESC, count(*) DESC, doc_id LIMIT ?6
  )sql";
  // Every article voted on, the most not-helpful votes first: an article
  // with only helpful votes is news too. Columns are a contract: new ones
  // go at the end.
  report.title = "Helpful and not-helpful votes per article";
  report.columns = {"doc_id",          "votes",        "not_helpful", "helpful", "not_helpful_share",
                    "recent_comments", "helpful_share"};
  std::vector<Value> params = FilterParams(r, report.since_ms, report.until_ms);
  params.push_back(static_cast<std::int64_t>(r.limit));
  Status s = store.Query(sql, params, [&](const Row& row) {
    const double votes = std::stod(row[1]);
    report.rows.push_back({row[0], static_cast<std::int64_t>(std::stoll(row[1])),
                           static_cast<std::int64_t>(std::stoll(row[2])), static_cast<std::int64_t>(std::stoll(row[3])),
                           std::stod(row[2]) / votes, row[4], std::stod(row[3]) / votes});
  });
  if (!s.ok()) return s;
  return report;
}

Result<Report> SupportContacts(AnalyticsStore& store, const ReportRequest& r, Report report) {
  // Contacts are few: look each one's search up, never scan the searches.
  // A contact without a logged search has no query to report.
  const std::string sql =
      "WITH linked AS (SELECT c.normalized, c.query, c.results, s.ts AS contact_ts FROM support_contacts s "
      "CROSS JOIN searches c ON c.query_id = s.query_id WHERE " +
      SearchFilter("c") +
      "), "
      "forms AS (SELECT normalized, query, row_number() OVER (PARTITION BY normalized ORDER BY count(*) DESC, query) "
      "AS rk "
      "FROM linked GROUP BY normalized, query), "
      "g AS (SELECT normalized, count(*) AS n, max(contact_ts) AS last, sum(results = 0) AS zero FROM linked GROUP BY "
      "normalized) "
      "SELECT f.query, g.n, g.last, g.zero FROM g JOIN forms f ON f.normalized = g.normalized AND f.rk = 1 "
      "ORDER BY g.n DESC, g.normalized LIMIT ?6";
  report.title = "Searches followed by contacting support";
  report.columns = {"query", "contacts", "last_seen", "with_zero_results"};
  std::vector<Value> params = FilterParams(r, report.since_ms, report.until_ms);
  params.push_back(static_cast<std::int64_t>(r.limit));
  Status s = store.Query(sql, params, [&](const Row& row) {
    report.rows.push_back({row[0], static_cast<std::int64_t>(std::stoll(row[1])), IsoDate(std::stoll(row[2])),
                           static_cast<std::int64_t>(std::stoll(row[3]))});
  });
  if (!s.ok()) return s;
  return report;
}

}  // namespace

Result<Report> Analytics::Run(const ReportRequest& request) {
  ReportRequest r = request;
  // Filters are exact values: a role is normalised like the roles stored,
  // and a language is a tag, so neither can carry a pattern.
  if (!r.role.empty()) {
    auto role = NormalizePrincipalId(r.role, "role");
    if (!role.ok()) return role.status();
    r.role = std::move(role).value();
  }
  if (r.lang.size() > 35 || std::any_of(r.lang.begin(), r.lang.end(), [](char c) {
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
      })) {
    return Status::InvalidArgument("lang '" + r.lang.substr(0, 40) +
                                   "': expected a language tag such as 'nl' or 'en-GB'");
  }
  if (Status s = Flush(); !s.ok()) return s;
  Report report;
  report.kind = r.kind;
  report.until_ms = r.until_ms > 0 ? r.until_ms : NowMs() + 1;
  report.since_ms = r.since_ms;
  if (report.since_ms >= report.until_ms)
    return Status::InvalidArgument("the period is empty: --since is not before --until");
  if (r.kind == "zero-results") return ZeroResults(*store_, r, std::move(report));
  if (r.kind == "summary") return Summary(*store_, r, std::move(report));
  if (r.kind == "top-queries") return TopQueries(*store_, r, std::move(report));
  if (r.kind == "low-ctr") return LowCtr(*store_, r, std::move(report));
  if (r.kind == "content-gaps") return ContentGaps(*store_, r, std::move(report));
  if (r.kind == "feedback") return Feedback(*store_, r, std::move(report));
  if (r.kind == "support-contacts") return SupportContacts(*store_, r, std::move(report));
  return Status::InvalidArgument(
      "unknown report '" + r.kind +
      "' (expected zero-results, summary, top-queries, low-ctr, content-gaps, feedback or support-contacts)");
}

}  // namespace portalkb
