#include "detail/mapper_cache.hpp"

#include <set>

namespace ktk::client::rest::detail {

mapper_cache::mapper_cache(fetch_fn fetch, core::clock& clk, std::chrono::milliseconds interval)
    : fetch_(std::move(fetch)), clock_(clk), interval_(interval) {}

core::resource_info_ptr mapper_cache::lookup(const core::gvk& k) const {
  if (auto info = mapper_.by_kind(k)) return info;
  if (k.kind.size() > 4 && k.kind.ends_with("List")) {
    return mapper_.by_kind({k.group, k.version, k.kind.substr(0, k.kind.size() - 4)});
  }
  return nullptr;
}

core::result<core::resource_info_ptr> mapper_cache::resource_of(const core::gvk& k) {
  if (auto info = lookup(k)) return info;
  std::lock_guard lock(mu_);
  bool refreshed = false;
  if (!discovered_) {
    if (auto r = refresh_locked(); !r) return r.error();
    refreshed = true;
  } else if (auto info = lookup(k)) {
    return info;  // another thread's refresh found it
  } else {
    auto it = missing_.find(k);
    if (it == missing_.end() || clock_.now() - it->second >= interval_) {
      if (auto r = refresh_locked(); !r) return r.error();
      refreshed = true;
    }
  }
  if (auto info = lookup(k)) {
    missing_.erase(k);
    return info;
  }
  // The window starts at the refresh that did not find the kind, not at each miss.
  if (refreshed) missing_.insert_or_assign(k, clock_.now());
  return core::api_error::bad_request("no matches for kind " + core::quote(k.kind) + " in version " +
                                      core::quote(k.api_version()));
}

const core::rest_mapper& mapper_cache::mapper() {
  std::lock_guard lock(mu_);
  if (!discovered_) (void)refresh_locked();
  return mapper_;
}

core::result<void> mapper_cache::refresh() {
  std::lock_guard lock(mu_);
  return refresh_locked();
}

core::result<void> mapper_cache::refresh_locked() {
  auto rs = fetch_();
  if (!rs) return rs.error();
  std::set<core::gvr> fresh;
  for (const auto& r : *rs) fresh.insert(r.resource);
  for (const auto& old : mapper_.all()) {
    if (!fresh.count(old->resource)) mapper_.remove(old->resource);
  }
  for (auto& r : *rs) mapper_.add(std::move(r));
  discovered_ = true;
  return {};
}

}  // namespace ktk::client::rest::detail
