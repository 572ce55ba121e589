// ktk/client/workqueue/priority_queue.hpp — a rate-limiting work queue that hands
// out higher priorities first, as controller-runtime's priorityqueue.
//
// Items carry an int priority (0 for the inherited add/add_after/add_rate_limited).
// get() hands out the highest priority queued, FIFO within a priority. Re-adding a
// queued item with a higher priority raises it, to the back of its new priority; a
// lower one changes nothing. Delayed adds keep the earliest time and the highest
// priority asked for. Everything else is the plain queue's: duplicates collapse, no
// item goes to two workers at once, an item added while processed comes back after
// done() (at the highest priority it was added with meanwhile, behind the items
// already queued at that priority).
//
// One difference from controller-runtime: a delayed add of an item that is already
// queued is tracked on its own, as in client-go's delaying queue, instead of being
// merged into the queued item. By default the limiter is controller-runtime's for
// this queue: exponential_failure_rate_limiter (5 ms → 1000 s), no bucket.
//
//   ktk::client::workqueue::priority_queue<std::string> q;
//   q.add("default/low", -1);  q.add("default/high", 10);
//   auto next = q.get_with_priority(stop);   // {"default/high", 10}
//
// Every method is thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <utility>

#include "ktk/client/workqueue/rate_limiting_queue.hpp"

namespace ktk::client::workqueue {

template <class T>
struct prioritized {
  T item;
  int priority = 0;
};

template <class T>
class priority_queue : public rate_limiting_queue<T> {
 public:
  // `limiter` null: exponential_failure_rate_limiter<T> with its defaults.
  explicit priority_queue(queue_options opts = {}, std::unique_ptr<rate_limiter<T>>&& limiter = nullptr)
      : rate_limiting_queue<T>(opts, limiter ? std::move(limiter)
                                             : std::make_unique<exponential_failure_rate_limiter<T>>()) {}

  using rate_limiting_queue<T>::add;
  using rate_limiting_queue<T>::add_after;
  using rate_limiting_queue<T>::add_rate_limited;

  void add(const T& item, int priority) { this->core_.add(item, priority); }
  void add_after(const T& item, std::chrono::nanoseconds delay, int priority) {
    this->core_.add_after(item, delay, priority);
  }
  void add_rate_limited(const T& item, int priority) { add_after(item, this->limiter_->when(item), priority); }

  // get(), with the priority the item was queued at.
  std::optional<prioritized<T>> get_with_priority(std::stop_token stop = {}) {
    int priority = 0;
    auto item = this->core_.get(stop, &priority);
    if (!item) return std::nullopt;
    return prioritized<T>{std::move(*item), priority};
  }
};

}  // namespace ktk::client::workqueue
