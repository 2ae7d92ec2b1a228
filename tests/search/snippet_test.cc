#include <gtest/gtest.h>

#include <chrono>

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
  const std::string s = MakeSnippet("Alle facturen van de Financiën afdeling.",
                                    Terms({"financien"}, {nl.Stem("factuur")}), tokenizer, nl, 30);
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

// Red-team finding: MakeSnippet over a 50 MB body took seconds per hit.
TEST(Snippet, CostDoesNotGrowWithTheBody) {
  Tokenizer tokenizer;
  const LanguageRules en("en");
  std::string body = "Intro words. Download the invoice from the billing page. ";
  body.reserve(50u << 20);
  while (body.size() < (50u << 20)) body += "filler text about other things entirely. ";
  const auto start = std::chrono::steady_clock::now();
  std::string snippet;
  for (int hit = 0; hit < 20; ++hit) snippet = MakeSnippet(body, Terms({"invoice"}), tokenizer, en, 8);
  const std::string lead = LeadSnippet(body, tokenizer, 4);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0) << "20 snippets of a 50 MB body";
  EXPECT_EQ(snippet, "\xE2\x80\xA6words. Download the <mark>invoice</mark> from the billing page\xE2\x80\xA6");
  EXPECT_EQ(lead, "Intro words. Download the\xE2\x80\xA6");
}

TEST(Snippet, OnlyTheStartOfALongTextIsSearchedForTheWindow) {
  Tokenizer tokenizer;
  const LanguageRules en("en");
  std::string body;
  while (body.size() < (200u << 10)) body += "filler ";
  body += "refund at the end.";
  EXPECT_EQ(MakeSnippet(body, Terms({"refund"}), tokenizer, en, 8), "") << "beyond the scanned part";
  // A match in the scanned part is still found and marked, and the cut end
  // gets an ellipsis although it is the last word looked at.
  std::string early = "filler filler refund filler";
  const std::string s = MakeSnippet(early + std::string(1u << 20, ' ') + "tail", Terms({"refund"}), tokenizer, en, 8);
  EXPECT_EQ(s, "filler filler <mark>refund</mark> filler\xE2\x80\xA6");
}

TEST(Snippet, HyphenatedCompoundMarksItsParts) {
  Tokenizer tokenizer;
  const LanguageRules en("en");
  const std::string s = MakeSnippet("Open the e-mail settings.", Terms({"email"}), tokenizer, en, 30);
  EXPECT_EQ(s, "Open the <mark>e</mark>-<mark>mail</mark> settings.");
}

}  // namespace
}  // namespace portalkb
