// registry_crd_sync.cpp — on a store other servers write to (etcd), CRDs created,
// changed or deleted through them are served here too, as kube-apiserver's CRD
// informer does. Level-triggered: each event re-reads the CRD it names and serves
// what is stored, so events that arrive late or out of step with this server's own
// writes cannot leave a stale definition behind.
#include <condition_variable>
#include <mutex>
#include <set>

#include "impl.hpp"

namespace ktk::apiserver {

namespace {

constexpr const char* crd_shard = "apiextensions.k8s.io/customresourcedefinitions";

}  // namespace

void registry::impl::forget_crd(const std::string& name) {
  std::lock_guard lock(crd_mu_);
  for (const auto& h : handlers()) {
    if (h->crd_name == name) remove_handler(h->info->resource);
  }
}

storage::revision registry::impl::sync_crds() {
  auto listed = store->list(crd_shard, {});
  if (!listed) return -1;
  std::set<std::string> stored;
  for (const auto& crd : listed->items) {
    stored.insert(std::string(crd->name()));
    register_crd(*crd);
  }
  std::set<std::string> served;
  for (const auto& h : handlers()) {
    if (h->custom) served.insert(h->crd_name);
  }
  for (const auto& name : served) {
    if (!stored.count(name)) forget_crd(name);
  }
  return listed->rev;
}

void registry::impl::pause_follower(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, std::chrono::milliseconds(500), [] { return false; });
}

void registry::impl::follow_crds(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const storage::revision from = sync_crds();
    if (from < 0) {
      pause_follower(stop);
      continue;
    }
    auto w = store->watch(crd_shard, {.from_revision = from});
    if (!w) {
      pause_follower(stop);  // the list is already older than the history, or the store is down
      continue;
    }
    for (;;) {
      auto batch = (*w)->wait_next(stop);
      if (stop.stop_requested()) return;
      if (!batch) break;  // 410: relist
      std::set<std::string> names;
      for (const auto& e : *batch) names.insert(std::string(e->object->name()));
      for (const auto& name : names) {
        auto current = store->get(crd_shard, {"", name});
        if (current) {
          register_crd(**current);
        } else if (core::is_not_found(current.error())) {
          forget_crd(name);
        }
      }
    }
  }
}

}  // namespace ktk::apiserver
