// The wire format: every type round-trips (or, output-only, gives exactly the
// documented JSON), and hostile input is refused with the field path named.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "portalkb/json.h"
#include "portalkb/json_value.h"

namespace portalkb {
namespace {

using nlohmann::json;

void ExpectSameRequest(const SearchRequest& a, const SearchRequest& b) {
  EXPECT_EQ(a.query, b.query);
  EXPECT_EQ(a.filters, b.filters);
  EXPECT_EQ(a.facets, b.facets);
  EXPECT_EQ(a.sort, b.sort);
  EXPECT_EQ(a.lang, b.lang);
  EXPECT_EQ(a.limit, b.limit);
  EXPECT_EQ(a.offset, b.offset);
  EXPECT_EQ(a.typo_tolerance, b.typo_tolerance);
  EXPECT_EQ(a.prefix, b.prefix);
  EXPECT_EQ(a.correct, b.correct);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.session, b.session);
  EXPECT_FALSE(b.principal.admin);
  EXPECT_TRUE(b.principal.user.empty() && b.principal.org.empty() && b.principal.roles.empty());
}

TEST(WireRoundTrip, SearchRequest) {
  SearchRequest r;
  r.query = "factuur \"niet ontvangen\" -spam";
  r.filters = {"category=Billing", "tags=invoice|payment", "updated_at>=2026-01-01"};
  r.facets = {"type", "tags"};
  r.sort = "updated_at:asc";
  r.lang = "nl";
  r.limit = 25;
  r.offset = 50;
  r.typo_tolerance = false;
  r.prefix = false;
  r.correct = false;
  r.log = false;
  r.session = "s-123";
  r.principal.user = "jan";  // never written, never read back
  r.principal.admin = true;
  const std::string text = ToJson(r);
  EXPECT_EQ(text.find("jan"), std::string::npos) << text;
  EXPECT_EQ(text.find("admin"), std::string::npos) << text;
  auto back = SearchRequestFromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameRequest(r, back.value());
}

TEST(WireRoundTrip, SearchRequestDefaultsWhenOnlyTheQueryIsGiven) {
  auto r = SearchRequestFromJson(R"({"query": "invoice", "lang": null})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  SearchRequest expected;
  expected.query = "invoice";
  ExpectSameRequest(expected, r.value());
}

TEST(WireRoundTrip, SuggestAndReportRequests) {
  SuggestRequest s;
  s.prefix = "wacht";
  s.lang = "nl";
  s.limit = 7;
  auto sb = SuggestRequestFromJson(ToJson(s));
  ASSERT_TRUE(sb.ok()) << sb.status().ToString();
  EXPECT_EQ(sb->prefix, s.prefix);
  EXPECT_EQ(sb->lang, s.lang);
  EXPECT_EQ(sb->limit, s.limit);

  ReportRequest r;
  r.kind = "content-gaps";
  r.since_ms = 1767225600000;
  r.until_ms = 1769904000000;
  r.lang = "sv";
  r.role = "finance";
  r.burst_window_ms = 3000;
  r.limit = 20;
  r.bucket = "week";
  auto rb = ReportRequestFromJson(ToJson(r));
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(rb->kind, r.kind);
  EXPECT_EQ(rb->since_ms, r.since_ms);
  EXPECT_EQ(rb->until_ms, r.until_ms);
  EXPECT_EQ(rb->lang, r.lang);
  EXPECT_EQ(rb->role, r.role);
  EXPECT_EQ(rb->burst_window_ms, r.burst_window_ms);
  EXPECT_EQ(rb->limit, r.limit);
  EXPECT_EQ(rb->bucket, r.bucket);
}

Document SampleDocument() {
  Document d;
  d.id = "nl-b2b-factuur";
  d.type = DocumentType::kDocument;
  d.title = "Factuur downloaden";
  d.summary = "Zo download je een factuur.";
  d.body = "Open Facturen.\fPagina twee met \"quotes\" en é.";
  d.lang = "nl";
  d.tags = {"factuur", "pdf"};
  d.category = "Billing/Invoices";
  d.updated_at = "2026-03-01";
  d.url = "https://example.com/f";
  d.visibility = {Grant::Parse("org:acme/role:finance").value(), Grant::Parse("public").value()};
  d.status = PublishStatus::kDraft;
  d.publish_at = "2026-04-01";
  d.unpublish_at = "2027-01-01T00:00:00Z";
  d.attributes = {{"product", {"portal", "app"}}, {"price", {"12.50"}}};
  d.source = "docs.jsonl:3";
  return d;
}

TEST(WireRoundTrip, Document) {
  const Document d = SampleDocument();
  auto back = DocumentFromJson(ToJson(d));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, d.id);
  EXPECT_EQ(back->type, d.type);
  EXPECT_EQ(back->title, d.title);
  EXPECT_EQ(back->summary, d.summary);
  EXPECT_EQ(back->body, d.body);
  EXPECT_EQ(back->lang, d.lang);
  EXPECT_EQ(back->tags, d.tags);
  EXPECT_EQ(back->category, d.category);
  EXPECT_EQ(back->updated_at, d.updated_at);
  EXPECT_EQ(back->url, d.url);
  EXPECT_EQ(back->visibility, d.visibility);
  EXPECT_EQ(back->status, d.status);
  EXPECT_EQ(back->publish_at, d.publish_at);
  EXPECT_EQ(back->unpublish_at, d.unpublish_at);
  EXPECT_EQ(back->attributes, d.attributes);
  EXPECT_EQ(back->source, d.source);
  EXPECT_EQ(json::parse(ToJson(d)).at("visibility"), json::parse(R"(["org:acme/role:finance", "public"])"));
}

TEST(WireRoundTrip, IndexSettings) {
  IndexSettings s;
  ASSERT_TRUE(s.Set("typo.enabled", "false").ok());
  ASSERT_TRUE(s.Set("typo.min_length_one_typo", "5").ok());
  ASSERT_TRUE(s.Set("typo.disabled_words", "iban,bic").ok());
  const std::string text = ToJson(s);
  auto back = IndexSettingsFromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToMap(), s.ToMap());
  EXPECT_EQ(json::parse(text).at("typo.enabled"), "false");
  // Values may also be written as JSON booleans and numbers.
  auto typed = IndexSettingsFromJson(R"({"typo.enabled": false, "typo.min_length_one_typo": 5})");
  ASSERT_TRUE(typed.ok()) << typed.status().ToString();
  EXPECT_EQ(typed->typo_enabled, std::optional<bool>(false));
  EXPECT_EQ(typed->typo_min_length_one_typo, std::optional<std::size_t>(5));
}

TEST(WireRoundTrip, SynonymRules) {
  const std::vector<SynonymRule> rules = {{"nl", {"factuur", "rekening", "nota"}, {}},
                                          {"en", {"iphone"}, {"smartphone", "phone"}},
                                          {"sv", {"e-post adress", "mejladress"}, {}}};
  auto back = SynonymRulesFromJson(ToJson(rules));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.value(), rules);
  for (const auto& r : rules) {
    auto one = SynonymRuleFromJson(ToJson(r));
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_EQ(one.value(), r);
  }
  // The Solr line alone is enough, as `synonyms list --json` always printed it.
  auto from_line = SynonymRuleFromJson(R"({"lang": "en", "rule": "iphone => smartphone, phone"})");
  ASSERT_TRUE(from_line.ok()) << from_line.status().ToString();
  EXPECT_EQ(from_line.value(), rules[1]);
}

// Found by fuzz_wire_json: a "rule" line was not held to max_array_items, so
// a rule it accepted was written back with a "terms" array its own limits
// refuse.
TEST(WireRoundTrip, RegressionARuleLineHoldsNoMoreTermsThanAnArrayMay) {
  JsonLimits limits;
  limits.max_array_items = 2;
  auto three = SynonymRuleFromJson(R"({"lang": "nl", "rule": "a, b, c"})", limits);
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(three.status().message().find("rule"), std::string::npos) << three.status().message();
  auto two = SynonymRuleFromJson(R"({"lang": "nl", "rule": "a, b"})", limits);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  auto back = SynonymRuleFromJson(ToJson(two.value()), limits);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.value(), two.value());
}

// --- Output-only types: the exact JSON for a hand-built value. -------------

Hit SampleHit() {
  Hit h;
  h.id = "inv";
  h.title = "Download an invoice";
  h.type = "article";
  h.lang = "en";
  h.url = "https://example.com/inv";
  h.category = "Billing";
  h.updated_at = "2026-01-02";
  h.score = 2.5;
  h.snippet = "download the <mark>invoice</mark>";
  h.matches = {{"invoyce", "invoice", 1, "typo"}};
  h.weak = true;
  return h;
}

const char* kSampleHitJson = R"({"id": "inv", "title": "Download an invoice", "type": "article", "lang": "en",
  "score": 2.5, "snippet": "download the <mark>invoice</mark>", "url": "https://example.com/inv",
  "category": "Billing", "updated_at": "2026-01-02",
  "matches": [{"query_word": "invoyce", "matched": "invoice", "typos": 1, "kind": "typo"}], "weak": true})";

TEST(WireOutput, SearchResponseHasTheCliShape) {
  SearchResponse r;
  r.query = "invoyce";
  r.suggestion = "invoice";
  r.total = 3;
  r.facets["type"] = {{"article", 2}, {"document", 1}};
  r.hits = {SampleHit()};
  r.took_ms = 1.5;
  const json expected = json::parse(std::string(R"({"query": "invoyce", "corrected_query": null,
    "suggestion": "invoice", "total": 3, "total_exact": true, "as_admin": false, "query_id": null, "detected_lang": null, "took_ms": 1.5,
    "facets": {"type": [{"value": "article", "count": 2}, {"value": "document", "count": 1}]},
    "hits": [)") + kSampleHitJson + "]}");
  EXPECT_EQ(json::parse(ToJson(r)), expected);
  EXPECT_EQ(json::parse(ToJson(r.hits[0])), json::parse(kSampleHitJson));
  EXPECT_EQ(ToJson(r.hits[0].matches[0]), R"({"kind":"typo","matched":"invoice","query_word":"invoyce","typos":1})");
  EXPECT_EQ(ToJson(FacetCount{"article", 2}), R"({"count":2,"value":"article"})");
}

TEST(WireOutput, RelatedHitsHaveTheSearchHitShape) {
  EXPECT_EQ(json::parse(RelatedToJson("pw", {SampleHit()})),
            json::parse(std::string(R"({"id": "pw", "related": [)") + kSampleHitJson + "]}"));
}

TEST(WireOutput, SuggestionsStatsSettingsAndStatus) {
  EXPECT_EQ(
      json::parse(SuggestionsToJson("wacht", {{"Wachtwoord vergeten", "title", "pw"}, {"wachtwoord", "query", ""}})),
      json::parse(R"({"prefix": "wacht", "suggestions": [{"text": "Wachtwoord vergeten", "kind": "title",
              "id": "pw"}, {"text": "wachtwoord", "kind": "query", "id": ""}]})"));
  IndexStats stats;
  stats.documents = 3;
  stats.by_type = {{"article", 2}, {"document", 1}};
  stats.by_lang = {{"en", 3}};
  stats.terms = 120;
  stats.bytes = 4096;
  EXPECT_EQ(json::parse(ToJson(stats)), json::parse(R"({"documents": 3, "by_type": {"article": 2, "document": 1},
              "by_lang": {"en": 3}, "terms": 120, "bytes": 4096, "analytics": "ok"})"));
  IndexSettings stored;
  ASSERT_TRUE(stored.Set("typo.enabled", "false").ok());
  EngineOptions options;
  stored.ApplyTo(options);
  const json list = json::parse(SettingsListToJson(stored, options));
  EXPECT_EQ(list.at("stored"), json::parse(R"(["typo.enabled"])"));
  EXPECT_EQ(list.at("settings").at("typo.enabled"), "false");
  EXPECT_EQ(list.at("settings").size(), IndexSettings::Names().size());
  EXPECT_EQ(json::parse(ToJson(Status::NotFound("no document 'x'"))),
            json::parse(R"({"error": {"code": "not_found", "message": "no document 'x'"}})"));
  EXPECT_EQ(json::parse(ToJson(Status::Ok())), json::parse(R"({"error": {"code": "ok", "message": ""}})"));
}

TEST(WireOutput, ReportEvalAndIngest) {
  Report report;
  report.kind = "zero-results";
  report.title = "Searches without results";
  report.columns = {"query", "searches", "share", "variants"};
  report.rows = {{std::string("factuur"), std::int64_t{4}, 0.25, std::vector<std::string>{"factur", "factuu"}}};
  report.since_ms = 1767225600000;  // 2026-01-01
  report.until_ms = 1769904000000;  // 2026-02-01
  EXPECT_EQ(json::parse(ToJson(report)), json::parse(R"({"report": "zero-results", "title": "Searches without results",
    "columns": ["query", "searches", "share", "variants"], "since": "2026-01-01", "until": "2026-02-01",
    "since_ms": 1767225600000, "until_ms": 1769904000000,
    "rows": [{"query": "factuur", "searches": 4, "share": 0.25, "variants": ["factur", "factuu"]}]})"));

  EvalReport eval;
  eval.overall = {4, 0.5, 0.75, 1.0, 0.625, 0.25};
  eval.by_kind["typo"] = {2, 0.5, 0.5, 0.5, 0.5, 0.5};
  eval.none_queries = 2;
  eval.none_with_results = 1;
  eval.none_with_strong_results = 0;
  eval.typo_mrr = 0.5;
  eval.typo_correct_mrr = 1.0;
  EvalFailure failure;
  failure.query = {"factuur", "nl", "plain", "", {"a"}, "q.jsonl:2"};
  failure.top = {"b"};
  eval.failures = {failure};
  const json metrics = json::parse(R"({"queries": 2, "recall_at_1": 0.5, "recall_at_5": 0.5, "recall_at_10": 0.5,
    "mrr": 0.5, "zero_result_rate": 0.5})");
  EXPECT_EQ(json::parse(ToJson(eval)), json::parse(std::string(R"({
    "overall": {"queries": 4, "recall_at_1": 0.5, "recall_at_5": 0.75, "recall_at_10": 1.0, "mrr": 0.625,
                "zero_result_rate": 0.25},
    "by_kind": {"typo": )") + metrics.dump() + R"(}, "by_lang": {},
    "none": {"queries": 2, "with_results": 1, "with_strong_results": 0},
    "typo_mrr": 0.5, "typo_correct_mrr": 1.0, "typo_mrr_ratio": 0.5,
    "failures": [{"query": "factuur", "lang": "nl", "kind": "plain", "expected": ["a"], "top": ["b"],
                  "source": "q.jsonl:2", "corrected_query": "", "rank": 0}]})"));

  IngestReport ingest;
  ingest.added = 2;
  ingest.updated = 1;
  ingest.rejected = {{"a.jsonl", 3, "invalid JSON"}};
  ingest.files = 2;
  ingest.derived_titles = 1;
  ingest.seconds = 0.5;
  EXPECT_EQ(json::parse(ToJson(ingest)), json::parse(R"({"added": 2, "updated": 1, "files": 2, "derived_titles": 1,
    "seconds": 0.5, "rejected": [{"file": "a.jsonl", "line": 3, "reason": "invalid JSON"}]})"));
}

TEST(WireOutput, InvalidUtf8IsReplacedNotThrown) {
  Hit h;
  h.title = "bad \xff byte";
  const std::string text = ToJson(h);
  EXPECT_NE(text.find("bad \xEF\xBF\xBD byte"), std::string::npos) << text;
}

// --- Hostile input. ----------------------------------------------------------

struct BadInput {
  const char* what;
  std::string body;
  std::string message_prefix;  // the error starts with the field path
};

std::string Filters(std::size_t n, std::size_t long_at = static_cast<std::size_t>(-1)) {
  std::string out = R"({"query": "a", "filters": [)";
  for (std::size_t i = 0; i < n; ++i) {
    out += (i ? "," : "") + std::string("\"") + (i == long_at ? std::string(4097, 'x') : "type=article") + "\"";
  }
  return out + "]}";
}

TEST(WireInput, SearchRequestRejectsBadInputNamingTheField) {
  const std::vector<BadInput> cases = {
      {"unknown key", R"({"query": "a", "bogus": 1})", "bogus: unknown key"},
      {"principal", R"({"query": "a", "principal": {"admin": true}})", "principal: unknown key"},
      {"user", R"({"query": "a", "user": "jan"})", "user: unknown key"},
      {"org", R"({"query": "a", "org": "acme"})", "org: unknown key"},
      {"roles", R"({"query": "a", "roles": ["editor"]})", "roles: unknown key"},
      {"admin", R"({"query": "a", "admin": true})", "admin: unknown key"},
      {"query missing", R"({"lang": "nl"})", "query: required"},
      {"query wrong type", R"({"query": 5})", "query: expected a string"},
      {"filters not an array", R"({"query": "a", "filters": "type=article"})", "filters: expected an array"},
      {"filter not a string", R"({"query": "a", "filters": ["x", 1]})", "filters[1]: expected a string"},
      {"bool wrong type", R"({"query": "a", "prefix": "yes"})", "prefix: expected true or false"},
      {"limit as string", R"({"query": "a", "limit": "10"})", "limit: expected a whole number"},
      {"limit negative", R"({"query": "a", "limit": -1})", "limit: expected a whole number from 0 to"},
      {"limit huge", R"({"query": "a", "limit": 1e30})", "limit: expected a whole number from 0 to"},
      {"limit past 2^53", R"({"query": "a", "limit": 9007199254740992})", "limit: expected a whole number"},
      {"limit past 2^64", R"({"query": "a", "limit": 18446744073709551616})", "limit: expected a whole number"},
      {"offset fraction", R"({"query": "a", "offset": 2.5})", "offset: expected a whole number"},
      {"over-long string", Filters(5, 3), "filters[3]: string longer than 4096 bytes"},
      {"too many items", Filters(257), "filters: more than 256 items"},
      {"bad UTF-8", "{\"query\": \"caf\xC3\"}", "body: not valid UTF-8"},
      {"overlong UTF-8", "{\"query\": \"\xC0\xAF\"}", "body: not valid UTF-8"},
      {"too deep", R"({"query": "a", "filters": [[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]})",
       "body: nested deeper than 16"},
      {"number past double", R"({"query": "a", "limit": 1e400})", "body: invalid JSON"},
      {"not JSON", R"({"query": )", "body: invalid JSON"},
      {"trailing garbage", R"({"query": "a"} x)", "body: invalid JSON"},
      {"not an object", R"(["a"])", "body: expected an object"},
      {"duplicate key", R"({"query": "a", "query": "b"})", "query: key given more than once"},
      {"empty body", "", "body: invalid JSON"},
  };
  for (const auto& c : cases) {
    auto r = SearchRequestFromJson(c.body);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_EQ(r.status().message().rfind(c.message_prefix, 0), 0u) << c.what << ": " << r.status().message();
  }
}

TEST(WireInput, BracketsInsideStringsAreNotNesting) {
  const std::string brackets(40, '[');
  auto r = SearchRequestFromJson(R"({"query": "\")" + brackets + R"(\\", "session": ")" + brackets + "\"}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->query, "\"" + brackets + "\\");
  EXPECT_EQ(r->session, brackets);
}

TEST(WireInput, BodyOverTheLimitIsRejectedBeforeParsing) {
  JsonLimits limits;
  limits.max_body_bytes = 64;
  const std::string body = R"({"query": ")" + std::string(100, 'a') + "\"}";
  auto r = SearchRequestFromJson(body, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message().rfind("body: " + std::to_string(body.size()) + " bytes, over the limit of 64 bytes", 0), 0u)
      << r.status().message();
  limits.max_body_bytes = body.size();
  EXPECT_TRUE(SearchRequestFromJson(body, limits).ok());
}

TEST(WireInput, OtherParsersRejectBadInputNamingTheField) {
  struct Case {
    const char* what;
    std::function<Status(const std::string&)> parse;
    std::string body;
    std::string message_prefix;
  };
  const auto suggest = [](const std::string& b) { return SuggestRequestFromJson(b).status(); };
  const auto report = [](const std::string& b) { return ReportRequestFromJson(b).status(); };
  const auto document = [](const std::string& b) { return DocumentFromJson(b).status(); };
  const auto settings = [](const std::string& b) { return IndexSettingsFromJson(b).status(); };
  const auto rule = [](const std::string& b) { return SynonymRuleFromJson(b).status(); };
  const auto rules = [](const std::string& b) { return SynonymRulesFromJson(b).status(); };
  const std::vector<Case> cases = {
      {"suggest principal", suggest, R"({"prefix": "a", "roles": ["x"]})", "roles: unknown key"},
      {"suggest limit", suggest, R"({"prefix": "a", "limit": -3})", "limit: expected a whole number"},
      {"report kind", report, R"({"since_ms": 0})", "kind: required"},
      {"report negative time", report, R"({"kind": "summary", "since_ms": -5})", "since_ms: expected a whole number"},
      {"report window past int", report, R"({"kind": "summary", "burst_window_ms": 2147483648})",
       "burst_window_ms: expected a whole number from 0 to 2147483647"},
      {"document grant", document, R"({"id": "a", "visibility": ["public", "nobody:x"]})", "visibility[1]: "},
      {"document type", document, R"({"id": "a", "type": "memo"})", "type: expected \"article\" or \"document\""},
      {"document status", document, R"({"id": "a", "status": "hidden"})", "status: expected \"published\""},
      {"document attribute", document, R"({"id": "a", "attributes": {"product": "portal"}})",
       "attributes.product: expected an array"},
      {"document unknown", document, R"({"id": "a", "product": ["portal"]})", "product: unknown key"},
      {"settings unknown", settings, R"({"typo.bogus": "1"})", "typo.bogus: "},
      {"settings bad value", settings, R"({"typo.enabled": "maybe"})", "typo.enabled: "},
      {"settings fraction", settings, R"({"typo.min_length_one_typo": 4.5})", "typo.min_length_one_typo: expected"},
      {"settings not object", settings, R"([1])", "body: expected an object"},
      {"rule of one term", rule, R"({"lang": "nl", "rule": "factuur"})", "rule: "},
      {"rule language", rule, R"({"lang": "xx", "rule": "a, b"})", "lang: unsupported language"},
      {"rule disagrees", rule, R"({"lang": "nl", "rule": "c, d", "terms": ["a", "b"]})", "rule: 'c, d' is not"},
      {"rule without terms", rule, R"({"lang": "nl"})", "terms: required"},
      {"rules item", rules, R"([{"lang": "nl", "rule": "a, b"}, {"lang": "nl", "bogus": 1}])",
       "[1].bogus: unknown key"},
  };
  for (const auto& c : cases) {
    const Status s = c.parse(c.body);
    ASSERT_FALSE(s.ok()) << c.what;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_EQ(s.message().rfind(c.message_prefix, 0), 0u) << c.what << ": " << s.message();
  }
}

TEST(WireInput, ValueParsersCheckStringsTheirCallerBuilt) {
  // A shell composing a body may hand over strings nlohmann never checked.
  auto r = SearchRequestFromJsonValue(json{{"query", "ok"}, {"filters", {"a", "caf\xC3"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("filters[1]: not valid UTF-8", 0), 0u) << r.status().message();
  auto parsed = ParseJson(R"({"query": "invoice", "limit": 3})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto request = SearchRequestFromJsonValue(parsed.value());
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->limit, 3u);
  EXPECT_EQ(DumpJson(json{{"t", "x\xFFy"}}), "{\"t\":\"x\xEF\xBF\xBDy\"}");
}

TEST(WireInput, DuplicateKeysAreRefusedAtAnyDepth) {
  auto r = DocumentFromJson(R"({"id": "a", "attributes": {"product": ["x"], "product": ["y"]}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("product: key given more than once", 0), 0u) << r.status().message();
  // The same key in two sibling objects is fine.
  EXPECT_TRUE(SynonymRulesFromJson(R"([{"lang": "nl", "rule": "a, b"}, {"lang": "nl", "rule": "c, d"}])").ok());
}

// Every prefix of a valid body and random byte flips of it: every parser
// answers with a value or an InvalidArgument, never a crash or a throw.
TEST(WireInput, TruncatedAndMutatedBodiesNeverCrash) {
  const std::string document = ToJson(SampleDocument());
  std::mt19937 random(12345);
  std::vector<std::string> bodies;
  for (std::size_t n = 0; n <= document.size(); ++n) bodies.push_back(document.substr(0, n));
  for (int i = 0; i < 2000; ++i) {
    std::string b = document;
    for (int flips = 0; flips < 3; ++flips) b[random() % b.size()] = static_cast<char>(random() % 256);
    bodies.push_back(b);
  }
  std::size_t accepted = 0;
  for (const auto& b : bodies) {
    const std::vector<Status> results = {DocumentFromJson(b).status(),       SearchRequestFromJson(b).status(),
                                         SuggestRequestFromJson(b).status(), ReportRequestFromJson(b).status(),
                                         IndexSettingsFromJson(b).status(),  SynonymRuleFromJson(b).status()};
    for (const auto& s : results) {
      EXPECT_TRUE(s.ok() || s.code() == StatusCode::kInvalidArgument) << s.ToString();
      accepted += s.ok() ? 1 : 0;
    }
  }
  EXPECT_GT(accepted, 0u) << "some flips land in string contents and still parse";
}

// The HTTP server's event bodies: round trip, and each rule named.
TEST(WireRoundTrip, EventBodies) {
  ClickEvent click{"q1", "kb/a", 3};
  auto c = ClickEventFromJson(ToJson(click));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->query_id, "q1");
  EXPECT_EQ(c->doc_id, "kb/a");
  EXPECT_EQ(c->position, 3);
  FeedbackEvent feedback{"", "doc", true, "clear \"enough\""};
  auto f = FeedbackEventFromJson(ToJson(feedback));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->doc_id, "doc");
  EXPECT_TRUE(f->helpful);
  EXPECT_EQ(f->comment, "clear \"enough\"");
  auto contact = SupportContactEventFromJson(ToJson(SupportContactEvent{"q9"}));
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(contact->query_id, "q9");
}

TEST(WireInput, EventBodiesRejectBadInputNamingTheField) {
  struct Case {
    std::function<Status(const std::string&)> parse;
    std::string body;
    std::string message_prefix;
  };
  const auto click = [](const std::string& b) { return ClickEventFromJson(b).status(); };
  const auto feedback = [](const std::string& b) { return FeedbackEventFromJson(b).status(); };
  const auto contact = [](const std::string& b) { return SupportContactEventFromJson(b).status(); };
  const std::string long_id(257, 'x');
  const std::string long_comment(2001, 'c');
  const std::vector<Case> cases = {
      {click, R"({"doc_id": "d", "position": 1})", "query_id: required"},
      {click, R"({"query_id": "", "doc_id": "d", "position": 1})", "query_id: must not be empty"},
      {click, R"({"query_id": "q", "doc_id": "d"})", "position: required"},
      {click, R"({"query_id": "q", "doc_id": "d", "position": 100001})", "position: expected a whole number"},
      {click, R"({"query_id": "q", "doc_id": "d", "position": -1})", "position: expected a whole number"},
      {click, R"({"query_id": "q", "doc_id": "d", "position": 1.5})", "position: expected a whole number"},
      {click, R"({"query_id": "q", "doc_id": "d", "position": 1, "user": "bob"})", "user: unknown key"},
      {click, R"({"query_id": ")" + long_id + R"(", "doc_id": "d", "position": 1})", "query_id: string longer"},
      {click, "[1]", "body: expected an object"},
      {feedback, R"({"doc_id": "d"})", "helpful: required"},
      {feedback, R"({"doc_id": "d", "helpful": "yes"})", "helpful: expected true or false"},
      {feedback, R"({"helpful": true})", "doc_id: required"},
      {feedback, R"({"doc_id": "d", "helpful": true, "comment": ")" + long_comment + R"("})", "comment: string longer"},
      {feedback, R"({"doc_id": "d", "helpful": true, "org": "acme"})", "org: unknown key"},
      {contact, R"({})", "query_id: required"},
      {contact, R"({"query_id": 5})", "query_id: expected a string"},
  };
  for (const auto& c : cases) {
    const Status s = c.parse(c.body);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.body.substr(0, 80);
    EXPECT_EQ(s.message().rfind(c.message_prefix, 0), 0u) << s.message() << " for " << c.body.substr(0, 80);
  }
  EXPECT_TRUE(FeedbackEventFromJson(R"({"doc_id": "d", "helpful": false, "query_id": null})").ok())
      << "null is the default for an optional key";
}

}  // namespace
}  // namespace portalkb
