// scheduler.cpp — the controller: event handlers that keep the scheduler cache and
// queue the Pods to place, and the reconciler that places one Pod.
#include "ktk/sim/scheduler.hpp"

#include <nlohmann/json.hpp>

#include "ktk/client/controller/builder.hpp"
#include "ktk/sim/kinds.hpp"
#include "scheduler/scheduler_cache.hpp"

namespace ktk::sim {
namespace {

namespace ctl = client::controller;
using detail::scheduler_cache;

// A Pod this scheduler should place: unbound, ours, not ending, not gated.
bool pending_for(const core::object& pod, const std::string& scheduler_name) {
  if (!pod_node_name(pod).empty() || !pod.deletion_timestamp().empty() || is_pod_terminal(pod)) return false;
  const core::json* n = pod.at_path("spec.schedulerName");
  std::string_view name = "default-scheduler";
  if (n && n->is_string() && !n->get_ref<const std::string&>().empty()) name = n->get_ref<const std::string&>();
  if (name != scheduler_name) return false;
  const core::json* gates = pod.at_path("spec.schedulingGates");
  return !gates || !gates->is_array() || gates->empty();
}

void requeue_unschedulable(const scheduler_cache& cache, ctl::work_queue& q) {
  for (auto& k : cache.unschedulable()) q.add(k);
}

// Pod events: usage accounting first, then the queue, on the same thread, so that a
// reconcile queued by an event always sees the cache that event produced.
class pod_handler final : public ctl::handler {
 public:
  pod_handler(std::shared_ptr<scheduler_cache> cache, std::string name)
      : cache_(std::move(cache)), name_(std::move(name)) {}
  bool quick() const override { return true; }

  void create(const ctl::create_event& e, ctl::work_queue& q) override {
    if (!e.object) return;
    if (cache_->upsert_pod(*e.object)) requeue_unschedulable(*cache_, q);
    if (pending_for(*e.object, name_)) q.add(e.object->key());
  }
  void update(const ctl::update_event& e, ctl::work_queue& q) override {
    if (!e.object_new) return;
    const core::object& now = *e.object_new;
    if (cache_->upsert_pod(now)) requeue_unschedulable(*cache_, q);
    if (!pending_for(now, name_)) return;
    // A status-only change of a waiting Pod (our own condition, say) changes nothing
    // for scheduling; a new spec or labels might.
    const core::object* before = e.object_old.get();
    if (!before || !pending_for(*before, name_) || before->generation() != now.generation() ||
        before->labels_json() != now.labels_json())
      q.add(now.key());
  }
  void delete_(const ctl::delete_event& e, ctl::work_queue& q) override {
    if (e.object && cache_->remove_pod(*e.object)) requeue_unschedulable(*cache_, q);
  }
  void generic(const ctl::generic_event&, ctl::work_queue&) override {}

 private:
  std::shared_ptr<scheduler_cache> cache_;
  std::string name_;
};

// Node events: a Node that appeared or changed in a way that matters may take the
// Pods that fit nowhere.
class node_handler final : public ctl::handler {
 public:
  explicit node_handler(std::shared_ptr<scheduler_cache> cache) : cache_(std::move(cache)) {}
  bool quick() const override { return true; }

  void create(const ctl::create_event& e, ctl::work_queue& q) override {
    if (e.object && cache_->upsert_node(*e.object)) requeue_unschedulable(*cache_, q);
  }
  void update(const ctl::update_event& e, ctl::work_queue& q) override {
    if (e.object_new && cache_->upsert_node(*e.object_new)) requeue_unschedulable(*cache_, q);
  }
  void delete_(const ctl::delete_event& e, ctl::work_queue&) override {
    if (e.object) cache_->remove_node(e.object->name());
  }
  void generic(const ctl::generic_event&, ctl::work_queue&) override {}

 private:
  std::shared_ptr<scheduler_cache> cache_;
};

class scheduler_reconciler final : public ctl::reconciler {
 public:
  scheduler_reconciler(ctl::manager& mgr, std::shared_ptr<client::cache::shared_informer> pods,
                       std::shared_ptr<scheduler_cache> cache, std::string name)
      : client_(mgr.get_client()),
        clock_(mgr.options().clock ? *mgr.options().clock : core::real_clock::instance()),
        pods_(std::move(pods)),
        cache_(std::move(cache)),
        name_(std::move(name)) {}

  ctl::outcome reconcile(const ctl::request& req, std::stop_token) override {
    auto got = pods_->get_lister().get(req);
    if (!got) {
      cache_->clear_unschedulable(req);
      return ctl::done();
    }
    const core::object& pod = **got;
    if (!pending_for(pod, name_)) {
      cache_->clear_unschedulable(req);
      return ctl::done();
    }
    const std::string uid(pod.uid());
    if (cache_->is_assumed(req, uid)) return ctl::done();  // bound; the cache has not caught up
    auto decision = cache_->schedule(req, uid, detail::parse_pod_constraints(pod), detail::pod_requests(pod));
    if (!decision.node.empty()) return bind(req, uid, decision.node);
    return mark_unschedulable(pod, decision.message);
  }

 private:
  ctl::outcome bind(const ctl::request& req, const std::string& uid, const std::string& node) {
    core::object binding(core::json{
        {"apiVersion", "v1"},
        {"kind", "Binding"},
        {"metadata", {{"name", req.name}, {"namespace", req.namespace_}, {"uid", uid}}},
        {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}});
    auto r = client_.create_subresource(pod_kind, req, "binding", std::move(binding));
    if (r) return ctl::done();
    cache_->forget(req, uid);
    // Gone, being deleted, or bound already: the informer will tell the rest.
    if (is_not_found(r.error()) || is_conflict(r.error())) return ctl::done();
    return r.error();
  }

  ctl::outcome mark_unschedulable(const core::object& pod, const std::string& message) {
    core::object next = pod;
    if (!set_condition(next, "PodScheduled", "False", "Unschedulable", message, clock_.now())) return ctl::done();
    core::json patch = {{"metadata", {{"resourceVersion", pod.resource_version()}}},
                        {"status", {{"conditions", next.data()["status"]["conditions"]}}}};
    auto r = client_.status().patch(pod_kind, pod.key(), core::patch_type::merge_patch, patch);
    if (r || is_not_found(r.error())) return ctl::done();
    if (is_conflict(r.error())) return ctl::outcome::requeue();  // our copy was stale
    return r.error();
  }

  client::client& client_;
  core::clock& clock_;
  std::shared_ptr<client::cache::shared_informer> pods_;
  std::shared_ptr<scheduler_cache> cache_;
  std::string name_;
};

}  // namespace

std::shared_ptr<client::controller::controller> add_scheduler(client::controller::manager& mgr,
                                                              scheduler_options opts) {
  auto cache = std::make_shared<scheduler_cache>();
  auto pods = mgr.get_cache().informer_for(pod_kind);
  auto r = std::make_shared<scheduler_reconciler>(mgr, pods, cache, opts.scheduler_name);
  return ctl::builder(mgr)
      .named("scheduler")
      .watches(pod_kind, std::make_shared<pod_handler>(cache, opts.scheduler_name))
      .watches(node_kind, std::make_shared<node_handler>(cache))
      .with_options({.max_concurrent_reconciles = opts.workers})
      .complete(r);
}

}  // namespace ktk::sim
