// ktk/client/cache/informer_factory.hpp — one shared informer per type, however many ask.
//
// client-go's SharedInformerFactory. informer_for(kind) makes the informer on first
// call and hands the same one to every later caller, so a process keeps one list
// and one watch per resource (per scope: a namespace or selectors make a separate
// informer). start() runs every informer not yet running, each on its own thread;
// call it again after asking for more types.
//
//   ktk::client::cache::shared_informer_factory f(client, {.resync_period = std::chrono::minutes(10)});
//   auto pods = f.informer_for({"", "v1", "Pod"});
//   f.start(stop);
//   f.wait_for_cache_sync(std::chrono::seconds(30));
//
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <utility>
#include <vector>

#include "ktk/client/cache/shared_informer.hpp"

namespace ktk::client::cache {

// What tells two informers apart.
struct informer_key {
  core::gvk kind{};
  cache::scope scope{};
  auto operator<=>(const informer_key&) const = default;
};

class shared_informer_factory {
 public:
  // `defaults` apply to every informer made without options of its own. c must outlive.
  explicit shared_informer_factory(client& c, informer_options defaults = {});
  // shutdown().
  ~shared_informer_factory();
  shared_informer_factory(const shared_informer_factory&) = delete;
  shared_informer_factory& operator=(const shared_informer_factory&) = delete;

  // The informer for kind in the default scope.
  std::shared_ptr<shared_informer> informer_for(const core::gvk& kind);
  // The informer for kind in opts' scope; opts apply only if this call makes it.
  std::shared_ptr<shared_informer> informer_for(const core::gvk& kind, informer_options opts);

  // Starts the informers not yet started, each on its own thread; they stop at stop
  // or shutdown().
  void start(std::stop_token stop = {});
  // Waits (on the defaults' clock) for every started informer to sync; false on timeout.
  bool wait_for_cache_sync(std::chrono::nanoseconds timeout);
  // Waits until all started informers synced (true) or stop (false).
  bool wait_for_cache_sync(std::stop_token stop);
  // Stops every informer and joins their threads. Idempotent; informer_for still
  // answers afterwards, but start() does nothing.
  void shutdown();

  // Every informer made so far with its key (started or not).
  std::vector<std::pair<informer_key, std::shared_ptr<shared_informer>>> informers() const;

 private:
  std::vector<const shared_informer*> started() const;

  client& client_;
  informer_options defaults_;
  mutable std::mutex mu_;
  std::map<informer_key, std::shared_ptr<shared_informer>> informers_;  // guarded by mu_
  std::vector<informer_key> started_;                                   // guarded by mu_
  bool shut_down_ = false;                                              // guarded by mu_
};

}  // namespace ktk::client::cache
