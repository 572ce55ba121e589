// processor_listener.hpp — one handler of a shared informer: an unbounded buffer
// and a thread that drains it (client-go's processorListener). The informer pushes
// without waiting on the handler, so a slow handler slows nobody else. A listener
// made `on_informer_thread` has neither: push() calls the handler at once, on the
// informer's thread and under its lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "ktk/client/cache/event_handler.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::cache::detail {

struct notification {
  enum class kind : std::uint8_t { add, update, remove };
  kind type = kind::add;
  bool initial = false;      // add: part of the handler's initial list
  bool tombstone = false;    // remove: obj is the cache's last state, not the server's
  core::object_ptr obj{};    // add: the object; update: new; remove: last state
  core::object_ptr old{};    // update: old
  std::string key{};         // remove with tombstone
};

// True on a handler's thread (any informer's), where joining informer threads could
// wait on the caller itself.
bool on_handler_thread() noexcept;

class processor_listener final : public handler_registration,
                                 public std::enable_shared_from_this<processor_listener> {
 public:
  using error_func = std::function<void(const std::string&)>;

  // `informer_synced` is shared with the informer (the handle may outlive it).
  processor_listener(std::shared_ptr<event_handler> h, std::string name,
                     std::shared_ptr<const std::atomic<bool>> informer_synced, error_func on_error,
                     bool on_informer_thread = false);
  ~processor_listener() override;

  // Starts the thread, which keeps the listener alive until it ends. Called once,
  // on a listener owned by a shared_ptr. Nothing to start on the informer's thread.
  void start();
  // Queues n; never blocks on the handler. Thread-safe. On the informer's thread:
  // handles n before returning (the informer calls it under its lock).
  void push(notification n);
  // Queues a batch at once (one lock, one wake-up).
  void push_batch(std::vector<notification>&& batch);
  // Asks the thread to stop after the callback in flight (queued events are dropped).
  void stop();
  // Joins the thread, or detaches it when called from that very thread (a handler
  // that removed itself). Call stop() first.
  void join();
  bool on_own_thread() const { return std::this_thread::get_id() == thread_id_.load(); }

  // Nothing queued and the thread asleep waiting for more (not in a callback). On
  // the informer's thread always: a callback in flight holds the informer's lock,
  // which whoever asks holds too.
  bool idle() const;

  bool has_synced() const override;
  std::uint64_t handler_errors() const override { return errors_.load(std::memory_order_relaxed); }

  // Resync bookkeeping, guarded by the informer's mutex.
  std::chrono::milliseconds resync_period{0};
  core::clock::time_point next_resync{};

 private:
  void loop(std::stop_token st);
  void dispatch_here(const notification& n);  // on the informer's thread
  void dispatch(const notification& n);
  void report(const std::string& what) noexcept;

  std::shared_ptr<event_handler> handler_;
  std::string name_;
  std::shared_ptr<const std::atomic<bool>> informer_synced_;
  error_func on_error_;
  const bool inline_;
  std::atomic<bool> stopped_{false};  // on the informer's thread: stop() was called
  std::atomic<std::int64_t> pending_initial_{0};  // initial adds queued, not yet handled
  std::atomic<std::uint64_t> errors_{0};

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::vector<notification> buf_;  // guarded by mu_
  bool waiting_ = false;           // guarded by mu_: the thread sleeps on cv_
  std::jthread thread_;
  std::atomic<std::thread::id> thread_id_{};
};

}  // namespace ktk::client::cache::detail
