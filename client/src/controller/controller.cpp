#include "ktk/client/controller/controller.hpp"

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <thread>

namespace ktk::client::controller {

namespace {

// Lets a limiter shared through the options serve as the queue's own.
class shared_limiter final : public workqueue::rate_limiter<request> {
 public:
  explicit shared_limiter(std::shared_ptr<workqueue::rate_limiter<request>> l) : l_(std::move(l)) {}
  std::chrono::nanoseconds when(const request& r) override { return l_->when(r); }
  void forget(const request& r) override { l_->forget(r); }
  int num_requeues(const request& r) override { return l_->num_requeues(r); }

 private:
  std::shared_ptr<workqueue::rate_limiter<request>> l_;
};

std::string describe(const request& r) {
  return r.namespace_.empty() ? r.name : r.namespace_ + "/" + r.name;
}

}  // namespace

controller::controller(std::shared_ptr<reconciler> r, controller_options opts)
    : reconciler_(std::move(r)),
      opts_(std::move(opts)),
      clock_(opts_.clock ? *opts_.clock : core::real_clock::instance()) {
  if (!reconciler_) throw std::invalid_argument("controller: a reconciler is required");
  if (opts_.name.empty()) throw std::invalid_argument("controller: a name is required");
  if (opts_.max_concurrent_reconciles < 1) {
    throw std::invalid_argument("controller " + opts_.name + ": max_concurrent_reconciles must be at least 1");
  }
  std::unique_ptr<workqueue::rate_limiter<request>> limiter;
  if (opts_.rate_limiter) limiter = std::make_unique<shared_limiter>(opts_.rate_limiter);
  queue_ = std::make_unique<work_queue>(workqueue::queue_options{.clock = &clock_}, std::move(limiter));
}

controller::~controller() {
  std::vector<std::unique_ptr<source>> sources;
  {
    std::lock_guard lock(mu_);
    sources.swap(sources_);
  }
  for (auto& s : sources) s->stop();
  queue_->shut_down();
}

void controller::log(const std::string& line) const {
  if (opts_.log) {
    opts_.log(line);
  } else {
    std::fprintf(stderr, "controller %s: %s\n", opts_.name.c_str(), line.c_str());
  }
}

void controller::watch(std::unique_ptr<source>&& src) {
  std::lock_guard lock(mu_);
  if (running_) src->start(run_stop_, *queue_);
  sources_.push_back(std::move(src));
}

controller_stats controller::stats() const {
  return {.reconciles = reconciles_.load(),
          .successes = successes_.load(),
          .errors = errors_.load(),
          .terminal_errors = terminal_errors_.load(),
          .requeues = requeues_.load(),
          .active_workers = active_.load()};
}

result<void> controller::run(std::stop_token stop) {
  std::vector<source*> starting;
  {
    std::lock_guard lock(mu_);
    if (running_) throw std::logic_error("controller " + opts_.name + ": run() called twice");
    running_ = true;
    run_stop_ = stop;
    for (auto& s : sources_) starting.push_back(s.get());
  }
  auto finish = [&] {
    std::vector<std::unique_ptr<source>> sources;
    {
      std::lock_guard lock(mu_);
      sources.swap(sources_);
    }
    for (auto& s : sources) s->stop();
    queue_->shut_down();
  };
  for (auto* s : starting) s->start(stop, *queue_);

  // Wait for the sources' initial state, bounded by cache_sync_timeout.
  std::stop_source sync_stop;
  std::stop_callback forward(stop, [&] { sync_stop.request_stop(); });
  std::jthread timer;
  if (opts_.cache_sync_timeout > std::chrono::nanoseconds{0}) {
    timer = std::jthread([&](std::stop_token self) {
      std::stop_source either;
      std::stop_callback a(self, [&] { either.request_stop(); });
      std::stop_callback b(sync_stop.get_token(), [&] { either.request_stop(); });
      if (clock_.sleep_until(clock_.now() + std::chrono::duration_cast<core::clock::duration>(opts_.cache_sync_timeout),
                             either.get_token())) {
        sync_stop.request_stop();
      }
    });
  }
  for (auto* s : starting) {
    if (!s->wait_for_sync(sync_stop.get_token())) {
      finish();
      if (stop.stop_requested()) {
        return core::api_error(500, core::reason::internal_error,
                               "controller " + opts_.name + ": stopped before its caches synced");
      }
      return core::api_error(504, core::reason::timeout,
                             "controller " + opts_.name + ": timed out waiting for cache to be synced");
    }
  }
  timer = {};

  started_ = true;
  {
    std::vector<std::jthread> workers;
    workers.reserve(static_cast<std::size_t>(opts_.max_concurrent_reconciles));
    for (int i = 0; i < opts_.max_concurrent_reconciles; ++i) {
      workers.emplace_back([this, stop] { worker(stop); });
    }
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
    // Stop taking events, then let the workers finish what they hold.
    finish();
  }  // joins the workers
  return {};
}

void controller::worker(std::stop_token stop) {
  // After stop the queue hands out what was queued; those are dropped, not reconciled.
  while (auto req = queue_->get()) {
    if (!stop.stop_requested()) process(*req, stop);
    queue_->done(*req);
  }
}

void controller::process(const request& req, std::stop_token stop) {
  ++active_;
  ++reconciles_;
  outcome out;
  try {
    out = reconciler_->reconcile(req, stop);
  } catch (const std::exception& e) {
    out = error(std::string("reconcile threw: ") + e.what());
  } catch (...) {
    out = error("reconcile threw a non-standard exception");
  }
  --active_;
  if (const auto& err = out.err()) {
    if (err->is_terminal()) {
      ++terminal_errors_;
      queue_->forget(req);
      log("reconciling " + describe(req) + ": terminal error: " + err->message());
    } else {
      ++errors_;
      queue_->add_rate_limited(req);
      log("reconciling " + describe(req) + ": " + err->message());
    }
    return;
  }
  if (out.requeue_after() > std::chrono::nanoseconds{0}) {
    ++successes_;
    ++requeues_;
    queue_->forget(req);
    queue_->add_after(req, out.requeue_after());
  } else if (out.requeue_requested()) {
    ++successes_;
    ++requeues_;
    queue_->add_rate_limited(req);
  } else {
    ++successes_;
    queue_->forget(req);
  }
}

}  // namespace ktk::client::controller
