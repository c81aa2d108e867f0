// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html):
// what a comment such as "guarded by mu_" used to promise, checked by `-Wthread-safety` in the
// `clang` preset. Under other compilers every macro expands to nothing.
//
//   OSSUP_GUARDED_BY(mu)      a member read or written only while `mu` is held
//   OSSUP_PT_GUARDED_BY(mu)   the pointee of a pointer member, ditto (the pointer itself is not)
//   OSSUP_REQUIRES(mu)        a function called with `mu` held (the "...Locked" helpers)
//   OSSUP_EXCLUDES(mu)        a function that takes `mu` itself, so callers must not hold it
//   OSSUP_ACQUIRE / OSSUP_RELEASE / OSSUP_ASSERT_CAPABILITY: on lock types (mutex.h)
//   OSSUP_NO_THREAD_SAFETY_ANALYSIS: opts a function out; say why next to it.
//
// Prefixed because public headers use them: an application may define GUARDED_BY itself.
#pragma once

#if defined(__clang__)
#define OSSUP_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define OSSUP_THREAD_ANNOTATION_(x)
#endif

#define OSSUP_CAPABILITY(x) OSSUP_THREAD_ANNOTATION_(capability(x))
#define OSSUP_SCOPED_CAPABILITY OSSUP_THREAD_ANNOTATION_(scoped_lockable)
#define OSSUP_GUARDED_BY(x) OSSUP_THREAD_ANNOTATION_(guarded_by(x))
#define OSSUP_PT_GUARDED_BY(x) OSSUP_THREAD_ANNOTATION_(pt_guarded_by(x))
#define OSSUP_REQUIRES(...) OSSUP_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define OSSUP_EXCLUDES(...) OSSUP_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
#define OSSUP_ACQUIRE(...) OSSUP_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define OSSUP_RELEASE(...) OSSUP_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define OSSUP_ASSERT_CAPABILITY(x) OSSUP_THREAD_ANNOTATION_(assert_capability(x))
#define OSSUP_NO_THREAD_SAFETY_ANALYSIS OSSUP_THREAD_ANNOTATION_(no_thread_safety_analysis)
