// ktk/client/workqueue/rate_limiter.hpp — how long a failed item waits before it is
// retried, as client-go's workqueue rate limiters (default_rate_limiters.go).
//
// A rate_limiter answers when(item) — the wait before `item` is queued again — and
// keeps whatever per-item history it needs until forget(item). The limiters here:
//
//   exponential_failure_rate_limiter  base * 2^failures per item, capped (5 ms → 1000 s)
//   fast_slow_rate_limiter            a fast delay for the first N attempts, then a slow one
//   bucket_rate_limiter               one token bucket for all items (10 qps, burst 100)
//   max_of_rate_limiter               the longest wait of several limiters
//   with_max_wait_rate_limiter        another limiter's wait, capped
//   default_controller_rate_limiter   max-of(exponential 5 ms/1000 s, bucket 10/100)
//
//   auto rl = ktk::client::workqueue::default_controller_rate_limiter<std::string>();
//   rl->when("default/web");   // 5ms, then 10ms, 20ms ... until forget("default/web")
//
// Every limiter is thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ktk/client/flowcontrol/token_bucket.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::workqueue {

template <class T>
class rate_limiter {
 public:
  virtual ~rate_limiter() = default;
  // How long `item` should wait before it is queued again; counts one requeue.
  virtual std::chrono::nanoseconds when(const T& item) = 0;
  // Stops tracking `item` (it succeeded, or was given up on).
  virtual void forget(const T& item) = 0;
  // How many times when() was asked for `item` since it was last forgotten.
  virtual int num_requeues(const T& item) = 0;
};

// base * 2^failures, or `max` when that is larger or does not fit in 64 bits.
std::chrono::nanoseconds exponential_backoff(std::chrono::nanoseconds base, std::chrono::nanoseconds max,
                                             int failures);

namespace detail {
// Per-item failure counts, the history both per-item limiters keep.
template <class T>
class failure_counts {
 public:
  // Counts one more failure; returns the count before it.
  int bump(const T& item) {
    std::lock_guard lock(mu_);
    return counts_[item]++;
  }
  int get(const T& item) const {
    std::lock_guard lock(mu_);
    auto it = counts_.find(item);
    return it == counts_.end() ? 0 : it->second;
  }
  void forget(const T& item) {
    std::lock_guard lock(mu_);
    counts_.erase(item);
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<T, int> counts_;  // guarded by mu_
};
}  // namespace detail

struct exponential_failure_options {
  std::chrono::nanoseconds base_delay = std::chrono::milliseconds(5);
  std::chrono::nanoseconds max_delay = std::chrono::seconds(1000);
};

template <class T>
class exponential_failure_rate_limiter final : public rate_limiter<T> {
 public:
  explicit exponential_failure_rate_limiter(exponential_failure_options opts = {}) : opts_(opts) {}
  std::chrono::nanoseconds when(const T& item) override {
    return exponential_backoff(opts_.base_delay, opts_.max_delay, failures_.bump(item));
  }
  void forget(const T& item) override { failures_.forget(item); }
  int num_requeues(const T& item) override { return failures_.get(item); }

 private:
  const exponential_failure_options opts_;
  detail::failure_counts<T> failures_;
};

struct fast_slow_options {
  std::chrono::nanoseconds fast_delay{0};
  std::chrono::nanoseconds slow_delay{0};
  int max_fast_attempts = 0;
};

template <class T>
class fast_slow_rate_limiter final : public rate_limiter<T> {
 public:
  explicit fast_slow_rate_limiter(fast_slow_options opts) : opts_(opts) {}
  std::chrono::nanoseconds when(const T& item) override {
    return failures_.bump(item) < opts_.max_fast_attempts ? opts_.fast_delay : opts_.slow_delay;
  }
  void forget(const T& item) override { failures_.forget(item); }
  int num_requeues(const T& item) override { return failures_.get(item); }

 private:
  const fast_slow_options opts_;
  detail::failure_counts<T> failures_;
};

// One bucket shared by every item: reserves a token per when(), and waits as long
// as the bucket is in debt. Keeps no per-item history.
template <class T>
class bucket_rate_limiter final : public rate_limiter<T> {
 public:
  explicit bucket_rate_limiter(flowcontrol::token_bucket_options opts = {.qps = 10, .burst = 100})
      : bucket_(opts) {}
  std::chrono::nanoseconds when(const T&) override { return bucket_.reserve(); }
  void forget(const T&) override {}
  int num_requeues(const T&) override { return 0; }

 private:
  flowcontrol::token_bucket bucket_;
};

// Asks every limiter (each counts the requeue) and answers the longest wait; the
// largest count; forgets in all. With a bucket inside, the burst can appear
// exceeded when some items were separately held back longer (as client-go notes).
template <class T>
class max_of_rate_limiter final : public rate_limiter<T> {
 public:
  explicit max_of_rate_limiter(std::vector<std::unique_ptr<rate_limiter<T>>>&& limiters)
      : limiters_(std::move(limiters)) {}
  std::chrono::nanoseconds when(const T& item) override {
    std::chrono::nanoseconds longest{0};
    for (auto& l : limiters_) longest = std::max(longest, l->when(item));
    return longest;
  }
  void forget(const T& item) override {
    for (auto& l : limiters_) l->forget(item);
  }
  int num_requeues(const T& item) override {
    int most = 0;
    for (auto& l : limiters_) most = std::max(most, l->num_requeues(item));
    return most;
  }

 private:
  const std::vector<std::unique_ptr<rate_limiter<T>>> limiters_;
};

// max_of<T>(std::make_unique<...>(...), ...): a max_of_rate_limiter over the arguments.
template <class T, class... Limiters>
std::unique_ptr<rate_limiter<T>> max_of(std::unique_ptr<Limiters>&&... limiters) {
  std::vector<std::unique_ptr<rate_limiter<T>>> all;
  (all.push_back(std::move(limiters)), ...);
  return std::make_unique<max_of_rate_limiter<T>>(std::move(all));
}

template <class T>
class with_max_wait_rate_limiter final : public rate_limiter<T> {
 public:
  with_max_wait_rate_limiter(std::unique_ptr<rate_limiter<T>>&& inner, std::chrono::nanoseconds max_wait)
      : inner_(std::move(inner)), max_wait_(max_wait) {}
  std::chrono::nanoseconds when(const T& item) override { return std::min(inner_->when(item), max_wait_); }
  void forget(const T& item) override { inner_->forget(item); }
  int num_requeues(const T& item) override { return inner_->num_requeues(item); }

 private:
  const std::unique_ptr<rate_limiter<T>> inner_;
  const std::chrono::nanoseconds max_wait_;
};

// client-go's DefaultTypedControllerRateLimiter: per-item exponential backoff from
// 5 ms to 1000 s, and at most 10 retries a second overall (burst 100). `clock`
// drives the bucket; the real clock when null.
template <class T>
std::unique_ptr<rate_limiter<T>> default_controller_rate_limiter(core::clock* clock = nullptr) {
  return max_of<T>(std::make_unique<exponential_failure_rate_limiter<T>>(),
                   std::make_unique<bucket_rate_limiter<T>>(
                       flowcontrol::token_bucket_options{.qps = 10, .burst = 100, .clock = clock}));
}

}  // namespace ktk::client::workqueue
