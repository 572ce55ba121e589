// poll.hpp — private: polling with backoff, for what has nothing to watch (discovery,
// deletion, a configuration reading back).
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace ktk::envtest::detail {

// Calls `done` until it returns true, backing off from 5 ms to 200 ms; false when the
// deadline would pass first.
template <class Done>
bool poll_until(Done done, std::chrono::steady_clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() + pause >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
  return true;
}

}  // namespace ktk::envtest::detail
