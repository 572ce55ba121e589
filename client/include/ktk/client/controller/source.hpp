// ktk/client/controller/source.hpp — where a controller's events come from.
//
// A `source` feeds a controller's queue through a handler. `kind_source` listens to
// a shared informer (one watch however many controllers listen) and passes each
// event that every predicate lets through to its handler; `channel_source` carries
// generic events that user code pushes (an external system changed, say).
//
//   auto src = ktk::client::controller::kind_source(pods_informer,
//       enqueue_request_for_owner({"apps", "ReplicaSet"}), {generation_changed()});
//   ctrl.watch(std::move(src));
#pragma once

#include <memory>
#include <mutex>
#include <stop_token>
#include <vector>

#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/controller/handler.hpp"
#include "ktk/client/controller/predicate.hpp"

namespace ktk::client::controller {

class source {
 public:
  virtual ~source() = default;
  // Begins delivering events to q; returns at once. Called once.
  virtual void start(std::stop_token stop, work_queue& q) = 0;
  // Blocks until the source has delivered its initial state (true) or stop (false).
  virtual bool wait_for_sync(std::stop_token stop) = 0;
  // Stops delivering; events in flight may still arrive until it returns.
  virtual void stop() = 0;
};

// Events of a shared informer. `start_informer` (optional) is called from start() to
// make sure the informer runs — the manager passes its cache's start here. The
// predicates run with the handler: on the informer's thread when the handler is
// quick (handler::quick), on a thread of the handler's own otherwise.
std::unique_ptr<source> kind_source(std::shared_ptr<cache::shared_informer> informer, std::shared_ptr<handler> h,
                                    std::vector<predicate> predicates = {},
                                    std::function<void(std::stop_token)> start_informer = {});

// Generic events pushed by user code. Thread-safe.
class channel_source final : public source {
 public:
  explicit channel_source(std::shared_ptr<handler> h, std::vector<predicate> predicates = {});
  // Delivers a generic event (dropped before start and after stop).
  void push(core::object_ptr obj);

  void start(std::stop_token stop, work_queue& q) override;
  bool wait_for_sync(std::stop_token) override { return true; }
  void stop() override;

 private:
  std::shared_ptr<handler> handler_;
  std::vector<predicate> predicates_;
  std::mutex mu_;
  work_queue* queue_ = nullptr;  // guarded by mu_
};

}  // namespace ktk::client::controller
