#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "analysis/normalizer.h"
#include "analysis/stopwords.h"

namespace portalkb {
namespace {

std::vector<std::string> Folded(const std::vector<Token>& tokens, bool include_joined = true) {
  std::vector<std::string> out;
  for (const auto& t : tokens) {
    if (include_joined || !t.joined) out.push_back(t.folded);
  }
  return out;
}

TEST(Normalizer, FoldsCaseAndDiacritics) {
  struct Case {
    const char* in;
    const char* case_folded;
    const char* folded;
  };
  const Case cases[] = {
      {"Financiën", "financiën", "financien"},
      {"CAFÉ", "café", "cafe"},
      {"Straße", "strasse", "strasse"},
      {"Lösenord", "lösenord", "losenord"},
      {"Återbetalning", "återbetalning", "aterbetalning"},
      {"Øre", "øre", "ore"},
      {"ﬁle", "file", "file"},  // NFKC ligature
      {"ABC123", "abc123", "abc123"},
  };
  for (const auto& c : cases) {
    const std::string cf = CaseFold(c.in);
    EXPECT_EQ(cf, c.case_folded) << c.in;
    EXPECT_EQ(FoldDiacritics(cf), c.folded) << c.in;
  }
}

TEST(Tokenizer, SplitsWordsAndKeepsByteOffsets) {
  Tokenizer tokenizer;
  const std::string text = "Hoe vraag ik een Parkeervergunning aan?";
  const auto tokens = tokenizer.Tokenize(text);
  EXPECT_EQ(Folded(tokens), (std::vector<std::string>{"hoe", "vraag", "ik", "een", "parkeervergunning", "aan"}));
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(text.substr(tokens[4].begin, tokens[4].end - tokens[4].begin), "Parkeervergunning");
  for (std::size_t i = 0; i < tokens.size(); ++i) EXPECT_EQ(tokens[i].position, i);
}

TEST(Tokenizer, HyphenatedWordGivesPartsAndTheJoinedCompound) {
  Tokenizer tokenizer;
  const auto tokens = tokenizer.Tokenize("de wachtwoord-reset link");
  EXPECT_EQ(Folded(tokens), (std::vector<std::string>{"de", "wachtwoord", "reset", "wachtwoordreset", "link"}));
  EXPECT_TRUE(tokens[3].joined);
  EXPECT_EQ(tokens[3].position, tokens[1].position);  // the compound sits where its first part does
  EXPECT_EQ(tokens[4].position, 3u);                  // positions of the parts stay consecutive
}

TEST(Tokenizer, EmailAddressIsKeptWholeBesideItsParts) {
  Tokenizer tokenizer;
  const auto tokens = tokenizer.Tokenize("mail Jan.Jansen@Example.com now");
  const auto folded = Folded(tokens);
  EXPECT_NE(std::find(folded.begin(), folded.end(), "jan.jansen@example.com"), folded.end());
  for (const char* part : {"jan", "jansen", "example", "com"}) {
    EXPECT_NE(std::find(folded.begin(), folded.end(), part), folded.end()) << part;
  }
  EXPECT_EQ(folded.back(), "now");
  // Numbers keep their dots.
  EXPECT_EQ(Folded(tokenizer.Tokenize("v2.1 costs 1.234,56")), (std::vector<std::string>{"v2.1", "costs", "1.234,56"}));
}

TEST(Tokenizer, ApostrophesAreRemovedInsideWords) {
  Tokenizer tokenizer;
  EXPECT_EQ(Folded(tokenizer.Tokenize("auto's don’t")), (std::vector<std::string>{"autos", "dont"}));
}

TEST(Tokenizer, NumbersAndCodesStayWholeAndAreFlagged) {
  Tokenizer tokenizer;
  const auto tokens = tokenizer.Tokenize("order 2026-0042 costs 1.234,56 EUR");
  const auto folded = Folded(tokens, /*include_joined=*/false);
  EXPECT_EQ(folded, (std::vector<std::string>{"order", "2026", "0042", "costs", "1.234,56", "eur"}));
  for (const auto& t : tokens) {
    const bool code = t.folded == "2026" || t.folded == "1.234,56";
    if (code || t.folded == "order") {
      EXPECT_EQ(t.has_digit, code) << t.folded;
    }
  }
}

TEST(Tokenizer, DropsOverlongWordsAndSurvivesEmptyOrOddInput) {
  Tokenizer tokenizer;
  EXPECT_TRUE(tokenizer.Tokenize("").empty());
  EXPECT_TRUE(tokenizer.Tokenize("  ... --- !!! ").empty());
  EXPECT_EQ(Folded(tokenizer.Tokenize(std::string(100, 'a') + " ok")), (std::vector<std::string>{"ok"}));
  EXPECT_EQ(Folded(tokenizer.Tokenize("a - b")), (std::vector<std::string>{"a", "b"}));
}

TEST(LanguageRules, StemsPerLanguage) {
  struct Case {
    const char* lang;
    const char* a;
    const char* b;  // should share a stem with a
  };
  const Case cases[] = {
      {"nl", "facturen", "factuur"},     {"nl", "aanvragen", "aanvraag"}, {"en", "invoices", "invoice"},
      {"en", "downloading", "download"}, {"sv", "fakturor", "faktura"},   {"sv", "betalningar", "betalning"},
      {"de", "rechnungen", "rechnung"},
  };
  for (const auto& c : cases) {
    const LanguageRules rules(c.lang);
    const std::string a = FoldDiacritics(CaseFold(c.a));
    const std::string b = FoldDiacritics(CaseFold(c.b));
    EXPECT_EQ(rules.Stem(a), rules.Stem(b)) << c.lang << ": " << c.a << " / " << c.b;
  }
  EXPECT_EQ(LanguageRules("en").Stem("2026"), "2026");  // codes are not stemmed
}

TEST(StopWords, PerLanguageInFoldedForm) {
  EXPECT_TRUE(IsStopWord("nl", "hoe"));
  EXPECT_TRUE(IsStopWord("en", "the"));
  EXPECT_TRUE(IsStopWord("sv", "for"));  // "för" folded
  EXPECT_TRUE(IsStopWord("de", "und"));
  EXPECT_FALSE(IsStopWord("nl", "factuur"));
  EXPECT_FALSE(IsStopWord("en", "invoice"));
  EXPECT_FALSE(IsStopWord("xx", "the"));
}

}  // namespace
}  // namespace portalkb
