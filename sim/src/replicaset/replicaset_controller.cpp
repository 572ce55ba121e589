// replicaset_controller.cpp — the reconcile loop (kube's syncReplicaSet) and its wiring.
#include "ktk/sim/replicaset_controller.hpp"

#include <nlohmann/json.hpp>

#include "ktk/client/controller/builder.hpp"
#include "ktk/sim/kinds.hpp"
#include "replicaset/context.hpp"
#include "replicaset/pod_events.hpp"

namespace ktk::sim {
namespace {

namespace ctl = client::controller;
using detail::rs_context;

std::vector<std::string> pod_controller_uid(const core::object& pod) {
  if (auto ref = pod.controller_ref()) return {std::move(ref->uid)};
  return {detail::orphan_index_key(pod.namespace_())};
}

std::vector<std::string> rs_controller_uid(const core::object& rs) {
  if (auto ref = rs.controller_ref()) return {std::move(ref->uid)};
  return {};
}

void ensure_index(client::cache::shared_informer& inf, const char* name, client::cache::index_func f) {
  for (const auto& n : inf.get_indexer().index_names()) {
    if (n == name) return;
  }
  inf.add_indexers({{name, std::move(f)}});
}

class replicaset_reconciler final : public ctl::reconciler {
 public:
  explicit replicaset_reconciler(std::shared_ptr<rs_context> ctx) : ctx_(std::move(ctx)) {}

  ctl::outcome reconcile(const ctl::request& req, std::stop_token) override {
    rs_context& ctx = *ctx_;
    const std::string key = req.str();
    auto rs_ptr = ctx.replicasets->get_indexer().get_by_key(key);
    if (!rs_ptr) {
      ctx.exp.forget(key);
      return ctl::done();
    }
    const core::object& rs = *rs_ptr;
    auto sel = detail::selector_of(rs);
    if (!sel) return ctl::terminal("invalid selector of ReplicaSet " + key + ": " + sel.error().message());

    // Expectations first, then the cache: once they are met, the Pods they waited for
    // are in the cache (the informer stores before it tells handlers).
    const auto exp = ctx.exp.check(key, rs.uid(), ctx.clock.now());

    std::vector<core::object_ptr> active;
    for (auto& p : ctx.pods_of(rs)) {
      if (is_pod_active(*p)) active.push_back(std::move(p));
    }
    auto claimed = detail::claim_pods(ctx, rs, *sel, active);
    if (!claimed) return claimed.error();

    std::optional<core::api_error> manage_error;
    const bool manage = exp.satisfied && rs.deletion_timestamp().empty();
    if (manage) {
      if (auto m = detail::manage_replicas(ctx, rs, *claimed); !m) manage_error = m.error();
    }
    auto next_available = detail::update_status(ctx, rs, *claimed, manage, manage_error);
    if (manage_error) return *manage_error;
    if (!next_available) {
      // Someone else wrote first; the update event queues us again.
      if (core::is_conflict(next_available.error())) return ctl::outcome::requeue();
      return next_available.error();
    }

    std::optional<core::clock::duration> after = *next_available;
    if (!exp.satisfied && (!after || exp.expires_in < *after)) after = exp.expires_in;
    if (after) return ctl::requeue_after(std::max<core::clock::duration>(*after, std::chrono::milliseconds(1)));
    return ctl::done();
  }

 private:
  std::shared_ptr<rs_context> ctx_;
};

}  // namespace

std::shared_ptr<ctl::controller> add_replicaset_controller(ctl::manager& mgr, replicaset_controller_options opts) {
  auto& cache = mgr.get_cache();
  auto replicasets = cache.informer_for(replicaset_kind);
  auto pods = cache.informer_for(pod_kind);
  ensure_index(*pods, detail::pod_controller_index, pod_controller_uid);
  ensure_index(*replicasets, detail::rs_controller_index, rs_controller_uid);

  core::clock& clk = mgr.options().clock ? *mgr.options().clock : core::real_clock::instance();
  auto ctx = std::shared_ptr<rs_context>(new rs_context{.writer = mgr.get_client(),
                                                        .api_reader = mgr.get_api_reader(),
                                                        .replicasets = std::move(replicasets),
                                                        .pods = std::move(pods),
                                                        .clock = clk,
                                                        .opts = opts,
                                                        .exp = {}});
  return ctl::builder(mgr)
      .named("replicaset")
      .for_(replicaset_kind)
      .watches(pod_kind, std::make_shared<detail::pod_event_handler>(ctx))
      .with_options({.name = "replicaset", .max_concurrent_reconciles = std::max(1, opts.workers)})
      .complete(std::make_shared<replicaset_reconciler>(ctx));
}

}  // namespace ktk::sim
