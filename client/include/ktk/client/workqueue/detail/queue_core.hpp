// ktk/client/workqueue/detail/queue_core.hpp — the state machine behind every work queue.
//
// queue, delaying_queue, rate_limiting_queue and priority_queue are thin faces over
// this one class. Each item has one entry in one hash map, holding all its state:
//
//   dirty       needs processing (client-go's dirty set); `priority` is its level
//   processing  handed out by get() and not yet done() (client-go's processing set)
//   waiting     in the delay heap until `ready_at` (client-go's waitingForQueue)
//
// An entry goes away when it is none of the three and no ring slot points at it.
// Queued items (dirty, not processing) sit in one ring per priority, highest first.
// A ring slot carries the entry's sequence number at the time it was pushed: raising
// an item's priority pushes a new slot and leaves the old one stale, to be skipped
// when it reaches the front (O(1) instead of a search).
//
// Delayed items wait in a min-heap on (ready_at, arrival). One thread, started by the
// first add_after, sleeps on the clock until the earliest ready_at; an earlier
// arrival stops that sleep through a per-sleep stop_source.
//
// Thread-safe: every member below is guarded by mu_ unless it says otherwise.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ktk/client/workqueue/detail/ring.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::workqueue {

// What a queue holds at one instant, for whoever steps a virtual clock: the simulator
// advances time only while every queue is idle, to its earliest ready_at.
struct queue_activity {
  std::size_t queued = 0;      // handed out by the next get()s
  std::size_t processing = 0;  // handed out and not yet done()
  std::size_t waiting = 0;     // delayed
  std::optional<core::clock::time_point> next_ready_at{};  // the earliest delayed item's time
};

}  // namespace ktk::client::workqueue

namespace ktk::client::workqueue::detail {

template <class T>
class queue_core {
 public:
  using time_point = core::clock::time_point;

  queue_core(core::clock& clock, std::size_t capacity) : clock_(clock) {
    items_.reserve(capacity);
    levels_.push_back(level{0, ring<slot>(capacity)});
  }
  ~queue_core() {
    shut_down();
    if (waiter_.joinable()) waiter_.join();  // no other caller may be left by now
  }
  queue_core(const queue_core&) = delete;
  queue_core& operator=(const queue_core&) = delete;

  void add(const T& item, int priority) {
    std::lock_guard lock(mu_);
    if (shutting_down_) return;
    add_locked(&*items_.try_emplace(item).first, priority);
  }

  void add_after(const T& item, std::chrono::nanoseconds delay, int priority) {
    if (delay <= std::chrono::nanoseconds::zero()) return add(item, priority);
    // Beyond a century is "never"; the cap keeps the time arithmetic from overflowing.
    constexpr std::chrono::nanoseconds never = std::chrono::hours(24 * 365 * 100);
    time_point ready_at = clock_.now() + std::chrono::duration_cast<core::clock::duration>(std::min(delay, never));
    std::lock_guard lock(mu_);
    if (shutting_down_) return;
    node* n = &*items_.try_emplace(item).first;
    entry& e = n->second;
    if (e.heap_index != npos) {
      e.wait_priority = std::max(e.wait_priority, priority);
      if (ready_at >= e.ready_at) return;  // duplicates keep the earliest time
      e.ready_at = ready_at;
      sift_up(e.heap_index);
    } else {
      e.ready_at = ready_at;
      e.wait_priority = priority;
      e.wait_seq = ++seq_;
      e.heap_index = waiting_.size();
      waiting_.push_back(n);
      sift_up(e.heap_index);
    }
    if (waiting_.front() == n) wake_waiter(ready_at);
  }

  // Blocks for a queued item; nullopt once shut down and empty, or when `stop` is
  // requested. Writes the item's priority to *priority when given.
  std::optional<T> get(std::stop_token stop, int* priority) {
    std::unique_lock lock(mu_);
    if (queued_ == 0 && !shutting_down_) {
      ++getters_;
      cv_.wait(lock, stop, [&] { return queued_ > 0 || shutting_down_; });
      --getters_;
    }
    if (queued_ == 0 || stop.stop_requested()) {
      if (queued_ > 0 && getters_ > 0) cv_.notify_one();  // pass on a wake-up that may have been ours
      return std::nullopt;
    }
    node* n = pop_queued(priority);
    entry& e = n->second;
    e.dirty = false;
    e.processing = true;
    --queued_;
    ++processing_;
    return std::optional<T>(n->first);
  }

  void done(const T& item) {
    std::lock_guard lock(mu_);
    auto it = items_.find(item);
    if (it == items_.end() || !it->second.processing) return;  // not handed out: nothing to finish
    entry& e = it->second;
    e.processing = false;
    --processing_;
    if (e.dirty) {
      ++queued_;
      push(&*it);
    } else if (idle(e)) {
      items_.erase(it);
    }
    if (processing_ == 0 && draining_) drained_cv_.notify_all();
  }

  std::size_t len() const {
    std::lock_guard lock(mu_);
    return queued_;
  }

  queue_activity activity() const {
    std::lock_guard lock(mu_);
    queue_activity a{.queued = queued_, .processing = processing_, .waiting = waiting_.size()};
    if (!waiting_.empty()) a.next_ready_at = waiting_.front()->second.ready_at;
    return a;
  }

  void shut_down() {
    std::lock_guard lock(mu_);
    draining_ = false;
    stop_locked();
  }

  void shut_down_with_drain() {
    std::unique_lock lock(mu_);
    draining_ = true;
    stop_locked();
    drained_cv_.wait(lock, [&] { return processing_ == 0 || !draining_; });
  }

  bool shutting_down() const {
    std::lock_guard lock(mu_);
    return shutting_down_;
  }

 private:
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

  struct entry {
    std::uint64_t seq = 0;           // the live ring slot's number; 0 when none is live
    std::uint64_t wait_seq = 0;      // arrival order in the heap, for ties on ready_at
    time_point ready_at{};           // while waiting
    std::size_t heap_index = npos;   // position in waiting_; npos when not waiting
    std::uint32_t slots = 0;         // ring slots pointing here, live or stale
    int priority = 0;                // while dirty
    int wait_priority = 0;           // while waiting: the priority it is added with
    bool dirty = false;
    bool processing = false;
  };
  // Not noexcept on purpose: libstdc++ then keeps each node's hash, so erase, rehash
  // and chain walks never hash a key again (for std::string it does so anyway; for
  // object_key, two strings, it halves the time of add + get + done).
  struct hasher {
    std::size_t operator()(const T& item) const { return std::hash<T>{}(item); }
  };
  using map_type = std::unordered_map<T, entry, hasher>;
  using node = typename map_type::value_type;  // nodes never move: rings and the heap point at them
  struct slot {
    node* n;
    std::uint64_t seq;
  };
  struct level {
    int priority;
    ring<slot> slots;
  };

  static bool idle(const entry& e) {
    return !e.dirty && !e.processing && e.slots == 0 && e.heap_index == npos;
  }

  void add_locked(node* n, int priority) {
    entry& e = n->second;
    if (e.dirty) {  // duplicates collapse; a higher priority raises a queued item
      if (priority <= e.priority) return;
      e.priority = priority;
      if (!e.processing) push(n);
      return;
    }
    e.dirty = true;
    e.priority = priority;
    if (e.processing) return;  // handed out again by done()
    ++queued_;
    push(n);
  }

  void push(node* n) {
    entry& e = n->second;
    e.seq = ++seq_;
    ++e.slots;
    level_for(e.priority).slots.push_back(slot{n, e.seq});
    if (getters_ > 0) cv_.notify_one();
  }

  // Requires queued_ > 0.
  node* pop_queued(int* priority) {
    for (level& l : levels_) {
      while (!l.slots.empty()) {
        slot s = l.slots.pop_front();
        entry& e = s.n->second;
        --e.slots;
        if (s.seq == e.seq) {
          e.seq = 0;
          if (priority) *priority = l.priority;
          return s.n;
        }
        if (idle(e)) items_.erase(s.n->first);  // a stale slot was all that kept it
      }
    }
    std::abort();  // queued_ counted an item no ring holds
  }

  level& level_for(int priority) {
    if (levels_.front().priority == priority) return levels_.front();  // the FIFO case
    auto it = std::find_if(levels_.begin(), levels_.end(), [&](const level& l) { return l.priority <= priority; });
    if (it != levels_.end() && it->priority == priority) return *it;
    return *levels_.insert(it, level{priority, ring<slot>()});
  }

  // The delay heap: a min-heap on (ready_at, wait_seq) whose entries know their index.
  bool earlier(std::size_t a, std::size_t b) const {
    const entry& x = waiting_[a]->second;
    const entry& y = waiting_[b]->second;
    return x.ready_at != y.ready_at ? x.ready_at < y.ready_at : x.wait_seq < y.wait_seq;
  }
  void swap_heap(std::size_t a, std::size_t b) {
    std::swap(waiting_[a], waiting_[b]);
    waiting_[a]->second.heap_index = a;
    waiting_[b]->second.heap_index = b;
  }
  void sift_up(std::size_t i) {
    while (i > 0 && earlier(i, (i - 1) / 2)) {
      swap_heap(i, (i - 1) / 2);
      i = (i - 1) / 2;
    }
  }
  void sift_down(std::size_t i) {
    for (;;) {
      std::size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < waiting_.size() && earlier(l, m)) m = l;
      if (r < waiting_.size() && earlier(r, m)) m = r;
      if (m == i) return;
      swap_heap(i, m);
      i = m;
    }
  }
  node* pop_waiting() {
    node* n = waiting_.front();
    swap_heap(0, waiting_.size() - 1);
    waiting_.pop_back();
    if (!waiting_.empty()) sift_down(0);
    n->second.heap_index = npos;
    return n;
  }

  // `ready_at` has just become the earliest wait.
  void wake_waiter(time_point ready_at) {
    if (!waiter_.joinable()) {
      waiter_ = std::jthread([this] { wait_loop(); });
    } else if (waiter_idle_) {
      delay_cv_.notify_one();
    } else if (ready_at < sleeping_until_) {
      wake_.request_stop();
    }
  }

  void wait_loop() {
    std::unique_lock lock(mu_);
    while (!shutting_down_) {
      time_point now = clock_.now();
      while (!waiting_.empty() && waiting_.front()->second.ready_at <= now) {
        node* n = pop_waiting();
        add_locked(n, n->second.wait_priority);
      }
      if (waiting_.empty()) {
        waiter_idle_ = true;
        delay_cv_.wait(lock, [&] { return shutting_down_ || !waiting_.empty(); });
        waiter_idle_ = false;
        continue;
      }
      sleeping_until_ = waiting_.front()->second.ready_at;
      wake_ = std::stop_source();
      std::stop_token token = wake_.get_token();
      time_point until = sleeping_until_;
      lock.unlock();
      clock_.sleep_until(until, token);
      lock.lock();
    }
  }

  void stop_locked() {
    shutting_down_ = true;
    cv_.notify_all();
    drained_cv_.notify_all();
    delay_cv_.notify_all();
    wake_.request_stop();
  }

  core::clock& clock_;  // not guarded: the clock is thread-safe
  mutable std::mutex mu_;
  std::condition_variable_any cv_;          // get(): an item was queued, or shut down
  std::condition_variable_any drained_cv_;  // shut_down_with_drain(): nothing processing
  std::condition_variable_any delay_cv_;    // the waiter: a first delayed item, or shut down

  map_type items_;               // guarded by mu_: every item dirty, processing or waiting
  std::vector<level> levels_;    // guarded by mu_: queued slots, by descending priority
  std::vector<node*> waiting_;   // guarded by mu_: the delay heap
  std::size_t queued_ = 0;       // guarded by mu_: items dirty and not processing
  std::size_t processing_ = 0;   // guarded by mu_
  std::size_t getters_ = 0;      // guarded by mu_: threads blocked in get()
  std::uint64_t seq_ = 0;        // guarded by mu_
  bool shutting_down_ = false;   // guarded by mu_
  bool draining_ = false;        // guarded by mu_
  bool waiter_idle_ = false;     // guarded by mu_: the waiter sits on delay_cv_ (empty heap)
  time_point sleeping_until_{};  // guarded by mu_: the waiter's current deadline
  std::stop_source wake_;        // guarded by mu_: cuts the waiter's current sleep short
  std::jthread waiter_;          // started under mu_ by the first add_after; joined by ~queue_core
};

}  // namespace ktk::client::workqueue::detail
