// The HTTP server end to end: endpoints, keys, errors and limits, rate limits,
// CORS, write visibility and shutdown. Each test starts its own server on a
// free loopback port over its own index.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "server_config.h"
#include "server_fixture.h"

namespace portalkb::server {
namespace {

class Endpoints : public ServerTest {
 protected:
  void SetUp() override {
    Document nl = Doc("nl-invoice", "Factuur downloaden", "Download uw factuur als PDF.", {"public"}, "nl");
    nl.category = "Billing/Invoices";
    nl.tags = {"invoice"};
    Document en = Doc("en-invoice", "Download an invoice", "Download your invoice as a PDF file.", {"public"});
    en.category = "Billing/Invoices";
    en.tags = {"invoice", "pdf"};
    Document acme = Doc("acme-contract", "Acme invoice agreement", "The invoice terms agreed with Acme.", {"org:acme"});
    acme.type = DocumentType::kDocument;
    Document reset = Doc("en-password", "Reset your password", "Choose a new password for your account.", {"public"});
    Index({nl, en, acme, reset});
  }
};

TEST_F(Endpoints, HealthReadinessAndMetrics) {
  Start();
  auto c = Client();
  EXPECT_EQ(c.Get("/healthz")->status, 200);
  EXPECT_EQ(c.Get("/readyz")->status, 200);
  const std::string anon = Key(Principal::Anonymous());
  Search(anon, {{"q", "invoice"}});
  Search(anon, {{"q", "nothingmatchesthis"}});
  auto metrics = c.Get("/metrics", Admin());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  const std::string& m = metrics->body;
  EXPECT_NE(m.find("portalkb_http_requests_total{endpoint=\"search\",status=\"200\"} 2"), std::string::npos) << m;
  EXPECT_NE(m.find("portalkb_http_request_duration_seconds_count{endpoint=\"search\"} 2"), std::string::npos) << m;
  EXPECT_NE(m.find("portalkb_zero_result_searches_total 1"), std::string::npos) << m;
  EXPECT_NE(m.find("portalkb_index_documents 4"), std::string::npos) << m;
  EXPECT_NE(m.find("\nportalkb_analytics_queue_depth "), std::string::npos) << m;
}

TEST_F(Endpoints, MetricsNeedTheAdminKeyOrTheMetricsKeyOutsideDemoMode) {
  const std::string metrics_key = "metrics-key-for-the-scraper-0123456789";
  auto options = Options();
  options.metrics_key_sha256 = Sha256Hex(metrics_key);
  Start(options);
  auto c = Client();
  const std::string search_key = Key(Principal::Anonymous());
  auto open = c.Get("/metrics");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 401);
  EXPECT_EQ(open->body.find("portalkb_http_requests_total"), std::string::npos) << open->body;
  EXPECT_EQ(c.Get("/metrics", Bearer("not-a-key-0123456789"))->status, 401);
  EXPECT_EQ(c.Get("/metrics", Bearer(search_key))->status, 403) << "a search key may only search";
  EXPECT_EQ(c.Get("/metrics", Admin())->status, 200);
  auto scraped = c.Get("/metrics", Bearer(metrics_key));
  ASSERT_EQ(scraped->status, 200) << scraped->body;
  EXPECT_NE(scraped->body.find("portalkb_http_requests_total{endpoint=\"metrics\",status=\"401\"} 2"),
            std::string::npos)
      << scraped->body;
  // The metrics key reads /metrics and nothing else.
  EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer(metrics_key))->status, 403);
  EXPECT_EQ(c.Get("/v1/stats", Bearer(metrics_key))->status, 403);
  EXPECT_EQ(c.Get("/healthz")->status, 200) << "health stays open";

  // In demo mode it is open, as everything else there.
  StopServer();
  options.admin_key_sha256.clear();
  options.metrics_key_sha256.clear();
  options.demo = true;
  Start(options);
  EXPECT_EQ(Client().Get("/metrics")->status, 200);
}

TEST_F(Endpoints, MetricsKeyHashComesFromTheConfigFile) {
  const std::string hash_file = dir_ / "metrics.sha256";
  {
    std::ofstream out(hash_file);
    out << Sha256Hex("scraper-key-0123456789abcdef") << "\n";
  }
  ServerOptions o;
  ASSERT_TRUE(ApplyServerConfig("metrics_key_hash: " + hash_file + "\n", "test.yaml", o).ok());
  EXPECT_EQ(o.metrics_key_sha256, Sha256Hex("scraper-key-0123456789abcdef"));
  const Status bad = ApplyServerConfig("metrics_key_hash: " + std::string(dir_ / "missing") + "\n", "test.yaml", o);
  EXPECT_EQ(bad.code(), StatusCode::kIOError) << bad.ToString();
}

TEST_F(Endpoints, DocumentIdsWithSlashesAreAddressedPercentEncoded) {
  Start();
  auto c = Client();
  const std::string anon = Key(Principal::Anonymous());
  const std::string doc = R"({"title": "Invoice archive rules", "body": "How the invoice archive keeps a PDF.",
                              "lang": "en", "visibility": ["public"]})";
  auto put = c.Put("/v1/documents/kb%2Fbilling%2Farchive?wait=true", Admin(), doc, "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 201) << put->body;
  auto found = Search(anon, {{"q", "archive"}});
  EXPECT_EQ(Ids(found), std::vector<std::string>{"kb/billing/archive"}) << found.dump();
  // The body may name the id too; it must be the decoded one.
  const std::string named = R"({"id": "kb/billing/archive", "title": "Invoice archive rules", "lang": "en",
                                "visibility": ["public"]})";
  EXPECT_EQ(c.Put("/v1/documents/kb%2fbilling%2farchive?wait=true", Admin(), named, "application/json")->status, 200)
      << "lower-case escapes decode alike; an update";
  auto related = c.Get("/v1/documents/kb%2Fbilling%2Farchive/related", Bearer(anon));
  ASSERT_EQ(related->status, 200) << related->body;
  EXPECT_EQ(Json(related)["id"], "kb/billing/archive");
  // An id ending in "/related" is a document, not the related endpoint.
  ASSERT_EQ(c.Put("/v1/documents/faq%2Frelated?wait=true", Admin(), doc, "application/json")->status, 201);
  EXPECT_EQ(c.Get("/v1/documents/faq%2Frelated", Bearer(anon))->status, 404) << "no GET of a document";
  auto faq = c.Get("/v1/documents/faq%2Frelated/related", Bearer(anon));
  ASSERT_EQ(faq->status, 200) << faq->body;
  EXPECT_EQ(Json(faq)["id"], "faq/related");
  // Decoded once: %252F is the three characters %2F in the id.
  ASSERT_EQ(c.Put("/v1/documents/odd%252Fid?wait=true", Admin(), doc, "application/json")->status, 201);
  EXPECT_EQ(c.Delete("/v1/documents/odd%252Fid?wait=true", Admin())->status, 204);
  // A literal '/' is not part of an id: no such endpoint.
  EXPECT_EQ(c.Put("/v1/documents/kb/billing/archive", Admin(), doc, "application/json")->status, 404);
  EXPECT_EQ(c.Delete("/v1/documents/kb/billing/archive", Admin())->status, 404);
  EXPECT_EQ(c.Get("/v1/documents/kb/billing/archive/related", Bearer(anon))->status, 404);
  // Malformed escapes and ids the library refuses: 400 naming the path.
  for (const char* path : {"/v1/documents/bad%zzid", "/v1/documents/bad%2", "/v1/documents/tab%09id",
                           "/v1/documents/nul%00id", "/v1/documents/%C3%28"}) {
    auto r = c.Put(path, Admin(), doc, "application/json");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path << " " << r->body;
    EXPECT_NE(r->body.find("path"), std::string::npos) << path << " " << r->body;
  }
  EXPECT_EQ(c.Get("/v1/documents/bad%zz/related", Bearer(anon))->status, 400);
  // Delete by the encoded id; then it is gone.
  EXPECT_EQ(c.Delete("/v1/documents/kb%2Fbilling%2Farchive?wait=true", Admin())->status, 204);
  EXPECT_EQ(c.Delete("/v1/documents/kb%2Fbilling%2Farchive", Admin())->status, 404);
  EXPECT_EQ(Search(anon, {{"q", "archive"}})["total"], 1) << "only faq/related is left";
}

TEST_F(Endpoints, SearchAnswersInTheCliShape) {
  Start();
  const auto r = Search(Key(Principal::Anonymous()), {{"q", "invoice"}, {"facet", "lang"}, {"facet", "tags"}});
  for (const char* key :
       {"query", "corrected_query", "suggestion", "total", "facets", "as_admin", "hits", "took_ms", "query_id"}) {
    EXPECT_TRUE(r.contains(key)) << key;
  }
  EXPECT_EQ(r["total"], 2);
  EXPECT_EQ(r["as_admin"], false);
  ASSERT_EQ(r["hits"].size(), 2u);
  for (const char* key :
       {"id", "title", "type", "lang", "score", "snippet", "url", "category", "updated_at", "matches", "weak"}) {
    EXPECT_TRUE(r["hits"][0].contains(key)) << key;
  }
  EXPECT_NE(r["hits"][0]["snippet"].get<std::string>().find("<mark>"), std::string::npos);
  auto raw = Client().Get("/v1/search?q=invoice", Bearer(Key(Principal::Anonymous())));
  EXPECT_EQ(raw->get_header_value("Cache-Control"), "no-store") << "answers depend on the key";
  EXPECT_NE(raw->get_header_value("Content-Type").find("application/json"), std::string::npos);
  EXPECT_EQ(r["facets"]["lang"].size(), 2u);
}

TEST_F(Endpoints, PostSearchTakesTheWireRequestAndNeverAPrincipal) {
  Start();
  const std::string anon = Key(Principal::Anonymous());
  auto ok = Client().Post("/v1/search", Bearer(anon), R"({"query": "invoice", "lang": "nl", "limit": 5})",
                          "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Ids(Json(ok)), std::vector<std::string>{"nl-invoice"});
  for (const char* body : {R"({"query": "invoice", "principal": {"admin": true}})", R"({"query": "x", "org": "acme"})",
                           R"({"query": 7})", "not json", R"({"query": "invoice", "limit": 101})"}) {
    auto bad = Client().Post("/v1/search", Bearer(anon), body, "application/json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400) << body;
    const auto error = Json(bad);
    ASSERT_TRUE(error.contains("error")) << bad->body;
    EXPECT_EQ(error["error"]["code"], "invalid_argument");
    EXPECT_FALSE(error["error"]["message"].get<std::string>().empty());
  }
}

TEST_F(Endpoints, KeyPrincipalIsEnforcedAndFiltersOnlyNarrow) {
  Start();
  EXPECT_EQ(Ids(Search(Key(As("", "globex", {})), {{"q", "agreement"}})), std::vector<std::string>{});
  EXPECT_EQ(Ids(Search(Key(As("", "acme", {})), {{"q", "agreement"}})), std::vector<std::string>{"acme-contract"});
  // A key fixed to Dutch: a request asking for English finds nothing rather than more.
  const std::string dutch = Key(Principal::Anonymous(), "lang=nl");
  EXPECT_EQ(Ids(Search(dutch, {{"q", "invoice"}})), std::vector<std::string>{"nl-invoice"});
  EXPECT_EQ(Search(dutch, {{"q", "invoice"}, {"filter", "lang=en"}})["total"], 0);
  EXPECT_EQ(Search(dutch, {{"q", "invoice"}, {"lang", "en"}})["total"], 0);
}

TEST_F(Endpoints, MissingExpiredTamperedAndUnknownKeysAre401) {
  Start();
  auto c = Client();
  auto none = c.Get("/v1/search?q=invoice");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Json(none)["error"]["code"], "unauthenticated");

  const std::string key = Key(Principal::Anonymous(), "", 60);
  EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer(key))->status, 200);
  std::string tampered = key;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer(tampered))->status, 401);
  EXPECT_EQ(c.Get("/v1/search?q=invoice", {{"Authorization", "Basic abc"}})->status, 401);
  EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer("pkb1.nosuchkey.e30.AAAA"))->status, 401);
  EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer(std::string(5000, 'x')))->status, 401);
  // Past httplib's header line limit (8 KiB) the request itself is refused.
  EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer(std::string(10000, 'x')))->status, 400);
  now_ += 61;
  auto expired = c.Get("/v1/search?q=invoice", Bearer(key));
  EXPECT_EQ(expired->status, 401);
  EXPECT_NE(Json(expired)["error"]["message"].get<std::string>().find("expired"), std::string::npos) << expired->body;
}

TEST_F(Endpoints, RotationAcceptsKeysOfEveryConfiguredSecret) {
  Start();
  EXPECT_EQ(Search(Key(Principal::Anonymous(), "", 60, "k1"), {{"q", "invoice"}})["total"], 2);
  EXPECT_EQ(Search(Key(Principal::Anonymous(), "", 60, "k2"), {{"q", "invoice"}})["total"], 2);
  StopServer();
  auto options = Options();
  options.key_secrets.erase("k1");  // k1 retired
  Start(options);
  EXPECT_EQ(Client().Get("/v1/search?q=invoice", Bearer(Key(Principal::Anonymous(), "", 60, "k1")))->status, 401);
  EXPECT_EQ(Search(Key(Principal::Anonymous(), "", 60, "k2"), {{"q", "invoice"}})["total"], 2);
}

TEST_F(Endpoints, AdminEndpointsNeedTheAdminKey) {
  Start();
  auto c = Client();
  const std::string search_key = Key(As("", "acme", {"editor"}));
  for (const char* path : {"/v1/stats", "/v1/synonyms", "/v1/settings", "/v1/reports/summary"}) {
    EXPECT_EQ(c.Get(path, Bearer(search_key))->status, 403) << path;
    EXPECT_EQ(c.Get(path)->status, 401) << path;
    EXPECT_EQ(c.Get(path, Bearer("wrong-admin-key-0123456789"))->status, 401) << path;
    EXPECT_EQ(c.Get(path, Admin())->status, 200) << path;
  }
  EXPECT_EQ(c.Put("/v1/documents/x", Bearer(search_key), "{}", "application/json")->status, 403);
  EXPECT_EQ(c.Delete("/v1/documents/en-invoice", Bearer(search_key))->status, 403);
  auto stats = Json(c.Get("/v1/stats", Admin()));
  EXPECT_EQ(stats["documents"], 4);
  // The admin key searches as admin and says so.
  auto admin_search = Json(c.Get("/v1/search?q=agreement", Admin()));
  EXPECT_EQ(admin_search["as_admin"], true);
  EXPECT_EQ(Ids(admin_search), std::vector<std::string>{"acme-contract"});
}

TEST_F(Endpoints, WithoutKeysAdminIsDisabledAndSearchesAre401) {
  auto options = Options();
  options.admin_key_sha256.clear();
  options.key_secrets.clear();
  Start(options);
  EXPECT_NE(Log().find("admin endpoints are disabled"), std::string::npos) << Log();
  auto c = Client();
  EXPECT_EQ(c.Get("/v1/search?q=invoice")->status, 401);
  EXPECT_EQ(c.Get("/v1/stats", Admin())->status, 401);
  EXPECT_EQ(c.Get("/v1/stats")->status, 401);
}

TEST_F(Endpoints, DemoModeSearchesAnonymouslyWithoutAKey) {
  auto options = Options();
  options.admin_key_sha256.clear();
  options.key_secrets.clear();
  options.demo = true;
  Start(options);
  EXPECT_NE(Log().find("demo mode"), std::string::npos);
  auto c = Client();
  auto r = Json(c.Get("/v1/search?q=agreement"));
  EXPECT_EQ(r["total"], 0) << "anonymous does not see org documents";
  auto principals = Json(c.Get("/v1/demo/principals"));
  ASSERT_EQ(principals["principals"].size(), 5u) << principals.dump();
  for (const auto& p : principals["principals"]) {
    EXPECT_EQ(c.Get("/v1/search?q=invoice", Bearer(p["key"].get<std::string>()))->status, 200) << p.dump();
  }
  EXPECT_EQ(c.Get("/v1/stats")->status, 403);
  auto page = c.Get("/");
  EXPECT_NE(page->body.find("const DEMO = true"), std::string::npos);
}

TEST_F(Endpoints, PutIsVisibleAtOnceWithWaitAndWithinTheCommitIntervalWithout) {
  auto options = Options();
  options.commit_interval_ms = 60000;  // so only wait=true can make it visible in this test
  Start(options);
  auto c = Client();
  const std::string anon = Key(Principal::Anonymous());
  const std::string doc = R"({"title": "Zebra crossing rules", "body": "How zebra crossings work.",
                              "lang": "en", "visibility": ["public"]})";
  auto put = c.Put("/v1/documents/zebra", Admin(), doc, "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 201) << put->body;
  EXPECT_EQ(Search(anon, {{"q", "zebra"}})["total"], 0) << "not committed yet";
  auto put2 = c.Put("/v1/documents/zebra2?wait=true", Admin(),
                    R"({"title": "Zebra stripes", "lang": "en", "visibility": ["public"]})", "application/json");
  ASSERT_EQ(put2->status, 201) << put2->body;
  EXPECT_EQ(Search(anon, {{"q", "zebra"}})["total"], 2) << "wait=true commits both pending changes";

  StopServer();
  options.commit_interval_ms = 100;
  Start(options);
  ASSERT_EQ(Client()
                .Put("/v1/documents/okapi", Admin(), R"({"title": "Okapi", "lang": "en", "visibility": ["public"]})",
                     "application/json")
                ->status,
            201);
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    seen = Search(anon, {{"q", "okapi"}})["total"] == 1;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(seen) << "the background commit makes it visible";
}

TEST_F(Endpoints, SearchesDoNotWaitForAWriteInProgress) {
  Start();
  std::string ndjson;
  for (int i = 0; i < 4000; ++i) {
    ndjson += R"({"id": "bulk-)" + std::to_string(i) + R"(", "title": "Bulk article )" + std::to_string(i) +
              R"( about gardening", "body": "Soil, seeds and water for article )" + std::to_string(i) +
              R"(.", "lang": "en", "visibility": ["public"]})"
              "\n";
  }
  std::atomic<bool> batch_done{false};
  double batch_ms = 0;
  std::thread writer([&] {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = Client().Post("/v1/documents?wait=true", Admin(), ndjson, "application/x-ndjson");
    batch_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(r && r->status == 200);
    batch_done = true;
  });
  // Searches while the batch is written answer at once from the last commit
  // (no gardening yet). A search that waited for the writer would take most
  // of the batch's time and then see all 4000.
  const std::string anon = Key(Principal::Anonymous());
  int answered_during_write = 0;
  double slowest_ms = 0;
  while (!batch_done) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = Search(anon, {{"q", "gardening"}, {"limit", "1"}});
    slowest_ms =
        std::max(slowest_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!batch_done && r["total"] == 0) ++answered_during_write;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // well under the rate limit
  }
  writer.join();
  EXPECT_GE(answered_during_write, 1);
  EXPECT_LT(slowest_ms, batch_ms / 3) << "a search was held up by the write";
  // Without facets the count stops at the count limit; with them it is exact.
  const auto after = Search(anon, {{"q", "gardening"}, {"limit", "1"}});
  EXPECT_EQ(after["total"], 1000);
  EXPECT_EQ(after["total_exact"], false);
  const auto counted = Search(anon, {{"q", "gardening"}, {"limit", "1"}, {"facet", "type"}});
  EXPECT_EQ(counted["total"], 4000);
  EXPECT_EQ(counted["total_exact"], true);
}

TEST_F(Endpoints, DocumentWritesReportErrorsPerDocumentAndLine) {
  Start();
  auto c = Client();
  auto mismatch = c.Put("/v1/documents/a?wait=true", Admin(),
                        R"({"id": "b", "title": "T", "lang": "en", "visibility": ["public"]})", "application/json");
  EXPECT_EQ(mismatch->status, 400);
  auto invalid = c.Put("/v1/documents/a?wait=true", Admin(), R"({"title": "T", "lang": "en", "visibility": []})",
                       "application/json");
  EXPECT_EQ(invalid->status, 400) << invalid->body;
  auto replaced =
      c.Put("/v1/documents/en-invoice?wait=true", Admin(),
            R"({"title": "Download an invoice", "lang": "en", "visibility": ["public"]})", "application/json");
  EXPECT_EQ(replaced->status, 200) << replaced->body;

  const std::string ndjson = R"({"id": "b1", "title": "Batch one walrus", "lang": "en", "visibility": ["public"]})"
                             "\n{not json\n"
                             R"({"id": "b3", "title": "Batch three walrus", "lang": "en", "visibility": ["public"]})"
                             "\n\n"
                             R"({"id": "b5", "title": "No grants", "lang": "en", "visibility": []})"
                             "\n";
  auto batch = c.Post("/v1/documents?wait=true", Admin(), ndjson, "application/x-ndjson");
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->status, 200) << batch->body;
  const auto report = Json(batch);
  EXPECT_EQ(report["added"], 2) << report.dump();
  ASSERT_EQ(report["rejected"].size(), 2u) << report.dump();
  EXPECT_EQ(report["rejected"][0]["line"], 2);
  EXPECT_EQ(report["rejected"][1]["line"], 5);
  EXPECT_EQ(Search(Key(Principal::Anonymous()), {{"q", "walrus"}})["total"], 2);

  EXPECT_EQ(c.Delete("/v1/documents/b1?wait=true", Admin())->status, 204);
  EXPECT_EQ(c.Delete("/v1/documents/b1?wait=true", Admin())->status, 404);
  EXPECT_EQ(Search(Key(Principal::Anonymous()), {{"q", "walrus"}})["total"], 1);
}

TEST_F(Endpoints, SynonymsSettingsReportsAndStats) {
  Start();
  auto c = Client();
  const std::string anon = Key(Principal::Anonymous());
  EXPECT_EQ(Search(anon, {{"q", "receipt"}, {"lang", "en"}})["total"], 0);
  auto put = c.Put("/v1/synonyms?lang=en&wait=true", Admin(), R"([{"lang": "en", "rule": "receipt, invoice"}])",
                   "application/json");
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(Search(anon, {{"q", "receipt"}, {"lang", "en"}})["total"], 1);
  auto rules = Json(c.Get("/v1/synonyms", Admin()));
  ASSERT_EQ(rules.size(), 1u) << rules.dump();
  EXPECT_EQ(c.Put("/v1/synonyms?lang=nl", Admin(), R"([{"lang": "en", "rule": "a, b"}])", "application/json")->status,
            400);

  auto settings = c.Put("/v1/settings?wait=true", Admin(), R"({"typo.enabled": false})", "application/json");
  ASSERT_EQ(settings->status, 200) << settings->body;
  auto listed = Json(c.Get("/v1/settings", Admin()));
  EXPECT_EQ(listed["settings"]["typo.enabled"], "false") << listed.dump();
  EXPECT_EQ(c.Put("/v1/settings", Admin(), R"({"no.such": 1})", "application/json")->status, 400);

  Search(anon, {{"q", "nothingmatchesthis"}});
  ASSERT_NE(server_, nullptr);
  // Analytics writes in the background; give it its flush interval.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto json = c.Get("/v1/reports/zero-results", Admin());
  ASSERT_EQ(json->status, 200) << json->body;
  EXPECT_NE(json->body.find("nothingmatchesthis"), std::string::npos) << json->body;
  auto csv = c.Get("/v1/reports/zero-results?format=csv", Admin());
  EXPECT_NE(csv->get_header_value("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv->body.find("nothingmatchesthis"), std::string::npos);
  auto html = c.Get("/v1/reports/zero-results", {{"Authorization", "Bearer " + kAdminKey}, {"Accept", "text/html"}});
  EXPECT_NE(html->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_EQ(c.Get("/v1/reports/no-such-kind", Admin())->status, 400);
  EXPECT_EQ(c.Get("/v1/reports/summary?format=xml", Admin())->status, 400);
}

TEST_F(Endpoints, SuggestRelatedAndEvents) {
  Start();
  auto c = Client();
  const std::string anon = Key(As("", "", {"customer"}));
  auto suggest = Json(c.Get("/v1/suggest?q=reset%20pass", Bearer(anon)));
  ASSERT_TRUE(suggest.contains("suggestions")) << suggest.dump();
  ASSERT_FALSE(suggest["suggestions"].empty());
  EXPECT_EQ(suggest["suggestions"][0]["text"], "Reset your password");
  auto related = c.Get("/v1/documents/en-invoice/related", Bearer(anon));
  ASSERT_EQ(related->status, 200) << related->body;
  EXPECT_EQ(Json(related)["id"], "en-invoice");
  EXPECT_EQ(c.Get("/v1/documents/acme-contract/related", Bearer(anon))->status, 404) << "hidden looks missing";

  const auto search = Search(anon, {{"q", "invoice"}});
  const std::string qid = search["query_id"];
  ASSERT_FALSE(qid.empty());
  const std::string click = R"({"query_id": ")" + qid + R"(", "doc_id": "en-invoice", "position": 1})";
  EXPECT_EQ(c.Post("/v1/events/click", Bearer(anon), click, "application/json")->status, 200);
  const std::string feedback = R"({"query_id": ")" + qid + R"(", "doc_id": "en-invoice", "helpful": true})";
  EXPECT_EQ(c.Post("/v1/feedback", Bearer(anon), feedback, "application/json")->status, 200);
  EXPECT_EQ(
      c.Post("/v1/events/support-contact", Bearer(anon), R"({"query_id": ")" + qid + "\"}", "application/json")->status,
      200);
  // The body cannot name who did it.
  const std::string named = R"({"query_id": ")" + qid + R"(", "doc_id": "en-invoice", "position": 1, "user": "bob"})";
  EXPECT_EQ(c.Post("/v1/events/click", Bearer(anon), named, "application/json")->status, 400);
  // Another principal cannot log events on this principal's search.
  const std::string other = Key(As("mallory", "globex", {"customer"}));
  EXPECT_EQ(c.Post("/v1/events/click", Bearer(other), click, "application/json")->status, 403);
  EXPECT_EQ(c.Post("/v1/events/click", Bearer(anon), R"({"doc_id": "x", "position": 1})", "application/json")->status,
            400);
  EXPECT_EQ(c.Post("/v1/events/click", Bearer(anon), click, "application/json")->status, 200);
}

TEST_F(Endpoints, LimitsAreRefusedNamingTheLimit) {
  auto options = Options();
  options.limits.max_body_bytes = 1000;
  Start(options);
  auto c = Client();
  const std::string anon = Key(Principal::Anonymous());
  auto big = c.Post("/v1/search", Bearer(anon), "{\"query\": \"" + std::string(2000, 'a') + "\"}", "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(Json(big)["error"]["message"].get<std::string>().find("1000"), std::string::npos) << big->body;
  struct Case {
    httplib::Params params;
    const char* names;
  };
  const Case cases[] = {
      {{{"q", std::string(1025, 'a')}}, "q"},      {{{"q", "x"}, {"limit", "101"}}, "limit"},
      {{{"q", "x"}, {"limit", "-1"}}, "limit"},    {{{"q", "x"}, {"offset", "10001"}}, "offset"},
      {{{"q", "x"}, {"typos", "maybe"}}, "typos"},
  };
  for (const auto& cs : cases) {
    auto r = c.Get("/v1/search", cs.params, Bearer(anon));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << cs.names;
    EXPECT_NE(Json(r)["error"]["message"].get<std::string>().find(cs.names), std::string::npos) << r->body;
  }
  httplib::Params facets = {{"q", "x"}};
  for (int i = 0; i < 11; ++i) facets.emplace("facet", "f" + std::to_string(i));
  auto many = c.Get("/v1/search", facets, Bearer(anon));
  EXPECT_EQ(many->status, 400);
  EXPECT_NE(many->body.find("limit of 10"), std::string::npos) << many->body;
  EXPECT_EQ(c.Get("/v1/search?q=x&filter=updated_at%3E%3Dnotadate", Bearer(anon))->status, 400) << "malformed filter";
  EXPECT_EQ(c.Get("/v1/nope")->status, 404);
  EXPECT_EQ(Json(c.Get("/v1/nope"))["error"]["code"], "not_found");
  EXPECT_NE(
      c.Get("/metrics", Admin())->body.find("portalkb_http_requests_total{endpoint=\"unmatched\",status=\"404\"} 2"),
      std::string::npos);
}

TEST_F(Endpoints, RateLimitsPerKeyAndPerClientAnswer429WithRetryAfter) {
  auto options = Options();
  options.per_key = {0.1, 2};
  Start(options);
  auto c = Client();
  const std::string a = Key(As("a", "", {}));
  const std::string b = Key(As("b", "", {}));
  EXPECT_EQ(c.Get("/v1/search?q=x", Bearer(a))->status, 200);
  EXPECT_EQ(c.Get("/v1/search?q=x", Bearer(a))->status, 200);
  auto limited = c.Get("/v1/search?q=x", Bearer(a));
  EXPECT_EQ(limited->status, 429);
  EXPECT_GE(std::stoi(limited->get_header_value("Retry-After")), 1);
  EXPECT_EQ(Json(limited)["error"]["code"], "resource_exhausted");
  EXPECT_EQ(c.Get("/v1/search?q=x", Bearer(b))->status, 200) << "another key has its own bucket";

  StopServer();
  options = Options();
  options.per_client = {0.1, 3};
  Start(options);
  // Start() used one request on /healthz.
  auto c2 = Client();
  EXPECT_EQ(c2.Get("/v1/search?q=x", Bearer(a))->status, 200);
  EXPECT_EQ(c2.Get("/v1/search?q=x", Bearer(b))->status, 200);
  EXPECT_EQ(c2.Get("/v1/search?q=x", Bearer(b))->status, 429) << "same address, any key";
}

TEST_F(Endpoints, CorsOnlyForConfiguredOrigins) {
  auto options = Options();
  options.cors_origins = {"https://portal.example"};
  Start(options);
  auto c = Client();
  const std::string anon = Key(Principal::Anonymous());
  auto allowed = c.Get("/v1/search?q=x", {{"Authorization", "Bearer " + anon}, {"Origin", "https://portal.example"}});
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "https://portal.example");
  auto other = c.Get("/v1/search?q=x", {{"Authorization", "Bearer " + anon}, {"Origin", "https://evil.example"}});
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  auto preflight =
      c.Options("/v1/search", {{"Origin", "https://portal.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "https://portal.example");
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
}

TEST_F(Endpoints, AccessLogNamesTheKeyIdNeverTheKeyAndRedactsQueries) {
  Start();
  const std::string key = Key(As("jan", "acme", {}));
  Search(key, {{"q", "invoice jan.jansen@example.com"}});
  ASSERT_EQ(
      Client().Post("/v1/search", Bearer(key), R"({"query": "call +31 20 123 4567"})", "application/json")->status,
      200);
  const std::string log = Log();
  EXPECT_EQ(log.find("123 4567"), std::string::npos) << log;
  EXPECT_NE(log.find("call [phone]"), std::string::npos) << log;
  EXPECT_EQ(log.find(key), std::string::npos);
  EXPECT_EQ(log.find("jan.jansen@example.com"), std::string::npos) << log;
  EXPECT_NE(log.find("[email]"), std::string::npos) << log;
  EXPECT_NE(log.find("\"key_id\":\"k1\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"status\":200"), std::string::npos) << log;
}

TEST_F(Endpoints, HostileRequestsGetAnErrorBodyNeverA500) {
  Start();
  auto c = Client();
  const std::string anon = Key(Principal::Anonymous());
  std::mt19937 rng(11);
  auto noise = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(rng() % 256);
    return s;
  };
  const std::vector<std::string> bodies = {"",
                                           "{",
                                           "[]",
                                           "null",
                                           "{\"query\": {\"a\": 1}}",
                                           std::string(5000, '['),
                                           "{\"query\": \"\xff\xfe\"}",
                                           R"({"query": "a", "limit": 1e300})",
                                           R"({"query_id": 1, "doc_id": [], "position": -5})"};
  for (int round = 0; round < 30; ++round) {
    std::vector<std::string> all = bodies;
    all.push_back(noise(1 + rng() % 300));
    for (const auto& body : all) {
      for (const char* path :
           {"/v1/search", "/v1/events/click", "/v1/feedback", "/v1/events/support-contact", "/v1/documents"}) {
        auto r =
            c.Post(path, Bearer(std::string(path) == "/v1/documents" ? kAdminKey : anon), body, "application/json");
        ASSERT_TRUE(r) << path;
        EXPECT_LT(r->status, 500) << path << " " << r->body;
        if (r->status >= 400) {
          EXPECT_TRUE(Json(r).contains("error")) << path << " " << r->body;
        }
      }
      for (const char* path : {"/v1/documents/x", "/v1/settings", "/v1/synonyms"}) {
        auto r = c.Put(path, Admin(), body, "application/json");
        ASSERT_TRUE(r) << path;
        EXPECT_LT(r->status, 500) << path << " " << r->body;
      }
    }
    httplib::Params params;
    for (const char* name : {"q", "filter", "facet", "sort", "lang", "limit", "offset", "typos"}) {
      if (rng() % 2) params.emplace(name, noise(rng() % 40));
    }
    for (const char* path : {"/v1/search", "/v1/suggest", "/v1/documents/en-invoice/related", "/v1/reports/summary"}) {
      auto r = c.Get(path, params, std::string(path) == "/v1/reports/summary" ? Admin() : Bearer(anon));
      ASSERT_TRUE(r) << path;
      EXPECT_LT(r->status, 500) << path << " " << r->body;
    }
  }
}

// A request whose body is still arriving when Stop() is called is answered,
// and a write not yet committed is committed on the way out.
TEST_F(Endpoints, GracefulShutdownFinishesInFlightRequestsAndCommits) {
  Start();
  ASSERT_EQ(Client()
                .Put("/v1/documents/late", Admin(),
                     R"({"title": "Late capybara", "lang": "en", "visibility": ["public"]})", "application/json")
                ->status,
            201);
  const std::string body = R"({"query": "invoice"})";
  const std::string head = "POST /v1/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           Key(Principal::Anonymous()) +
                           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n";
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  ASSERT_EQ(::send(fd, body.data(), 5, 0), 5);  // half a body: the request is in flight
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::thread stopper([this] { server_->Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(::send(fd, body.data() + 5, body.size() - 5, 0), static_cast<ssize_t>(body.size() - 5));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  stopper.join();
  thread_.join();
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response.substr(0, 200);
  EXPECT_NE(response.find("\"total\":2"), std::string::npos) << response.substr(0, 400);
  EXPECT_TRUE(run_status_.ok()) << run_status_.ToString();
  server_.reset();
  // The pending PUT was committed by the shutdown.
  auto engine = Engine::Open(db());
  ASSERT_TRUE(engine.ok());
  SearchRequest request;
  request.query = "capybara";
  EXPECT_EQ(engine.value()->Search(request)->total, 1u);
  // And nothing listens any more.
  httplib::Client late("127.0.0.1", ntohs(addr.sin_port));
  late.set_connection_timeout(1, 0);
  EXPECT_FALSE(late.Get("/healthz"));
}

TEST_F(Endpoints, ServesHttpsWithASelfSignedCertificate) {
  const std::string cert = dir_ / "cert.pem";
  const std::string key = dir_ / "key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "the openssl command could not make a certificate";
  auto options = Options();
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  auto created = Server::Create(options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  server_ = std::move(created).value();
  thread_ = std::thread([this] { run_status_ = server_->Run(); });
  EXPECT_EQ(server_->url().rfind("https://", 0), 0u);
  httplib::SSLClient tls("127.0.0.1", server_->port());
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  auto r = tls.Get("/v1/search?q=invoice", Bearer(Key(Principal::Anonymous())));
  for (int i = 0; i < 100 && !r; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    r = tls.Get("/v1/search?q=invoice", Bearer(Key(Principal::Anonymous())));
  }
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["total"], 2);
  // Plain HTTP to the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/healthz");
  EXPECT_TRUE(!p || p->status != 200);

  options.tls_key_file = cert;       // not a key
  options.admin_key_sha256.clear();  // the running server holds the writer
  EXPECT_EQ(Server::Create(options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portalkb::server
