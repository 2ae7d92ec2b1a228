// SIGKILL crash harness: starts crash_driver (which commits batches and
// flushes analytics events in a loop, writing a fsync'd marker after each
// success), kills it at a random moment, and checks what survived.
//
// The loss windows, precisely (also in README, "Crash safety"):
// - index: after the kill the index holds exactly the documents of batch M
//   or M+1, where M is the last "index" marker. M+1 means the kill landed
//   between Xapian's commit becoming durable and the marker's fsync; nothing
//   committed is ever lost, nothing uncommitted is ever visible.
// - analytics: the log holds events 0..R-1 (a prefix, no gaps) with
//   E <= R <= E + kEventsPerRound, where E is the last "events" marker:
//   what was queued but not yet written (at most one flush interval's worth)
//   may be lost, nothing written is.
//
// PORTALKB_CRASH_ITERATIONS (default 200) and PORTALKB_CRASH_MAX_DELAY_MS
// (default 100) make a longer run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "reliability/crash_protocol.h"
#include "reliability/reliability_util.h"
#include "test_util.h"

extern char** environ;

namespace portalkb {
namespace {

namespace fs = std::filesystem;
using crash::DocId;
using crash::kBatchSize;
using crash::kEventsPerRound;

long EnvOr(const char* name, long fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  const long parsed = std::strtol(value, &end, 10);
  return (*end == '\0' && parsed > 0) ? parsed : fallback;
}

// The last complete "index N" and "events N" lines; a line cut short by the
// kill (no newline) does not count.
struct Markers {
  long batch = 0;
  long long events = 0;
};

Markers ReadMarkers(const std::string& path) {
  Markers m;
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  for (std::size_t nl; (nl = content.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = content.substr(start, nl - start);
    if (line.rfind("index ", 0) == 0) m.batch = std::stol(line.substr(6));
    if (line.rfind("events ", 0) == 0) m.events = std::stoll(line.substr(7));
  }
  return m;
}

std::set<std::string> BatchIds(long batch) {
  std::set<std::string> ids;
  for (int j = 0; batch > 0 && j < kBatchSize; ++j) ids.insert(DocId(batch, j));
  return ids;
}

std::string Describe(const std::set<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return "{" + out + "}";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(CrashHarness, SigkillAtRandomMomentsLosesNothingCommittedOrFlushed) {
  testing::TempDir dir;
  const std::string index = dir / "index";
  const std::string log = dir / "analytics.db";
  const std::string markers = dir / "markers";
  const std::string driver_err = dir / "driver.err";
  const long iterations = EnvOr("PORTALKB_CRASH_ITERATIONS", 200);
  const long max_delay_ms = EnvOr("PORTALKB_CRASH_MAX_DELAY_MS", 100);
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<long> delay_us(0, max_delay_ms * 1000);

  long verified_batch = 0;  // what the index held at the last check (0: empty or absent)
  long long verified_events = 0;
  long in_index_window = 0, in_events_window = 0, before_first_commit = 0, aimed_past_startup = 0;
  const auto started = std::chrono::steady_clock::now();
  for (long iteration = 0; iteration < iterations; ++iteration) {
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    // The harness records what it verified, so the markers describe the
    // state the next driver starts from.
    {
      std::ofstream out(markers, std::ios::app);
      out << "index " << verified_batch << "\nevents " << verified_events << "\n";
    }
    const std::string batch_arg = std::to_string(verified_batch);
    const std::string events_arg = std::to_string(verified_events);
    const char* argv[] = {PORTALKB_CRASH_DRIVER, index.c_str(),      log.c_str(), markers.c_str(),
                          batch_arg.c_str(),     events_arg.c_str(), nullptr};
    int ready[2];
    ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0) << std::strerror(errno);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ready[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, driver_err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t child = 0;
    const int spawned =
        posix_spawn(&child, PORTALKB_CRASH_DRIVER, &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(ready[1]);
    if (spawned != 0) close(ready[0]);
    ASSERT_EQ(spawned, 0) << "cannot start " << PORTALKB_CRASH_DRIVER << ": " << std::strerror(spawned);
    // Every other kill is aimed past start-up (opening the index and the
    // log), where the commits and flushes are; the others land anywhere.
    if (iteration % 2 == 1) {
      pollfd p{ready[0], POLLIN, 0};
      char byte;
      if (poll(&p, 1, 10000) == 1 && read(ready[0], &byte, 1) == 1) ++aimed_past_startup;
    }
    close(ready[0]);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
    kill(child, SIGKILL);
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "the driver stopped by itself (exit " << (WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1)
        << "): " << ReadFile(driver_err);

    const Markers m = ReadMarkers(markers);
    ASSERT_GE(m.batch, verified_batch);

    // The index: exactly batch M, or M+1 (killed between commit and marker).
    const bool created = fs::exists(fs::path(index) / "iamglass");
    if (!created) {
      ASSERT_EQ(m.batch, 0) << "batch " << m.batch << " was committed but the index is gone";
      ++before_first_commit;
    } else {
      const std::string check = testing::XapianCheck(index, dir.path());
      ASSERT_EQ(check, "") << "after a kill at batch " << m.batch;
      auto ids = testing::MatchingIds(index, "crashproof");
      if (!ids.ok() && m.batch == 0 && ids.status().message().find("no format version") != std::string::npos) {
        // Killed between Xapian creating the database and our format stamp:
        // the next writer stamps it (an empty database of revision 0).
        ++before_first_commit;
      } else {
        ASSERT_TRUE(ids.ok()) << ids.status().ToString();
        if (ids.value() == BatchIds(m.batch)) {
          verified_batch = m.batch;
        } else {
          ASSERT_EQ(ids.value(), BatchIds(m.batch + 1))
              << "the index holds " << Describe(ids.value()) << "; the last marker says batch " << m.batch;
          verified_batch = m.batch + 1;
          ++in_index_window;
        }
      }
    }

    // The log: a prefix of the events, at most one round past the marker.
    if (fs::exists(log)) {
      auto contents = testing::ReadLog(log);
      ASSERT_TRUE(contents.ok()) << contents.status().ToString();
      ASSERT_EQ(contents->integrity, "ok");
      if (!contents->has_searches) {
        ASSERT_EQ(m.events, 0) << "events were flushed but the log has no schema";
      } else {
        const std::int64_t rows = contents->searches;
        ASSERT_GE(rows, m.events) << "flushed events were lost";
        ASSERT_LE(rows, m.events + kEventsPerRound) << "more events than were ever logged";
        if (rows > 0) {
          ASSERT_EQ(contents->min_ts, crash::kFirstTs) << "the first events are missing";
          ASSERT_EQ(contents->max_ts - contents->min_ts + 1, rows) << "a gap in the events";
        }
        if (rows > m.events) ++in_events_window;
        verified_events = rows;
      }
    } else {
      ASSERT_EQ(m.events, 0) << "events were flushed but the log is gone";
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The figures for the report: how many kills landed in each window.
  std::printf(
      "crash harness: %ld kills in %.1f s (delays 0..%ld ms, %ld of them after start-up); reached batch %ld and "
      "%lld events; "
      "%ld kills before the first commit, %ld between a commit and its marker, %ld with events written "
      "but not yet marked\n",
      iterations, seconds, max_delay_ms, aimed_past_startup, verified_batch, verified_events, before_first_commit,
      in_index_window, in_events_window);
  EXPECT_GT(verified_batch, 0) << "no kill came late enough for a commit: raise PORTALKB_CRASH_MAX_DELAY_MS";
}

}  // namespace
}  // namespace portalkb
