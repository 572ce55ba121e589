// ktk/client/controller/handler.hpp — which requests an event puts on a controller's queue.
//
// controller-runtime's handler package: `enqueue_request_for_object` queues the
// object's own key (the `for_` type); `enqueue_request_for_owner` queues the owner
// named in the object's ownerReferences (the `owns` types: a Pod event reconciles its
// ReplicaSet); `enqueue_requests_from_map_func` queues whatever a function of the
// object returns (`watches`).
//
//   auto h = ktk::client::controller::enqueue_request_for_owner({"apps", "ReplicaSet"});
//   h->create({.object = pod}, queue);   // queues {pod's namespace, the ReplicaSet's name}
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "ktk/client/controller/event.hpp"
#include "ktk/client/controller/reconciler.hpp"
#include "ktk/client/workqueue/rate_limiting_queue.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::client::controller {

using work_queue = workqueue::rate_limiting_queue<request>;

// Turns events into requests. Called from informer handler threads; implementations
// must be thread-safe (the queue is).
class handler {
 public:
  virtual ~handler() = default;
  virtual void create(const create_event& e, work_queue& q) = 0;
  virtual void update(const update_event& e, work_queue& q) = 0;
  virtual void delete_(const delete_event& e, work_queue& q) = 0;
  virtual void generic(const generic_event& e, work_queue& q) = 0;

  // Whether the handler only turns events into queue keys, quickly and without
  // ever blocking (no API calls, no waits; reading informer caches is fine). A quick
  // handler, with its watch's predicates, is called on the informer's own thread as
  // the cache changes: one thread hand-off less per event. Any other gets a thread
  // of its own (client-go's way), so that a slow one holds up nobody else. The
  // built-in enqueue handlers are quick; a map function's handler when asked.
  virtual bool quick() const { return false; }
};

// Queues the object's own namespace/name (for updates, the new object's).
std::shared_ptr<handler> enqueue_request_for_object();

struct owner_options {
  // Only the ownerReference with controller: true (the default, as `owns` does), or
  // every matching one.
  bool only_controller = true;
  // Tells whether the owner kind is namespaced (a cluster-scoped owner is queued with
  // an empty namespace). Without it, the owner is taken to live in the object's
  // namespace when the object has one. Not owned; must outlive the handler.
  const core::rest_mapper* mapper = nullptr;
};

// Queues the owners of kind `owner` (matched by group and kind, any version). For
// updates, the owners of both the old and the new object.
std::shared_ptr<handler> enqueue_request_for_owner(core::group_kind owner, owner_options opts = {});

// Maps an object to the requests it should trigger.
using map_func = std::function<std::vector<request>(const core::object&)>;
struct map_options {
  // The function is quick and never blocks (see handler::quick).
  bool quick = false;
};
// Queues map(object) (for updates, of both the old and the new object).
std::shared_ptr<handler> enqueue_requests_from_map_func(map_func f, map_options opts = {});

}  // namespace ktk::client::controller
