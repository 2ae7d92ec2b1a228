// Token buckets per key and per client address: each request takes a token;
// buckets refill at `rate` per second up to `burst`.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/thread_annotations.h"

namespace portalkb::server {

struct RateLimit {
  double rate = 20;   // tokens per second (> 0); 0 disables the limit
  double burst = 40;  // bucket size (>= 1)
};

// Thread-safety: all methods may be called from any thread.
class RateLimiter {
 public:
  // At most `max_buckets` callers are tracked; past that, full buckets
  // (callers idle long enough to be back at the burst) are forgotten first,
  // then everything, so memory stays bounded whoever calls.
  explicit RateLimiter(RateLimit limit, std::size_t max_buckets = 100000);

  // 0 when `who` may go ahead (and a token is taken); otherwise the seconds
  // to wait (>= 1) for the next token.
  int Take(const std::string& who);

 private:
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  void Evict(Clock::time_point now) REQUIRES(mutex_);

  const RateLimit limit_;
  const std::size_t max_buckets_;
  Mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mutex_);
};

}  // namespace portalkb::server
