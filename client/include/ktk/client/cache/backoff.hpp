// ktk/client/cache/backoff.hpp — the reflector's retry delays, as client-go's.
//
// Exponential from `initial` (800 ms) by `factor` (2) up to `max` (30 s), each delay
// stretched by a random [0, jitter) fraction of itself (so [30 s, 60 s) at the cap),
// and back to `initial` after `reset_after` (2 min) without a call: a reflector
// that ran well for a while starts over gently.
//
//   ktk::client::cache::backoff b({.clock = &clk});
//   if (!b.wait(stop)) return;   // sleeps next() on the clock; false when stopped
//
// Not thread-safe: one owner (the reflector's thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <stop_token>

#include "ktk/core/clock.hpp"

namespace ktk::client::cache {

struct backoff_options {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30'000};
  std::chrono::milliseconds reset_after{120'000};
  double factor = 2.0;
  double jitter = 1.0;           // 0 = exact delays
  core::clock* clock = nullptr;  // not owned; the real clock when null
  std::uint64_t seed = 0;        // for the jitter; 0 = random
};

class backoff {
 public:
  explicit backoff(backoff_options opts = {});

  // The delay to wait now, and the step for the next call.
  std::chrono::nanoseconds next();
  // Sleeps next() on the clock; false when stop came first.
  bool wait(std::stop_token stop);

 private:
  backoff_options opts_;
  core::clock* clock_;
  std::mt19937_64 rng_;
  std::chrono::nanoseconds step_{0};  // the un-jittered delay of the last call; 0 before any
  core::clock::time_point last_{};
};

}  // namespace ktk::client::cache
