// ktk/client/flowcontrol/token_bucket.hpp — a token bucket, as golang.org/x/time/rate.
//
// Tokens accrue at `qps` per second up to `burst`. The REST client takes one per
// request (client-go's QPS 5 / burst 10 by default); the work queue's bucket rate
// limiter reserves one per add (10/s, burst 100).
//
//   ktk::client::flowcontrol::token_bucket b({.qps = 5, .burst = 10});
//   if (!b.accept(stop)) return;              // waits for a token on the clock
//   auto wait = b.reserve();                  // takes one now; how long until it is due
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <stop_token>

#include "ktk/core/clock.hpp"

namespace ktk::client::flowcontrol {

struct token_bucket_options {
  double qps = 5;  // <= 0: unlimited
  int burst = 10;  // at least 1
  core::clock* clock = nullptr;  // not owned; the real clock when null
};

class token_bucket {
 public:
  explicit token_bucket(token_bucket_options opts = {});

  // Takes a token if one is there now.
  bool try_accept();
  // Takes a token, going into debt when none is there; returns how long the caller
  // must wait before acting on it (zero when a token was there).
  std::chrono::nanoseconds reserve();
  // reserve(), then waits that long on the clock; false when stop came first (the
  // token is still spent, as client-go's limiter does).
  bool accept(std::stop_token stop = {});

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  void refill(core::clock::time_point now);  // requires mu_

  const double qps_;
  const int burst_;
  core::clock& clock_;
  std::mutex mu_;
  double tokens_;                 // guarded by mu_; negative = reserved ahead
  core::clock::time_point last_;  // guarded by mu_
};

}  // namespace ktk::client::flowcontrol
