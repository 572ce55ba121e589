// ktk/client/controller/cached_client.hpp — reads from the informer cache, writes to the server.
//
// controller-runtime's default client: get and list are answered from the manager's
// shared informers (started on first use; the first read of a type waits for its
// informer to sync), everything else goes to the server. Reads are then as fresh as
// the cache — a reconciler may read its own write late and must tolerate conflicts,
// exactly as on a real cluster. Lists with a field selector or a continue token, and
// the kinds named in `uncached`, are read from the server.
//
//   ktk::client::controller::cached_client c(direct, mgr.get_cache(), [&] { return mgr.start_cache(); });
//   auto pods = c.list({"", "v1", "Pod"}, {.namespace_ = "default", .label_selector = "app=web"});
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "ktk/client/cache/informer_factory.hpp"
#include "ktk/client/client.hpp"

namespace ktk::client::controller {

struct cached_client_options {
  std::vector<core::gvk> uncached{};  // read from the server
  // How long the first read of a type waits for its informer to sync (then 504 Timeout).
  std::chrono::nanoseconds sync_timeout = std::chrono::seconds(60);
};

class cached_client final : public client {
 public:
  // Borrows direct and cache, which must outlive it. start_cache starts informers that
  // are not running yet and says whether the cache runs (the manager's start_cache);
  // reads before that fail with 503 "the cache is not started, can not read objects".
  cached_client(client& direct, cache::shared_informer_factory& cache, std::function<bool()> start_cache,
                cached_client_options opts = {});

  using client::get;
  using client::list;
  using client::create;
  using client::update;
  using client::remove;

  // From the cache: NotFound when not cached. opts.resource_version is ignored.
  result<object_ptr> get(const gvk& kind, const object_key& key, const get_options& opts = {}) override;
  // From the cache, sorted by namespace and name; a limit truncates (no continue token).
  result<object_list> list(const gvk& kind, const list_options& opts = {}) override;

  result<object_ptr> create(object&& obj, const write_options& opts = {}) override {
    return direct_.create(std::move(obj), opts);
  }
  result<object_ptr> update(object&& obj, const write_options& opts = {}) override {
    return direct_.update(std::move(obj), opts);
  }
  result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type, const core::json& p,
                           const patch_options& opts = {}) override {
    return direct_.patch(kind, key, type, p, opts);
  }
  result<object_ptr> apply(object&& obj, const patch_options& opts) override { return direct_.apply(std::move(obj), opts); }
  result<void> remove(const gvk& kind, const object_key& key, const delete_options& opts = {}) override {
    return direct_.remove(kind, key, opts);
  }
  result<void> delete_all_of(const gvk& kind, const list_options& which, const delete_options& opts = {}) override {
    return direct_.delete_all_of(kind, which, opts);
  }
  result<std::unique_ptr<watch_stream>> watch(const gvk& kind, const watch_options& opts = {}) override {
    return direct_.watch(kind, opts);
  }
  status_writer& status() override { return direct_.status(); }
  result<object_ptr> get_scale(const gvk& kind, const object_key& key) override { return direct_.get_scale(kind, key); }
  result<object_ptr> update_scale(const gvk& kind, const object_key& key, std::int64_t replicas,
                                  const write_options& opts = {}) override {
    return direct_.update_scale(kind, key, replicas, opts);
  }
  result<object_ptr> create_subresource(const gvk& kind, const object_key& key, std::string_view subresource,
                                        object&& body, const write_options& opts = {}) override {
    return direct_.create_subresource(kind, key, subresource, std::move(body), opts);
  }
  const core::rest_mapper& mapper() override { return direct_.mapper(); }

  // The client reads that bypass the cache go to.
  client& direct() { return direct_; }

 private:
  bool is_uncached(const gvk& kind) const;
  // The synced informer of kind (the object kind, not the list kind), or why not.
  result<std::shared_ptr<cache::shared_informer>> informer(const gvk& kind);

  client& direct_;
  cache::shared_informer_factory& cache_;
  std::function<bool()> start_cache_;
  cached_client_options opts_;
};

}  // namespace ktk::client::controller
