// The ranking rule by query length, the off-topic floor, the plain BM25
// baseline and query language detection, each on a small index built here.
#include <gtest/gtest.h>

#include <filesystem>

#include "search/scenario_fixture.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

// Under the old rule (a bonus per matched word for every query), "account"
// and the statements matched three of the five words and outranked the one
// article about the question's topic.
TEST_F(SearchScenario, LongQueryRanksTheRareTopicWordsAboveManyCommonWords) {
  Add(MakeArticle("account", "Register a new account", "Register a new account online to see yearly statements."));
  for (int i = 0; i < 6; ++i) {
    Add(MakeArticle("statement-" + std::to_string(i), "Statement " + std::to_string(i),
                    "Register for a new yearly statement online."));
  }
  Add(MakeArticle("dog", "Dog licence", "Every dog owner pays the dog tax each year."));
  const auto r = Search("how do I register my new dog for the yearly tax");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().id, "dog");
  EXPECT_TRUE(r.hits.front().weak);  // it does not match "register", "new", "yearly"
}

TEST_F(SearchScenario, LongQueryPutsDocumentsMatchingEveryWordFirst) {
  Add(MakeArticle("three", "Cancel order shipping", "Cancel the order. Order shipping. Cancel shipping order."));
  Add(MakeArticle("all", "Orders", "You can cancel an order free of charge before shipping starts, online."));
  const auto r = Search("can I cancel my order online before shipping");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "all");
  EXPECT_FALSE(r.hits[0].weak);
}

TEST_F(SearchScenario, ShortQueryStillRanksMoreWordsAndFewerTyposFirst) {
  Add(MakeArticle("one", "Parcel parcel", "Parcel parcel parcel parcel."));
  Add(MakeArticle("typo", "Help", "A damagd parcel: tell us."));
  Add(MakeArticle("exact", "Help", "A damaged parcel: tell us."));
  EXPECT_EQ(Ids(Search("damaged parcel")), (std::vector<std::string>{"exact", "typo", "one"}));
}

TEST_F(SearchScenario, OffTopicQuerySharingOneWordFindsNothing) {
  Add(MakeArticle("desk", "Support desk hours", "Our support desk is closed at the weekend."));
  EXPECT_EQ(Search("weather forecast weekend").total, 0u);
  EXPECT_EQ(Ids(Search("support desk weekend")), (std::vector<std::string>{"desk"}));
  // Two words need not both match: the floor is for three or more.
  EXPECT_EQ(Ids(Search("cinema weekend")), (std::vector<std::string>{"desk"}));
}

TEST_F(SearchScenario, LongQueryOfMostlyUnknownWordsNeedsTwoOfThemMatched) {
  Add(MakeArticle("move", "Register a move", "Tell us your new home address when you move house."));
  // Six words, five of them in no document: one shared word is no answer.
  EXPECT_EQ(Search("how do I fix a flat bicycle tyre with glue at home").total, 0u);
  // Words the index knows: a document sharing one of them is still a hit.
  Add(MakeArticle("parking", "Visitor parking", "Parking permits for visitors cost money each week."));
  const auto ids = Ids(Search("can my visitors get parking for money each week at home"));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], "parking");
  EXPECT_EQ(ids[1], "move");  // only "home"
}

TEST_F(SearchScenario, BaselineRankingHasNoTyposPrefixesOrSynonyms) {
  Add(MakeArticle("invoice", "Invoice download", "Download an invoice as PDF."));
  SearchRequest request;
  request.ranking = "bm25";
  request.query = "invoise";
  EXPECT_EQ(Search(request).total, 0u);
  request.query = "invo";
  EXPECT_EQ(Search(request).total, 0u);
  request.query = "invoices download";
  EXPECT_EQ(Ids(Search(request)), (std::vector<std::string>{"invoice"}));
  EXPECT_EQ(Ids(Search("invoise")), (std::vector<std::string>{"invoice"}));  // the engine's ranking has typos

  request.ranking = "tiers";
  ASSERT_TRUE(Writer().Commit().ok());
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  auto r = engine->Search(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("ranking"), std::string::npos) << r.status().message();
}

// Articles on the same topics in four languages.
class LanguageDetection : public SearchScenario {
 protected:
  void SetUp() override {
    Add(MakeArticle("en-password", "Forgot your password", "Reset your password from the login page.", "en"));
    Add(MakeArticle("en-address", "Change your address", "Change the delivery address in your account.", "en"));
    Add(MakeArticle("nl-password", "Wachtwoord vergeten", "Stel een nieuw wachtwoord in via de inlogpagina.", "nl"));
    Add(MakeArticle("nl-address", "Adres wijzigen", "Wijzig uw bezorgadres in uw account.", "nl"));
    Add(MakeArticle("sv-password", "Glömt lösenord", "Välj ett nytt lösenord på inloggningssidan.", "sv"));
    Add(MakeArticle("sv-address", "Ändra adress", "Ändra din leveransadress i ditt konto.", "sv"));
    Add(MakeArticle("de-password", "Passwort vergessen", "Setzen Sie Ihr Passwort auf der Anmeldeseite zurück.", "de"));
    Add(MakeArticle("de-address", "Adresse ändern", "Ändern Sie Ihre Lieferadresse in Ihrem Konto.", "de"));
  }
};

TEST_F(LanguageDetection, ShortAndLongQueriesInEachLanguage) {
  const struct {
    const char* query;
    const char* lang;
  } cases[] = {
      {"forgot password", "en"},     {"how do I change the address of my account", "en"},
      {"wachtwoord vergeten", "nl"}, {"hoe kan ik mijn adres wijzigen", "nl"},
      {"glömt lösenord", "sv"},      {"hur ändrar jag min adress i mitt konto", "sv"},
      {"Passwort vergessen", "de"},  {"wie kann ich meine Adresse in meinem Konto ändern", "de"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const auto r = Search(c.query);
    EXPECT_EQ(r.detected_lang, c.lang);
    ASSERT_FALSE(r.hits.empty());
    EXPECT_EQ(r.hits.front().lang, c.lang);
  }
}

TEST_F(LanguageDetection, NothingIsDetectedWhenTheRequestNamesALanguageOrNoWordIsKnown) {
  EXPECT_EQ(Search("glömt lösenord", "sv").detected_lang, "");
  EXPECT_EQ(Search("xyzzy qwerty").detected_lang, "");
}

TEST_F(LanguageDetection, DocumentsInTheQueryLanguageComeFirstButOthersRemain) {
  // The same title in Dutch and Swedish; the Dutch one is indexed first, so
  // it would win the tie without the language boost.
  Add(MakeArticle("nl-portal", "Portal status", "Portal status.", "nl"));
  Add(MakeArticle("sv-portal", "Portal status", "Portal status.", "sv"));
  const auto r = Search("status för portal");
  EXPECT_EQ(r.detected_lang, "sv");
  const auto ids = Ids(r);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], "sv-portal");
  EXPECT_NE(std::find(ids.begin(), ids.end(), "nl-portal"), ids.end());
}

TEST_F(LanguageDetection, TypoVariantsComeFromTheQueryLanguageUnlessItHasNone) {
  Add(MakeArticle("sv-invoice", "Fakturan", "Här är fakturan.", "sv"));
  Add(MakeArticle("nl-invoice", "Facturen", "Hier zijn de facturen.", "nl"));
  // "fakturen" is one typo from the Swedish "fakturan" and the Dutch "facturen".
  const auto r = Search("var är fakturen");
  EXPECT_EQ(r.detected_lang, "sv");
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"sv-invoice"}));
  // No Swedish variant of "facturem": the Dutch one is used.
  EXPECT_EQ(Ids(Search("var är facturem")), (std::vector<std::string>{"nl-invoice"}));
}

TEST_F(LanguageDetection, SynonymsOfTheQueryLanguageAreNotStemmedAsAnother) {
  // "lösen" is Swedish for "lösenord"; stemmed as Dutch it would be "los",
  // the stem of "losse".
  ASSERT_TRUE(Writer().AddSynonyms(std::move(ParseSynonyms("lösenord, lösen\n", "sv")).value()).ok());
  Add(MakeArticle("nl-tile", "Losse tegel", "Een losse tegel in de stoep melden.", "nl"));
  const auto ids = Ids(Search("glömt lösenord"));
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "nl-tile"), ids.end());
}

// Dutch, German and Swedish write compounds as one word ending in its head:
// a query word finds the compounds it ends, below its exact matches.
TEST_F(SearchScenario, ACompoundsHeadFindsItInCompoundingLanguagesOnly) {
  Add(MakeArticle("exact", "Een vergunning aanvragen", "Vraag een vergunning aan bij de gemeente.", "nl"));
  Add(MakeArticle("compound", "Parkeren bij huis", "Met een parkeervergunning parkeert u bij uw huis.", "nl"));
  Add(MakeArticle("other", "Afval", "De afvalkalender van de gemeente.", "nl"));
  Add(MakeArticle("sv", "Sophämtning", "Hämtschema för sophämtningen och kärlen.", "sv"));
  Add(MakeArticle("en", "Your password", "Change the password of your account.", "en"));
  const auto nl = Search("vergunning", "nl");
  EXPECT_EQ(Ids(nl), (std::vector<std::string>{"exact", "compound"}));
  ASSERT_EQ(nl.hits.size(), 2u);
  ASSERT_EQ(nl.hits[1].matches.size(), 1u);
  EXPECT_EQ(nl.hits[1].matches[0].kind, "compound");
  EXPECT_EQ(nl.hits[1].matches[0].matched, "parkeervergunning");
  // The head must be a part of its own: three letters or more in front.
  EXPECT_EQ(Ids(Search("kalender", "nl")), std::vector<std::string>{"other"});
  EXPECT_TRUE(Search("fval", "nl", 10).hits.empty()) << "a head of four letters needs a modifier of three";
  // Without a language (none requested, none detected: the head occurs
  // nowhere alone) a compound counts if it occurs in such a language.
  const auto sv = Search("hämtning");
  EXPECT_EQ(sv.detected_lang, "");
  EXPECT_EQ(Ids(sv), std::vector<std::string>{"sv"});
  EXPECT_TRUE(Search("word").hits.empty()) << "\"password\" is in an English document only";
  // English writes compounds apart: "word" is not the head of "password".
  EXPECT_TRUE(Search("word", "en").hits.empty());
  // An index written before the suffix file existed opens and searches as
  // before, without compounds, until its next commit writes the file.
  writer_.reset();
  ASSERT_TRUE(std::filesystem::remove(std::filesystem::path(dir_ / "index") / "portalkb-suffixes.bin"));
  EXPECT_TRUE(Search("kalender", "nl").hits.empty());
  EXPECT_EQ(Ids(Search("vergunning", "nl")), std::vector<std::string>{"exact"});
}

}  // namespace
}  // namespace portalkb
