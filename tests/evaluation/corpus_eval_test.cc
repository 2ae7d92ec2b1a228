// Regression guard on relevance: indexes the bundled corpus with its
// synonyms, runs corpus/queries and holds the measured quality a little
// below what it reaches today (see the closing note of the typo issue).
// Keyword queries (plain, typo, synonym, prefix, none) and the natural-
// language questions (questions.jsonl) are evaluated as two sets, so the
// question set's lower figures do not dilute the keyword gates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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
    std::vector<EvalQuery> keyword;
    std::vector<EvalQuery> questions;
    for (auto& q : queries.value()) (q.kind == "question" ? questions : keyword).push_back(std::move(q));
    ASSERT_GE(keyword.size(), 200u);
    ASSERT_GE(questions.size(), 180u);
    auto engine = std::move(Engine::Open(*dir_ / "index")).value();
    auto r = Evaluate(*engine, keyword);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    report_ = new EvalReport(std::move(r).value());
    auto rq = Evaluate(*engine, questions);
    ASSERT_TRUE(rq.ok()) << rq.status().ToString();
    question_report_ = new EvalReport(std::move(rq).value());
  }
  static void TearDownTestSuite() {
    delete report_;
    delete question_report_;
    delete dir_;
  }
  static testing::TempDir* dir_;
  static EvalReport* report_;           // keyword queries, including kind "none"
  static EvalReport* question_report_;  // kind "question" only
};

testing::TempDir* CorpusEval::dir_ = nullptr;
EvalReport* CorpusEval::report_ = nullptr;
EvalReport* CorpusEval::question_report_ = nullptr;

// A floor for one slice (a query kind or a language) of a report.
// A customer of the corpus's "acme" organisation.
Principal AcmeCustomer() {
  Principal p;
  p.org = "acme";
  p.roles = {"customer"};
  return p;
}

struct Gate {
  const char* slice;
  double mrr;
  double recall_at_1;
};

void ExpectAtLeast(const std::map<std::string, EvalMetrics>& slices, const Gate& gate) {
  SCOPED_TRACE(gate.slice);
  const auto it = slices.find(gate.slice);
  ASSERT_NE(it, slices.end()) << "no queries of this slice";
  EXPECT_GE(it->second.mrr, gate.mrr);
  EXPECT_GE(it->second.recall_at_1, gate.recall_at_1);
}

// Per-slice gates, so one slice cannot fall while the pooled average holds.
// Keyword gates measured 2026-12-01 on commit 6141204, re-measured after the
// ranking rule by query length (branch relevance; `portalkb eval` on the
// same corpus and synonyms gives the same figures); each gate is the
// measured value minus max(0.02, 1/n) -- at least one query's worth on small
// slices -- rounded down to two decimals, and never lowered.
constexpr Gate kKeywordKindGates[] = {
    {"plain", 0.96, 0.93},    // n=81: MRR 0.9815, R@1 0.9506 (0.9753, 0.9383 before compound heads)
    {"prefix", 0.90, 0.86},   // n=29: MRR 0.9397, R@1 0.8966
    {"synonym", 0.88, 0.81},  // n=33: MRR 0.9141, R@1 0.8485 (0.8990 before compound heads)
    {"typo", 0.90,
     0.82},  // n=59: MRR 0.9181, R@1 0.8390 (0.8974 before typo tiers became relative to a word's best tier)
};
constexpr Gate kKeywordLanguageGates[] = {
    {"de", 0.50, 0.50},  // n=2:  MRR 1.0000, R@1 1.0000 (two queries: only a total miss fails)
    {"en", 0.95, 0.92},  // n=69: MRR 0.9734, R@1 0.9420
    {"nl", 0.89, 0.81},  // n=93: MRR 0.9130, R@1 0.8333 (0.9053, 0.8226 before compound heads)
    {"sv", 0.95, 0.92},  // n=38: MRR 0.9737, R@1 0.9474 (0.9605 before compound heads)
};
// Questions: before the ranking rule by query length MRR 0.5831, R@1 0.4737.
constexpr Gate kQuestionGate = {"question", 0.64, 0.52};  // n=209: MRR 0.6570, R@1 0.5407 (0.6455 before compounds)
constexpr Gate kQuestionLanguageGates[] = {
    {"de", 0.80, 0.75},  // n=12: MRR 0.9028, R@1 0.8333 (0.8472, 0.7500 before compound heads)
    {"en", 0.61, 0.49},  // n=72: MRR 0.6346, R@1 0.5139
    {"nl", 0.61, 0.49},  // n=72: MRR 0.6290, R@1 0.5139 (0.6101, 0.5000 before compound heads)
    {"sv", 0.65, 0.52},  // n=53: MRR 0.6710, R@1 0.5472 (0.6627 before compound heads)
};

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

TEST_F(CorpusEval, EachKeywordKindAndLanguageHoldsItsRanking) {
  ASSERT_NE(report_, nullptr);
  for (const Gate& gate : kKeywordKindGates) ExpectAtLeast(report_->by_kind, gate);
  for (const Gate& gate : kKeywordLanguageGates) ExpectAtLeast(report_->by_lang, gate);
}

// The engine's ranking must beat plain BM25 on the same index: by 5% MRR on
// questions (measured 0.6570 vs 0.6081, ratio 1.080), and never lose to it
// on a keyword kind (plain: equal at 0.9753; the others 1.24..1.65).
TEST_F(CorpusEval, RankingBeatsThePlainBm25Baseline) {
  ASSERT_NE(question_report_, nullptr);
  ASSERT_TRUE(question_report_->has_baseline);
  const double engine = question_report_->by_kind.at("question").mrr;
  const double baseline = question_report_->baseline_by_kind.at("question").mrr;
  EXPECT_GE(engine, 1.05 * baseline) << "engine " << engine << ", bm25 " << baseline;
  ASSERT_TRUE(report_->has_baseline);
  for (const auto& [kind, m] : report_->by_kind) {
    SCOPED_TRACE(kind);
    EXPECT_GE(m.mrr, report_->baseline_by_kind.at(kind).mrr);
  }
}

// Off-topic queries ("weather forecast weekend"): measured 13 of 53 find
// anything (38 before the ranking rule by query length), none strongly.
TEST_F(CorpusEval, FewUnansweredQueriesFindAnything) {
  ASSERT_NE(report_, nullptr);
  ASSERT_GT(report_->none_queries, 0u);
  EXPECT_LE(static_cast<double>(report_->none_with_results) / static_cast<double>(report_->none_queries), 0.29);
}

TEST_F(CorpusEval, QuestionsHoldTheirRankingInEveryLanguage) {
  ASSERT_NE(question_report_, nullptr);
  ASSERT_EQ(question_report_->by_kind.size(), 1u);
  ExpectAtLeast(question_report_->by_kind, kQuestionGate);
  for (const Gate& gate : kQuestionLanguageGates) ExpectAtLeast(question_report_->by_lang, gate);
  // Measured 0: every question finds something.
  EXPECT_LE(question_report_->overall.zero_result_rate, 0.02);
}

// Facet counts walk a cheaper match query than the ranked one: on every
// evaluation query, for an admin and a customer, both count the same
// documents (the ranked pass counting exactly, without a count limit).
TEST_F(CorpusEval, TheCountingQueryMatchesWhatTheRankedQueryMatches) {
  EngineOptions options;
  options.analytics = false;
  options.search.count_limit = 0;
  auto engine = std::move(Engine::Open(*dir_ / "index", options)).value();
  auto queries = LoadEvalQueries(std::string(PORTALKB_SOURCE_DIR) + "/corpus/queries");
  ASSERT_TRUE(queries.ok());
  const Principal customer = AcmeCustomer();
  std::size_t compared = 0;
  std::size_t with_hits = 0;
  for (const auto& q : queries.value()) {
    for (const Principal& p : {Principal::Admin(), customer}) {
      SearchRequest request;
      request.query = q.query;
      request.principal = p;
      request.log = false;
      request.correct = false;  // the same query text both times
      auto ranked = engine->Search(request);
      request.facets = {"type"};
      auto counted = engine->Search(request);
      ASSERT_TRUE(ranked.ok() && counted.ok()) << q.query;
      ASSERT_TRUE(ranked->total_exact);
      EXPECT_EQ(ranked->total, counted->total) << q.query << (p.admin ? " (admin)" : " (customer)");
      std::uint64_t by_type = 0;
      for (const auto& c : counted->facets["type"]) by_type += c.count;
      EXPECT_EQ(by_type, counted->total) << q.query;
      ++compared;
      with_hits += ranked->total > 0 ? 1 : 0;
    }
  }
  EXPECT_GE(compared, 800u);
  EXPECT_GE(with_hits, 600u) << "most queries find something: the comparison is not of empty sets";
}

// The word-count rule (a hit of a 3-4 word query matches at least 2 of its
// words) filters the ranked pass from posting lists: the same hits in the
// same order, and the same totals, as checking each candidate's term list.
TEST_F(CorpusEval, TheWordCountRuleFromPostingsKeepsTheHitsOfTheTermListCheck) {
  EngineOptions bits_options, matcher_options, loose_options;
  bits_options.analytics = matcher_options.analytics = loose_options.analytics = false;
  matcher_options.search.count_from_postings = false;
  loose_options.search.min_matched_words = 0;  // the rule off
  auto bits = std::move(Engine::Open(*dir_ / "index", bits_options)).value();
  auto matcher = std::move(Engine::Open(*dir_ / "index", matcher_options)).value();
  auto loose = std::move(Engine::Open(*dir_ / "index", loose_options)).value();
  auto queries = LoadEvalQueries(std::string(PORTALKB_SOURCE_DIR) + "/corpus/queries");
  ASSERT_TRUE(queries.ok());
  const Principal customer = AcmeCustomer();
  std::size_t compared = 0, with_hits = 0, fewer = 0;
  for (const auto& q : queries.value()) {
    if (std::count(q.query.begin(), q.query.end(), ' ') < 2) continue;  // the rule needs 3+ words
    for (const Principal& p : {Principal::Admin(), customer}) {
      SearchRequest request;
      request.query = q.query;
      request.principal = p;
      request.log = false;
      request.correct = false;
      request.limit = 20;
      auto a = bits->Search(request);
      auto b = matcher->Search(request);
      ASSERT_TRUE(a.ok() && b.ok()) << q.query;
      EXPECT_EQ(a->total, b->total) << q.query;
      EXPECT_EQ(a->total_exact, b->total_exact) << q.query;
      ASSERT_EQ(a->hits.size(), b->hits.size()) << q.query;
      for (std::size_t i = 0; i < b->hits.size(); ++i) EXPECT_EQ(a->hits[i].id, b->hits[i].id) << q.query << " #" << i;
      ++compared;
      with_hits += b->total > 0 ? 1 : 0;
      auto all = loose->Search(request);
      ASSERT_TRUE(all.ok()) << q.query;
      fewer += a->total < all->total ? 1 : 0;
    }
  }
  EXPECT_GE(compared, 300u);
  EXPECT_GE(with_hits, 200u) << "the comparison is not of empty results";
  EXPECT_GE(fewer, 50u) << "the rule drops documents on many of these queries: it was applied";
}

// Facet counts from posting lists (SearchOptions::count_from_postings) are
// those of Xapian's counting pass: per value, with and without a filter
// (disjunctive), for an admin, a customer and a logged-in user.
TEST_F(CorpusEval, FacetCountsFromPostingsAreThoseOfTheMatcher) {
  EngineOptions bits_options, matcher_options;
  bits_options.analytics = matcher_options.analytics = false;
  matcher_options.search.count_from_postings = false;
  auto bits = std::move(Engine::Open(*dir_ / "index", bits_options)).value();
  auto matcher = std::move(Engine::Open(*dir_ / "index", matcher_options)).value();
  auto queries = LoadEvalQueries(std::string(PORTALKB_SOURCE_DIR) + "/corpus/queries");
  ASSERT_TRUE(queries.ok());
  const Principal customer = AcmeCustomer();
  Principal user = customer;
  user.user = "jan";
  std::size_t compared = 0, with_hits = 0;
  for (const auto& q : queries.value()) {
    for (const Principal& p : {Principal::Admin(), customer, user}) {
      for (const std::vector<std::string>& filters : {std::vector<std::string>{}, {"lang=nl|en"}, {"!type=document"}}) {
        SearchRequest request;
        request.query = q.query;
        request.principal = p;
        request.log = false;
        request.correct = false;
        request.filters = filters;
        request.facets = {"type", "lang", "category", "tags"};
        for (int warm = 0; warm < 2; ++warm) (void)bits->Search(request);  // sets built from the second request
        auto a = bits->Search(request);
        auto b = matcher->Search(request);
        ASSERT_TRUE(a.ok() && b.ok()) << q.query;
        EXPECT_EQ(a->total, b->total) << q.query;
        ASSERT_EQ(a->facets.size(), b->facets.size()) << q.query;
        for (const auto& [field, values] : b->facets) {
          const auto& mine = a->facets[field];
          ASSERT_EQ(mine.size(), values.size()) << q.query << " " << field;
          for (std::size_t i = 0; i < values.size(); ++i) {
            EXPECT_EQ(mine[i].value, values[i].value) << q.query << " " << field;
            EXPECT_EQ(mine[i].count, values[i].count) << q.query << " " << field << "=" << values[i].value;
          }
        }
        ++compared;
        with_hits += b->total > 0 ? 1 : 0;
      }
    }
    if (compared >= 600) break;  // about half the evaluation queries, three principals, three filters
  }
  EXPECT_GE(compared, 600u);
  EXPECT_GE(with_hits, 400u) << "the comparison is not of empty sets";
}

}  // namespace
}  // namespace portalkb
