#include <gtest/gtest.h>

#include "search/snippet.h"

namespace portalkb {
namespace {

HighlightTerms Terms(std::initializer_list<std::string> folded, std::initializer_list<std::string> stems = {}) {
  HighlightTerms t;
  for (const auto& f : folded) t.folded.insert(f);
  for (const auto& s : stems) t.stems.insert(s);
  return t;
}

TEST(Snippet, MarksMatchedWordsAndEscapesHtml) {
  Tokenizer tokenizer;
  const LanguageRules en("en");
  const std::string s = MakeSnippet("Use <b>the</b> Invoice page & download.", Terms({"invoice"}), tokenizer, en, 30);
  EXPECT_EQ(s, "Use &lt;b&gt;the&lt;/b&gt; <mark>Invoice</mark> page &amp; download.");
}

TEST(Snippet, MatchesByStemAndByFoldedForm) {
  Tokenizer tokenizer;
  const LanguageRules nl("nl");
  const std::string s =
      MakeSnippet("Alle facturen van de Financiën afdeling.", Terms({"financien"}, {nl.Stem("factuur")}), tokenizer, nl, 30);
  EXPECT_EQ(s, "Alle <mark>facturen</mark> van de <mark>Financiën</mark> afdeling.");
}

TEST(Snippet, PicksTheWindowWithTheMostDistinctMatches) {
  Tokenizer tokenizer;
  const LanguageRules en("en");
  std::string text = "refund mentioned early. ";
  for (int i = 0; i < 40; ++i) text += "filler ";
  text += "Here the refund and the delivery appear together. ";
  for (int i = 0; i < 40; ++i) text += "padding ";
  const std::string s = MakeSnippet(text, Terms({"refund", "delivery"}), tokenizer, en, 12);
  EXPECT_NE(s.find("<mark>refund</mark> and the <mark>delivery</mark>"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("\xE2\x80\xA6", 0), 0u) << "a cut start is marked with an ellipsis";
}

TEST(Snippet, EmptyWhenNothingMatches) {
  Tokenizer tokenizer;
  EXPECT_EQ(MakeSnippet("nothing here", Terms({"invoice"}), tokenizer, LanguageRules("en"), 30), "");
  EXPECT_EQ(LeadSnippet("one two three four", tokenizer, 2), "one two\xE2\x80\xA6");
}

}  // namespace
}  // namespace portalkb
