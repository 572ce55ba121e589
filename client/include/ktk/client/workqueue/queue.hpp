// ktk/client/workqueue/queue.hpp — the work queue controllers pull keys from, as
// client-go's workqueue.Typed.
//
// A FIFO of items with client-go's guarantees: an item queued twice is queued once;
// an item is never handed to two workers at once; an item added while a worker holds
// it is handed out again after that worker calls done(). delaying_queue,
// rate_limiting_queue and priority_queue build on it.
//
//   ktk::client::workqueue::queue<std::string> q;
//   q.add("default/web");
//   while (auto key = q.get(stop)) { reconcile(*key); q.done(*key); }
//
// T must be copyable, equality-comparable and std::hash-able (std::string,
// ktk::core::object_key). Every method is thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <stop_token>

#include "ktk/client/workqueue/detail/queue_core.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::workqueue {

struct queue_options {
  core::clock* clock = nullptr;       // not owned; the real clock when null (times add_after)
  std::size_t initial_capacity = 64;  // distinct items expected at once; sizes the tables up front
};

template <class T>
class queue {
 public:
  explicit queue(queue_options opts = {})
      : core_(opts.clock ? *opts.clock : core::real_clock::instance(), opts.initial_capacity) {}
  virtual ~queue() = default;  // joins the delay thread when there is one
  queue(const queue&) = delete;
  queue& operator=(const queue&) = delete;

  // Marks `item` as needing processing. A no-op when it is already queued, deferred
  // to done() while a worker holds it, ignored once shutting down.
  void add(const T& item) { core_.add(item, 0); }

  // Blocks until an item is queued and hands it out; the caller owns it until done().
  // Returns nullopt when the queue is shut down and empty (items queued before
  // shut_down() are still handed out), or when `stop` is requested.
  std::optional<T> get(std::stop_token stop = {}) { return core_.get(stop, nullptr); }

  // Ends the processing of an item from get(). If it was added meanwhile, it is
  // queued again (even after shut_down()). A no-op for an item not handed out.
  void done(const T& item) { core_.done(item); }

  // Items queued and not handed out (not counting delayed ones). For information
  // only: another thread may change it right after.
  std::size_t len() const { return core_.len(); }

  // Queued, processing and delayed counts and the earliest delayed time, taken
  // together under the queue's lock. For information, like len().
  queue_activity activity() const { return core_.activity(); }

  // From now on add() is ignored; get() keeps handing out what is queued, then
  // returns nullopt at once. Stops the delay thread; delayed items are dropped.
  // May be called more than once, and after shut_down_with_drain() to end its wait.
  void shut_down() { core_.shut_down(); }

  // shut_down(), then waits until no item is being processed. Every worker must
  // call done() for what it holds, or this waits forever.
  void shut_down_with_drain() { core_.shut_down_with_drain(); }

  bool shutting_down() const { return core_.shutting_down(); }

 protected:
  detail::queue_core<T> core_;
};

}  // namespace ktk::client::workqueue
