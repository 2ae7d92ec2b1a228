// Synonym rules are bounded end to end: the writer rejects over-large rules,
// and a search expands at most a fixed number of alternatives, whatever the
// stored rules.
#include <chrono>

#include "search/scenario_fixture.h"
#include "synonyms/synonym_set.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

// `n` (up to 4,096) distinct words with a common start and three consonants
// after it ("synbbb", "synbbc", ...): no stemmer or typo rule relates them.
std::vector<std::string> Words(const std::string& start, std::size_t n) {
  static constexpr char kLetters[] = "bcdfghkmnprtvwxz";
  std::vector<std::string> words;
  for (std::size_t i = 0; i < n; ++i) {
    words.push_back(start + kLetters[i / 256 % 16] + kLetters[i / 16 % 16] + kLetters[i % 16]);
  }
  return words;
}

SearchRequest Exact(const std::string& query) {
  SearchRequest request;
  request.query = query;
  request.lang = "en";
  request.limit = 200;
  request.typo_tolerance = false;
  request.prefix = false;
  request.correct = false;
  return request;
}

TEST_F(SearchScenario, WriterRejectsARuleWithFiveThousandAlternativesNamingTheLimit) {
  Add(MakeArticle("inv", "Invoice", "Download the invoice."));
  ASSERT_TRUE(Writer().AddSynonyms({SynonymRule{"en", {"invoice", "bill"}, {}}}).ok());
  SynonymRule huge{"en", Words("syn", 5000), {}};
  for (const bool replace : {false, true}) {
    const Status s = replace ? Writer().ReplaceSynonyms("en", {huge})
                             : Writer().AddSynonyms({SynonymRule{"en", {"a", "b"}, {}}, huge});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(replace ? "rule 1 " : "rule 2 "), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("limit of " + std::to_string(kMaxSynonymTermsPerRule)), std::string::npos)
        << s.message();
    EXPECT_LT(s.message().size(), 200u) << s.message();
  }
  // Nothing changed, not even the rules a rejected replacement would have removed.
  EXPECT_EQ(Writer().Synonyms().value(), (std::vector<SynonymRule>{{"en", {"invoice", "bill"}, {}}}));
  EXPECT_EQ(Search(Exact("bill")).total, 1u);
}

TEST_F(SearchScenario, WriterRejectsMoreRulesThanTheLimitPerLanguage) {
  std::vector<SynonymRule> rules;
  for (const auto& w : Words("r", 4096)) rules.push_back({"nl", {w}, {"x"}});
  for (const auto& w : Words("s", kMaxSynonymRulesPerLanguage / 2 - 4096)) rules.push_back({"nl", {w}, {"x"}});
  ASSERT_TRUE(Writer().AddSynonyms(rules).ok());
  for (auto& r : rules) r.targets = {"y"};
  rules.push_back({"nl", {"one"}, {"more"}});  // now past the limit together with the stored ones
  const Status s = Writer().AddSynonyms(rules);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("limit of " + std::to_string(kMaxSynonymRulesPerLanguage)), std::string::npos)
      << s.message();
  EXPECT_EQ(Writer().Synonyms()->size(), kMaxSynonymRulesPerLanguage / 2);
  for (auto& r : rules) r.lang = "sv";
  EXPECT_TRUE(Writer().AddSynonyms(rules).ok()) << "the limit is per language";
}

TEST_F(SearchScenario, RuleAtTheLimitKeepsUnrelatedSearchesFastAndExpandsToAtMostTheCap) {
  const auto members = Words("syn", kMaxSynonymTermsPerRule);
  // One document per member but the first: a search for the first finds
  // those its expansion reaches.
  for (std::size_t i = 1; i < members.size(); ++i) Add(MakeArticle("d" + std::to_string(i), members[i], "Body."));
  Add(MakeArticle("inv", "Invoice", "Download the invoice."));
  ASSERT_TRUE(Writer().AddSynonyms({SynonymRule{"en", members, {}}}).ok());
  const auto start = std::chrono::steady_clock::now();
  const auto unrelated = Search(Exact("invoice"));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0) << "hang guard";
  EXPECT_EQ(Ids(unrelated), (std::vector<std::string>{"inv"}));
  const auto expanded = Search(Exact(members[0]));
  EXPECT_EQ(expanded.total, kMaxSynonymAlternativesPerWord) << "the first alternatives of the rule, no more";
  EXPECT_EQ(expanded.hits.at(0).matches.at(0).kind, "synonym");
}

TEST_F(SearchScenario, AQueryExpandsToAtMostTheCapInTotal) {
  // Five query words, each with 20 alternatives that each find a document.
  std::vector<std::string> query;
  for (const std::string start : {"pa", "pe", "pi", "po", "pu"}) {
    const auto members = Words(start, 21);
    query.push_back(members[0]);
    for (std::size_t i = 1; i < members.size(); ++i) Add(MakeArticle(members[i], members[i], "Body."));
    ASSERT_TRUE(Writer().AddSynonyms({SynonymRule{"en", members, {}}}).ok());
  }
  std::string text;
  for (const auto& w : query) text += w + " ";
  const auto r = Search(Exact(text));
  EXPECT_EQ(r.total, kMaxSynonymAlternativesPerQuery) << "64 of the 100 alternatives; 16 per word";
}

}  // namespace
}  // namespace portalkb
