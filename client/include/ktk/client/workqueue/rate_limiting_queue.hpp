// ktk/client/workqueue/rate_limiting_queue.hpp — the queue a controller retries
// failed items through, as client-go's workqueue.TypedRateLimitingInterface.
//
// add_rate_limited(item) asks the rate limiter how long `item` should wait and
// add_after()s it; forget(item) clears the limiter's history of it once it succeeds
// (done() is still needed). By default the limiter is
// default_controller_rate_limiter() on the queue's clock.
//
//   ktk::client::workqueue::rate_limiting_queue<ktk::core::object_key> q;
//   auto key = q.get(stop);
//   if (reconcile(*key)) q.forget(*key); else q.add_rate_limited(*key);
//   q.done(*key);
//
// Every method is thread-safe (the limiters are too).
#pragma once

#include <memory>
#include <utility>

#include "ktk/client/workqueue/delaying_queue.hpp"
#include "ktk/client/workqueue/rate_limiter.hpp"

namespace ktk::client::workqueue {

template <class T>
class rate_limiting_queue : public delaying_queue<T> {
 public:
  // `limiter` null: default_controller_rate_limiter<T>(opts.clock).
  explicit rate_limiting_queue(queue_options opts = {}, std::unique_ptr<rate_limiter<T>>&& limiter = nullptr)
      : delaying_queue<T>(opts),
        limiter_(limiter ? std::move(limiter) : default_controller_rate_limiter<T>(opts.clock)) {}

  // add_after(item, limiter.when(item)). The limiter counts the requeue even when
  // the queue is shutting down and ignores the add, as client-go's does.
  void add_rate_limited(const T& item) { this->add_after(item, limiter_->when(item)); }

  // The limiter stops tracking `item`: its next failure starts from the base delay.
  void forget(const T& item) { limiter_->forget(item); }

  int num_requeues(const T& item) { return limiter_->num_requeues(item); }

 protected:
  const std::unique_ptr<rate_limiter<T>> limiter_;  // never null
};

}  // namespace ktk::client::workqueue
