// eventually.hpp — a bounded wait for what another thread (an informer, a worker)
// makes true. Not a timing assertion: the limit only turns a hang into a failure.
#pragma once

#include <chrono>
#include <thread>

namespace network_test {

template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return p();
}

}  // namespace network_test
