// Disk full and read-only locations: a clear error naming what failed, no
// crash, the last commit intact, and writing resumes once the fault is gone.
//
// Two ways to run out of space: RLIMIT_FSIZE (runs everywhere, root or not:
// with SIGXFSZ ignored a write past the limit fails with EFBIG) and, where
// the test may mount one, a small tmpfs (a real ENOSPC). A read-only
// location is a directory without write permission; as root, where
// permissions do not bind, this thread first drops the capabilities that
// override them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), which
// needs no privilege, so it runs in CI as root too.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "reliability/reliability_util.h"
#include "test_util.h"

namespace portalkb {
namespace {

namespace fs = std::filesystem;
using testing::MakeArticle;

// Lowers this process's soft RLIMIT_FSIZE for its lifetime (the hard limit
// stays, so it can be raised back without privilege).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }
  ~FileSizeLimit() { Lift(); }
  void Lift() {
    if (lifted_) return;
    lifted_ = true;
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_handler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  sighandler_t previous_handler_ = SIG_DFL;
  bool ok_ = false;
  bool lifted_ = false;
};

std::uintmax_t LargestFile(const std::string& dir) {
  std::uintmax_t largest = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) largest = std::max(largest, entry.file_size());
  }
  return largest;
}

// A document of `words` distinct words, so a batch of them grows every table.
Document Bulky(const std::string& id, int words) {
  std::string body = "bulky";
  for (int w = 0; w < words; ++w) body += " w" + id + "x" + std::to_string(w);
  return MakeArticle(id, "Bulky " + id, body);
}

std::set<std::string> Ids(const std::string& prefix, int n) {
  std::set<std::string> ids;
  for (int i = 0; i < n; ++i) ids.insert(prefix + std::to_string(i));
  return ids;
}

// Indexes `n` documents "keep<i>" that match "durable" and commits.
void IndexKept(const std::string& index, int n) {
  auto writer = IndexWriter::Open(index);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(writer.value()->Put(MakeArticle("keep" + std::to_string(i), "Kept", "durable")).ok());
  }
  ASSERT_TRUE(writer.value()->Commit().ok());
}

// The index opens, passes xapian-check and holds exactly `expected` under "durable".
void ExpectIntact(const std::string& index, const std::string& scratch, const std::set<std::string>& expected) {
  EXPECT_EQ(testing::XapianCheck(index, scratch), "");
  auto ids = testing::MatchingIds(index, "durable");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids.value(), expected);
}

// Fills the index with bulky documents, committing every `per_commit`,
// until a commit fails (returned) or `max_commits` succeeded (Ok).
Status FillUntilACommitFails(IndexWriter& writer, int per_commit, int max_commits) {
  for (int c = 0; c < max_commits; ++c) {
    for (int i = 0; i < per_commit; ++i) {
      auto put = writer.Put(Bulky("bulk" + std::to_string(c) + "-" + std::to_string(i), 60));
      if (!put.ok()) return put.status();
    }
    if (Status s = writer.Commit(); !s.ok()) return s;
  }
  return Status::Ok();
}

// Logs `n` search events whose queries are ~1.5 KB each.
void LogBulky(Analytics& analytics, const std::string& prefix, int n) {
  std::string words;
  for (int w = 0; words.size() < 1500; ++w) words += " word" + std::to_string(w);
  for (int i = 0; i < n; ++i) {
    SearchEvent e;
    e.query_id = prefix + std::to_string(i);
    e.query = prefix + words;
    e.results = 1;
    analytics.LogSearch(std::move(e));
  }
}

TEST(DiskFull, AFileSizeLimitFailsTheCommitClearlyAndKeepsTheLastOne) {
  testing::TempDir dir;
  const std::string index = dir / "index";
  IndexKept(index, 5);
  auto writer = std::move(IndexWriter::Open(index)).value();
  Status failed;
  {
    FileSizeLimit limit(LargestFile(index) + 64 * 1024);
    ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_FSIZE): " << std::strerror(errno);
    for (int i = 0; i < 3000 && failed.ok(); ++i) {
      auto put = writer->Put(Bulky("bulk" + std::to_string(i), 60));
      if (!put.ok()) failed = put.status();
    }
    if (failed.ok()) failed = writer->Commit();
    ASSERT_FALSE(failed.ok()) << "3000 documents fitted in 64 KB";
    EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
    EXPECT_NE(failed.message().find(index), std::string::npos) << "the error names the index: " << failed.ToString();
    EXPECT_NE(failed.message().find("File too large"), std::string::npos) << failed.ToString();
    // The writer says what to do instead of writing half a batch.
    auto put = writer->Put(MakeArticle("after", "After", "durable"));
    EXPECT_FALSE(put.ok());
    EXPECT_NE(put.status().message().find("reopen the writer"), std::string::npos) << put.status().ToString();
    writer.reset();  // dropped while the disk is still "full"
  }
  ExpectIntact(index, dir.path(), Ids("keep", 5));
  // Space is back: a new writer indexes and commits.
  writer = std::move(IndexWriter::Open(index)).value();
  ASSERT_TRUE(writer->Put(MakeArticle("keep5", "Kept", "durable")).ok());
  ASSERT_TRUE(writer->Commit().ok());
  writer.reset();
  ExpectIntact(index, dir.path(), Ids("keep", 6));
}

// A tmpfs mounted by the test (needs CAP_SYS_ADMIN); unmounted on destruction.
class SmallTmpfs {
 public:
  SmallTmpfs(const std::string& path, const std::string& size) : path_(path) {
    fs::create_directories(path);
    if (mount("tmpfs", path.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0) {
      mounted_ = true;
    } else {
      why_not_ = std::string("mount -t tmpfs ") + path + ": " + std::strerror(errno);
    }
  }
  ~SmallTmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool Resize(const std::string& size) {
    return mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }
  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string why_not_;
};

TEST(DiskFull, ASmallTmpfsRunsOutOfSpaceClearlyAndRecoversWhenGrown) {
  testing::TempDir dir;
  SmallTmpfs tmpfs(dir / "mnt", "1m");
  if (!tmpfs.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here (" << tmpfs.why_not() << "); RLIMIT_FSIZE tests cover it";
  const std::string index = dir / "mnt/index";
  const std::string log = dir / "mnt/analytics.db";
  AnalyticsOptions log_options;
  log_options.flush_interval_ms = 600000;  // writes at Flush only
  log_options.on_write_error = [](const Status&) {};
  auto analytics = std::move(Analytics::Open(log, log_options)).value();
  LogBulky(*analytics, "before", 10);
  ASSERT_TRUE(analytics->Flush().ok());
  IndexKept(index, 5);
  auto writer = std::move(IndexWriter::Open(index)).value();
  Status failed = FillUntilACommitFails(*writer, 100, 200);
  ASSERT_FALSE(failed.ok()) << "20,000 bulky documents fitted in 1 MB";
  EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
  EXPECT_NE(failed.message().find(index), std::string::npos) << "the error names the index: " << failed.ToString();
  EXPECT_NE(failed.message().find("No space left on device"), std::string::npos) << failed.ToString();
  writer.reset();
  // The log on the full disk: SQLITE_FULL, named, and nothing half-written.
  LogBulky(*analytics, "lost", 900);
  Status log_failed = analytics->Flush();
  ASSERT_FALSE(log_failed.ok()) << "2.7 MB of events fitted on a full disk";
  EXPECT_NE(log_failed.message().find(log), std::string::npos) << log_failed.ToString();
  EXPECT_NE(log_failed.message().find("disk is full"), std::string::npos) << log_failed.ToString();
  // What was committed before the full disk is still there, whole.
  auto ids = testing::MatchingIds(index, "durable");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids.value(), Ids("keep", 5));
  // Space is back: the index takes new documents.
  ASSERT_TRUE(tmpfs.Resize("64m")) << std::strerror(errno);
  writer = std::move(IndexWriter::Open(index)).value();
  ASSERT_TRUE(writer->Put(MakeArticle("keep5", "Kept", "durable")).ok());
  ASSERT_TRUE(writer->Commit().ok());
  writer.reset();
  ExpectIntact(index, dir.path(), Ids("keep", 6));
  LogBulky(*analytics, "after", 10);
  ASSERT_TRUE(analytics->Flush().ok());
  EXPECT_TRUE(analytics->Health().ok()) << analytics->Health().ToString();
  analytics.reset();
  auto contents = testing::ReadLog(log);
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  EXPECT_EQ(contents->integrity, "ok");
  EXPECT_EQ(contents->searches, 20) << "the failed batch is dropped whole, the others kept";
}

// Drops, for this thread and the threads it starts, the capabilities that
// let root ignore file permissions; restores them on destruction.
class PermissionsBind {
 public:
  PermissionsBind() {
    header_.version = _LINUX_CAPABILITY_VERSION_3;
    header_.pid = 0;
    if (syscall(SYS_capget, &header_, saved_) != 0) return;
    __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
    for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER}) {
      reduced[cap / 32].effective &= ~(1u << (cap % 32));
    }
    dropped_ = syscall(SYS_capset, &header_, reduced) == 0;
  }
  ~PermissionsBind() {
    if (dropped_) syscall(SYS_capset, &header_, saved_);
  }
  bool dropped() const { return dropped_; }

 private:
  __user_cap_header_struct header_{};
  __user_cap_data_struct saved_[2]{};
  bool dropped_ = false;
};

// Removes (or gives back to the owner) write permission on `dir` and what is directly in it.
void SetWritable(const std::string& dir, bool writable) {
  constexpr auto kWrite = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  const auto set = [&](const fs::path& p) {
    fs::permissions(p, writable ? fs::perms::owner_write : kWrite,
                    writable ? fs::perm_options::add : fs::perm_options::remove);
  };
  set(dir);
  for (const auto& entry : fs::directory_iterator(dir)) set(entry.path());
}

TEST(ReadOnly, AReadOnlyIndexIsSearchedButNotWrittenAndTheErrorSaysWhy) {
  testing::TempDir dir;
  const std::string index = dir / "index";
  IndexKept(index, 3);
  SetWritable(index, false);
  SetWritable(dir.path(), false);  // the analytics log beside the index cannot be created either
  {
    PermissionsBind bind;
    if (geteuid() == 0) {
      ASSERT_TRUE(bind.dropped()) << "capset: " << std::strerror(errno);
    }
    auto writer = IndexWriter::Open(index);
    ASSERT_FALSE(writer.ok()) << "a writer opened a read-only index";
    EXPECT_NE(writer.status().code(), StatusCode::kBusy) << "no other writer holds it: " << writer.status().ToString();
    EXPECT_NE(writer.status().message().find(index), std::string::npos) << writer.status().ToString();
    EXPECT_NE(writer.status().message().find("Permission denied"), std::string::npos) << writer.status().ToString();

    // Readers need no write access; the log that cannot be created turns
    // logging off and says why, and searching goes on.
    auto engine = Engine::Open(index);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    EXPECT_EQ(engine.value()->analytics(), nullptr);
    EXPECT_NE(engine.value()->analytics_status().message().find(Analytics::PathFor(index)), std::string::npos)
        << engine.value()->analytics_status().ToString();
    SearchRequest request;
    request.query = "durable";
    auto response = engine.value()->Search(request);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->total, 3u);
  }
  SetWritable(dir.path(), true);
  SetWritable(index, true);
  auto writer = IndexWriter::Open(index);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE(writer.value()->Put(MakeArticle("keep3", "Kept", "durable")).ok());
  ASSERT_TRUE(writer.value()->Commit().ok());
  writer.value().reset();
  ExpectIntact(index, dir.path(), Ids("keep", 4));
}

TEST(DiskFull, TheAnalyticsLogFailsAWriteClearlyAndStaysSound) {
  testing::TempDir dir;
  const std::string log = dir / "analytics.db";
  AnalyticsOptions options;
  options.flush_interval_ms = 600000;  // writes happen at Flush only, so the batches are ours
  options.on_write_error = [](const Status&) {};
  {
    auto analytics = std::move(Analytics::Open(log, options)).value();
    LogBulky(*analytics, "before", 10);
    ASSERT_TRUE(analytics->Flush().ok());
    {
      FileSizeLimit limit(LargestFile(dir.path()) + 32 * 1024);
      ASSERT_TRUE(limit.ok()) << "setrlimit(RLIMIT_FSIZE): " << std::strerror(errno);
      LogBulky(*analytics, "lost", 900);  // one batch of ~2.7 MB
      Status failed = analytics->Flush();
      ASSERT_FALSE(failed.ok()) << "2.7 MB fitted in 32 KB";
      EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
      EXPECT_NE(failed.message().find(log), std::string::npos) << "the error names the log: " << failed.ToString();
      EXPECT_FALSE(analytics->Health().ok());
    }
    // Space is back: the next batch is written and health recovers.
    LogBulky(*analytics, "after", 10);
    ASSERT_TRUE(analytics->Flush().ok());
    EXPECT_TRUE(analytics->Health().ok()) << analytics->Health().ToString();
  }
  auto contents = testing::ReadLog(log);
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  EXPECT_EQ(contents->integrity, "ok");
  // The failed batch is dropped whole (documented in analytics.h); the
  // others are all there.
  EXPECT_EQ(contents->searches, 20);
}

}  // namespace
}  // namespace portalkb
