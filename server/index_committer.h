// The server's one IndexWriter, shared by the admin endpoints, and the
// background thread that commits what they wrote at most every interval.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/thread_annotations.h"
#include "portalkb/index_writer.h"
#include "portalkb/status.h"

namespace portalkb::server {

// Thread-safety: all methods may be called from any thread; writes are
// serialised on one mutex (IndexWriter is single-threaded). Searches never
// touch it: the Engine reopens the index per call and sees each commit.
class IndexCommitter {
 public:
  // Opens the writer (creating the index if missing) and starts the commit
  // thread. Busy when another process holds the index's writer lock.
  static Result<std::unique_ptr<IndexCommitter>> Open(const std::string& path, int commit_interval_ms);
  ~IndexCommitter();  // Stop()s

  // Runs `change` on the writer under the lock. With `wait`, commits before
  // returning (the change is visible to searches when this returns);
  // otherwise the commit thread commits it within the interval.
  Status Write(const std::function<Status(IndexWriter&)>& change, bool wait);

  // Commits what is pending now (on shutdown).
  Status CommitPending();
  // Stops the commit thread after a last commit.
  void Stop();

 private:
  IndexCommitter(std::unique_ptr<IndexWriter> writer, int interval_ms);
  void Loop();

  Mutex mutex_;
  std::unique_ptr<IndexWriter> writer_ PT_GUARDED_BY(mutex_);
  bool dirty_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::condition_variable wake_;
  const int interval_ms_;
  std::thread thread_;
};

}  // namespace portalkb::server
