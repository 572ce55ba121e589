#include "ktk/client/controller/cached_client.hpp"

#include <algorithm>

#include "ktk/core/label_selector.hpp"

namespace ktk::client::controller {

namespace {

// "PodList" reads as "Pod" when the mapper knows Pod.
gvk object_kind(const gvk& kind, const core::rest_mapper& m) {
  if (m.by_kind(kind)) return kind;
  if (kind.kind.size() > 4 && kind.kind.ends_with("List")) {
    gvk item{kind.group, kind.version, kind.kind.substr(0, kind.kind.size() - 4)};
    if (m.by_kind(item)) return item;
  }
  return kind;
}

}  // namespace

cached_client::cached_client(client& direct, cache::shared_informer_factory& cache, std::function<bool()> start_cache,
                             cached_client_options opts)
    : direct_(direct), cache_(cache), start_cache_(std::move(start_cache)), opts_(std::move(opts)) {}

bool cached_client::is_uncached(const gvk& kind) const {
  return std::find(opts_.uncached.begin(), opts_.uncached.end(), kind) != opts_.uncached.end();
}

result<std::shared_ptr<cache::shared_informer>> cached_client::informer(const gvk& kind) {
  auto inf = cache_.informer_for(kind);
  if (!inf->has_synced()) {
    if (start_cache_ && !start_cache_()) {
      return core::api_error(503, core::reason::service_unavailable, "the cache is not started, can not read objects");
    }
    if (!cache::wait_for_cache_sync(opts_.sync_timeout, {inf.get()})) {
      return core::api_error(504, core::reason::timeout,
                             "timed out waiting for the cache of " + kind.kind + " to sync");
    }
  }
  return inf;
}

result<object_ptr> cached_client::get(const gvk& kind, const object_key& key, const get_options& opts) {
  auto k = object_kind(kind, direct_.mapper());
  if (is_uncached(k)) return direct_.get(k, key, opts);
  auto inf = informer(k);
  if (!inf) return inf.error();
  return (*inf)->get_lister().get(key);
}

result<object_list> cached_client::list(const gvk& kind, const list_options& opts) {
  auto k = object_kind(kind, direct_.mapper());
  if (is_uncached(k) || !opts.field_selector.empty() || !opts.continue_token.empty()) return direct_.list(k, opts);
  auto sel = core::label_selector::parse(opts.label_selector);
  if (!sel) return sel.error();
  auto inf = informer(k);
  if (!inf) return inf.error();
  object_list out;
  out.items = (*inf)->get_lister().list(opts.namespace_, *sel);
  std::sort(out.items.begin(), out.items.end(), [](const object_ptr& a, const object_ptr& b) {
    auto an = a->namespace_(), bn = b->namespace_();
    return an != bn ? an < bn : a->name() < b->name();
  });
  if (opts.limit > 0 && out.items.size() > static_cast<std::size_t>(opts.limit)) {
    out.items.resize(static_cast<std::size_t>(opts.limit));
  }
  out.resource_version = (*inf)->last_sync_resource_version();
  return out;
}

}  // namespace ktk::client::controller
