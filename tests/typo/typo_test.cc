#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>

#include "typo/edit_distance.h"
#include "typo/term_trie.h"
#include "typo/typo_expander.h"

namespace portalkb {
namespace {

int Distance(const std::string& a, const std::string& b, int first = 2) {
  return TypoDistance(ToCodePoints(a), ToCodePoints(b), first);
}

TEST(TypoDistance, TableOfEdits) {
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  const Case cases[] = {
      {"factuur", "factuur", 0},
      {"factuur", "factur", 1},         // dropped letter
      {"factuur", "factuuur", 1},       // doubled letter
      {"downloaden", "donwloaden", 1},  // swap of two neighbouring letters is one edit
      {"password", "pasword", 1},
      {"password", "passwprd", 1},            // wrong letter
      {"saturday", "caturday", 2},            // a wrong first letter counts as two
      {"invoice", "nvoice", 2},               // dropping the first letter too
      {"invoice", "ninvoice", 2},             // and adding one before it
      {"invoice", "nivoice", 2},              // and swapping it
      {"financiën", "financien", 1},          // code points, not bytes
      {"återbetalning", "aterbetalning", 2},  // å vs a is a first-letter edit
      {"straße", "strase", 1},
      {"lösenord", "losenord", 1},
      {"", "abc", 4},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Distance(c.a, c.b), c.expected) << c.a << " / " << c.b;
    EXPECT_EQ(Distance(c.b, c.a), c.expected) << c.b << " / " << c.a << " (symmetric)";
  }
  EXPECT_EQ(Distance("saturday", "caturday", 1), 1) << "first-letter cost is configurable";
}

TEST(TermTrie, FindsExactlyTheTermsWithinTheBudget) {
  std::vector<std::pair<std::string, std::uint32_t>> words = {
      {"factuur", 50}, {"facturen", 30}, {"factuurnummer", 5}, {"fractuur", 1}, {"saturday", 9},
      {"caturday", 1}, {"financiën", 7}, {"lösenord", 4},      {"straße", 2},   {"kontrakt", 3},
  };
  const TermTrie trie(words);
  EXPECT_EQ(trie.size(), words.size());
  // Against the brute-force distance, for several probes and budgets.
  for (const char* probe : {"factur", "facteur", "saturdya", "financien", "losenord", "strase", "kontract", "x"}) {
    for (int budget = 0; budget <= 2; ++budget) {
      std::set<std::string> expected;
      for (const auto& [w, f] : words) {
        if (Distance(probe, w) <= budget) expected.insert(w);
      }
      std::set<std::string> got;
      for (const auto& m : trie.Within(probe, budget, 2, 100)) {
        got.insert(m.term);
        EXPECT_EQ(m.distance, Distance(probe, m.term)) << probe << " -> " << m.term;
      }
      EXPECT_EQ(got, expected) << probe << " budget " << budget;
    }
  }
}

TEST(TermTrie, OrdersByDistanceThenFrequency) {
  const TermTrie trie({{"factuur", 50}, {"facturen", 30}, {"factuurs", 80}, {"factuu", 1}});
  const auto matches = trie.Within("factuur", 1, 2, 10);
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(matches[0].term, "factuur");
  EXPECT_EQ(matches[1].term, "factuurs");  // 1 edit, more frequent
  EXPECT_EQ(matches[2].term, "factuu");
}

TEST(TermTrie, CompletesPrefixesMostFrequentFirst) {
  const TermTrie trie({{"vergeten", 10}, {"vergunning", 40}, {"verhuizen", 25}, {"ver", 1}, {"wachtwoord", 9}});
  const auto completions = trie.Complete("ver", 3);
  ASSERT_EQ(completions.size(), 3u);
  EXPECT_EQ(completions[0].term, "vergunning");
  EXPECT_EQ(completions[1].term, "verhuizen");
  EXPECT_EQ(completions[2].term, "vergeten");
  EXPECT_TRUE(trie.Complete("xyz", 3).empty());
  EXPECT_EQ(trie.Frequency("ver"), 1u);
  EXPECT_EQ(trie.Frequency("verg"), 0u);
}

// The vocabulary file holds Serialize()'s bytes; a mapped trie must answer
// exactly like the one built in memory.
TEST(TermTrie, SerializedBytesAnswerLikeTheBuiltTrie) {
  const TermTrie built({{"factuur", 50},
                        {"facturen", 30},
                        {"financiën", 7},
                        {"wachtwoord", 9},
                        {"ver", 1},
                        {"vergeten", 10},
                        {"vergunning", 40}});
  auto bytes = std::make_shared<std::string>(built.Serialize());
  auto mapped = TermTrie::FromBytes(*bytes, bytes);
  ASSERT_TRUE(mapped.ok()) << mapped.status().message();
  const TermTrie& trie = mapped.value();
  EXPECT_EQ(trie.size(), built.size());
  EXPECT_EQ(trie.node_count(), built.node_count());
  auto words = [](const std::vector<TrieMatch>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms)
      out.push_back(m.term + "/" + std::to_string(m.distance) + "/" + std::to_string(m.frequency));
    return out;
  };
  for (const char* w : {"factur", "financien", "wachtwrod", "vergeten", "x"}) {
    EXPECT_EQ(words(trie.Within(w, 2, 2, 10)), words(built.Within(w, 2, 2, 10))) << w;
  }
  EXPECT_EQ(words(trie.Complete("ver", 5)), words(built.Complete("ver", 5)));
  EXPECT_EQ(words(trie.Complete("ver", 5)).front(), "vergunning/0/40");
  EXPECT_EQ(trie.Frequency("financiën"), 7u);
  const TermTrie copy = trie;  // copies share the bytes
  EXPECT_EQ(copy.Frequency("factuur"), 50u);
}

TEST(TermTrie, DamagedBytesAreRejectedOrHarmless) {
  const TermTrie built({{"ab", 2}, {"abc", 3}, {"b", 1}});
  const std::string good = built.Serialize();
  auto truncated = std::make_shared<std::string>(good.substr(0, good.size() - 3));
  EXPECT_EQ(TermTrie::FromBytes(*truncated, truncated).status().code(), StatusCode::kCorruption);
  auto tiny = std::make_shared<std::string>("abc");
  EXPECT_EQ(TermTrie::FromBytes(*tiny, tiny).status().code(), StatusCode::kCorruption);

  // Node 1 ("a") pointing back at the root would be a cycle; a child range
  // past the end would be an out-of-bounds read. Both read as "no children".
  constexpr std::size_t kHeader = 16, kNode = 20, kFirstChild = 4, kChildCount = 8;
  auto damaged = std::make_shared<std::string>(good);
  const std::uint32_t zero = 0, huge = 1u << 30;
  std::memcpy(damaged->data() + kHeader + 1 * kNode + kFirstChild, &zero, 4);
  std::memcpy(damaged->data() + kHeader + 2 * kNode + kChildCount, &huge, 4);
  auto trie = TermTrie::FromBytes(*damaged, damaged);
  ASSERT_TRUE(trie.ok());
  EXPECT_EQ(trie->Frequency("abc"), 0u);
  EXPECT_TRUE(trie->Within("abd", 2, 1, 10).size() <= 3);  // terminates, in bounds (ASan checks the rest)
  EXPECT_LE(trie->Complete("", 10).size(), 3u);
}

Token MakeToken(const std::string& folded) {
  Token t;
  t.folded = folded;
  t.lowered = folded;
  t.has_digit = folded.find_first_of("0123456789") != std::string::npos;
  return t;
}

TEST(TypoExpander, AppliesLengthThresholdsDigitsAndDisabledWords) {
  const Vocabulary vocabulary(TermTrie({{"wachtwoord", 9},
                                        {"factuur", 5},
                                        {"mail", 3},
                                        {"mails", 2},
                                        {"order12345", 1},
                                        {"gdpr", 1},
                                        {"bestelling", 4}}));
  TypoOptions options;
  options.disabled_words = {"bestelingg"};
  const TypoExpander expander(options, vocabulary);
  auto terms = [&](const std::string& word) {
    std::vector<std::string> out;
    for (const auto& c : expander.Candidates(MakeToken(word))) out.push_back(c.term + "/" + std::to_string(c.typos));
    return out;
  };
  EXPECT_EQ(terms("mial"), std::vector<std::string>{}) << "under 5 letters: exact only";
  EXPECT_EQ(terms("factur"), std::vector<std::string>{"factuur/1"});
  EXPECT_EQ(terms("fctur"), std::vector<std::string>{}) << "5-8 letters allow one typo only";
  EXPECT_EQ(terms("wachtwrd"), std::vector<std::string>{}) << "8 letters: one typo, this needs two";
  EXPECT_EQ(terms("wachtwrod"), std::vector<std::string>{"wachtwoord/2"}) << "9+ letters: two typos";
  EXPECT_EQ(terms("order12346"), std::vector<std::string>{}) << "words with digits never match fuzzily";
  EXPECT_EQ(terms("bestelingg"), std::vector<std::string>{}) << "disabled words never match fuzzily";
  EXPECT_EQ(terms("factuur"), std::vector<std::string>{}) << "the word itself is not a candidate";
  options.enabled = false;
  EXPECT_TRUE(TypoExpander(options, vocabulary).Candidates(MakeToken("factur")).empty());
}

TEST(TypoExpander, DisabledWordsAreNeverExpandedNorOfferedForOtherWords) {
  // "wachtwoord" and "wachtwoorden" are both one typo from "wachtwoorde".
  const Vocabulary vocabulary(TermTrie({{"wachtwoord", 9}, {"wachtwoorden", 2}, {"factuur", 5}, {"facturen", 3}}));
  TypoOptions options;
  auto terms = [&](const TypoExpander& expander, const std::string& word, bool corrections = false) {
    std::vector<std::string> out;
    const auto found = corrections ? expander.Corrections(MakeToken(word)) : expander.Candidates(MakeToken(word));
    for (const auto& c : found) out.push_back(c.term + "/" + std::to_string(c.typos));
    return out;
  };
  const TypoExpander plain(options, vocabulary);
  ASSERT_EQ(terms(plain, "wachtwoorf"), std::vector<std::string>{"wachtwoord/1"}) << "the fixture: one typo away";
  ASSERT_EQ(terms(plain, "wachtwoorde"), (std::vector<std::string>{"wachtwoord/1", "wachtwoorden/1"}));

  options.disabled_words = {"wachtwoord"};
  const TypoExpander expander(options, vocabulary);
  EXPECT_EQ(terms(expander, "wachtwoorf"), std::vector<std::string>{}) << "an indexed disabled word is no candidate";
  EXPECT_EQ(terms(expander, "wachtwoorf", true), std::vector<std::string>{"wachtwoorden/3"})
      << "nor a correction (the wider correction budget reaches only the other word)";
  EXPECT_EQ(terms(expander, "wachtwoorde"), std::vector<std::string>{"wachtwoorden/1"}) << "other candidates stay";
  EXPECT_FALSE(expander.Eligible(MakeToken("wachtwoord"))) << "a disabled query word is not expanded";
  EXPECT_EQ(terms(expander, "wachtwoord"), std::vector<std::string>{});
  EXPECT_EQ(terms(expander, "factur"), std::vector<std::string>{"factuur/1"}) << "unlisted words keep their typos";

  // Disabled words do not use up the candidate budget of the others.
  Vocabulary crowded(TermTrie({{"abcdef", 1}, {"abcdeg", 9}, {"abcdeh", 8}, {"abcdei", 7}}));
  options.max_candidates = 1;
  options.disabled_words = {"abcdeg", "abcdeh"};
  EXPECT_EQ(terms(TypoExpander(options, crowded), "abcdez"), (std::vector<std::string>{"abcdei/1"}));
}

}  // namespace
}  // namespace portalkb
