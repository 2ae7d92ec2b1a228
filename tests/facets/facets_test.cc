// Facet counts, disjunctive faceting, filters and sorting.
#include "core/text.h"
#include "facets/filter.h"
#include "search/scenario_fixture.h"

#include <set>

namespace portalkb {
namespace {

using testing::MakeArticle;

std::map<std::string, std::uint64_t> AsMap(const std::vector<FacetCount>& counts) {
  std::map<std::string, std::uint64_t> m;
  for (const auto& c : counts) m[c.value] = c.count;
  return m;
}

class Facets : public SearchScenario {
 protected:
  void SetUp() override {
    auto add = [&](const char* id, const char* lang, const char* category, std::vector<std::string> tags,
                   const char* updated, const char* product, const char* price) {
      Document d = MakeArticle(id, std::string("Guide ") + id, "portal guide", lang);
      d.category = category;
      d.tags = std::move(tags);
      d.updated_at = updated;
      d.attributes["product"] = {product};
      d.attributes["price"] = {price};
      Add(d);
    };
    add("a", "en", "Billing/Invoices", {"invoice", "pdf"}, "2026-11-20", "portal", "10");
    add("b", "en", "Billing/Payments", {"payment"}, "2026-11-01", "portal", "25.5");
    add("c", "nl", "Billing/Invoices", {"invoice"}, "2026-03-01", "app", "5");
    add("d", "sv", "Account/Security", {"password"}, "2024-01-01", "app", "40");
    ASSERT_TRUE(Writer().Commit().ok());
    options_.clock = [] { return *ParseIsoDateTime("2026-11-22"); };
  }

  SearchResponse Run(std::vector<std::string> filters, std::vector<std::string> facets, std::string sort = "") {
    SearchRequest r;
    r.query = "guide";
    r.filters = std::move(filters);
    r.facets = std::move(facets);
    r.sort = std::move(sort);
    r.limit = 2;  // facet counts cover every match, not just the page
    return Search(r);
  }
};

TEST_F(Facets, CountsEveryKindExactlyOverAllMatches) {
  const auto r = Run({}, {"type", "lang", "category", "tags", "updated_at", "product"});
  EXPECT_EQ(r.total, 4u);
  EXPECT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(AsMap(r.facets.at("type")), (std::map<std::string, std::uint64_t>{{"article", 4}}));
  EXPECT_EQ(AsMap(r.facets.at("lang")), (std::map<std::string, std::uint64_t>{{"en", 2}, {"nl", 1}, {"sv", 1}}));
  EXPECT_EQ(
      AsMap(r.facets.at("category")),
      (std::map<std::string, std::uint64_t>{
          {"Billing", 3}, {"Billing/Invoices", 2}, {"Billing/Payments", 1}, {"Account", 1}, {"Account/Security", 1}}));
  EXPECT_EQ(AsMap(r.facets.at("tags")),
            (std::map<std::string, std::uint64_t>{{"invoice", 2}, {"pdf", 1}, {"payment", 1}, {"password", 1}}));
  EXPECT_EQ(
      AsMap(r.facets.at("updated_at")),
      (std::map<std::string, std::uint64_t>{{"last_7_days", 1}, {"last_30_days", 2}, {"last_year", 3}, {"older", 1}}));
  EXPECT_EQ(AsMap(r.facets.at("product")), (std::map<std::string, std::uint64_t>{{"portal", 2}, {"app", 2}}));
  EXPECT_EQ(r.facets.at("tags").front().value, "invoice") << "most frequent first";
}

TEST_F(Facets, SelectedFieldKeepsItsOtherValuesWhileOtherFacetsNarrow) {
  const auto r = Run({"tags=invoice"}, {"tags", "lang"});
  EXPECT_EQ(r.total, 2u);
  const auto ids = Ids(r);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(AsMap(r.facets.at("tags")),
            (std::map<std::string, std::uint64_t>{{"invoice", 2}, {"pdf", 1}, {"payment", 1}, {"password", 1}}));
  EXPECT_EQ(AsMap(r.facets.at("lang")), (std::map<std::string, std::uint64_t>{{"en", 1}, {"nl", 1}}));
}

TEST_F(Facets, EachFilterForm) {
  struct Case {
    std::vector<std::string> filters;
    std::set<std::string> ids;
  };
  const Case cases[] = {
      {{"category=Billing"}, {"a", "b", "c"}},
      {{"category=Billing/Invoices"}, {"a", "c"}},
      {{"tags=invoice|payment"}, {"a", "b", "c"}},
      {{"category=Billing", "lang=en"}, {"a", "b"}},
      {{"!lang=sv"}, {"a", "b", "c"}},
      {{"lang!=sv"}, {"a", "b", "c"}},
      {{"updated_at>=2026-01-01"}, {"a", "b", "c"}},
      {{"updated_at<2026-11-01"}, {"c", "d"}},
      {{"updated_at>2026-11-01"}, {"a"}},
      {{"price<=10"}, {"a", "c"}},
      {{"price>10", "price<40"}, {"b"}},
      {{"product=APP"}, {"c", "d"}},
      {{"type=document"}, {}},
  };
  for (const auto& c : cases) {
    SearchRequest r;
    r.query = "guide";
    r.filters = c.filters;
    r.limit = 10;
    const auto response = Search(r);
    const auto ids = Ids(response);
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), c.ids) << c.filters.front();
    EXPECT_EQ(ids.size(), c.ids.size()) << c.filters.front() << ": a document listed twice";
    EXPECT_EQ(response.total, c.ids.size()) << c.filters.front();
  }
}

TEST_F(Facets, FilterParseErrorsNameTheOffendingPart) {
  struct Case {
    const char* filter;
    const char* part;
  };
  const Case cases[] = {
      {"category", "missing operator"},
      {"=x", "expected FIELD"},
      {"tags=", "empty value"},
      {"tags=a||b", "empty value"},
      {"updated_at>=yesterday", "'yesterday' is not an ISO date"},
      {"updated_at=2026-01-01", "takes a range"},
      {"lang>=en", "no range"},
      {"price>=cheap", "'cheap' is not a number"},
      {"type=page", "type is article or document"},
  };
  for (const auto& c : cases) {
    SearchRequest request;
    request.query = "guide";
    request.filters = {c.filter};
    auto engine = std::move(Engine::Open(dir_ / "index")).value();
    auto r = engine->Search(request);
    ASSERT_FALSE(r.ok()) << c.filter;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.filter;
    EXPECT_NE(r.status().message().find(c.filter), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.part), std::string::npos) << r.status().message();
  }
}

TEST_F(Facets, SortsByDateAndNumberBothWays) {
  auto ids = [](const SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.id);
    return out;
  };
  SearchRequest r;
  r.query = "guide";
  r.sort = "updated_at";
  EXPECT_EQ(ids(Search(r)), (std::vector<std::string>{"a", "b", "c", "d"}));
  r.sort = "updated_at:asc";
  EXPECT_EQ(ids(Search(r)), (std::vector<std::string>{"d", "c", "b", "a"}));
  r.sort = "price:asc";
  EXPECT_EQ(ids(Search(r)), (std::vector<std::string>{"c", "a", "b", "d"}));
  r.sort = "title";
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  EXPECT_EQ(engine->Search(r).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portalkb
