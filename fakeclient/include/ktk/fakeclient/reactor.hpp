// ktk/fakeclient/reactor.hpp — recorded actions and reactors of the fake client.
//
// Every call on a fake_client is recorded as an `action` (verb, resource, namespace,
// name, subresource). Reactors run before the call reaches the registry: matched by
// verb and resource ("*" for any), they may add latency and may fail the call with
// any api_error; a reactor that returns nothing lets the call through.
//
//   fc->add_reactor("update", "deployments", ktk::fakeclient::fail_times(2, conflict));
//   fc->add_reactor("*", "*", ktk::fakeclient::delay(std::chrono::milliseconds(5)));
//   EXPECT_EQ(fc->actions().size(), 3);
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ktk/core/api_error.hpp"
#include "ktk/core/gvk.hpp"

namespace ktk::fakeclient {

struct action {
  std::string verb{};  // get list watch create update patch delete deletecollection
  core::gvr resource{};
  std::string namespace_{};
  std::string name{};
  std::string subresource{};  // "", "status", "scale"
  auto operator<=>(const action&) const = default;
};

struct reaction {
  std::optional<core::api_error> error{};  // fail the call with this
  std::chrono::nanoseconds delay{0};     // wait this long first (on the fake client's clock)
};

// nullopt = not for me; the call goes on to the next reactor and then the registry.
using reactor = std::function<std::optional<reaction>(const action&)>;
using reactor_id = std::uint64_t;

// Fails every matching call with e.
reactor fail(core::api_error e);
// Fails the first n matching calls with e, then lets calls through. Thread-safe.
reactor fail_times(int n, core::api_error e);
// Delays every matching call by d.
reactor delay(std::chrono::nanoseconds d);

}  // namespace ktk::fakeclient
