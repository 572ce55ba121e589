#include "ktk/fakeclient/reactor.hpp"

#include <atomic>
#include <memory>

namespace ktk::fakeclient {

reactor fail(core::api_error e) {
  return [e = std::move(e)](const action&) -> std::optional<reaction> { return reaction{.error = e}; };
}

reactor fail_times(int n, core::api_error e) {
  auto left = std::make_shared<std::atomic<int>>(n);
  return [left, e = std::move(e)](const action&) -> std::optional<reaction> {
    if (left->fetch_sub(1) > 0) return reaction{.error = e};
    return std::nullopt;
  };
}

reactor delay(std::chrono::nanoseconds d) {
  return [d](const action&) -> std::optional<reaction> { return reaction{.delay = d}; };
}

}  // namespace ktk::fakeclient
