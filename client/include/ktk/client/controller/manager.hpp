// ktk/client/controller/manager.hpp — runs controllers and whatever else an operator needs.
//
// controller-runtime's Manager: it owns the shared informer cache (or uses one that
// several managers share) and a set of runnables (controllers are runnables), starts
// them, optionally only once this replica wins leader election on a Lease, and stops
// them all when told to or when one fails, waiting at most
// `graceful_shutdown_timeout` for them to finish.
//
//   ktk::client::controller::manager mgr(client, {.leader_election = leader_election_options{
//       .lease_namespace = "ops", .lease_name = "my-operator", .identity = hostname}});
//   ktk::client::controller::builder(mgr).for_({"apps", "v1", "Deployment"})
//       .owns({"apps", "v1", "ReplicaSet"}).complete(std::make_shared<my_reconciler>(mgr.get_client()));
//   auto r = mgr.start(stop);   // blocks until stop; an error if leadership was lost
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "ktk/client/cache/informer_factory.hpp"
#include "ktk/client/client.hpp"
#include "ktk/client/controller/cached_client.hpp"
#include "ktk/client/controller/controller.hpp"
#include "ktk/client/controller/leader_election.hpp"

namespace ktk::client::controller {

// Something the manager runs: start() blocks until stop (or fails).
class runnable {
 public:
  virtual ~runnable() = default;
  virtual result<void> start(std::stop_token stop) = 0;
  // With leader election on, runnables that need it start only while this replica
  // leads (controllers do); others start at once.
  virtual bool needs_leader_election() const { return true; }
};

// A runnable from a function.
std::shared_ptr<runnable> runnable_func(std::function<result<void>(std::stop_token)> f,
                                        bool needs_leader_election = true);

struct manager_options {
  std::optional<leader_election_options> leader_election{};  // off when empty
  // How long start() waits, after stop, for the runnables to return.
  std::chrono::nanoseconds graceful_shutdown_timeout = std::chrono::seconds(30);
  cache::informer_options cache{};  // defaults of the shared informers (resync, transform ...)
  // A cache owned elsewhere and shared with other managers (the components of one
  // simulated cluster): the manager takes its informers from it, starts them with
  // `shared_cache_stop` (the owner's stop, not its own) and never shuts it down.
  // `cache` is then unused: the owner made the factory with its own defaults.
  std::shared_ptr<cache::shared_informer_factory> shared_cache{};
  std::stop_token shared_cache_stop{};
  // get_client() reads from the cache (controller-runtime's default); false: from the server.
  bool cache_reads = true;
  cached_client_options cached{};
  core::clock* clock = nullptr;   // not owned; the real clock when null
  std::function<void(const std::string&)> log{};  // the default writes to stderr
};

class manager {
 public:
  // Borrows c, which must outlive the manager.
  explicit manager(client& c, manager_options opts = {});
  // Stops what runs and joins every thread, however long that takes.
  ~manager();
  manager(const manager&) = delete;
  manager& operator=(const manager&) = delete;

  // The client for reconcilers: reads from the cache (unless cache_reads is off),
  // writes to the server.
  client& get_client();
  // Reads straight from the server (controller-runtime's GetAPIReader).
  client& get_api_reader() { return client_; }
  cache::shared_informer_factory& get_cache() { return *cache_; }
  const manager_options& options() const { return opts_; }

  // Adds a runnable; when the manager is already running it starts at once (if it
  // needs leader election: once this replica leads). Thread-safe.
  void add(std::shared_ptr<runnable> r);
  void add(std::shared_ptr<controller> c);
  // The controllers added so far (their queues and stats). Thread-safe.
  std::vector<std::shared_ptr<controller>> controllers() const;
  // Registers a controller name; false when it is taken (names are unique per manager).
  bool reserve_name(const std::string& name);

  // Starts the cache and the runnables and blocks until stop is requested (ok), a
  // runnable fails (its error), or leadership is lost ("leader election lost"). Then
  // stops everything; when the runnables take longer than the graceful timeout, the
  // error says so (their threads are joined by the destructor). Call once.
  result<void> start(std::stop_token stop);

  // This replica leads (always true without leader election, once started).
  bool elected() const;
  // Starts the cache's informers not yet running (sources and the cached client call
  // this); false before start() and once stopping. Thread-safe.
  bool start_cache();

 private:
  std::stop_token cache_stop() const;  // what the informers of the cache run until
  struct task;
  void launch(const std::shared_ptr<runnable>& r, std::stop_token stop);
  void fail(api_error e);
  void lead(std::stop_token lead_stop);
  bool wait_tasks(bool leader_only, core::clock::time_point deadline);
  void log(const std::string& line) const;

  client& client_;
  manager_options opts_;
  core::clock& clock_;
  std::shared_ptr<cache::shared_informer_factory> cache_;  // opts_.shared_cache, or one of its own
  std::unique_ptr<leader_elector> elector_;
  std::unique_ptr<cached_client> cached_;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;                 // a task ended, or an error came
  std::vector<std::shared_ptr<runnable>> runnables_;  // guarded by mu_
  std::vector<std::shared_ptr<controller>> controllers_;  // guarded by mu_
  std::set<std::string> names_;                    // guarded by mu_
  std::list<task> tasks_;                          // guarded by mu_
  bool running_ = false;                           // guarded by mu_
  bool elected_ = false;                           // guarded by mu_
  std::optional<api_error> error_;                 // guarded by mu_: the first failure
  std::stop_source all_;                           // stops everything
  std::stop_token lead_token_;                     // guarded by mu_: while leading
};

}  // namespace ktk::client::controller
