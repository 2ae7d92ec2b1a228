// Request counters and latency histograms for /metrics (Prometheus text
// exposition format 0.0.4).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/thread_annotations.h"

namespace portalkb::server {

// Thread-safety: all methods may be called from any thread.
class Metrics {
 public:
  // `endpoint` is a route name ("search", "documents.put"), never a raw path,
  // so the number of series stays bounded.
  void Record(const std::string& endpoint, int status, double ms);
  void RecordZeroResultSearch();

  // The exposition text; `gauges` are appended as "name value" lines
  // (already-formatted metric names, e.g. portalkb_index_documents).
  std::string Render(const std::map<std::string, double>& gauges) const;

  // Latency bucket bounds in milliseconds.
  static constexpr std::array<double, 12> kBucketsMs = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBucketsMs.size()> buckets{};
    std::uint64_t count = 0;
    double sum_ms = 0;
  };
  mutable Mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_ GUARDED_BY(mutex_);
  std::map<std::string, Histogram> latency_ GUARDED_BY(mutex_);
  std::uint64_t zero_result_searches_ GUARDED_BY(mutex_) = 0;
};

}  // namespace portalkb::server
