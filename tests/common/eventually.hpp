// eventually.hpp — a bounded wait on a condition another thread makes true. Not a
// timing assertion: the limit only turns a hang into a failure.
#pragma once

#include <chrono>
#include <thread>

namespace ktk_test {

template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return p();
}

}  // namespace ktk_test
