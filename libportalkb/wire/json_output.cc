// Values -> JSON. The keys are a contract (scripts parse `portalkb ... --json`
// and tests/cli checks them): add keys, never rename or retype one.
#include "core/text.h"
#include "portalkb/json.h"
#include "portalkb/json_value.h"

namespace portalkb {
namespace {

using nlohmann::json;

// Empty strings that mean "none" are null on the wire, as search --json
// always printed them.
json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json Value(const ReportValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::vector<std::string>>(v);
}

std::string IsoDay(long long ms) { return FormatIsoDate(ms / 1000); }

}  // namespace

std::string DumpJson(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

json ToJsonValue(const SearchRequest& r) {
  return {{"query", r.query},   {"filters", r.filters}, {"facets", r.facets}, {"sort", r.sort},
          {"lang", r.lang},     {"limit", r.limit},     {"offset", r.offset}, {"typo_tolerance", r.typo_tolerance},
          {"prefix", r.prefix}, {"correct", r.correct}, {"log", r.log},       {"session", r.session}};
}

json ToJsonValue(const ClickEvent& e) {
  return {{"query_id", e.query_id}, {"doc_id", e.doc_id}, {"position", e.position}};
}

json ToJsonValue(const FeedbackEvent& e) {
  return {{"query_id", e.query_id}, {"doc_id", e.doc_id}, {"helpful", e.helpful}, {"comment", e.comment}};
}

json ToJsonValue(const SupportContactEvent& e) { return {{"query_id", e.query_id}}; }

json ToJsonValue(const SuggestRequest& r) { return {{"prefix", r.prefix}, {"lang", r.lang}, {"limit", r.limit}}; }

json ToJsonValue(const ReportRequest& r) {
  return {{"kind", r.kind},   {"since_ms", r.since_ms}, {"until_ms", r.until_ms},
          {"lang", r.lang},   {"role", r.role},         {"burst_window_ms", r.burst_window_ms},
          {"limit", r.limit}, {"bucket", r.bucket}};
}

json ToJsonValue(const Document& d) {
  json visibility = json::array();
  for (const auto& g : d.visibility) visibility.push_back(g.ToString());
  json attributes = json::object();
  for (const auto& [name, values] : d.attributes) attributes[name] = values;
  return {{"id", d.id},
          {"type", DocumentTypeName(d.type)},
          {"title", d.title},
          {"summary", d.summary},
          {"body", d.body},
          {"lang", d.lang},
          {"tags", d.tags},
          {"category", d.category},
          {"updated_at", d.updated_at},
          {"url", d.url},
          {"visibility", visibility},
          {"status", d.status == PublishStatus::kDraft ? "draft" : "published"},
          {"publish_at", d.publish_at},
          {"unpublish_at", d.unpublish_at},
          {"attributes", attributes},
          {"source", d.source}};
}

json ToJsonValue(const IndexSettings& settings) {
  json out = json::object();
  for (const auto& [name, value] : settings.ToMap()) out[name] = value;
  return out;
}

json ToJsonValue(const SynonymRule& rule) {
  return {{"lang", rule.lang}, {"rule", rule.ToString()}, {"terms", rule.terms}, {"targets", rule.targets}};
}

json ToJsonValue(const std::vector<SynonymRule>& rules) {
  json list = json::array();
  for (const auto& r : rules) list.push_back(ToJsonValue(r));
  return list;
}

json ToJsonValue(const WordMatch& m) {
  return {{"query_word", m.query_word}, {"matched", m.matched}, {"typos", m.typos}, {"kind", m.kind}};
}

json ToJsonValue(const FacetCount& c) { return {{"value", c.value}, {"count", c.count}}; }

json ToJsonValue(const Hit& h) {
  json matches = json::array();
  for (const auto& m : h.matches) matches.push_back(ToJsonValue(m));
  return {{"id", h.id},         {"title", h.title},       {"type", h.type},
          {"lang", h.lang},     {"score", h.score},       {"snippet", h.snippet},
          {"url", h.url},       {"category", h.category}, {"updated_at", h.updated_at},
          {"matches", matches}, {"weak", h.weak}};
}

json ToJsonValue(const SearchResponse& r) {
  json hits = json::array();
  for (const auto& h : r.hits) hits.push_back(ToJsonValue(h));
  json facets = json::object();
  for (const auto& [field, counts] : r.facets) {
    json list = json::array();
    for (const auto& c : counts) list.push_back(ToJsonValue(c));
    facets[field] = list;
  }
  return {{"query", r.query},
          {"facets", facets},
          {"as_admin", r.as_admin},
          {"corrected_query", OrNull(r.corrected_query)},
          {"suggestion", OrNull(r.suggestion)},
          {"total", r.total},
          {"total_exact", r.total_exact},
          {"hits", hits},
          {"took_ms", r.took_ms},
          {"query_id", OrNull(r.query_id)},
          {"detected_lang", OrNull(r.detected_lang)}};
}

json RelatedToJsonValue(const std::string& id, const std::vector<Hit>& hits) {
  json list = json::array();
  for (const auto& h : hits) list.push_back(ToJsonValue(h));
  return {{"id", id}, {"related", list}};
}

json ToJsonValue(const Suggestion& s) { return {{"text", s.text}, {"kind", s.kind}, {"id", s.id}}; }

json SuggestionsToJsonValue(const std::string& prefix, const std::vector<Suggestion>& suggestions) {
  json list = json::array();
  for (const auto& s : suggestions) list.push_back(ToJsonValue(s));
  return {{"prefix", prefix}, {"suggestions", list}};
}

json ToJsonValue(const IndexStats& s) {
  return {{"documents", s.documents}, {"by_type", s.by_type}, {"by_lang", s.by_lang},
          {"terms", s.terms},         {"bytes", s.bytes},     {"analytics", s.analytics}};
}

json SettingsListToJsonValue(const IndexSettings& stored, const EngineOptions& effective) {
  const auto set = stored.ToMap();
  const auto in_effect = IndexSettings::Effective(effective);
  json out = {{"settings", json::object()}, {"stored", json::array()}};
  for (const auto& name : IndexSettings::Names()) {
    if (const auto it = in_effect.find(name); it != in_effect.end()) out["settings"][name] = it->second;
    if (set.count(name)) out["stored"].push_back(name);
  }
  return out;
}

json ToJsonValue(const Report& r) {
  json rows = json::array();
  for (const auto& row : r.rows) {
    json o = json::object();
    // A row shorter than the columns leaves the missing cells out rather
    // than reading past it.
    for (std::size_t c = 0; c < r.columns.size() && c < row.size(); ++c) o[r.columns[c]] = Value(row[c]);
    rows.push_back(o);
  }
  return {{"report", r.kind},
          {"title", r.title},
          {"columns", r.columns},
          {"since", IsoDay(r.since_ms)},
          {"until", IsoDay(r.until_ms)},
          {"since_ms", r.since_ms},
          {"until_ms", r.until_ms},
          {"rows", rows}};
}

json ToJsonValue(const EvalMetrics& m) {
  return {{"queries", m.queries},
          {"recall_at_1", m.recall_at_1},
          {"recall_at_5", m.recall_at_5},
          {"recall_at_10", m.recall_at_10},
          {"mrr", m.mrr},
          {"zero_result_rate", m.zero_result_rate}};
}

json ToJsonValue(const EvalReport& r) {
  json by_kind = json::object();
  for (const auto& [k, m] : r.by_kind) by_kind[k] = ToJsonValue(m);
  json by_lang = json::object();
  for (const auto& [k, m] : r.by_lang) by_lang[k] = ToJsonValue(m);
  json failures = json::array();
  for (const auto& f : r.failures) {
    failures.push_back({{"query", f.query.query},
                        {"lang", f.query.lang},
                        {"kind", f.query.kind},
                        {"expected", f.query.expected},
                        {"top", f.top},
                        {"source", f.query.source},
                        {"corrected_query", f.corrected_query},
                        {"rank", f.rank}});
  }
  // How much typos cost: 1 means typo queries rank their answers as well as
  // the same queries spelled right.
  const double ratio = r.typo_correct_mrr > 0 ? r.typo_mrr / r.typo_correct_mrr : 0.0;
  json out = {{"overall", ToJsonValue(r.overall)},
              {"by_kind", by_kind},
              {"by_lang", by_lang},
              {"none",
               {{"queries", r.none_queries},
                {"with_results", r.none_with_results},
                {"with_strong_results", r.none_with_strong_results}}},
              {"typo_mrr", r.typo_mrr},
              {"typo_correct_mrr", r.typo_correct_mrr},
              {"typo_mrr_ratio", ratio},
              {"failures", failures}};
  if (r.has_baseline) {
    json base_kind = json::object();
    for (const auto& [k, m] : r.baseline_by_kind) base_kind[k] = ToJsonValue(m);
    json base_lang = json::object();
    for (const auto& [k, m] : r.baseline_by_lang) base_lang[k] = ToJsonValue(m);
    out["baseline_bm25"] = {{"overall", ToJsonValue(r.baseline_overall)},
                            {"by_kind", base_kind},
                            {"by_lang", base_lang},
                            {"none", {{"with_results", r.baseline_none_with_results}}}};
  }
  return out;
}

json ToJsonValue(const Rejection& r) { return {{"file", r.file}, {"line", r.line}, {"reason", r.reason}}; }

json ToJsonValue(const IngestReport& r) {
  json rejected = json::array();
  for (const auto& x : r.rejected) rejected.push_back(ToJsonValue(x));
  return {{"added", r.added},
          {"updated", r.updated},
          {"rejected", rejected},
          {"files", r.files},
          {"derived_titles", r.derived_titles},
          {"seconds", r.seconds}};
}

json ToJsonValue(const Status& s) {
  return {{"error", {{"code", StatusCodeName(s.code())}, {"message", s.message()}}}};
}

std::string ToJson(const SearchRequest& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const SuggestRequest& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const ReportRequest& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const Document& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const IndexSettings& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const SynonymRule& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const std::vector<SynonymRule>& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const SearchResponse& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const Hit& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const WordMatch& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const FacetCount& v) { return DumpJson(ToJsonValue(v)); }
std::string RelatedToJson(const std::string& id, const std::vector<Hit>& hits) {
  return DumpJson(RelatedToJsonValue(id, hits));
}
std::string ToJson(const Suggestion& v) { return DumpJson(ToJsonValue(v)); }
std::string SuggestionsToJson(const std::string& prefix, const std::vector<Suggestion>& suggestions) {
  return DumpJson(SuggestionsToJsonValue(prefix, suggestions));
}
std::string ToJson(const IndexStats& v) { return DumpJson(ToJsonValue(v)); }
std::string SettingsListToJson(const IndexSettings& stored, const EngineOptions& effective) {
  return DumpJson(SettingsListToJsonValue(stored, effective));
}
std::string ToJson(const Report& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const EvalReport& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const IngestReport& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const ClickEvent& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const FeedbackEvent& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const SupportContactEvent& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const Rejection& v) { return DumpJson(ToJsonValue(v)); }
std::string ToJson(const Status& v) { return DumpJson(ToJsonValue(v)); }

}  // namespace portalkb
