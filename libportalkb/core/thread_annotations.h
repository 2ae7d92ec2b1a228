// Clang thread-safety annotations (-Wthread-safety), as LevelDB writes them,
// and the annotated Mutex they refer to. They compile to nothing on other
// compilers; on Clang they let the compiler check that shared state is
// touched only under its mutex.
#pragma once

#include <mutex>

#if defined(__clang__)
#define PORTALKB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PORTALKB_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) PORTALKB_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY PORTALKB_THREAD_ANNOTATION(scoped_lockable)
// The member may be read or written only while `m` is held.
#define GUARDED_BY(m) PORTALKB_THREAD_ANNOTATION(guarded_by(m))
// The pointee may be accessed only while `m` is held.
#define PT_GUARDED_BY(m) PORTALKB_THREAD_ANNOTATION(pt_guarded_by(m))
// The function must be called with `...` held.
#define REQUIRES(...) PORTALKB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// The function must be called without `...` held (it takes them itself).
#define EXCLUDES(...) PORTALKB_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) PORTALKB_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) PORTALKB_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) PORTALKB_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))

namespace portalkb {

// std::mutex with the capability annotation Clang's analysis needs.
class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }
  bool TryLock() TRY_ACQUIRE(true) { return mutex_.try_lock(); }
  std::mutex& native() { return mutex_; }  // for std::condition_variable

 private:
  std::mutex mutex_;
};

// Holds `mutex` for the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.Lock(); }
  ~MutexLock() RELEASE() { mutex_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace portalkb
