// ktk/client/controller/controller.hpp — a queue of requests, workers, and a reconciler.
//
// controller-runtime's Controller: sources put requests on a rate-limited work queue;
// `max_concurrent_reconciles` workers take them and call the reconciler, never for
// the same request on two workers at once. What reconcile() answers decides what
// happens next:
//   error            → requeued through the rate limiter (5 ms, 10 ms, ... up to 1000 s)
//   terminal error   → forgotten, counted, not retried
//   requeue_after(d) → forgotten and queued again after d
//   requeue()        → requeued through the rate limiter
//   done()           → forgotten
// An exception thrown by reconcile() counts as an error.
//
//   ktk::client::controller::controller c(reconciler, {.name = "web", .max_concurrent_reconciles = 4});
//   c.watch(kind_source(informer, enqueue_request_for_object()));
//   c.run(stop);   // blocks until stop
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "ktk/client/controller/reconciler.hpp"
#include "ktk/client/controller/source.hpp"
#include "ktk/client/workqueue/rate_limiter.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::controller {

struct controller_options {
  std::string name{};  // required; in logs
  int max_concurrent_reconciles = 1;
  // The queue's rate limiter; default_controller_rate_limiter when null.
  std::shared_ptr<workqueue::rate_limiter<request>> rate_limiter{};
  // How long run() waits for its sources to sync before giving up (0 = forever).
  std::chrono::nanoseconds cache_sync_timeout = std::chrono::minutes(2);
  // Errors from reconcile, one line each; the default writes to stderr.
  std::function<void(const std::string&)> log{};
  core::clock* clock = nullptr;  // not owned; the real clock when null
};

// Counters of a controller (controller-runtime's reconcile metrics). Thread-safe reads.
struct controller_stats {
  std::uint64_t reconciles = 0;       // calls to reconcile()
  std::uint64_t successes = 0;        // done() or requeue_after()
  std::uint64_t errors = 0;           // errors and exceptions (retried)
  std::uint64_t terminal_errors = 0;  // not retried
  std::uint64_t requeues = 0;         // requeue() or requeue_after()
  int active_workers = 0;
};

class controller {
 public:
  // Throws std::invalid_argument without a name or a reconciler, or with fewer than one worker.
  controller(std::shared_ptr<reconciler> r, controller_options opts);
  ~controller();  // stops and joins, as after stop
  controller(const controller&) = delete;
  controller& operator=(const controller&) = delete;

  // Adds a source. Before run() it starts with the controller; while running it
  // starts at once (its sync is not waited for).
  void watch(std::unique_ptr<source>&& src);

  // Starts the sources, waits for them to sync, then runs the workers until stop.
  // On stop: the sources stop, the queue shuts down, and the reconciles in flight
  // finish before it returns. Returns an error when the sources did not sync in
  // cache_sync_timeout (or stop came first) — nothing was reconciled then.
  result<void> run(std::stop_token stop);

  const std::string& name() const { return opts_.name; }
  work_queue& queue() { return *queue_; }
  controller_stats stats() const;
  // True once run() has started its workers.
  bool started() const { return started_.load(); }

 private:
  void worker(std::stop_token stop);
  void process(const request& req, std::stop_token stop);
  void log(const std::string& line) const;

  std::shared_ptr<reconciler> reconciler_;
  controller_options opts_;
  core::clock& clock_;
  std::unique_ptr<work_queue> queue_;

  std::mutex mu_;
  std::vector<std::unique_ptr<source>> sources_;  // guarded by mu_
  std::stop_token run_stop_;                      // guarded by mu_; set by run()
  bool running_ = false;                          // guarded by mu_
  std::atomic<bool> started_{false};

  std::atomic<std::uint64_t> reconciles_{0}, successes_{0}, errors_{0}, terminal_errors_{0}, requeues_{0};
  std::atomic<int> active_{0};
};

}  // namespace ktk::client::controller
