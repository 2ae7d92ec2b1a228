// Writes search events off the query path: a queue drained by one
// background thread in batches, at least every flush interval.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "analytics/analytics_store.h"

namespace portalkb {

// Thread-safety: Push and Flush may be called from any thread.
class EventWriter {
 public:
  EventWriter(AnalyticsStore& store, int flush_interval_ms);
  ~EventWriter();  // writes what is queued, then stops

  void Push(StoredSearch event);
  // Blocks until everything queued before the call is written.
  Status Flush();
  // Events pushed and not yet written (queued or in the batch being written).
  std::size_t Pending();

 private:
  void Run();
  Status WriteBatch();

  AnalyticsStore& store_;
  const int interval_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::vector<StoredSearch> queue_;
  std::uint64_t pushed_ = 0;
  std::uint64_t done_ = 0;
  Status last_error_;
  bool stop_ = false;
  bool flush_requested_ = false;
  std::thread thread_;
};

}  // namespace portalkb
