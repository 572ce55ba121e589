// pod_events.hpp — how Pod events reach the ReplicaSet controller (kube's addPod,
// updatePod, deletePod): each lowers the owner's expectations and queues the owner;
// orphans queue every ReplicaSet whose selector matches them, so one may adopt.
//
//   builder.watches(ktk::sim::pod_kind, std::make_shared<pod_event_handler>(ctx));
//
// Thread-safe (called from the Pod informer's handler thread).
#pragma once

#include <memory>

#include "ktk/client/controller/handler.hpp"
#include "replicaset/context.hpp"

namespace ktk::sim::detail {

class pod_event_handler final : public client::controller::handler {
 public:
  explicit pod_event_handler(std::shared_ptr<rs_context> ctx) : ctx_(std::move(ctx)) {}
  bool quick() const override { return true; }  // expectations and cache lookups only

  void create(const client::controller::create_event& e, client::controller::work_queue& q) override;
  void update(const client::controller::update_event& e, client::controller::work_queue& q) override;
  void delete_(const client::controller::delete_event& e, client::controller::work_queue& q) override;
  void generic(const client::controller::generic_event& e, client::controller::work_queue& q) override;

 private:
  // A Pod gone or going: its deletion is observed and its ReplicaSet queued.
  void deleted(const core::object& pod, client::controller::work_queue& q);
  void enqueue_matching(const core::object& pod, client::controller::work_queue& q);

  std::shared_ptr<rs_context> ctx_;
};

}  // namespace ktk::sim::detail
