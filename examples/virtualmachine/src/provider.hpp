// provider.hpp — the outside world the VirtualMachine controller manages.
//
// A provider makes and releases real machines (a cloud API, libvirt, a lab's
// inventory). The controller only needs three calls, each naming the machine. Errors
// are values: a call returns a core::result, and a failure carries an api_error
// (a cloud API is an HTTP API too: 503 when it is down, 404 for a missing machine),
// which the reconciler hands back as its outcome so the work queue retries it.
//
//   fake_provider p;                                   // fake_provider.hpp, for tests
//   auto m = p.get("default/vm-1");
//   if (ktk::is_not_found(m)) m = p.create({.name = "default/vm-1", .cpu = 2, .memory = "4Gi"});
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ktk/core/result.hpp"

namespace ktk::examples::virtualmachine {

// A machine as the provider knows it.
struct machine {
  std::string name{};  // the controller uses "<namespace>/<name>" of the VirtualMachine
  std::int64_t cpu = 1;
  std::string memory{};
  auto operator<=>(const machine&) const = default;
};

// Implementations are called from the controller's workers, possibly for several
// machines at once: they must be thread-safe. Calls should be idempotent from the
// caller's point of view — the controller retries after any failure.
class provider {
 public:
  virtual ~provider() = default;
  // Creates the machine; AlreadyExists (409) when one of that name exists.
  virtual core::result<machine> create(const machine& m) = 0;
  // The machine called `name`; NotFound (404) when there is none.
  virtual core::result<machine> get(std::string_view name) = 0;
  // Releases the machine called `name`; NotFound (404) when there is none.
  virtual core::result<void> remove(std::string_view name) = 0;
};

}  // namespace ktk::examples::virtualmachine
