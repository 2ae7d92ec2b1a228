// Analytics::Searches: the logged searches as stored (redacted, pseudonymised),
// by period, in log order, page by page.
#include <gtest/gtest.h>

#include "portalkb/analytics.h"
#include "test_util.h"

namespace portalkb {
namespace {

constexpr long long kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

class LoggedSearches : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = Analytics::Open(dir_ / "log.sqlite");
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    for (int i = 0; i < 5; ++i) {
      SearchEvent e;
      e.ts_ms = kT0 + i * 1000;
      e.query = i == 4 ? "mail jan.jansen@example.com" : "query " + std::to_string(i);
      e.user = "jan";
      e.org = "acme";
      e.roles = {"customer", "finance"};
      e.lang = "nl";
      e.results = static_cast<std::uint64_t>(i);
      log_->LogSearch(e);
    }
  }
  std::vector<LoggedSearch> Get(long long since, long long until, std::int64_t after, std::size_t limit) {
    auto r = log_->Searches(since, until, after, limit);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : std::vector<LoggedSearch>{};
  }
  testing::TempDir dir_;
  std::unique_ptr<Analytics> log_;
};

TEST_F(LoggedSearches, AreRedactedAndPseudonymised) {
  const auto all = Get(0, 0, 0, 100);  // queued events are written first
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[4].query, "mail [email]");
  for (const auto& e : all) {
    EXPECT_FALSE(e.user_key.empty());
    EXPECT_NE(e.user_key, "jan");
    EXPECT_NE(e.org_key, "acme");
    EXPECT_EQ(e.roles, (std::vector<std::string>{"customer", "finance"}));
    EXPECT_EQ(e.lang, "nl");
  }
  EXPECT_EQ(all[3].results, 3u);
  EXPECT_EQ(all[0].user_key, all[4].user_key);
}

TEST_F(LoggedSearches, PeriodIsSinceInclusiveUntilExclusive) {
  const auto some = Get(kT0 + 1000, kT0 + 3000, 0, 100);
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].ts_ms, kT0 + 1000);
  EXPECT_EQ(some[1].ts_ms, kT0 + 2000);
}

TEST_F(LoggedSearches, PagesResumeAfterTheLastSeq) {
  std::vector<std::string> queries;
  std::int64_t after = 0;
  for (int page = 0; page < 10; ++page) {
    const auto events = Get(0, 0, after, 2);
    for (const auto& e : events) queries.push_back(e.query);
    if (events.size() < 2) break;
    EXPECT_GT(events[1].seq, events[0].seq);
    after = events.back().seq;
  }
  EXPECT_EQ(queries, (std::vector<std::string>{"query 0", "query 1", "query 2", "query 3", "mail [email]"}));
}

TEST_F(LoggedSearches, LimitIsBounded) {
  EXPECT_EQ(log_->Searches(0, 0, 0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Searches(0, 0, 0, 10001).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portalkb
