// The evaluation arithmetic on a hand-computed example: a tiny index whose
// rankings are known, a handful of queries loaded from a JSON Lines file, and
// exact recall@1/@5/@10, MRR and zero-result rates per kind and language.
#include <gtest/gtest.h>

#include <string>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

constexpr double kEps = 1e-12;

void ExpectMetrics(const EvalMetrics& m, std::size_t queries, double r1, double r5, double r10, double mrr,
                   double zero) {
  EXPECT_EQ(m.queries, queries);
  EXPECT_NEAR(m.recall_at_1, r1, kEps);
  EXPECT_NEAR(m.recall_at_5, r5, kEps);
  EXPECT_NEAR(m.recall_at_10, r10, kEps);
  EXPECT_NEAR(m.mrr, mrr, kEps);
  EXPECT_NEAR(m.zero_result_rate, zero, kEps);
}

// Seven "kiwi" baskets of equal length: basket-N holds 8-N kiwis, so BM25
// ranks them basket-1 ... basket-7 and basket-7 comes seventh.
std::string Basket(int n) {
  std::string body;
  for (int i = 0; i < 8; ++i) body += (i < 8 - n ? "kiwi " : "mango ");
  return body;
}

class EvaluationArithmetic : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = std::move(IndexWriter::Open(dir_ / "index")).value();
    // "apple" twice in apple-orchard (title and body), once in pear-tree: ranks 1 and 2.
    ASSERT_TRUE(writer->Put(MakeArticle("apple-orchard", "Apple orchard", "apple harvest in autumn")).ok());
    ASSERT_TRUE(writer->Put(MakeArticle("pear-tree", "Pear tree", "pear blossom beside a single apple")).ok());
    ASSERT_TRUE(writer->Put(MakeArticle("fiets", "Fiets repareren", "band plakken met een bandenlichter", "nl")).ok());
    for (int n = 1; n <= 7; ++n) {
      ASSERT_TRUE(writer->Put(MakeArticle("basket-" + std::to_string(n), "Basket", Basket(n))).ok());
    }
    ASSERT_TRUE(writer->Commit().ok());
    engine_ = std::move(Engine::Open(dir_ / "index")).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EvaluationArithmetic, RanksOfAHandComputedExampleGiveExactMetrics) {
  // Rank of the first expected id, and what each query contributes:
  //   line  kind      lang query  expected                  rank  R@1 R@5 R@10 RR
  //   1     plain     en   apple  pear-tree                 2     0   1   1    1/2
  //   2     plain     en   pear   pear-tree                 1     1   1   1    1
  //   3     plain     en   zebra  apple-orchard             none  0   0   0    0   (zero results)
  //   4     question  en   apple  apple-orchard, pear-tree  1     1/2 1   1    1   (one of two in the top 1)
  //   5     question  nl   fiets  fiets                     1     1   1   1    1
  //   6     question  en   kiwi   basket-7                  7     0   0   1    1/7
  //   7-10  none: zebra (nothing), pear (a hit with every word), pear zebra (only
  //         hits missing a word), nl apple (the apple articles are English).
  const std::string file = dir_.Write("queries/set.jsonl",
                                      R"({"query": "apple", "lang": "en", "kind": "plain", "expected": ["pear-tree"]}
{"query": "pear", "lang": "en", "kind": "plain", "expected": ["pear-tree"]}
{"query": "zebra", "lang": "en", "kind": "plain", "expected": ["apple-orchard"]}
{"query": "apple", "lang": "en", "kind": "question", "expected": ["apple-orchard", "pear-tree"]}
{"query": "fiets", "lang": "nl", "kind": "question", "expected": ["fiets"]}
{"query": "kiwi", "lang": "en", "kind": "question", "expected": ["basket-7"]}
{"query": "zebra", "lang": "en", "kind": "none", "expected": []}
{"query": "pear", "lang": "en", "kind": "none", "expected": []}
{"query": "pear zebra", "lang": "en", "kind": "none", "expected": []}
{"query": "apple", "lang": "nl", "kind": "none", "expected": []}
)");
  auto queries = LoadEvalQueries(dir_ / "queries");
  ASSERT_TRUE(queries.ok()) << queries.status().ToString();
  ASSERT_EQ(queries->size(), 10u);
  EXPECT_EQ((*queries)[3].kind, "question");
  EXPECT_EQ((*queries)[3].source, file + ":4");

  auto report = Evaluate(*engine_, queries.value());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const EvalReport& r = report.value();

  {
    SCOPED_TRACE("overall");
    ExpectMetrics(r.overall, 6, 2.5 / 6, 4.0 / 6, 5.0 / 6, (0.5 + 1 + 0 + 1 + 1 + 1.0 / 7) / 6, 1.0 / 6);
  }
  ASSERT_EQ(r.by_kind.size(), 2u) << "kind none has no ranks to average";
  {
    SCOPED_TRACE("plain");
    ExpectMetrics(r.by_kind.at("plain"), 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1.5 / 3, 1.0 / 3);
  }
  {
    SCOPED_TRACE("question");
    ExpectMetrics(r.by_kind.at("question"), 3, 1.5 / 3, 2.0 / 3, 1.0, (2 + 1.0 / 7) / 3, 0);
  }
  ASSERT_EQ(r.by_lang.size(), 2u);
  {
    SCOPED_TRACE("en");
    ExpectMetrics(r.by_lang.at("en"), 5, 1.5 / 5, 3.0 / 5, 4.0 / 5, (2.5 + 1.0 / 7) / 5, 1.0 / 5);
  }
  {
    SCOPED_TRACE("nl");
    ExpectMetrics(r.by_lang.at("nl"), 1, 1, 1, 1, 1, 0);
  }

  EXPECT_EQ(r.none_queries, 4u);
  EXPECT_EQ(r.none_with_results, 2u) << "pear, pear zebra";
  EXPECT_EQ(r.none_with_strong_results, 1u) << "pear";
  EXPECT_EQ(r.typo_mrr, 0);
  EXPECT_EQ(r.typo_correct_mrr, 0);

  // Failures: the answer missing from the top 10 (line 3, not line 6 at rank
  // 7) and the none-query with a strong hit (line 8).
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].query.source, file + ":3");
  EXPECT_TRUE(r.failures[0].top.empty());
  EXPECT_EQ(r.failures[1].query.source, file + ":8");
  ASSERT_FALSE(r.failures[1].top.empty());
  EXPECT_EQ(r.failures[1].top.front(), "pear-tree");
}

}  // namespace
}  // namespace portalkb
