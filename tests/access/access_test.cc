// Per-role access control: each grant kind, drafts, scheduled publishing,
// multi-organisation isolation and planted-secret leak tests.
#include "core/text.h"
#include "search/scenario_fixture.h"

#include <set>

namespace portalkb {
namespace {

using testing::MakeArticle;
using testing::WithGrants;

Principal As(const std::string& user, const std::string& org, std::vector<std::string> roles) {
  Principal p;
  p.user = user;
  p.org = org;
  p.roles = std::move(roles);
  return p;
}

class Access : public SearchScenario {
 protected:
  std::vector<std::string> IdsFor(const Principal& p, const std::string& query, std::vector<std::string> filters = {}) {
    SearchRequest request;
    request.query = query;
    request.principal = p;
    request.filters = std::move(filters);
    return Ids(Search(request));
  }
};

TEST_F(Access, EachGrantKindAdmitsExactlyItsPrincipals) {
  Add(WithGrants(MakeArticle("pub", "Topic public", "topic"), {"public"}));
  Add(WithGrants(MakeArticle("fin", "Topic finance", "topic"), {"role:finance"}));
  Add(WithGrants(MakeArticle("acme", "Topic acme", "topic"), {"org:acme"}));
  Add(WithGrants(MakeArticle("acme-fin", "Topic acme finance", "topic"), {"org:acme/role:finance"}));
  Add(WithGrants(MakeArticle("jan", "Topic jan", "topic"), {"user:jan"}));
  struct Case {
    Principal principal;
    std::set<std::string> sees;
  };
  const Case cases[] = {
      {Principal::Anonymous(), {"pub"}},
      {As("", "", {"finance"}), {"pub", "fin"}},
      {As("", "globex", {"finance"}), {"pub", "fin"}},
      {As("", "acme", {}), {"pub", "acme"}},
      {As("", "acme", {"finance"}), {"pub", "fin", "acme", "acme-fin"}},
      {As("jan", "globex", {"customer"}), {"pub", "jan"}},
      {As("piet", "acme", {"customer"}), {"pub", "acme"}},
      {Principal::Admin(), {"pub", "fin", "acme", "acme-fin", "jan"}},
  };
  for (const auto& c : cases) {
    const auto ids = IdsFor(c.principal, "topic");
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), c.sees)
        << "user=" << c.principal.user << " org=" << c.principal.org;
  }
}

TEST_F(Access, NoCallerFilterWidensTheAccessFilter) {
  // Both documents match every filter below; only the grants tell them apart.
  Document secret = WithGrants(MakeArticle("secret", "Topic", "topic"), {"org:acme/role:finance"});
  secret.updated_at = "2026-01-01";
  Document pub = WithGrants(MakeArticle("pub", "Topic", "topic"), {"public", "org:acme"});
  pub.updated_at = "2026-01-01";
  Add(secret);
  Add(pub);
  ASSERT_EQ(IdsFor(As("", "acme", {"finance"}), "topic", {"org=acme|globex"}).size(), 2u) << "the fixture";
  for (const char* f : {"type=article|document", "!lang=sv", "updated_at<=2100-01-01"}) {
    EXPECT_EQ(IdsFor(Principal::Anonymous(), "topic", {f}), std::vector<std::string>{"pub"}) << f;
  }
  // A filter on organisations narrows within the principal's own only: for
  // an anonymous visitor no customer exists, so it matches nothing.
  EXPECT_TRUE(IdsFor(Principal::Anonymous(), "topic", {"org=acme|globex"}).empty());
  EXPECT_EQ(IdsFor(As("", "acme", {"customer"}), "topic", {"org=acme|globex"}), std::vector<std::string>{"pub"});
}

TEST_F(Access, TwoOrganisationsWithIdenticallyNamedDocumentsStayApart) {
  Document a = WithGrants(MakeArticle("acme-sla", "Service Level Agreement 2026", "availability 99.9"), {"org:acme"});
  a.type = DocumentType::kDocument;
  Document g =
      WithGrants(MakeArticle("globex-sla", "Service Level Agreement 2026", "availability 99.5"), {"org:globex"});
  g.type = DocumentType::kDocument;
  Add(a);
  Add(g);
  EXPECT_EQ(IdsFor(As("u1", "acme", {"customer"}), "service level agreement"), std::vector<std::string>{"acme-sla"});
  EXPECT_EQ(IdsFor(As("u2", "globex", {"customer"}), "service level agreement"),
            std::vector<std::string>{"globex-sla"});
  EXPECT_TRUE(IdsFor(Principal::Anonymous(), "service level agreement").empty());
}

TEST_F(Access, DraftsAreSeenOnlyByEditors) {
  Document draft = MakeArticle("draft", "Upcoming change", "topic");
  draft.status = PublishStatus::kDraft;
  Add(draft);
  Add(MakeArticle("live", "Current", "topic"));
  EXPECT_EQ(IdsFor(As("", "", {"customer"}), "topic"), std::vector<std::string>{"live"});
  const auto editor = IdsFor(As("", "", {"editor"}), "topic");
  EXPECT_EQ(std::set<std::string>(editor.begin(), editor.end()), (std::set<std::string>{"draft", "live"}));
}

TEST_F(Access, DraftViewerRolesAreConfiguration) {
  Document draft = MakeArticle("draft", "Upcoming change", "topic");
  draft.status = PublishStatus::kDraft;
  Add(draft);
  Add(MakeArticle("live", "Current", "topic"));
  options_.draft_viewer_roles = {"content-manager"};
  EXPECT_EQ(IdsFor(As("", "", {"editor"}), "topic"), std::vector<std::string>{"live"})
      << "\"editor\" is only the default";
  const auto manager = IdsFor(As("", "", {"content-manager"}), "topic");
  EXPECT_EQ(std::set<std::string>(manager.begin(), manager.end()), (std::set<std::string>{"draft", "live"}));
  options_.draft_viewer_roles = {};
  EXPECT_EQ(IdsFor(As("", "", {"content-manager"}), "topic"), std::vector<std::string>{"live"});
  options_.draft_viewer_roles = {"Content Manager"};
  EXPECT_FALSE(ValidateEngineOptions(options_).ok());
}

TEST_F(Access, ScheduledDocumentsAppearAndDisappearWithoutReindexing) {
  Document doc = MakeArticle("sched", "Holiday opening hours", "topic");
  doc.publish_at = "2026-12-20";
  doc.unpublish_at = "2027-01-02T00:00:00Z";
  Add(doc);
  long long now = *ParseIsoDateTime("2026-12-19");
  options_.clock = [&] { return now; };
  EXPECT_TRUE(IdsFor(Principal::Anonymous(), "topic").empty()) << "before publish_at";
  now = *ParseIsoDateTime("2026-12-25");
  EXPECT_EQ(IdsFor(Principal::Anonymous(), "topic"), std::vector<std::string>{"sched"});
  now = *ParseIsoDateTime("2027-01-03");
  EXPECT_TRUE(IdsFor(Principal::Anonymous(), "topic").empty()) << "after unpublish_at";
  EXPECT_EQ(IdsFor(Principal::Admin(), "topic"), std::vector<std::string>{"sched"}) << "admins see everything";
}

// A word that occurs only in a restricted document must never reach another
// principal: not as a hit, a count, a facet value, a snippet, a suggestion, a
// correction or a related document.
class PlantedSecret : public Access {
 protected:
  void SetUp() override {
    Document secret = WithGrants(
        MakeArticle("secret", "Zephyrquartz merger plan", "The zephyrquartz acquisition closes in March. Topic."),
        {"org:acme/role:finance"});
    secret.type = DocumentType::kDocument;
    secret.tags = {"zephyrquartz"};
    secret.category = "Zephyrquartz/Plans";
    secret.attributes["project"] = {"zephyrquartz"};
    Add(secret);
    Add(MakeArticle("pub", "Quarterly topic overview", "A public article about the topic and quarterly reports."));
    ASSERT_TRUE(Writer().Commit().ok());
  }
  const Principal outsider_ = As("eve", "globex", {"finance", "customer"});
  const Principal insider_ = As("ann", "acme", {"finance"});
};

TEST_F(PlantedSecret, NeverInHitsCountsOrSnippets) {
  for (const char* q :
       {"zephyrquartz", "zephyrquarts", "zephyr", "\"zephyrquartz acquisition\"", "merger plan", "topic"}) {
    SearchRequest request;
    request.query = q;
    request.principal = outsider_;
    const auto r = Search(request);
    for (const auto& h : r.hits) {
      EXPECT_NE(h.id, "secret") << q;
      EXPECT_EQ(h.snippet.find("ephyrquartz"), std::string::npos) << q;
      for (const auto& m : h.matches) EXPECT_EQ(m.matched.find("zephyr"), std::string::npos) << q;
    }
    EXPECT_EQ(r.total, r.hits.size()) << q;
    EXPECT_EQ(r.corrected_query.find("zephyr"), std::string::npos) << q;
    EXPECT_EQ(r.suggestion.find("zephyr"), std::string::npos) << q;
  }
  SearchRequest request;
  request.query = "zephyrquartz";
  request.principal = insider_;
  EXPECT_EQ(Ids(Search(request)), std::vector<std::string>{"secret"}) << "the control: the owner does see it";
}

TEST_F(PlantedSecret, NeverTheDetectedLanguage) {
  // The language a query is judged to be in comes from the documents the
  // principal may see: words only a hidden Swedish document holds are as
  // unknown to the outsider as words nothing holds.
  Document sv =
      WithGrants(MakeArticle("secret-sv", "Kvartsfusion avtal", "Kvartsfusion avtalet undertecknas i mars.", "sv"),
                 {"org:acme/role:finance"});
  Add(sv);
  ASSERT_TRUE(Writer().Commit().ok());
  auto detected = [&](const Principal& p, const std::string& q) {
    SearchRequest request;
    request.query = q;
    request.principal = p;
    return Search(request).detected_lang;
  };
  EXPECT_EQ(detected(insider_, "kvartsfusion avtalet"), "sv") << "the control: the owner's documents are Swedish";
  EXPECT_EQ(detected(outsider_, "kvartsfusion avtalet"), detected(outsider_, "qwzxv vbnmq"));
  EXPECT_EQ(detected(outsider_, "kvartsfusion avtalet"), "");
}

TEST_F(PlantedSecret, NeverInFacets) {
  SearchRequest request;
  request.query = "topic";
  request.principal = outsider_;
  request.facets = {"type", "tags", "category", "org", "project", "lang"};
  const auto r = Search(request);
  for (const auto& [field, counts] : r.facets) {
    for (const auto& c : counts) {
      EXPECT_EQ(c.value.find("ephyrquartz"), std::string::npos) << field;
      EXPECT_NE(c.value, "acme") << field;
      EXPECT_NE(c.value, "document") << field;
    }
  }
  EXPECT_EQ(r.total, 1u);
  ASSERT_TRUE(r.facets.count("type"));
  EXPECT_EQ(r.facets.at("type").at(0).count, 1u);
}

TEST_F(PlantedSecret, NeverACorrection) {
  // "zephyrquartx" is one letter from the secret word and nothing else.
  SearchRequest request;
  request.query = "zephyrquartzz plan";
  request.principal = outsider_;
  const auto r = Search(request);
  EXPECT_EQ(r.corrected_query.find("zephyr"), std::string::npos);
  for (const auto& h : r.hits) EXPECT_NE(h.id, "secret");
  request.principal = insider_;
  request.query = "zephyrqvartz";
  EXPECT_EQ(Ids(Search(request)), std::vector<std::string>{"secret"}) << "the control";
}

TEST_F(PlantedSecret, NeverASuggestionOrARelatedDocument) {
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  SuggestRequest suggest;
  suggest.prefix = "zeph";
  suggest.principal = outsider_;
  EXPECT_TRUE(engine->Suggest(suggest)->empty());
  auto related = engine->Related("pub", outsider_, 10);
  ASSERT_TRUE(related.ok());
  for (const auto& h : related.value()) EXPECT_NE(h.id, "secret");
  EXPECT_EQ(engine->Related("secret", outsider_, 10).status().code(), StatusCode::kNotFound)
      << "a hidden document is indistinguishable from a missing one";
  EXPECT_TRUE(engine->Related("secret", insider_, 10).ok());
}

TEST_F(PlantedSecret, FrequentQueriesAreSuggestedOnlyWhereTheyFindSomethingVisible) {
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  ASSERT_NE(engine->analytics(), nullptr) << engine->analytics_status().ToString();
  // Insiders search the secret project often and click; outsiders search a
  // public topic often (four different users each: a query is suggested only
  // once several people typed it).
  for (int i = 0; i < 4; ++i) {
    for (const auto& [who, query] : std::vector<std::pair<Principal, std::string>>{
             {insider_, "zephyrquartz acquisition"}, {outsider_, "quarterly reports"}}) {
      SearchRequest r;
      r.query = query;
      r.principal = who;
      r.principal.user += std::to_string(i);
      r.session = "s" + std::to_string(i) + who.user;
      auto response = engine->Search(r);
      ASSERT_TRUE(response.ok());
      ASSERT_FALSE(response->hits.empty()) << query;
      ASSERT_TRUE(engine->analytics()->LogClick(response->query_id, response->hits[0].id, 1).ok());
    }
  }
  auto suggest = [&](const Principal& p, const std::string& prefix) {
    SuggestRequest r;
    r.prefix = prefix;
    r.principal = p;
    std::vector<std::string> texts;
    const auto suggestions = engine->Suggest(r);
    EXPECT_TRUE(suggestions.ok());
    if (!suggestions.ok()) return texts;
    for (const auto& s : suggestions.value()) texts.push_back(s.kind + ":" + s.text);
    return texts;
  };
  EXPECT_TRUE(suggest(outsider_, "zeph").empty());
  EXPECT_EQ(suggest(insider_, "zeph"), (std::vector<std::string>{"query:zephyrquartz acquisition"}));
  const auto quarterly = suggest(outsider_, "quarterly re");
  EXPECT_NE(std::find(quarterly.begin(), quarterly.end(), "query:quarterly reports"), quarterly.end());
}

}  // namespace
}  // namespace portalkb
