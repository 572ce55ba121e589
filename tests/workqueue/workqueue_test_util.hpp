// workqueue_test_util.hpp — bounded waits for the work queue tests: a watchdog that
// turns a hang into a failure, get() under it, and waiting for a fake-clock sleeper.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "ktk/core/clock.hpp"

namespace workqueue_test {

// Requests stop after `limit` of real time, so a broken queue fails a test instead
// of hanging it. Destroying it early cancels it.
class watchdog {
 public:
  explicit watchdog(std::chrono::seconds limit = std::chrono::seconds(20))
      : thread_([this, limit](std::stop_token st) {
          std::mutex mu;
          std::condition_variable_any cv;
          std::unique_lock lock(mu);
          if (!cv.wait_for(lock, st, limit, [] { return false; }) && !st.stop_requested()) stop_.request_stop();
        }) {}
  std::stop_token token() const { return stop_.get_token(); }
  bool fired() const { return stop_.stop_requested(); }

 private:
  std::stop_source stop_;
  std::jthread thread_;
};

// get() bounded by a watchdog.
template <class Q>
auto get_within(Q& q) {
  watchdog w;
  return q.get(w.token());
}

// Waits (bounded) until a thread — the queue's delay thread — sleeps on the fake clock.
inline void wait_for_sleeper(const ktk::core::fake_clock& clk) {
  watchdog w;
  while (clk.sleepers() == 0 && !w.fired()) std::this_thread::yield();
  ASSERT_GT(clk.sleepers(), 0);
}

}  // namespace workqueue_test
