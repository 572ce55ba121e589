// ktk/client/workqueue/delaying_queue.hpp — a work queue that can add an item
// later, as client-go's workqueue.TypedDelayingInterface.
//
// add_after(item, d) queues `item` once `d` has passed on the queue's clock. An item
// delayed twice keeps the earlier time; a delayed item is independent of the same
// item being queued or processed now (when its time comes it is add()ed, and
// collapses with a queued copy as add() does). One thread, started by the first
// add_after, waits for the earliest time; shut_down() stops it.
//
//   ktk::core::fake_clock clk;
//   ktk::client::workqueue::delaying_queue<std::string> q({.clock = &clk});
//   q.add_after("default/web", 5s);  clk.advance(5s);  auto key = q.get(stop);
//
// Every method is thread-safe.
#pragma once

#include <chrono>

#include "ktk/client/workqueue/queue.hpp"

namespace ktk::client::workqueue {

template <class T>
class delaying_queue : public queue<T> {
 public:
  using queue<T>::queue;

  // Adds `item` after `delay`; a delay <= 0 adds it now. Ignored once shutting down.
  void add_after(const T& item, std::chrono::nanoseconds delay) { this->core_.add_after(item, delay, 0); }
};

}  // namespace ktk::client::workqueue
