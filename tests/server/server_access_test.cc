// Planted-secret access checks through HTTP, with scoped search keys and with
// session tokens: the tests/access/access_test.cc cases, asked over the wire.
// A word that occurs only in a restricted document never reaches another
// principal's key or session: not as a hit, a total, a facet value, a
// snippet, a suggestion, a correction, a related document, or a report.
#include <algorithm>

#include "server_fixture.h"

namespace portalkb::server {
namespace {

// How a caller proves who it is: a scoped search key, or a session token from
// POST /v1/login. Both must hold the same line.
enum class Credential { kScopedKey, kSession };

class PlantedSecretBase : public ServerTest {
 protected:
  void Plant(Credential credential) {
    credential_ = credential;
    Document secret = Doc("secret", "Zephyrquartz merger plan", "The zephyrquartz acquisition closes in March. Topic.",
                          {"org:acme/role:finance"});
    secret.type = DocumentType::kDocument;
    secret.tags = {"zephyrquartz"};
    secret.category = "Zephyrquartz/Plans";
    secret.attributes["project"] = {"zephyrquartz"};
    Index({secret, Doc("pub", "Quarterly topic overview", "A public article about the topic and quarterly reports.",
                       {"public"})});
    if (credential_ == Credential::kSession) {
      EnableAccounts();
      auto accounts = OpenAccounts();
      ASSERT_NE(accounts, nullptr);
      for (const char* org : {"acme", "globex"}) ASSERT_TRUE(accounts->AddOrganisation({org, org, "", 0}).ok());
      for (const char* role : {"customer", "finance"}) ASSERT_TRUE(accounts->AddRole({role, ""}).ok());
      Start(AccountOptions());
    } else {
      Start();
    }
    outsider_ = Caller("eve", "globex", {"finance", "customer"});
    insider_ = Caller("ann", "acme", {"finance"});
  }

  // A credential for `user` of `org` with `roles`: a scoped key, or a new
  // account of that user and a session it logged in to.
  std::string Caller(const std::string& user, const std::string& org, const std::vector<std::string>& roles) {
    if (credential_ == Credential::kScopedKey) return Key(As(user, org, roles));
    auto accounts = OpenAccounts();
    if (accounts == nullptr) return "";
    const std::string email = user + "@" + org + ".example";
    if (AddUser(*accounts, org, email, roles).empty()) return "";
    const std::string token = Login(email, kPassword);
    EXPECT_FALSE(token.empty()) << email;
    return token;
  }

  Credential credential_ = Credential::kScopedKey;
  std::string outsider_;
  std::string insider_;
};

class HttpPlantedSecret : public PlantedSecretBase, public ::testing::WithParamInterface<Credential> {
 protected:
  void SetUp() override { Plant(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Credentials, HttpPlantedSecret,
                         ::testing::Values(Credential::kScopedKey, Credential::kSession),
                         [](const ::testing::TestParamInfo<Credential>& info) {
                           return info.param == Credential::kScopedKey ? "ScopedKey" : "Session";
                         });

// A key's fixed filter is a scoped-key feature: sessions carry none.
class HttpPlantedSecretKey : public PlantedSecretBase {
 protected:
  void SetUp() override { Plant(Credential::kScopedKey); }
};

TEST_P(HttpPlantedSecret, NeverInHitsTotalsOrSnippets) {
  for (const char* q :
       {"zephyrquartz", "zephyrquarts", "zephyr", "\"zephyrquartz acquisition\"", "merger plan", "topic"}) {
    const auto r = Search(outsider_, {{"q", q}});
    for (const auto& h : r["hits"]) {
      EXPECT_NE(h["id"], "secret") << q;
      EXPECT_EQ(h["snippet"].get<std::string>().find("ephyrquartz"), std::string::npos) << q;
      for (const auto& m : h["matches"]) EXPECT_EQ(m["matched"].get<std::string>().find("zephyr"), std::string::npos);
    }
    EXPECT_EQ(r["total"], r["hits"].size()) << q;
    // The whole answer but the echoed query: nothing of the secret anywhere.
    nlohmann::json rest = r;
    rest.erase("query");
    const std::string text = rest.dump();
    EXPECT_EQ(text.find("ephyrquartz"), std::string::npos) << text;
    EXPECT_EQ(text.find("merger"), std::string::npos) << text;
  }
  EXPECT_EQ(Ids(Search(insider_, {{"q", "zephyrquartz"}})), std::vector<std::string>{"secret"})
      << "the control: the owner does see it";
}

TEST_P(HttpPlantedSecret, RequestParametersCannotWidenTheKey) {
  // Filters, facets, sort and language only ever narrow; a body cannot carry a principal.
  for (const httplib::Params& p :
       std::vector<httplib::Params>{{{"q", "zephyrquartz"}, {"filter", "org=acme"}},
                                    {{"q", "zephyrquartz"}, {"filter", "!type=article"}},
                                    {{"q", "zephyrquartz"}, {"filter", "project=zephyrquartz"}},
                                    {{"q", "zephyrquartz"}, {"filter", "tags=zephyrquartz|x"}},
                                    {{"q", "zephyrquartz"}, {"sort", "updated_at"}}}) {
    EXPECT_EQ(Search(outsider_, p)["total"], 0);
  }
  for (const char* body : {R"({"query": "zephyrquartz", "principal": {"org": "acme", "roles": ["finance"]}})",
                           R"({"query": "zephyrquartz", "admin": true})",
                           R"({"query": "zephyrquartz", "roles": ["finance"], "org": "acme"})"}) {
    auto r = Client().Post("/v1/search", Bearer(outsider_), body, "application/json");
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_EQ(r->body.find("secret\""), std::string::npos);
  }
  // Query-string principal parameters are not read either.
  EXPECT_EQ(
      Search(outsider_, {{"q", "zephyrquartz"}, {"org", "acme"}, {"role", "finance"}, {"as-admin", "1"}})["total"], 0);
}

TEST_P(HttpPlantedSecret, NeverInFacets) {
  httplib::Params p = {{"q", "topic"}};
  for (const char* f : {"type", "tags", "category", "org", "project", "lang"}) p.emplace("facet", f);
  const auto r = Search(outsider_, p);
  for (const auto& [field, counts] : r["facets"].items()) {
    for (const auto& c : counts) {
      EXPECT_EQ(c["value"].get<std::string>().find("ephyrquartz"), std::string::npos) << field;
      EXPECT_NE(c["value"], "acme") << field;
      EXPECT_NE(c["value"], "document") << field;
    }
  }
  EXPECT_EQ(r["total"], 1);
  ASSERT_TRUE(r["facets"].contains("type"));
  EXPECT_EQ(r["facets"]["type"][0]["count"], 1);
}

TEST_P(HttpPlantedSecret, NeverACorrection) {
  const auto r = Search(outsider_, {{"q", "zephyrquartzz plan"}});
  EXPECT_TRUE(r["corrected_query"].is_null() ||
              r["corrected_query"].get<std::string>().find("zephyr") == std::string::npos);
  EXPECT_TRUE(r["suggestion"].is_null() || r["suggestion"].get<std::string>().find("zephyr") == std::string::npos);
  for (const auto& id : Ids(r)) EXPECT_NE(id, "secret");
  EXPECT_EQ(Ids(Search(insider_, {{"q", "zephyrqvartz"}})), std::vector<std::string>{"secret"}) << "the control";
}

TEST_P(HttpPlantedSecret, NeverASuggestionOrARelatedDocument) {
  auto c = Client();
  auto suggest = Json(c.Get("/v1/suggest?q=zeph", Bearer(outsider_)));
  EXPECT_TRUE(suggest["suggestions"].empty()) << suggest.dump();
  auto related = c.Get("/v1/documents/pub/related?limit=10", Bearer(outsider_));
  ASSERT_EQ(related->status, 200) << related->body;
  EXPECT_EQ(related->body.find("\"secret\""), std::string::npos) << related->body;
  auto hidden = c.Get("/v1/documents/secret/related", Bearer(outsider_));
  EXPECT_EQ(hidden->status, 404) << "a hidden document is indistinguishable from a missing one";
  auto missing = c.Get("/v1/documents/no-such-doc/related", Bearer(outsider_));
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json(hidden)["error"]["code"], Json(missing)["error"]["code"]);
  EXPECT_EQ(c.Get("/v1/documents/secret/related", Bearer(insider_))->status, 200) << "the control";
}

TEST_P(HttpPlantedSecret, FrequentQueriesAreSuggestedOnlyWhereTheyFindSomethingVisible) {
  auto c = Client();
  // Several distinct people per query (keys of distinct users), each clicking.
  for (int i = 0; i < 4; ++i) {
    const std::string in = Caller("ann" + std::to_string(i), "acme", {"finance"});
    const std::string out = Caller("eve" + std::to_string(i), "globex", {"finance", "customer"});
    for (const auto& [key, query] : std::vector<std::pair<std::string, std::string>>{{in, "zephyrquartz acquisition"},
                                                                                     {out, "quarterly reports"}}) {
      const auto r = Search(key, {{"q", query}, {"session", "s" + std::to_string(i)}});
      ASSERT_FALSE(r["hits"].empty()) << query;
      const std::string click = R"({"query_id": ")" + r["query_id"].get<std::string>() + R"(", "doc_id": ")" +
                                r["hits"][0]["id"].get<std::string>() + R"(", "position": 1})";
      ASSERT_EQ(c.Post("/v1/events/click", Bearer(key), click, "application/json")->status, 200);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the analytics flush interval
  auto texts = [&](const std::string& key, const std::string& prefix) {
    std::vector<std::string> out;
    const auto s = Json(c.Get("/v1/suggest", {{"q", prefix}}, Bearer(key)));
    for (const auto& item : s["suggestions"])
      out.push_back(item["kind"].get<std::string>() + ":" + item["text"].get<std::string>());
    return out;
  };
  EXPECT_TRUE(texts(outsider_, "zeph").empty());
  EXPECT_EQ(texts(insider_, "zeph"), (std::vector<std::string>{"query:zephyrquartz acquisition"}));
  const auto quarterly = texts(outsider_, "quarterly re");
  EXPECT_NE(std::find(quarterly.begin(), quarterly.end(), "query:quarterly reports"), quarterly.end());
}

TEST_P(HttpPlantedSecret, ReportsAreForTheAdminKeyOnly) {
  auto c = Client();
  Search(insider_, {{"q", "zephyrquartz"}});
  for (const char* kind : {"zero-results", "summary", "top-queries", "content-gaps", "feedback"}) {
    auto r = c.Get(std::string("/v1/reports/") + kind, Bearer(outsider_));
    EXPECT_EQ(r->status, 403) << kind;
    EXPECT_EQ(r->body.find("zephyr"), std::string::npos) << kind;
    EXPECT_EQ(c.Get(std::string("/v1/reports/") + kind, Bearer(insider_))->status, 403) << kind;
  }
  EXPECT_EQ(c.Get("/v1/reports/top-queries", Admin())->status, 200);
  // Filters are exact values, never patterns: '%' is refused, a role prefix matches nothing.
  EXPECT_EQ(c.Get("/v1/reports/top-queries?role=%25", Admin())->status, 400);
  auto prefix = c.Get("/v1/reports/top-queries?role=fin", Admin());
  ASSERT_EQ(prefix->status, 200);
  EXPECT_EQ(prefix->body.find("zephyr"), std::string::npos);
}

TEST_F(HttpPlantedSecretKey, AKeyWithAFixedFilterIsHeldToIt) {
  // An insider key fixed to articles only does not find the secret document.
  const std::string articles_only = Key(As("ann", "acme", {"finance"}), "type=article");
  EXPECT_EQ(Search(articles_only, {{"q", "zephyrquartz"}})["total"], 0);
  EXPECT_EQ(Search(articles_only, {{"q", "zephyrquartz"}, {"filter", "type=document"}})["total"], 0);
  EXPECT_EQ(Search(articles_only, {{"q", "topic"}})["total"], 1);
  // Related documents are narrowed inside the engine as searches are
  // (HttpRelatedNarrowing shows it on an index large enough for "like").
  auto narrowed = Client().Get("/v1/documents/pub/related?limit=10", Bearer(articles_only));
  ASSERT_EQ(narrowed->status, 200) << narrowed->body;
  EXPECT_EQ(narrowed->body.find("\"secret\""), std::string::npos) << narrowed->body;
  EXPECT_EQ(narrowed->body.find("ephyrquartz"), std::string::npos) << narrowed->body;
  // A source outside the key's filter does not exist for it.
  EXPECT_EQ(Client().Get("/v1/documents/secret/related", Bearer(articles_only))->status, 404);
  EXPECT_EQ(Client().Get("/v1/documents/secret/related", Bearer(insider_))->status, 200) << "the control";
}

// Related documents for a key with a fixed filter: only documents within the
// filter, however many others are like the source.
class HttpRelatedNarrowing : public ServerTest {
 protected:
  void SetUp() override {
    // "Like" needs words that set documents apart: four on quarterly
    // invoices, and others on other topics.
    Document guide = Doc("billing-guide", "Quarterly invoice guide",
                         "Quarterly invoices explained: payment terms, invoice periods and reminders.", {"public"});
    guide.category = "Billing";
    Document faq = Doc("billing-faq", "Invoice questions",
                       "Questions on quarterly invoices, payment terms and reminders.", {"public"});
    faq.category = "Billing";
    Document howto = Doc("billing-howto", "How quarterly invoices work",
                         "How quarterly invoices, payment terms and invoice periods work.", {"public"});
    howto.category = "Help";
    Document contract = Doc("acme-contract", "Acme quarterly invoice contract",
                            "The quarterly invoices of Acme: payment terms, invoice periods, reminders.", {"org:acme"});
    contract.type = DocumentType::kDocument;
    contract.category = "Billing";
    std::vector<Document> docs = {guide, faq, howto, contract};
    const char* others[] = {
        "Reset a forgotten password with the login link.",    "Apply for a parking permit near the office.",
        "Track a parcel delivery and change the address.",    "Return an item within thirty days for a refund.",
        "Change the language of the portal in the settings.", "Download the mobile app for notifications."};
    for (int i = 0; i < 6; ++i) {
      Document other = Doc("other-" + std::to_string(i), std::string("Topic ") + others[i], others[i], {"public"});
      other.category = "Help";
      docs.push_back(other);
    }
    Index(docs);
    Start();
  }
  // The ids of GET `path`'s related documents, sorted; expects `status`.
  std::vector<std::string> Related(const std::string& key, const std::string& path, int status = 200) {
    auto r = Client().Get(path, Bearer(key));
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, status) << path << " " << r->body;
    std::vector<std::string> ids;
    const auto answer = Json(r);
    if (answer.is_object() && answer.contains("related")) {
      for (const auto& h : answer["related"]) ids.push_back(h["id"].get<std::string>());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

TEST_F(HttpRelatedNarrowing, AFilteredKeySeesOnlyRelatedDocumentsWithinItsFilter) {
  const Principal acme = As("ann", "acme", {"customer"});
  const std::string plain = Key(acme);
  const std::string path = "/v1/documents/billing-guide/related?limit=10";
  EXPECT_EQ(Related(plain, path), (std::vector<std::string>{"acme-contract", "billing-faq", "billing-howto"}))
      << "the control: without a filter, every like document the principal may see";
  const std::string articles = Key(acme, "type=article");
  EXPECT_EQ(Related(articles, path), (std::vector<std::string>{"billing-faq", "billing-howto"}));
  const std::string billing = Key(acme, "category=Billing");
  EXPECT_EQ(Related(billing, path), (std::vector<std::string>{"acme-contract", "billing-faq"}));
  // Request filters narrow further and never widen.
  EXPECT_EQ(Related(articles, path + "&filter=category%3DBilling"), std::vector<std::string>{"billing-faq"});
  EXPECT_TRUE(Related(articles, path + "&filter=type%3Ddocument", 404).empty()) << "not even the source is left";
  // The source must be within the key's filter too: outside it, it does not exist.
  Related(articles, "/v1/documents/acme-contract/related", 404);
  Related(billing, "/v1/documents/billing-howto/related", 404);
  EXPECT_FALSE(Related(plain, "/v1/documents/acme-contract/related").empty()) << "the control";
  // A malformed request filter is the caller's error.
  Related(articles, path + "&filter=updated_at%3E%3Dnotadate", 400);
}

}  // namespace
}  // namespace portalkb::server
