// at_test_util.hpp — what both At suites use: an At to create, and a bounded wait.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "at_types.hpp"

namespace at_test {

namespace cnat = ktk::examples::at;
using ktk::core::json;

// An At that echoes a line at `schedule`.
inline cnat::at make_at(const std::string& ns, const std::string& name, const std::string& schedule) {
  cnat::at a;
  a.metadata = {{"namespace", ns}, {"name", name}};
  a.spec.schedule = schedule;
  a.spec.containers = json::array(
      {{{"name", "shell"}, {"image", "centos:7"}, {"command", {"bin/bash", "-c", "echo \"Hello, Shanghai!\""}}}});
  return a;
}

// Waits for p() to hold, trying every `poll`, up to `limit` of real time. Not a timing assertion: the limit
// only turns a hang into a failure.
template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds limit = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(2)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(poll);
  }
  return p();
}

}  // namespace at_test
