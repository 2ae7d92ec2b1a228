#include "analytics/event_writer.h"

#include <chrono>
#include <string>

namespace portalkb {

namespace {
constexpr std::size_t kMaxBatch = 1000;
}  // namespace

EventWriter::EventWriter(AnalyticsStore& store, int flush_interval_ms, std::function<void(const Status&)> on_error,
                         std::size_t max_queued)
    : store_(store),
      interval_ms_(flush_interval_ms > 0 ? flush_interval_ms : 200),
      max_queued_(max_queued > 0 ? max_queued : kMaxQueued),
      on_error_(std::move(on_error)),
      thread_([this] { Run(); }) {}

EventWriter::~EventWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EventWriter::Push(StoredSearch event) {
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // What waits counts, written or not: the queue and the batch in flight.
    // The writer thread reports the first drop (once).
    if (pushed_ - done_ >= max_queued_) {
      ++dropped_;
    } else {
      queue_.push_back(std::move(event));
      ++pushed_;
      full = queue_.size() >= kMaxBatch;
    }
  }
  if (full) wake_.notify_one();
}

Status EventWriter::Flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  const std::uint64_t target = pushed_;
  flush_requested_ = true;
  wake_.notify_one();
  written_.wait(lock, [&] { return done_ >= target || stop_; });
  return last_error_;
}

Status EventWriter::LastError() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

std::uint64_t EventWriter::Dropped() {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

std::size_t EventWriter::Pending() {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<std::size_t>(pushed_ - done_);
}

Status EventWriter::WriteBatch() {
  std::vector<StoredSearch> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(queue_);
  }
  const std::size_t size = batch.size();
  Status s = store_.InsertSearches(std::move(batch));
  bool newly_failing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ += size;
    newly_failing = !s.ok() && last_error_.ok();
    last_error_ = s;
  }
  written_.notify_all();
  // The batch is dropped: holding it would grow without bound while the log
  // stays broken. The callback runs unlocked, so it may call LastError.
  if (newly_failing && on_error_) on_error_(s);
  return s;
}

void EventWriter::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                   [&] { return stop_ || flush_requested_ || queue_.size() >= kMaxBatch; });
    flush_requested_ = false;
    const bool stopping = stop_;
    if (!queue_.empty()) {
      lock.unlock();
      // A failed write is reported by the next Flush; logging never throws
      // into a search.
      WriteBatch().ok();
      lock.lock();
    }
    // Once per writer, not per event: a full queue under load would flood it.
    if (dropped_ > 0 && !drop_reported_) {
      drop_reported_ = true;
      lock.unlock();
      if (on_error_) {
        on_error_(Status::Unavailable("analytics queue full (" + std::to_string(max_queued_) +
                                      " events waiting): search events are dropped while the log cannot keep up"));
      }
      lock.lock();
    }
    if (stopping && queue_.empty()) break;
  }
  written_.notify_all();
}

}  // namespace portalkb
