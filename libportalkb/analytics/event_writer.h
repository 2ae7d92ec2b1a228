// Writes search events off the query path: a queue drained by one
// background thread in batches, at least every flush interval. The queue is
// bounded: when the log cannot keep up (a slow disk, a locked file), events
// past the bound are dropped and counted instead of growing memory without
// end; searches never wait for the log.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "analytics/analytics_store.h"
#include "core/thread_annotations.h"

namespace portalkb {

// Thread-safety: Push, Flush and LastError may be called from any thread.
class EventWriter {
 public:
  // `on_error` is called on the writer thread when a write fails after the
  // previous one succeeded (so once per outage, not once per batch), and the
  // first time an event is dropped because the queue is full.
  // `max_queued` bounds the events waiting to be written (0: kMaxQueued).
  EventWriter(AnalyticsStore& store, int flush_interval_ms, std::function<void(const Status&)> on_error,
              std::size_t max_queued = 0);
  ~EventWriter();  // writes what is queued, then stops

  static constexpr std::size_t kMaxQueued = 50000;

  // Queues `event`, or drops it (counted by Dropped) when the queue is full.
  void Push(StoredSearch event);
  // Blocks until everything queued before the call is written.
  Status Flush();
  // Ok, or the error of the last write if it failed.
  Status LastError() const;
  // Events pushed and not yet written (queued or in the batch being written).
  std::size_t Pending();
  // Events dropped because the queue was full, since the writer started.
  std::uint64_t Dropped();

 private:
  void Run();
  Status WriteBatch();

  AnalyticsStore& store_;
  const int interval_ms_;
  const std::size_t max_queued_;
  const std::function<void(const Status&)> on_error_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::vector<StoredSearch> queue_ GUARDED_BY(mutex_);
  std::uint64_t pushed_ GUARDED_BY(mutex_) = 0;
  std::uint64_t done_ GUARDED_BY(mutex_) = 0;
  std::uint64_t dropped_ GUARDED_BY(mutex_) = 0;
  Status last_error_ GUARDED_BY(mutex_);
  bool stop_ GUARDED_BY(mutex_) = false;
  bool flush_requested_ GUARDED_BY(mutex_) = false;
  bool drop_reported_ GUARDED_BY(mutex_) = false;
  std::thread thread_;  // last: starts once everything above is constructed
};

}  // namespace portalkb
