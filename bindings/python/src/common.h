// What the source files of portalkb._core share: the one way a failed
// Status leaves a binding (StatusError, turned into a portalkb.errors class
// by the translator in module.cc), and what the accounts bindings need of an
// open KnowledgeBase.
#pragma once

#include <pybind11/pybind11.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "portalkb/engine.h"
#include "portalkb/index_writer.h"
#include "portalkb/status.h"

namespace portalkb::python {

// Carries a failed Status out of a call; the translator turns it into the
// portalkb.errors class for its code. `operation` names the call, so that an
// InvalidArgument from a search can be raised as InvalidQuery.
struct StatusError {
  Status status;
  std::string operation;
};

[[noreturn]] inline void ThrowStatus(const Status& status, const std::string& operation) {
  throw StatusError{status, operation};
}

template <typename T>
T Unwrap(Result<T> result, const std::string& operation) {
  if (!result.ok()) ThrowStatus(result.status(), operation);
  return std::move(result).value();
}

inline void Check(const Status& status, const std::string& operation) {
  if (!status.ok()) ThrowStatus(status, operation);
}

// An open index as the accounts bindings see it (implemented by the
// KnowledgeBase's native handle). Callable without the GIL.
class IndexAccess {
 public:
  virtual ~IndexAccess() = default;
  virtual const std::string& path() const = 0;
  // The engine, kept alive for the call; StatusError once the index is closed.
  virtual std::shared_ptr<portalkb::Engine> SharedEngine() = 0;
  // Runs `f` with the index's single writer (opened on first use) under the
  // writer lock. `f` commits: pending changes of the handle are committed too.
  virtual void WithWriter(const std::function<void(IndexWriter&)>& f) = 0;
};

// Registers portalkb._core.AccountsCore. `to_index` turns a portalkb._core.Core
// into its IndexAccess (StatusError or a cast error for anything else).
void BindAccounts(pybind11::module_& m, std::function<IndexAccess&(pybind11::handle)> to_index);

}  // namespace portalkb::python
