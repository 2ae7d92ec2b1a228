// Ranking and matching rules, each on a small index built in the test.
#include <gtest/gtest.h>

#include <set>

#include "search/scenario_fixture.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

TEST_F(SearchScenario, TitleMatchOutranksBodyMatch) {
  Add(MakeArticle("body", "Account settings", "You can change your invoice address in the settings page."));
  Add(MakeArticle("title", "Invoice address", "Change where the paper copy is sent in the settings page."));
  EXPECT_EQ(Ids(Search("invoice")), (std::vector<std::string>{"title", "body"}));
}

TEST_F(SearchScenario, DocumentsMatchingMoreQueryWordsComeFirstButPartialMatchesRemain) {
  Add(MakeArticle("one-word", "Parcel parcel parcel", "Parcel tracking, parcel status, parcel parcel parcel."));
  Add(MakeArticle("both", "Help", "If a parcel is damaged on arrival, tell us within two weeks."));
  Add(MakeArticle("other", "Help", "Nothing relevant here."));
  const auto r = Search("damaged parcel");
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"both", "one-word"}));
  EXPECT_EQ(r.total, 2u);
}

TEST_F(SearchScenario, PhraseRequiresTheWordsInOrderAndAdjacent) {
  Add(MakeArticle("adjacent", "A", "Choose a new password after login."));
  Add(MakeArticle("apart", "B", "The password you choose must be new."));
  EXPECT_EQ(Ids(Search("\"new password\"")), (std::vector<std::string>{"adjacent"}));
  EXPECT_EQ(Search("new password").total, 2u);
}

TEST_F(SearchScenario, ExclusionRemovesDocumentsWithTheWordOrPhrase) {
  Add(MakeArticle("invoice", "Download an invoice", "Invoices are PDF files."));
  Add(MakeArticle("credit", "Credit note", "A credit note corrects an invoice."));
  EXPECT_EQ(Ids(Search("invoice -credit")), (std::vector<std::string>{"invoice"}));
  EXPECT_EQ(Ids(Search("invoice -\"credit note\"")), (std::vector<std::string>{"invoice"}));
  EXPECT_EQ(Ids(Search("-credit")), (std::vector<std::string>{"invoice"}));  // exclusion alone
}

TEST_F(SearchScenario, DiacriticsAreFoldedAndAnExactAccentedMatchRanksHigher) {
  Add(MakeArticle("plain", "Cafe opening hours", "The cafe opens at nine."));
  Add(MakeArticle("accent", "Café opening hours", "The café opens at nine."));
  Add(MakeArticle("fin", "Financiën", "Uw financiën op orde.", "nl"));
  EXPECT_EQ(Search("cafe").total, 2u);
  EXPECT_EQ(Ids(Search("café")).front(), "accent");
  EXPECT_EQ(Ids(Search("financien")), (std::vector<std::string>{"fin"}));
  EXPECT_EQ(Ids(Search("FINANCIËN")), (std::vector<std::string>{"fin"}));
}

TEST_F(SearchScenario, EachDocumentIsStemmedInItsOwnLanguage) {
  Add(MakeArticle("nl", "Facturen bekijken", "Bekijk al uw facturen.", "nl"));
  Add(MakeArticle("sv", "Se fakturor", "Här finns alla fakturor.", "sv"));
  Add(MakeArticle("de", "Rechnungen", "Alle Rechnungen als PDF.", "de"));
  Add(MakeArticle("en", "Invoices", "All invoices as PDF.", "en"));
  EXPECT_EQ(Ids(Search("factuur")), (std::vector<std::string>{"nl"}));
  EXPECT_EQ(Ids(Search("faktura")), (std::vector<std::string>{"sv"}));
  EXPECT_EQ(Ids(Search("rechnung")), (std::vector<std::string>{"de"}));
  EXPECT_EQ(Ids(Search("invoice")), (std::vector<std::string>{"en"}));
  EXPECT_EQ(Ids(Search("factuur", "nl")), (std::vector<std::string>{"nl"}));
  EXPECT_EQ(Search("invoice", "nl").total, 0u) << "--lang restricts to that language";
}

TEST_F(SearchScenario, StopWordsInTheQueryDoNotCountAsWords) {
  Add(MakeArticle("target", "Download an invoice", "Open Billing and download the PDF."));
  Add(MakeArticle("noise", "How do I do this and that", "How do I use this? It is what it is."));
  const auto r = Search("how do I download an invoice");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().id, "target");
  EXPECT_EQ(r.total, 1u);
}

TEST_F(SearchScenario, AQueryOfOnlyStopWordsStillSearches) {
  Add(MakeArticle("who", "The Who", "A band."));
  EXPECT_EQ(Ids(Search("the who")), (std::vector<std::string>{"who"}));
}

TEST_F(SearchScenario, HyphenatedAndJoinedCompoundsMeet) {
  Add(MakeArticle("hyphen", "Wachtwoord-reset", "Gebruik de wachtwoord-reset link.", "nl"));
  Add(MakeArticle("apart", "Reset", "Een wachtwoord reset doet u zo.", "nl"));
  // The joined form is indexed for the hyphenated word; the split finds the other.
  EXPECT_EQ(Ids(Search("wachtwoordreset")), (std::vector<std::string>{"hyphen", "apart"}));
  const auto r = Search("wachtwoord-reset");
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(r.hits.front().id, "hyphen");
}

TEST_F(SearchScenario, PaginationWalksTheWholeResultWithoutRepeats) {
  for (int i = 0; i < 25; ++i) {
    Add(MakeArticle("doc" + std::to_string(i), "Delivery " + std::to_string(i),
                    std::string(static_cast<std::size_t>(i + 1), 'x') + " delivery times"));
  }
  std::set<std::string> seen;
  for (std::size_t offset = 0; offset < 25; offset += 10) {
    const auto page = Search("delivery", "", 10, offset);
    EXPECT_EQ(page.total, 25u);
    for (const auto& h : page.hits) EXPECT_TRUE(seen.insert(h.id).second) << h.id << " repeated";
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_TRUE(Search("delivery", "", 10, 30).hits.empty());
}

TEST_F(SearchScenario, HitsCarrySnippetsWithMarkedWordsAndFields) {
  Document doc =
      MakeArticle("pw", "Wachtwoord vergeten", "Klik op <Wachtwoord vergeten> en kies een nieuw wachtwoord.", "nl");
  doc.url = "/help/pw";
  doc.category = "Account/Security";
  Add(doc);
  const auto r = Search("nieuw wachtwoord");
  ASSERT_EQ(r.hits.size(), 1u);
  const Hit& hit = r.hits[0];
  EXPECT_EQ(hit.title, "Wachtwoord vergeten");
  EXPECT_EQ(hit.type, "article");
  EXPECT_EQ(hit.lang, "nl");
  EXPECT_EQ(hit.url, "/help/pw");
  EXPECT_EQ(hit.category, "Account/Security");
  EXPECT_GT(hit.score, 0);
  EXPECT_EQ(hit.snippet,
            "Klik op &lt;<mark>Wachtwoord</mark> vergeten&gt; en kies een <mark>nieuw</mark> <mark>wachtwoord</mark>.");
}

TEST_F(SearchScenario, EmptyOrPunctuationOnlyQueriesMatchNothing) {
  Add(MakeArticle("a", "Anything", "Some text."));
  EXPECT_EQ(Search("").total, 0u);
  EXPECT_EQ(Search("  ?! ... ").total, 0u);
}

TEST_F(SearchScenario, BadRequestsAreInvalidArgument) {
  Add(MakeArticle("a", "Anything", "Some text."));
  ASSERT_TRUE(writer_->Commit().ok());
  auto engine = Engine::Open(dir_ / "index");
  ASSERT_TRUE(engine.ok());
  SearchRequest too_many;
  too_many.query = "text";
  too_many.limit = 5000;
  EXPECT_EQ(engine.value()->Search(too_many).status().code(), StatusCode::kInvalidArgument);
  SearchRequest bad_lang;
  bad_lang.query = "text";
  bad_lang.lang = "fr";
  const auto r = engine.value()->Search(bad_lang);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("fr"), std::string::npos);
}

TEST_F(SearchScenario, WithoutFacetsMatchesAreCountedExactlyUpToTheCountLimit) {
  // 30 visible matches, and 40 more a customer may not see.
  for (int i = 0; i < 30; ++i) Add(testing::MakeArticle("pub-" + std::to_string(i), "Gardening tips", "gardening"));
  for (int i = 0; i < 40; ++i) {
    Add(testing::WithGrants(testing::MakeArticle("acme-" + std::to_string(i), "Gardening plans", "gardening"),
                            {"org:acme"}));
  }
  SearchRequest request;
  request.query = "gardening";
  request.principal.org = "globex";
  request.principal.roles = {"customer"};
  options_.search.count_limit = 10;
  SearchResponse r = Search(request);
  EXPECT_EQ(r.total, 10u);
  EXPECT_FALSE(r.total_exact) << "a lower bound: at least 10";
  EXPECT_EQ(r.hits.size(), 10u);
  request.limit = 25;  // a page beyond the limit is counted to its end
  r = Search(request);
  EXPECT_EQ(r.total, 25u);
  EXPECT_FALSE(r.total_exact);
  request.limit = 10;
  options_.search.count_limit = 31;  // above the visible matches: exact, the hidden ones not counted
  r = Search(request);
  EXPECT_EQ(r.total, 30u);
  EXPECT_TRUE(r.total_exact);
  options_.search.count_limit = 0;  // always exact
  r = Search(request);
  EXPECT_EQ(r.total, 30u);
  EXPECT_TRUE(r.total_exact);
  options_.search.count_limit = 10;
  request.facets = {"type"};  // facets walk every match: exact
  r = Search(request);
  EXPECT_EQ(r.total, 30u);
  EXPECT_TRUE(r.total_exact);
  ASSERT_EQ(r.facets.at("type").size(), 1u);
  EXPECT_EQ(r.facets.at("type")[0].count, 30u);
}

}  // namespace
}  // namespace portalkb
