// The Deployment controller's wiring, reconcile() (kube's syncDeployment) and the
// adoption / release of ReplicaSets (kube's ClaimReplicaSets).
#include "ktk/sim/deployment_controller.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "deployment/reconciler.hpp"
#include "ktk/client/controller/builder.hpp"
#include "ktk/client/controller/predicate.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim {
namespace deployment_detail {
namespace {

std::vector<std::string> controller_uid(const core::object& o) {
  auto r = o.controller_ref();
  if (r && !r->uid.empty()) return {r->uid};
  return {};
}

std::vector<std::string> orphan_namespace(const core::object& o) {
  if (o.controller_ref()) return {};
  return {std::string(o.namespace_())};
}

void add_index(client::cache::shared_informer& inf, client::cache::indexers idx) {
  try {
    inf.add_indexers(std::move(idx));
  } catch (const std::invalid_argument&) {
    // Already there: another deployment controller on the same cache added it.
  }
}

core::result<core::label_selector> selector_of(const core::object& d) {
  const core::json* sel = d.at_path("spec.selector");
  static const core::json empty = core::json::object();
  return core::label_selector::from_json(sel ? *sel : empty);
}

core::owner_reference controller_ref_to(const core::object& d) {
  return {.api_version = "apps/v1",
          .kind = "Deployment",
          .name = std::string(d.name()),
          .uid = std::string(d.uid()),
          .controller = true,
          .block_owner_deletion = true};
}

}  // namespace

deployment_reconciler::deployment_reconciler(ctl::manager& mgr)
    : mgr_(mgr),
      client_(mgr.get_client()),
      clock_(mgr.options().clock ? *mgr.options().clock : core::real_clock::instance()),
      deployments_(mgr.get_cache().informer_for(deployment_kind)),
      replicasets_(mgr.get_cache().informer_for(replicaset_kind)),
      pods_(mgr.get_cache().informer_for(pod_kind)) {
  add_index(*replicasets_, {{std::string(controller_uid_index), controller_uid},
                            {std::string(orphans_index), orphan_namespace}});
  add_index(*pods_, {{std::string(controller_uid_index), controller_uid}});
}

std::vector<ctl::request> deployment_reconciler::deployments_for_orphan(const core::object& rs) const {
  std::vector<ctl::request> out;
  if (rs.controller_ref()) return out;  // its controller hears of it through owns()
  for (const auto& d : deployments_->get_lister().list(rs.namespace_())) {
    auto sel = selector_of(*d);
    if (sel && !sel->empty() && sel->matches(rs.labels_json())) out.push_back(d->key());
  }
  return out;
}

std::vector<ctl::request> deployment_reconciler::recreate_deployment_of_pod(const core::object& pod) const {
  auto ref = pod.controller_ref();
  if (!ref || ref->kind != "ReplicaSet") return {};
  auto rs = replicasets_->get_lister().get(pod.namespace_(), ref->name);
  if (!rs || (*rs)->uid() != ref->uid) return {};
  auto dref = (*rs)->controller_ref();
  if (!dref || dref->kind != "Deployment") return {};
  auto d = deployments_->get_lister().get(pod.namespace_(), dref->name);
  if (!d || (*d)->uid() != dref->uid || !is_recreate(**d)) return {};
  return {(*d)->key()};
}

ctl::outcome deployment_reconciler::reconcile(const ctl::request& req, std::stop_token) {
  auto got = deployments_->get_lister().get(req);
  if (!got) {
    if (core::is_not_found(got.error())) return ctl::done();  // deleted: the garbage collector takes the rest
    return got.error();
  }
  auto sel = selector_of(**got);
  if (!sel) return ctl::terminal(sel.error());  // validation lets no such selector through
  sync_state s{.d = **got, .now = clock_.now(), .requeue = std::nullopt, .written = status_copy(**got)};
  auto r = sync_deployment(s, *sel);
  // What the sync set in status is written even when a later step failed (as kube
  // writes at once): a collision count, a create error, a paused condition.
  auto f = flush_status(s);
  if (!r) return r.error();
  if (!f) return f.error();
  if (s.requeue) return ctl::requeue_after(*s.requeue);
  return ctl::done();
}

result<void> deployment_reconciler::sync_deployment(sync_state& s, const core::label_selector& sel) {
  if (sel.empty()) {
    // Selecting everything would adopt every ReplicaSet of the namespace: refuse, as kube
    // does, and only say the generation was seen.
    if (int_at(s.d, "status.observedGeneration") < s.d.generation()) {
      core::json st = status_copy(s.d);
      st["observedGeneration"] = s.d.generation();
      set_status(s, st);
    }
    return {};
  }
  auto rss = claim_replicasets(s, sel);
  if (!rss) return rss.error();

  if (!s.d.deletion_timestamp().empty()) {
    auto split = get_all_and_sync_revision(s, *rss, false);
    if (!split) return split.error();
    return sync_deployment_status(s, split->all(), split->new_rs);
  }
  if (auto r = check_paused_conditions(s); !r) return r;
  if (is_paused(s.d)) return sync(s, *rss);

  if (auto to = s.d.annotation(rollback_to_annotation)) {
    try {
      std::size_t used = 0;
      std::int64_t rev = std::stoll(*to, &used);
      if (used == to->size()) return rollback(s, *rss, rev);
    } catch (const std::exception&) {
      // Not a number: ignored, as kube's getRollbackTo does.
    }
  }

  auto scaling = is_scaling_event(s, *rss);
  if (!scaling) return scaling.error();
  if (*scaling) return sync(s, *rss);

  if (is_recreate(s.d)) return rollout_recreate(s, *rss);
  return rollout_rolling(s, *rss);
}

result<void> deployment_reconciler::can_adopt(const sync_state& s) {
  // The cache may still hold a Deployment that is gone or going: ask the server once.
  auto fresh = mgr_.get_api_reader().get(deployment_kind, s.d.key());
  if (!fresh) return fresh.error();
  if ((*fresh)->uid() != s.d.uid()) {
    return core::api_error::conflict({"apps", "deployments"}, std::string(s.d.name()),
                                     "original Deployment " + s.d.key().str() + " is gone: got uid " +
                                         std::string((*fresh)->uid()) + ", wanted " + std::string(s.d.uid()));
  }
  if (!(*fresh)->deletion_timestamp().empty()) {
    return core::api_error::conflict({"apps", "deployments"}, std::string(s.d.name()),
                                     s.d.key().str() + " has just been deleted at " +
                                         std::string((*fresh)->deletion_timestamp()));
  }
  return {};
}

result<rs_list> deployment_reconciler::claim_replicasets(sync_state& s, const core::label_selector& sel) {
  const auto& idx = replicasets_->get_indexer();
  bool deleting = !s.d.deletion_timestamp().empty();
  rs_list out;
  for (auto& rs : idx.by_index(controller_uid_index, s.d.uid())) {
    if (sel.matches(rs->labels_json())) {
      out.push_back(std::move(rs));
      continue;
    }
    if (deleting) continue;
    // Ours but no longer selected: release it (it stays, without a controller).
    core::object copy = *rs;
    auto refs = copy.owner_references();
    std::erase_if(refs, [&](const core::owner_reference& r) { return r.uid == s.d.uid(); });
    copy.set_owner_references(refs);
    auto u = client_.update(std::move(copy));
    if (!u && !core::is_not_found(u.error())) return u.error();
  }
  std::optional<result<void>> adoptable;
  for (auto& rs : idx.by_index(orphans_index, s.d.namespace_())) {
    if (deleting || !rs->deletion_timestamp().empty() || !sel.matches(rs->labels_json())) continue;
    if (!adoptable) adoptable = can_adopt(s);
    if (!*adoptable) return adoptable->error();
    core::object copy = *rs;
    auto refs = copy.owner_references();
    refs.push_back(controller_ref_to(s.d));
    copy.set_owner_references(refs);
    auto u = client_.update(std::move(copy));
    if (!u) {
      if (core::is_not_found(u.error())) continue;
      return u.error();
    }
    out.push_back(*u);
  }
  sort_by_creation(out);
  return out;
}

}  // namespace deployment_detail

std::shared_ptr<client::controller::controller> add_deployment_controller(client::controller::manager& mgr,
                                                                          deployment_controller_options opts) {
  namespace ctl = client::controller;
  auto r = std::make_shared<deployment_detail::deployment_reconciler>(mgr);
  // A Recreate rollout waits for old Pods to stop: their deletion or their end matters,
  // not their creation nor other updates.
  ctl::predicate pod_gone = ctl::funcs{
      .create = [](const ctl::create_event&) { return false; },
      .update =
          [](const ctl::update_event& e) {
            return e.object_old && e.object_new && !is_pod_terminal(*e.object_old) && is_pod_terminal(*e.object_new);
          },
      .delete_ = {},
      .generic = {}};
  return ctl::builder(mgr)
      .named("deployment")
      .for_(deployment_kind)
      .owns(replicaset_kind)
      // Both map through the caches only: quick, so called on the informers' threads.
      .watches(replicaset_kind,
               ctl::enqueue_requests_from_map_func([r](const core::object& o) { return r->deployments_for_orphan(o); },
                                                   {.quick = true}))
      .watches(pod_kind,
               ctl::enqueue_requests_from_map_func(
                   [r](const core::object& o) { return r->recreate_deployment_of_pod(o); }, {.quick = true}),
               {pod_gone})
      .with_options({.name = "deployment",
                     .max_concurrent_reconciles = opts.workers,
                     .rate_limiter = std::move(opts.rate_limiter)})
      .complete(r);
}

}  // namespace ktk::sim
