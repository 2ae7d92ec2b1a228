// The concurrency soak: readers search (with facets), suggest and ask for
// related documents while a writer commits in a loop and a thread flushes
// the analytics log. No error may escape to a caller, every search is
// answered, every logged search is stored. Runs under ThreadSanitizer in
// scripts/test.sh; PORTALKB_SOAK_SECONDS (default 10) sets how long,
// PORTALKB_SOAK_COMMIT_MS (default 50, 250 under TSan) the writer's pause
// between commits.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

int EnvOr(const char* name, int fallback) {
  const char* value = std::getenv(name);
  const int parsed = value != nullptr ? std::atoi(value) : -1;
  return parsed >= 0 && value != nullptr && *value != '\0' ? parsed : fallback;
}
int SoakSeconds() { return std::max(1, EnvOr("PORTALKB_SOAK_SECONDS", 10)); }
// The writer's pause between commits: the server's shortest commit interval
// (commit_interval_ms 50), scaled by 5 under ThreadSanitizer, which makes
// every read about that much slower. The ratio is what matters: a read
// slower than about two commits fails all its kReadAttempts retries with
// DatabaseCorruptError ("Unexpected end of posting list"), because Xapian
// keeps only the previous revision readable (seen here with 50 ms under
// TSan, and back to back on a loaded machine).
#if defined(__SANITIZE_THREAD__)
constexpr int kDefaultCommitPauseMs = 250;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr int kDefaultCommitPauseMs = 250;
#else
constexpr int kDefaultCommitPauseMs = 50;
#endif
#else
constexpr int kDefaultCommitPauseMs = 50;
#endif
int CommitPauseMs() { return EnvOr("PORTALKB_SOAK_COMMIT_MS", kDefaultCommitPauseMs); }

Document SoakArticle(const std::string& id, int i) {
  static const char* const kTopics[] = {"invoice", "password", "delivery", "refund"};
  const std::string topic = kTopics[i % 4];
  Document d = MakeArticle(id, "Help with your " + topic + " " + std::to_string(i),
                           "How to handle a " + topic + " in the portal, step " + std::to_string(i));
  d.tags = {topic, i % 2 == 0 ? "popular" : "rare"};
  d.category = i % 3 == 0 ? "Billing/Invoices" : "Account";
  return d;
}

// The first failure of any thread, for the report; the count for the assertion.
class Failures {
 public:
  void Add(const std::string& what, const Status& status) {
    ++count_;
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_.empty()) first_ = what + ": " + status.ToString();
  }
  int count() const { return count_.load(); }
  std::string first() {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
  }

 private:
  std::atomic<int> count_{0};
  std::mutex mutex_;
  std::string first_;
};

TEST(Soak, ReadersWriterAndAnalyticsFlushesForAWhileWithoutAnError) {
  testing::TempDir dir;
  const std::string index = dir / "index";
  auto writer = IndexWriter::Open(index);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(writer.value()->Put(SoakArticle("seed-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(writer.value()->Commit().ok());
  auto engine_or = Engine::Open(index);
  ASSERT_TRUE(engine_or.ok()) << engine_or.status().ToString();
  Engine& engine = *engine_or.value();
  ASSERT_NE(engine.analytics(), nullptr) << engine.analytics_status().ToString();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(SoakSeconds());
  const auto running = [&] { return std::chrono::steady_clock::now() < deadline; };
  Failures failures;
  std::atomic<long> searches_started{0}, searches_answered{0}, logged{0};
  std::atomic<long> suggests{0}, related{0}, commits{0}, flushes{0};
  std::mutex ids_mutex;
  std::set<std::string> query_ids;

  std::vector<std::thread> threads;
  constexpr int kReaders = 4;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      static const char* const kQueries[] = {"invoice", "pasword", "delivery refund", "help portal", "zorbaxium"};
      for (long n = 0; running(); ++n) {
        SearchRequest request;
        request.query = kQueries[(n + t) % 5];
        request.facets = {"tags", "category", "lang"};
        request.session = "soak-" + std::to_string(t);
        request.log = n % 2 == 0;  // half of them logged
        ++searches_started;
        auto r = engine.Search(request);
        if (!r.ok()) {
          failures.Add("search '" + request.query + "'", r.status());
          continue;
        }
        ++searches_answered;
        if (request.log) {
          ++logged;
          std::lock_guard<std::mutex> lock(ids_mutex);
          query_ids.insert(r->query_id);
        }
        if (n % 3 == 0) {
          auto s = engine.Suggest({Principal::Anonymous(), "help with", "", 5});
          if (s.ok()) {
            ++suggests;
          } else {
            failures.Add("suggest", s.status());
          }
        }
        if (n % 3 == 1) {
          // Seed documents are never deleted, so Related always has its document.
          auto rel = engine.Related("seed-" + std::to_string(n % 40), Principal::Anonymous(), 3);
          if (rel.ok()) {
            ++related;
          } else {
            failures.Add("related", rel.status());
          }
        }
      }
    });
  }
  threads.emplace_back([&] {
    // Adds a few documents and replaces or deletes older ones, then commits.
    for (long round = 0; running(); ++round) {
      for (int j = 0; j < 3; ++j) {
        auto put = writer.value()->Put(SoakArticle("new-" + std::to_string(round * 3 + j), j));
        if (!put.ok()) failures.Add("put", put.status());
      }
      if (round >= 2) {
        auto del = writer.value()->Delete("new-" + std::to_string((round - 2) * 3));
        if (!del.ok()) failures.Add("delete", del.status());
      }
      if (Status s = writer.value()->Commit(); s.ok()) {
        ++commits;
      } else {
        failures.Add("commit", s);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(CommitPauseMs()));
    }
  });
  threads.emplace_back([&] {
    while (running()) {
      if (Status s = engine.analytics()->Flush(); s.ok()) {
        ++flushes;
      } else {
        failures.Add("flush", s);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (auto& t : threads) t.join();

  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
  EXPECT_EQ(searches_answered.load(), searches_started.load()) << "every search answered";
  EXPECT_GT(commits.load(), 0);
  EXPECT_GT(flushes.load(), 0);
  EXPECT_GT(suggests.load(), 0);
  EXPECT_GT(related.load(), 0);
  EXPECT_EQ(static_cast<long>(query_ids.size()), logged.load()) << "query ids are distinct";

  // Every logged search is in the log, under its own query id.
  ASSERT_TRUE(engine.analytics()->Flush().ok());
  std::set<std::string> stored;
  std::int64_t after = 0;
  while (true) {
    auto page = engine.analytics()->Searches(0, 0, after, 10000);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    for (const auto& s : page.value()) stored.insert(s.query_id);
    after = page->back().seq;
  }
  EXPECT_EQ(stored, query_ids);
  std::printf("soak: %d s, %ld searches (%ld logged), %ld suggests, %ld related, %ld commits, %ld flushes\n",
              SoakSeconds(), searches_answered.load(), logged.load(), suggests.load(), related.load(), commits.load(),
              flushes.load());
}

}  // namespace
}  // namespace portalkb
