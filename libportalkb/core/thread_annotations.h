// Clang thread-safety annotations (-Wthread-safety); empty on other
// compilers, where they still document which mutex guards what.
#pragma once

#if defined(__clang__)
#define PORTALKB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PORTALKB_THREAD_ANNOTATION(x)
#endif

// The member may only be read or written while holding `m`.
#define GUARDED_BY(m) PORTALKB_THREAD_ANNOTATION(guarded_by(m))
// The function must be called with `m` held.
#define REQUIRES(...) PORTALKB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
