#include <gtest/gtest.h>

#include "portalkb/synonyms.h"
#include "synonyms/synonym_set.h"

namespace portalkb {
namespace {

TEST(ParseSynonyms, ReadsSetsOneWayRulesCommentsAndMultiWordTerms) {
  auto rules = ParseSynonyms(
      "# invoices\n"
      "factuur, Rekening ,nota\n"
      "\n"
      "iphone => smartphone, mobiel   # trailing comment\n"
      "e-mail  adres, mailadres\n"
      "a\\,b, c\n",
      "nl");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 4u);
  EXPECT_EQ((*rules)[0].terms, (std::vector<std::string>{"factuur", "rekening", "nota"}));
  EXPECT_FALSE((*rules)[0].one_way());
  EXPECT_EQ((*rules)[1].terms, (std::vector<std::string>{"iphone"}));
  EXPECT_EQ((*rules)[1].targets, (std::vector<std::string>{"smartphone", "mobiel"}));
  EXPECT_EQ((*rules)[2].terms[0], "e-mail adres");
  EXPECT_EQ((*rules)[3].terms[0], "a,b");
  EXPECT_EQ((*rules)[3].ToString(), "a\\,b, c");
  EXPECT_EQ((*rules)[1].ToString(), "iphone => smartphone, mobiel");
  EXPECT_EQ((*rules)[0].lang, "nl");
}

TEST(ParseSynonyms, MalformedLinesAreErrorsNamingTheLine) {
  struct Case {
    const char* text;
    const char* line;
    const char* what;
  };
  const Case cases[] = {
      {"a, b\nlonely\n", "line 2", "at least two"},
      {"a, , b\n", "line 1", "empty term"},
      {"x\na => \n", "line 1", "at least two"},
      {"ok, fine\n => b\n", "line 2", "empty term"},
      {"a => b => c\n", "line 1", "more than one"},
      {"a, b\n# lang: fr\nc, d\n", "line 2", "not supported"},
  };
  for (const auto& c : cases) {
    auto r = ParseSynonyms(c.text, "nl");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.line), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.what), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(ParseSynonyms("a, b\n", "").ok()) << "no language anywhere";
}

TEST(ParseSynonyms, FormatRoundTripsWithLanguageLines) {
  auto nl = ParseSynonyms("factuur, rekening\n", "nl");
  auto sv = ParseSynonyms("faktura => räkning\n", "sv");
  std::vector<SynonymRule> all = nl.value();
  all.insert(all.end(), sv->begin(), sv->end());
  const std::string text = FormatSynonyms(all);
  EXPECT_EQ(text, "# lang: nl\nfactuur, rekening\n# lang: sv\nfaktura => räkning\n");
  auto back = ParseSynonyms(text, "");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), all);
}

TEST(SynonymFileLanguage, ReadsTheLanguageFromTheFileName) {
  EXPECT_EQ(SynonymFileLanguage("corpus/synonyms/nl-b2b.txt"), "nl");
  EXPECT_EQ(SynonymFileLanguage("sv.txt"), "sv");
  EXPECT_EQ(SynonymFileLanguage("/x/documents-en.txt"), "en");
  EXPECT_EQ(SynonymFileLanguage("/x/synonyms.txt"), "");
  EXPECT_EQ(SynonymFileLanguage("/nl/fr.txt"), "");
}

TEST(SynonymSet, ExpandsSetsBothWaysAndOneWayRulesOneWay) {
  Tokenizer tokenizer;
  const auto rules = ParseSynonyms("factuur, rekening\niphone => smartphone\ne-mail adres, mailadres\n", "nl").value();
  const SynonymSet set(rules, tokenizer);
  const std::vector<LanguageRules> nl{LanguageRules("nl")};
  using P = SynonymSet::Phrase;
  EXPECT_EQ(set.Alternatives({"factuur"}, nl), (std::vector<P>{{"rekening"}}));
  EXPECT_EQ(set.Alternatives({"rekening"}, nl), (std::vector<P>{{"factuur"}}));
  EXPECT_EQ(set.Alternatives({"facturen"}, nl), (std::vector<P>{{"rekening"}})) << "matched by stem";
  EXPECT_EQ(set.Alternatives({"iphone"}, nl), (std::vector<P>{{"smartphone"}}));
  EXPECT_TRUE(set.Alternatives({"smartphone"}, nl).empty());
  EXPECT_EQ(set.Alternatives({"mailadres"}, nl), (std::vector<P>{{"e", "mail", "adres"}}));
  EXPECT_EQ(set.Alternatives({"e", "mail", "adres"}, nl), (std::vector<P>{{"mailadres"}}));
  EXPECT_EQ(set.max_words(), 3u);
}

}  // namespace
}  // namespace portalkb
