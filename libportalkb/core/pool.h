// A small pool of per-call scratch objects (Xapian handles, ICU break
// iterators) that must never be used by two threads at once. A thread leases
// one for the duration of a call and gives it back; the pool grows to the
// number of threads that were ever busy at once and never shrinks.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "core/thread_annotations.h"

namespace portalkb {

// Thread-safety: Acquire may be called from any number of threads; a Lease
// (and the object it holds) belongs to the one thread that acquired it.
template <typename T>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;
  explicit Pool(Factory factory) : factory_(std::move(factory)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr && item_ != nullptr) pool_->Release(std::move(item_));
    }
    // Null when the factory failed.
    T* get() const { return item_.get(); }
    T* operator->() const { return item_.get(); }
    T& operator*() const { return *item_; }
    explicit operator bool() const { return item_ != nullptr; }
    // Drops the object instead of returning it (e.g. a handle that failed).
    void Discard() { item_.reset(); }

   private:
    Pool* pool_;
    std::unique_ptr<T> item_;
  };

  // An idle object, or a new one from the factory (outside the lock).
  Lease Acquire() EXCLUDES(mutex_) {
    {
      MutexLock lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<T> item = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(item));
      }
    }
    return Lease(this, factory_());
  }

  std::size_t idle() const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return idle_.size();
  }

 private:
  void Release(std::unique_ptr<T> item) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    idle_.push_back(std::move(item));
  }

  const Factory factory_;
  mutable Mutex mutex_;
  std::vector<std::unique_ptr<T>> idle_ GUARDED_BY(mutex_);
};

}  // namespace portalkb
