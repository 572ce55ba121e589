#include "ktk/client/controller/manager.hpp"

#include <cstdio>
#include <exception>
#include <stdexcept>

namespace ktk::client::controller {

struct manager::task {
  std::shared_ptr<runnable> r;
  bool leader = false;  // started because this replica leads
  bool done = false;
  std::jthread thread;
};

namespace {

class func_runnable final : public runnable {
 public:
  func_runnable(std::function<result<void>(std::stop_token)> f, bool le) : f_(std::move(f)), le_(le) {}
  result<void> start(std::stop_token stop) override { return f_(stop); }
  bool needs_leader_election() const override { return le_; }

 private:
  std::function<result<void>(std::stop_token)> f_;
  bool le_;
};

class controller_runnable final : public runnable {
 public:
  explicit controller_runnable(std::shared_ptr<controller> c) : c_(std::move(c)) {}
  result<void> start(std::stop_token stop) override { return c_->run(stop); }

 private:
  std::shared_ptr<controller> c_;
};

cache::informer_options with_clock(cache::informer_options o, core::clock* clk) {
  if (!o.clock) o.clock = clk;
  return o;
}

// Errors of the manager itself: the message as given, without apimachinery's prefixes.
api_error manager_error(std::string message) {
  return api_error(500, core::reason::internal_error, std::move(message));
}

std::string seconds_text(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

std::shared_ptr<runnable> runnable_func(std::function<result<void>(std::stop_token)> f, bool needs_leader_election) {
  return std::make_shared<func_runnable>(std::move(f), needs_leader_election);
}

manager::manager(client& c, manager_options opts)
    : client_(c),
      opts_(std::move(opts)),
      clock_(opts_.clock ? *opts_.clock : core::real_clock::instance()),
      cache_(opts_.shared_cache ? opts_.shared_cache
                                : std::make_shared<cache::shared_informer_factory>(c, with_clock(opts_.cache, &clock_))) {
  cached_ = std::make_unique<cached_client>(c, *cache_, [this] { return start_cache(); }, opts_.cached);
  if (opts_.leader_election) {
    auto le = *opts_.leader_election;
    if (!le.clock) le.clock = &clock_;
    elector_ = std::make_unique<leader_elector>(
        c, std::move(le), leader_callbacks{.on_started_leading = [this](std::stop_token t) { lead(t); },
                                           .on_error = [this](const std::string& line) { log(line); }});
  }
}

manager::~manager() {
  all_.request_stop();
  std::list<task> tasks;
  {
    std::lock_guard lock(mu_);
    tasks.swap(tasks_);
  }
  tasks.clear();  // joins; each task's last step takes mu_, so not under it
  if (!opts_.shared_cache) cache_->shutdown();
}

void manager::log(const std::string& line) const {
  if (opts_.log) {
    opts_.log(line);
  } else {
    std::fprintf(stderr, "manager: %s\n", line.c_str());
  }
}

bool manager::reserve_name(const std::string& name) {
  std::lock_guard lock(mu_);
  return names_.insert(name).second;
}

void manager::add(std::shared_ptr<controller> c) {
  {
    std::lock_guard lock(mu_);
    controllers_.push_back(c);
  }
  add(std::make_shared<controller_runnable>(std::move(c)));
}

std::vector<std::shared_ptr<controller>> manager::controllers() const {
  std::lock_guard lock(mu_);
  return controllers_;
}

void manager::add(std::shared_ptr<runnable> r) {
  std::lock_guard lock(mu_);
  runnables_.push_back(r);
  if (!running_ || all_.stop_requested()) return;
  if (!elector_ || !r->needs_leader_election()) {
    launch(r, all_.get_token());
  } else if (elected_) {
    launch(r, lead_token_);
  }
}

// Requires mu_.
void manager::launch(const std::shared_ptr<runnable>& r, std::stop_token stop) {
  auto& t = tasks_.emplace_back();
  t.r = r;
  t.leader = elector_ && r->needs_leader_election();
  task* tp = &t;  // std::list: the address is stable
  t.thread = std::jthread([this, tp, r, stop] {
    result<void> res;
    try {
      res = r->start(stop);
    } catch (const std::exception& e) {
      res = manager_error(std::string("runnable threw: ") + e.what());
    } catch (...) {
      res = manager_error("runnable threw a non-standard exception");
    }
    bool failed = false;
    {
      std::lock_guard lock(mu_);
      tp->done = true;
      // A runnable that ends with an error before shutdown ends the manager; errors
      // during shutdown (a cache that did not sync in time, say) are expected.
      if (!res && !all_.stop_requested()) {
        if (!error_) error_ = res.error();
        failed = true;
      }
    }
    if (failed) all_.request_stop();
    cv_.notify_all();
  });
}

void manager::fail(api_error e) {
  {
    std::lock_guard lock(mu_);
    if (!error_) error_ = std::move(e);
  }
  all_.request_stop();
  cv_.notify_all();
}

bool manager::elected() const {
  std::lock_guard lock(mu_);
  return elected_;
}

std::stop_token manager::cache_stop() const {
  return opts_.shared_cache ? opts_.shared_cache_stop : all_.get_token();  // a shared cache stops with its owner
}

bool manager::start_cache() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return false;  // start() starts the cache
  }
  if (all_.stop_requested()) return false;  // shutting down: nothing new starts
  cache_->start(cache_stop());
  return true;
}

client& manager::get_client() {
  if (!opts_.cache_reads) return client_;
  return *cached_;
}

void manager::lead(std::stop_token lead_stop) {
  {
    std::lock_guard lock(mu_);
    elected_ = true;
    lead_token_ = lead_stop;
    for (const auto& r : runnables_) {
      if (r->needs_leader_election()) launch(r, lead_stop);
    }
  }
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, lead_stop, [] { return false; });
    elected_ = false;
  }
  // The Lease is released only after this returns: let the leader's work end first.
  if (!wait_tasks(true, clock_.now() + std::chrono::duration_cast<core::clock::duration>(opts_.graceful_shutdown_timeout))) {
    log("runnables that need leader election did not stop within the grace period");
  }
}

bool manager::wait_tasks(bool leader_only, core::clock::time_point deadline) {
  std::unique_lock lock(mu_);
  for (;;) {
    bool all_done = true;
    for (const auto& t : tasks_) {
      if ((!leader_only || t.leader) && !t.done) all_done = false;
    }
    if (all_done) return true;
    if (clock_.now() >= deadline) return false;
    // Re-checked often so that a fake clock's advance is noticed too.
    cv_.wait_for(lock, std::chrono::milliseconds(10));
  }
}

result<void> manager::start(std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    if (running_) throw std::logic_error("manager: start() called twice");
    running_ = true;
  }
  std::stop_callback forward(stop, [this] { all_.request_stop(); });
  cache_->start(cache_stop());
  {
    std::lock_guard lock(mu_);
    if (!elector_) elected_ = true;
    for (const auto& r : runnables_) {
      if (!elector_ || !r->needs_leader_election()) launch(r, all_.get_token());
    }
  }
  std::jthread election;
  if (elector_) {
    election = std::jthread([this] {
      if (!elector_->run(all_.get_token())) fail(manager_error("leader election lost"));
    });
  }
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, all_.get_token(), [] { return false; });
  }

  auto deadline = clock_.now() + std::chrono::duration_cast<core::clock::duration>(opts_.graceful_shutdown_timeout);
  if (election.joinable()) election.join();  // the leader's runnables end before the Lease goes
  bool stopped_in_time = wait_tasks(false, deadline);
  if (stopped_in_time) {
    std::list<task> tasks;
    {
      std::lock_guard lock(mu_);
      tasks.swap(tasks_);
    }
    tasks.clear();
    if (!opts_.shared_cache) cache_->shutdown();
  }
  std::lock_guard lock(mu_);
  if (error_) return *error_;
  if (!stopped_in_time) {
    return api_error(504, core::reason::timeout,
                     "failed waiting for all runnables to end within grace period of " +
                         seconds_text(opts_.graceful_shutdown_timeout));
  }
  return {};
}

}  // namespace ktk::client::controller
