// What the analytics log keeps in memory stays bounded: the table of recent
// sessions has a fixed size (and an evicted session still gets exact burst
// marks from the file), and the queue of unwritten events drops, counts and
// reports what it cannot hold instead of growing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "analytics/analytics_store.h"
#include "analytics/event_writer.h"
#include "analytics/recent_sessions.h"
#include "test_util.h"

namespace portalkb {
namespace {

constexpr long long kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

std::int64_t Count(AnalyticsStore& store, const std::string& sql) {
  std::int64_t n = -1;
  EXPECT_TRUE(store.Query(sql, {}, [&](const AnalyticsStore::Row& row) { n = std::stoll(row[0]); }).ok()) << sql;
  return n;
}

TEST(RecentSessions, RemembersTheLatestSearchOfASession) {
  RecentSessions recent(16);
  EXPECT_EQ(recent.slots(), 16u);
  EXPECT_FALSE(recent.Find("s1").has_value());
  recent.Remember("s1", "q-1", "fac", kT0, 1);
  recent.Remember("s1", "q-2", "factuur", kT0 + 500, 1);
  auto entry = recent.Find("s1");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->query_id, "q-2");
  EXPECT_EQ(entry->ts_ms, kT0 + 500);
  EXPECT_EQ(entry->seq, 1);
  EXPECT_TRUE(RecentSessions::Extends(*entry, "factuur downloaden"));
  EXPECT_FALSE(RecentSessions::Extends(*entry, "factuur")) << "a strict prefix only";
  EXPECT_FALSE(RecentSessions::Extends(*entry, "factuuq downloaden"));
  EXPECT_FALSE(RecentSessions::Extends(*entry, "fac"));
  EXPECT_FALSE(recent.Find("s2").has_value());
}

TEST(RecentSessions, ASessionOnATakenSlotPushesTheOtherOut) {
  RecentSessions recent(1);  // every session lands on the one slot
  recent.Remember("a", "q-a", "adres", kT0, 1);
  recent.Remember("b", "q-b", "betalen", kT0 + 1, 3);
  EXPECT_FALSE(recent.Find("a").has_value()) << "a miss, never another session's search";
  ASSERT_TRUE(recent.Find("b").has_value());
  EXPECT_EQ(recent.Find("b")->query_id, "q-b");
  EXPECT_EQ(recent.Find("b")->seq, 3);
}

TEST(RecentSessions, AnIdTooLongToKeepForgetsTheSessionsOlderSearch) {
  RecentSessions recent(8);
  recent.Remember("s", "q-1", "fac", kT0, 1);
  recent.Remember("s", std::string(RecentSessions::kMaxId + 1, 'q'), "factuur", kT0 + 1, 1);
  EXPECT_FALSE(recent.Find("s").has_value()) << "q-1 is no longer the latest";
  const std::string long_session(RecentSessions::kMaxId + 1, 's');
  recent.Remember(long_session, "q-2", "x", kT0, 1);
  EXPECT_FALSE(recent.Find(long_session).has_value());
}

// Sessions well past the table's size, each typing "fa" and, a second
// later, "factuur", the second searches only after every first one: most
// sessions have been pushed out of the table by then, and each must still
// be marked exactly as if it had stayed.
TEST(RecentSessions, SessionsTheTableLetGoOfAreMarkedFromTheFile) {
  testing::TempDir dir;
  auto store = AnalyticsStore::Open(dir / "log.sqlite");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  constexpr int kSessions = static_cast<int>(RecentSessions::kDefaultSlots) + 123;
  std::vector<StoredSearch> batch;
  for (int pass = 0; pass < 2; ++pass) {
    for (int k = 0; k < kSessions; ++k) {
      StoredSearch s;
      s.ts_ms = kT0 + pass * 1000 + k;
      s.query_id = "q-" + std::to_string(pass) + "-" + std::to_string(k);
      s.query = s.normalized = pass == 0 ? "fa" : "factuur";
      s.session = "session-" + std::to_string(k);
      batch.push_back(s);
    }
  }
  ASSERT_TRUE(store.value()->InsertSearches(std::move(batch)).ok());
  EXPECT_EQ(Count(*store.value(), "SELECT count(*) FROM searches WHERE normalized = 'fa' AND superseded_ms = 1000"),
            kSessions)
      << "every first search was typed on";
  EXPECT_EQ(
      Count(*store.value(), "SELECT count(*) FROM searches WHERE normalized = 'factuur' AND superseded_ms IS NULL"),
      kSessions);
  EXPECT_EQ(Count(*store.value(), "SELECT count(*) FROM searches WHERE session_seq = 1"), 2 * kSessions)
      << "a burst keeps its number";
}

StoredSearch Event(int i) {
  StoredSearch s;
  s.ts_ms = kT0 + i;
  s.query_id = "q-" + std::to_string(i);
  s.query = s.normalized = "query " + std::to_string(i);
  return s;
}

TEST(EventWriter, AFullQueueDropsCountsAndReportsOnceInsteadOfGrowing) {
  testing::TempDir dir;
  auto store = AnalyticsStore::Open(dir / "log.sqlite");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::atomic<int> reports{0};
  std::atomic<int> unavailable{0};
  {
    // An hour's interval: nothing is written before Flush.
    EventWriter writer(
        *store.value(), 3600000,
        [&](const Status& s) {
          ++reports;
          if (s.code() == StatusCode::kUnavailable) ++unavailable;
        },
        10);
    for (int i = 0; i < 25; ++i) writer.Push(Event(i));
    EXPECT_EQ(writer.Pending(), 10u);
    EXPECT_EQ(writer.Dropped(), 15u);
    ASSERT_TRUE(writer.Flush().ok());
    EXPECT_EQ(writer.Pending(), 0u);
    EXPECT_EQ(Count(*store.value(), "SELECT count(*) FROM searches"), 10);
    // Room again once written; the report is not repeated.
    for (int i = 100; i < 105; ++i) writer.Push(Event(i));
    ASSERT_TRUE(writer.Flush().ok());
    EXPECT_EQ(writer.Dropped(), 15u);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (reports.load() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  EXPECT_EQ(reports.load(), 1);
  EXPECT_EQ(unavailable.load(), 1);
  EXPECT_EQ(Count(*store.value(), "SELECT count(*) FROM searches"), 15);
  EXPECT_EQ(Count(*store.value(), "SELECT count(*) FROM searches WHERE ts >= " + std::to_string(kT0 + 10) +
                                      " AND ts < " + std::to_string(kT0 + 25)),
            0)
      << "the events past the bound are the ones dropped";
}

}  // namespace
}  // namespace portalkb
