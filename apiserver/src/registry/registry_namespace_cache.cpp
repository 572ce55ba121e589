// registry_namespace_cache.cpp — on a shared store, the namespaces seen open, so that
// a create does not read its namespace from etcd every time. Only "open" is cached
// and anything that may end it drops the entry; a lookup that raced with a drop is
// not remembered (the epoch moved), so the cache never answers open for a namespace
// this registry saw terminate.
#include "impl.hpp"

namespace ktk::apiserver {

void registry::impl::namespace_changed(const std::string& name) {
  std::unique_lock lock(open_ns_mu_);
  ++open_ns_epoch_;
  open_namespaces_.erase(name);
}

void registry::impl::follow_namespaces(std::unique_ptr<storage::watcher> w, std::stop_token stop) {
  {
    std::unique_lock lock(open_ns_mu_);
    open_ns_live_ = true;  // `w` was made before any request could look a namespace up
  }
  while (!stop.stop_requested()) {
    auto batch = w ? w->wait_next(stop) : core::result<std::vector<storage::event_ptr>>(api_error::gone(""));
    if (stop.stop_requested()) return;
    if (!batch) {
      // Fell off the history, or the store restarted its rings: forget everything and
      // stop remembering until a new watch runs (it follows from now).
      {
        std::unique_lock lock(open_ns_mu_);
        ++open_ns_epoch_;
        open_namespaces_.clear();
        open_ns_live_ = false;
      }
      auto again = store->watch("namespaces", {});
      if (!again) {
        w.reset();
        pause_follower(stop);
        continue;
      }
      w = std::move(*again);
      std::unique_lock lock(open_ns_mu_);
      open_ns_live_ = true;
      continue;
    }
    for (const auto& e : *batch) {
      if (e->type == storage::event_type::deleted || !e->object->deletion_timestamp().empty()) {
        namespace_changed(std::string(e->object->name()));
      }
    }
  }
}

}  // namespace ktk::apiserver
