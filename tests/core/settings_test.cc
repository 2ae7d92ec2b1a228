#include <gtest/gtest.h>

#include "portalkb/settings.h"

namespace portalkb {
namespace {

TEST(IndexSettings, EachSettingParsesAndOverridesOnlyItsOption) {
  IndexSettings s;
  ASSERT_TRUE(s.Set("typo.enabled", "off").ok());
  ASSERT_TRUE(s.Set("typo.min_length_one_typo", "4").ok());
  ASSERT_TRUE(s.Set("typo.first_letter_cost", "1").ok());
  ASSERT_TRUE(s.Set("typo.disabled_fields", " tags , title,tags").ok());
  EngineOptions options;
  options.search.typo.min_length_two_typos = 11;
  s.ApplyTo(options);
  EXPECT_FALSE(options.search.typo.enabled);
  EXPECT_EQ(options.search.typo.min_length_one_typo, 4u);
  EXPECT_EQ(options.search.typo.min_length_two_typos, 11u);  // not set: the caller's value stays
  EXPECT_EQ(options.search.typo.first_letter_cost, 1);
  EXPECT_EQ(options.search.typo.disabled_fields, (std::vector<std::string>{"tags", "title"}));
  EXPECT_TRUE(options.analytics);
  ASSERT_TRUE(s.Set("analytics.log_searches", "false").ok());
  s.ApplyTo(options);
  EXPECT_FALSE(options.analytics);
}

TEST(IndexSettings, BadValuesNameTheSettingAndLeaveItUnchanged) {
  struct Case {
    std::string name, value, expected_in_message;
  };
  const std::vector<Case> cases = {
      {"typo.enabled", "maybe", "typo.enabled: 'maybe' is not true or false"},
      {"typo.min_length_one_typo", "0", "typo.min_length_one_typo: '0' is not a whole number from 1 to 64"},
      {"typo.min_length_two_typos", "9x", "typo.min_length_two_typos: '9x'"},
      {"typo.first_letter_cost", "3", "typo.first_letter_cost: '3'"},
      {"typo.disabled_fields", "title,bodyy", "unknown field 'bodyy'"},
      {"typo.disabled_words", "a=b", "'a=b' is not a word"},
      {"typo.max_typos", "2", "unknown setting 'typo.max_typos'"},
  };
  for (const auto& c : cases) {
    IndexSettings s;
    const Status status = s.Set(c.name, c.value);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(status.message().find(c.expected_in_message), std::string::npos) << status.message();
    EXPECT_TRUE(s.ToMap().empty()) << c.name;
  }
}

TEST(IndexSettings, EncodeDecodeRoundTripsAndUnsetRemoves) {
  IndexSettings s;
  ASSERT_TRUE(s.Set("typo.disabled_words", "iban,sku").ok());
  ASSERT_TRUE(s.Set("typo.min_length_two_typos", "10").ok());
  ASSERT_TRUE(s.Set("analytics.log_searches", "no").ok());
  auto decoded = IndexSettings::Decode(s.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->ToMap(), s.ToMap());
  EXPECT_EQ(decoded->ToMap().at("analytics.log_searches"), "false");
  ASSERT_TRUE(decoded->Unset("typo.disabled_words").ok());
  EXPECT_EQ(decoded->ToMap().count("typo.disabled_words"), 0u);
  EXPECT_EQ(decoded->Unset("nope").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(IndexSettings::Decode("").ok());
}

TEST(IndexSettings, UnreadableStoredSettingsAreCorruptionNamingTheLine) {
  auto bad = IndexSettings::Decode("typo.enabled=true\ntypo.first_letter_cost=9\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
}

TEST(IndexSettings, RankingSettingsParseDecimalsWithinTheirRangesAndRoundTrip) {
  IndexSettings s;
  ASSERT_TRUE(s.Set("ranking.bm25_k1", "0.9").ok());
  ASSERT_TRUE(s.Set("ranking.bm25_b", "1").ok());
  ASSERT_TRUE(s.Set("ranking.title_weight", "3.25").ok());
  ASSERT_TRUE(s.Set("ranking.tier_max_words", "0").ok());
  ASSERT_TRUE(s.Set("ranking.min_matched_words", "3").ok());
  EngineOptions options;
  s.ApplyTo(options);
  EXPECT_DOUBLE_EQ(options.search.bm25_k1, 0.9);
  EXPECT_DOUBLE_EQ(options.search.bm25_b, 1.0);
  EXPECT_DOUBLE_EQ(options.search.title_weight, 3.25);
  EXPECT_EQ(options.search.tier_max_words, 0u);
  EXPECT_EQ(options.search.min_matched_words, 3u);
  EXPECT_DOUBLE_EQ(options.search.exact_word_weight, EngineOptions{}.search.exact_word_weight);  // not set
  EXPECT_TRUE(ValidateEngineOptions(options).ok());
  auto decoded = IndexSettings::Decode(s.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->ToMap(), s.ToMap());
  EXPECT_EQ(s.ToMap().at("ranking.bm25_k1"), "0.9");

  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"ranking.bm25_b", "1.5"},
                                                                                    {"ranking.bm25_k1", "-1"},
                                                                                    {"ranking.bm25_k1", "nan"},
                                                                                    {"ranking.title_weight", "1e3"},
                                                                                    {"ranking.title_weight", "."},
                                                                                    {"ranking.title_weight", ""},
                                                                                    {"ranking.title_weight", "1.2.3"},
                                                                                    {"ranking.tier_max_words", "65"}}) {
    SCOPED_TRACE(name + "=" + value);
    const Status st = s.Set(name, value);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find(name), std::string::npos) << st.message();
  }
  EXPECT_EQ(s.ToMap().at("ranking.bm25_b"), "1");  // unchanged by the rejected values
  const auto effective = IndexSettings::Effective(EngineOptions{});
  EXPECT_EQ(effective.at("ranking.bm25_k1"), "1.2");
  EXPECT_EQ(effective.at("ranking.bm25_b"), "0.75");
  ASSERT_TRUE(s.Unset("ranking.bm25_k1").ok());
  EXPECT_EQ(s.ToMap().count("ranking.bm25_k1"), 0u);
}

}  // namespace
}  // namespace portalkb
