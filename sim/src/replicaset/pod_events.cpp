#include "replicaset/pod_events.hpp"

namespace ktk::sim::detail {

namespace ctl = client::controller;

void pod_event_handler::create(const ctl::create_event& e, ctl::work_queue& q) {
  if (!e.object) return;
  const core::object& pod = *e.object;
  if (!pod.deletion_timestamp().empty()) {
    // Seen already being deleted (a restart): not a creation to count.
    deleted(pod, q);
    return;
  }
  if (auto ref = pod.controller_ref()) {
    auto rs = ctx_->resolve_controller_ref(pod.namespace_(), *ref);
    if (!rs) return;
    auto key = key_of(*rs);
    ctx_->exp.creation_observed(key, rs->uid());
    q.add(rs->key());
    return;
  }
  // An orphan: no expectation waits for it, but a ReplicaSet may adopt it.
  enqueue_matching(pod, q);
}

void pod_event_handler::update(const ctl::update_event& e, ctl::work_queue& q) {
  if (!e.object_old || !e.object_new) return;
  const core::object& old_pod = *e.object_old;
  const core::object& cur = *e.object_new;
  if (old_pod.resource_version() == cur.resource_version()) return;  // a resync
  const bool labels_changed = old_pod.labels_json() != cur.labels_json();
  if (!cur.deletion_timestamp().empty()) {
    deleted(cur, q);
    if (labels_changed) deleted(old_pod, q);
    return;
  }
  auto cur_ref = cur.controller_ref();
  auto old_ref = old_pod.controller_ref();
  const bool ref_changed = cur_ref != old_ref;
  if (ref_changed && old_ref) {
    if (auto rs = ctx_->resolve_controller_ref(old_pod.namespace_(), *old_ref)) q.add(rs->key());
  }
  if (cur_ref) {
    // A Pod turning ready is queued like any change; the reconcile then asks to be
    // queued again when it will have been ready for minReadySeconds.
    if (auto rs = ctx_->resolve_controller_ref(cur.namespace_(), *cur_ref)) q.add(rs->key());
    return;
  }
  if (labels_changed || ref_changed) enqueue_matching(cur, q);
}

void pod_event_handler::delete_(const ctl::delete_event& e, ctl::work_queue& q) {
  if (e.object) deleted(*e.object, q);
}

void pod_event_handler::generic(const ctl::generic_event& e, ctl::work_queue& q) {
  if (!e.object) return;
  if (auto ref = e.object->controller_ref()) {
    if (auto rs = ctx_->resolve_controller_ref(e.object->namespace_(), *ref)) q.add(rs->key());
  }
}

void pod_event_handler::deleted(const core::object& pod, ctl::work_queue& q) {
  auto ref = pod.controller_ref();
  if (!ref) return;  // no controller cares about orphans going
  auto rs = ctx_->resolve_controller_ref(pod.namespace_(), *ref);
  if (!rs) return;
  ctx_->exp.deletion_observed(key_of(*rs), rs->uid(), key_of(pod));
  q.add(rs->key());
}

void pod_event_handler::enqueue_matching(const core::object& pod, ctl::work_queue& q) {
  for (const auto& rs : ctx_->replicasets_matching(pod)) q.add(rs->key());
}

}  // namespace ktk::sim::detail
