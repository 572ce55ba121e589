// network_controller.hpp — keeps one ConfigMap per Network, in the style of
// Kubernetes' sample-controller: shared informers, listers, a rate-limited work queue.
//
// Informers watch Networks and ConfigMaps; their handlers only turn events into
// "namespace/name" keys of Networks on the queue (a ConfigMap's event queues the
// Network that controls it; a Network's update counts when its generation moved,
// which status writes never do). Workers pop keys, read the Network and its ConfigMap
// from the listers (the informers' caches, never the server) and sync: create
// "<network>-config" with data {cidr, gateway} and a controller ownerReference to
// the Network, update it when the spec changes, leave alone a ConfigMap of that
// name the Network does not control (status.message and an AlreadyExists error, as
// sample-controller's ErrResourceExists), and write status.observedGeneration. A
// failed sync is retried with add_rate_limited; a good one is forgotten.
//
//   ktk::client::cache::shared_informer_factory informers(client);
//   ktk::examples::network::network_controller ctl(client, informers);
//   informers.start(stop);
//   ctl.run(2, stop);   // blocks until stop
//
// Deleting a Network is not handled here: the ConfigMap's ownerReference lets
// Kubernetes' garbage collector delete it.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "ktk/client/cache/informer_factory.hpp"
#include "ktk/client/client.hpp"
#include "ktk/client/workqueue/rate_limiting_queue.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/core/result.hpp"
#include "network_types.hpp"

namespace ktk::examples::network {

struct controller_options {
  // Times the work queue's retries (its rate limiter); the real clock when null.
  core::clock* clock = nullptr;
  // Told of every failed sync (the key and the error) before it is retried, as
  // client-go's utilruntime.HandleError. Default: one line on stderr. Called from
  // worker threads, possibly several at once; must not throw.
  std::function<void(const std::string& key, const core::api_error& e)> on_error{};
};

class network_controller {
 public:
  // Asks `informers` for the Network and ConfigMap informers and registers the
  // handlers; the caller starts the factory (before or after run() begins). `c`
  // makes the writes. Both must outlive the controller.
  network_controller(client::client& c, client::cache::shared_informer_factory& informers,
                     controller_options opts = {});
  // Removes the handlers. run() must have returned.
  ~network_controller();
  network_controller(const network_controller&) = delete;
  network_controller& operator=(const network_controller&) = delete;

  // Waits for both caches to sync and the handlers to have queued what they hold,
  // then runs `workers` (at least one) until stop is requested; then shuts the
  // queue down and returns once every worker has finished the key in hand. Call
  // once. Returns early if stop comes first.
  void run(int workers, std::stop_token stop);

  // One pass over the Network at `key` ("namespace/name"): what a worker does with
  // a key it pops. Reads only the listers; an error means "retry later". Thread-safe,
  // though two passes over one key at once would race on their writes: run()'s
  // workers never do that (the queue hands a key to one worker at a time).
  core::result<void> sync(const std::string& key);

 private:
  void enqueue(const core::object& network);
  void enqueue_owner(const core::object& config_map);  // when a Network controls it
  bool process_next_item(std::stop_token stop);
  core::result<void> update_status(const core::object& network, const network_status& want);

  client::client& client_;
  std::shared_ptr<client::cache::shared_informer> networks_;
  std::shared_ptr<client::cache::shared_informer> config_maps_;
  std::shared_ptr<client::cache::handler_registration> network_handler_;
  std::shared_ptr<client::cache::handler_registration> config_map_handler_;
  controller_options opts_;
  client::workqueue::rate_limiting_queue<std::string> queue_;
};

}  // namespace ktk::examples::network
