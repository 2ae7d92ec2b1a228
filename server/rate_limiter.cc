#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace portalkb::server {

RateLimiter::RateLimiter(RateLimit limit, std::size_t max_buckets) : limit_(limit), max_buckets_(max_buckets) {}

int RateLimiter::Take(const std::string& who) {
  if (limit_.rate <= 0) return 0;
  const auto now = Clock::now();
  MutexLock lock(mutex_);
  auto it = buckets_.find(who);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_buckets_) Evict(now);
    it = buckets_.emplace(who, Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.rate);
  b.last = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / limit_.rate)));
}

void RateLimiter::Evict(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.last).count();
    if (it->second.tokens + elapsed * limit_.rate >= limit_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Everyone is busy: forgetting them all errs on the side of letting
  // requests through, and the limit applies again from the next request.
  if (buckets_.size() >= max_buckets_) buckets_.clear();
}

}  // namespace portalkb::server
