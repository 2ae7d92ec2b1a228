// One writer, many readers; interrupted writers; locks.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <csignal>
#include <thread>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

std::uint64_t Count(Engine& engine, const std::string& query) {
  SearchRequest request;
  request.query = query;
  auto r = engine.Search(request);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->total : 0;
}

TEST(Reliability, ReadersSeeOnlyCommittedChanges) {
  testing::TempDir dir;
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  ASSERT_TRUE(writer->Put(MakeArticle("a", "Alpha", "committed")).ok());
  ASSERT_TRUE(writer->Commit().ok());
  auto engine = std::move(Engine::Open(dir / "index")).value();
  EXPECT_EQ(Count(*engine, "committed"), 1u);

  ASSERT_TRUE(writer->Put(MakeArticle("b", "Beta", "pending")).ok());
  EXPECT_EQ(Count(*engine, "pending"), 0u) << "uncommitted changes are invisible";
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(Count(*engine, "pending"), 1u) << "the same engine sees the commit on its next call";
}

TEST(Reliability, ASecondWriterIsBusy) {
  testing::TempDir dir;
  auto first = IndexWriter::Open(dir / "index");
  ASSERT_TRUE(first.ok());
  auto second = IndexWriter::Open(dir / "index");
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  first.value().reset();
  EXPECT_TRUE(IndexWriter::Open(dir / "index").ok()) << "the lock is released with the writer";
}

TEST(Reliability, AWriterDroppedWithoutCommitLeavesTheLastCommit) {
  testing::TempDir dir;
  {
    auto writer = std::move(IndexWriter::Open(dir / "index")).value();
    ASSERT_TRUE(writer->Put(MakeArticle("a", "Alpha", "kept")).ok());
    ASSERT_TRUE(writer->Commit().ok());
    ASSERT_TRUE(writer->Put(MakeArticle("b", "Beta", "lost")).ok());
    ASSERT_TRUE(writer->Delete("a").ok());
  }
  auto engine = std::move(Engine::Open(dir / "index")).value();
  EXPECT_EQ(Count(*engine, "kept"), 1u);
  EXPECT_EQ(Count(*engine, "lost"), 0u);
}

TEST(Reliability, AKilledWriterProcessLeavesAReadableIndexWithItsLastCommit) {
  testing::TempDir dir;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = IndexWriter::Open(dir / "index");
    if (!writer.ok()) _exit(3);
    for (int i = 0; i < 50; ++i) {
      if (!writer.value()->Put(MakeArticle("c" + std::to_string(i), "Committed", "durable")).ok()) _exit(4);
    }
    if (!writer.value()->Commit().ok()) _exit(5);
    for (int i = 0; i < 2000; ++i) {
      if (!writer.value()->Put(MakeArticle("p" + std::to_string(i), "Pending", "volatile")).ok()) _exit(6);
    }
    raise(SIGKILL);  // die mid-batch, without commit or cleanup
    _exit(7);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit code " << WEXITSTATUS(status);

  auto engine = Engine::Open(dir / "index");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ(Count(*engine.value(), "durable"), 50u);
  EXPECT_EQ(Count(*engine.value(), "volatile"), 0u);
  // And a new writer can take over (the lock died with the process).
  auto writer = IndexWriter::Open(dir / "index");
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE(writer.value()->Put(MakeArticle("after", "After", "recovered")).ok());
  ASSERT_TRUE(writer.value()->Commit().ok());
  EXPECT_EQ(Count(*engine.value(), "recovered"), 1u);
}

TEST(Reliability, ReadersKeepWorkingWhileAWriterCommits) {
  testing::TempDir dir;
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  ASSERT_TRUE(writer->Put(MakeArticle("seed", "Seed", "stable word")).ok());
  ASSERT_TRUE(writer->Commit().ok());

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> searches{0};
  std::mutex error_mutex;
  std::string first_error;
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      auto engine = Engine::Open(dir / "index");  // one engine per thread
      if (!engine.ok()) {
        ++failures;
        return;
      }
      while (!stop) {
        SearchRequest request;
        request.query = "stable";
        auto r = engine.value()->Search(request);
        if (!r.ok() || r->total < 1) {
          ++failures;
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.empty()) first_error = r.ok() ? "no results" : r.status().ToString();
        }
        ++searches;
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(
        writer->Put(MakeArticle("d" + std::to_string(i % 10), "Doc", "stable churn " + std::to_string(i))).ok());
    ASSERT_TRUE(writer->Commit().ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_GT(searches.load(), 0);
}

}  // namespace
}  // namespace portalkb
