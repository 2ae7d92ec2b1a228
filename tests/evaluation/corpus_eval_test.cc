// Regression guard on relevance: indexes the bundled corpus with its
// synonyms, runs corpus/queries and holds the measured quality a little
// below what it reaches today (see the closing note of the typo issue).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

class CorpusEval : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string root = PORTALKB_SOURCE_DIR;
    auto writer = std::move(IndexWriter::Open(*dir_ / "index")).value();
    auto report = writer->Ingest({root + "/corpus/articles", root + "/corpus/documents"});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_TRUE(report->rejected.empty()) << report->rejected.front().file << ": " << report->rejected.front().reason;
    ASSERT_GE(report->added, 280u);
    for (const auto& entry : std::filesystem::directory_iterator(root + "/corpus/synonyms")) {
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      auto rules = ParseSynonyms(text.str(), SynonymFileLanguage(entry.path().string()));
      ASSERT_TRUE(rules.ok()) << entry.path() << ": " << rules.status().ToString();
      ASSERT_TRUE(writer->AddSynonyms(rules.value()).ok());
    }
    ASSERT_TRUE(writer->Commit().ok());
    auto queries = LoadEvalQueries(root + "/corpus/queries");
    ASSERT_TRUE(queries.ok()) << queries.status().ToString();
    ASSERT_GE(queries->size(), 200u);
    auto engine = std::move(Engine::Open(*dir_ / "index")).value();
    auto r = Evaluate(*engine, queries.value());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    report_ = new EvalReport(std::move(r).value());
  }
  static void TearDownTestSuite() {
    delete report_;
    delete dir_;
  }
  static testing::TempDir* dir_;
  static EvalReport* report_;
};

testing::TempDir* CorpusEval::dir_ = nullptr;
EvalReport* CorpusEval::report_ = nullptr;

TEST_F(CorpusEval, PlainAndTypoQueriesFindTheirArticleInTheTopTen) {
  ASSERT_NE(report_, nullptr);
  EXPECT_GE(report_->by_kind.at("plain").recall_at_10, 0.95);
  EXPECT_GE(report_->by_kind.at("typo").recall_at_10, 0.95);
  EXPECT_GE(report_->by_kind.at("synonym").recall_at_10, 0.90);
  EXPECT_GE(report_->by_kind.at("prefix").recall_at_10, 0.90);
  EXPECT_GE(report_->overall.mrr, 0.90);
}

TEST_F(CorpusEval, TyposCostLittle) {
  ASSERT_NE(report_, nullptr);
  ASSERT_GT(report_->typo_correct_mrr, 0);
  EXPECT_GE(report_->typo_mrr / report_->typo_correct_mrr, 0.92);
}

TEST_F(CorpusEval, FewZeroResultsAndNoStrongResultsForUnansweredQueries) {
  ASSERT_NE(report_, nullptr);
  EXPECT_LE(report_->overall.zero_result_rate, 0.03);
  ASSERT_GT(report_->none_queries, 0u);
  EXPECT_LE(static_cast<double>(report_->none_with_strong_results) / static_cast<double>(report_->none_queries), 0.1);
}

}  // namespace
}  // namespace portalkb
