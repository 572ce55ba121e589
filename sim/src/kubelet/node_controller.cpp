#include "kubelet/node_controller.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ktk/client/controller/builder.hpp"
#include "ktk/sim/kinds.hpp"
#include "kubelet/node_objects.hpp"
#include "kubelet/pod_controller.hpp"

namespace ktk::sim::detail {
namespace {

namespace ctl = client::controller;
using time_point = core::clock::time_point;

// A copy of a Node's state without its address pool.
node_state snapshot(kubelet_state& st, const std::string& name) {
  return st.with_node(name, [](node_state& n) {
    node_state c;
    c.spec = n.spec;
    c.index = n.index;
    c.ip = n.ip;
    c.pod_cidr = n.pod_cidr;
    c.failed = n.failed;
    c.failed_at = n.failed_at;
    c.evicted = n.evicted;
    c.last_renew = n.last_renew;
    c.last_status = n.last_status;
    c.status_posted = n.status_posted;
    c.lost_posted = n.lost_posted;
    return c;
  });
}

ctl::outcome after(time_point due, time_point now) {
  return ctl::requeue_after(std::max(due - now, time_point::duration(1)));
}

class node_reconciler final : public ctl::reconciler {
 public:
  node_reconciler(ctl::manager& mgr, std::shared_ptr<kubelet_state> st,
                  std::shared_ptr<client::cache::shared_informer> nodes,
                  std::shared_ptr<client::cache::shared_informer> leases,
                  std::shared_ptr<client::cache::shared_informer> pods)
      : client_(mgr.get_client()), st_(std::move(st)), nodes_(std::move(nodes)), leases_(std::move(leases)),
        pods_(std::move(pods)) {}

  ctl::outcome reconcile(const ctl::request& req, std::stop_token) override {
    if (!st_->owns(req.name)) return ctl::done();
    const time_point now = st_->clock().now();
    node_state n = snapshot(*st_, req.name);
    auto got = nodes_->get_lister().get("", req.name);
    core::object_ptr node = got ? *got : nullptr;
    if (n.failed) return lost(n, node, now);
    if (!node) {
      auto r = client_.create(new_node(n, now));
      if (!r && !is_already_exists(r.error())) return r.error();
      if (r) mark_posted(req.name, now);
      return ctl::done();  // its event brings us back for the Lease
    }
    if (auto o = post_status(n, *node, now); !o.ok()) return o;
    if (auto t = without_unreachable_taints(*node)) {
      auto r = client_.patch(node_kind, {"", req.name}, core::patch_type::merge_patch, {{"spec", {{"taints", *t}}}});
      if (!r) return r.error();
    }
    if (auto o = renew_lease(n, *node, now); !o.ok() || o.requeue_requested()) return o;
    n = snapshot(*st_, req.name);
    const auto& o = st_->options();
    const time_point renew_at = n.last_renew.value_or(now) + o.heartbeat;
    return after(std::min(renew_at, n.last_status.value_or(now) + o.node_status_update), now);
  }

 private:
  void mark_posted(const std::string& name, time_point now) {
    st_->with_node(name, [&](node_state& s) {
      s.last_status = now;
      s.status_posted = true;
    });
  }

  ctl::outcome post_status(const node_state& n, const core::object& node, time_point now) {
    std::optional<time_point> last = n.last_status ? n.last_status : ready_heartbeat(node);
    // Posted once after start or recovery (whatever the cache says, which may lag
    // behind our own write), then every node_status_update.
    const bool due = !n.status_posted || !last || now >= *last + st_->options().node_status_update;
    if (!due) {
      st_->with_node(n.spec.name, [&](node_state& s) { s.last_status = last; });
      return ctl::done();
    }
    const core::json* cur = node.field("status");
    auto r = client_.status().patch(node_kind, {"", n.spec.name}, core::patch_type::merge_patch,
                                    {{"status", healthy_status(n, cur ? *cur : core::json::object(), now)}});
    if (!r) return r.error();
    mark_posted(n.spec.name, now);
    return ctl::done();
  }

  ctl::outcome renew_lease(const node_state& n, const core::object& node, time_point now) {
    const auto& o = st_->options();
    const core::object_key key{node_lease_namespace, n.spec.name};
    std::optional<time_point> last = n.last_renew;
    auto lease = leases_->get_lister().get(key);
    if (!last && lease) {
      if (const core::json* t = (*lease)->at_path("spec.renewTime"); t && t->is_string()) last = core::parse_rfc3339(t->get<std::string>());
    }
    if (last && now < *last + o.heartbeat) {
      st_->with_node(n.spec.name, [&](node_state& s) { s.last_renew = last; });
      return ctl::done();
    }
    // A Lease we renewed before exists even when the cache does not show it yet.
    bool create = !lease && !n.last_renew;
    if (!create) {
      core::json spec = {{"holderIdentity", n.spec.name},
                         {"leaseDurationSeconds", o.lease_duration.count()},
                         {"renewTime", core::format_rfc3339_micro(now)}};
      auto r = client_.patch(lease_kind, key, core::patch_type::merge_patch, {{"spec", spec}});
      if (!r && !is_not_found(r.error())) return r.error();
      create = !r;
    }
    if (create) {
      auto r = client_.create(new_lease(n.spec.name, node.uid(), o.lease_duration, now));
      if (!r && !is_already_exists(r.error())) return r.error();
      if (!r) return ctl::outcome::requeue();  // made meanwhile: renew it next time
    }
    st_->with_node(n.spec.name, [&](node_state& s) { s.last_renew = now; });
    return ctl::done();
  }

  // A failed Node: NotReady and tainted after the grace, its Pods evicted later.
  ctl::outcome lost(const node_state& n, const core::object_ptr& node, time_point now) {
    const auto& o = st_->options();
    const time_point not_ready_at = n.failed_at + o.node_monitor_grace;
    if (now < not_ready_at) return after(not_ready_at, now);
    if (node && !n.lost_posted) {
      if (ready_status(*node) != "Unknown") {
        const core::json* conds = node->at_path("status.conditions");
        auto r = client_.status().patch(
            node_kind, {"", n.spec.name}, core::patch_type::merge_patch,
            {{"status", {{"conditions", unknown_conditions(conds ? *conds : core::json::array(), now)}}}});
        if (!r && !is_not_found(r.error())) return r.error();
      }
      if (auto t = with_unreachable_taints(*node, now)) {
        auto r = client_.patch(node_kind, {"", n.spec.name}, core::patch_type::merge_patch, {{"spec", {{"taints", *t}}}});
        if (!r && !is_not_found(r.error())) return r.error();
      }
      st_->with_node(n.spec.name, [&](node_state& s) { s.lost_posted = s.failed; });
    }
    const time_point evict_at = eviction_time(o, n.failed_at);
    if (now < evict_at) return after(evict_at, now);
    if (auto pc = st_->pod_controller.lock(); pc && !n.evicted) {
      for (const auto& p : pods_->get_indexer().by_index(pods_by_node_index, n.spec.name)) pc->queue().add(p->key());
      st_->with_node(n.spec.name, [&](node_state& s) { s.evicted = s.failed; });
    }
    return ctl::done();
  }

  client::client& client_;
  std::shared_ptr<kubelet_state> st_;
  std::shared_ptr<client::cache::shared_informer> nodes_, leases_, pods_;
};

}  // namespace

std::shared_ptr<client::controller::controller> make_node_controller(client::controller::manager& mgr,
                                                                     std::shared_ptr<kubelet_state> state,
                                                                     std::shared_ptr<client::cache::shared_informer> pods) {
  auto& cache = mgr.get_cache();
  auto nodes = cache.informer_for(node_kind);
  auto leases = cache.informer_for(lease_kind);
  auto ours = ctl::new_predicate_funcs([st = state](const core::object& o) { return st->owns(o.name()); });
  auto lease_to_node = [st = state](const core::object& l) {
    std::vector<ctl::request> out;
    if (l.namespace_() == node_lease_namespace && st->owns(l.name())) out.push_back({"", std::string(l.name())});
    return out;
  };
  auto r = std::make_shared<node_reconciler>(mgr, state, nodes, leases, std::move(pods));
  auto c = ctl::builder(mgr)
               .named("kubelet-nodes")
               .for_(node_kind, {ours})
               .watches(lease_kind, ctl::enqueue_requests_from_map_func(lease_to_node, {.quick = true}))
               .complete(r);
  for (const auto& name : state->names()) c->queue().add({"", name});
  return c;
}

}  // namespace ktk::sim::detail
