// ktk/client/cache/lister.hpp — read-only queries over an indexer, as client-go's listers.
//
// A lister answers from the cache, never from the server: by namespace (through the
// namespace index), by label selector, by any index, and get(ns, name), which gives
// NotFound — the api_error a server would — when the object is not cached.
//
//   auto pods = informer->get_lister();
//   auto web = pods.list("default", *ktk::core::label_selector::parse("app=web"));
//   auto one = pods.get("default", "web-0");      // result<object_ptr>
//   if (ktk::is_not_found(one)) ...
//
// Thread-safe (each call takes the indexer's read lock). The indexer must outlive it.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "ktk/client/cache/indexer.hpp"
#include "ktk/core/gvk.hpp"
#include "ktk/core/label_selector.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::cache {

class lister {
 public:
  // `resource` names the type in NotFound errors ("pods", {"apps", "deployments"}).
  explicit lister(const indexer& idx, core::group_resource resource = {}) : idx_(&idx), resource_(std::move(resource)) {}

  // Every cached object matching sel (the empty selector matches everything).
  std::vector<core::object_ptr> list(const core::label_selector& sel = {}) const;
  // The cached objects of namespace ns matching sel; ns "" means every namespace.
  std::vector<core::object_ptr> list(std::string_view ns, const core::label_selector& sel = {}) const;
  // The object ns/name ("" ns for cluster-scoped); NotFound when not cached.
  core::result<core::object_ptr> get(std::string_view ns, std::string_view name) const;
  core::result<core::object_ptr> get(const core::object_key& key) const { return get(key.namespace_, key.name); }
  // Objects under `value` in index `index_name` (std::invalid_argument for an unknown index).
  std::vector<core::object_ptr> by_index(std::string_view index_name, std::string_view value) const {
    return idx_->by_index(index_name, value);
  }

  const indexer& store() const { return *idx_; }

 private:
  const indexer* idx_;
  core::group_resource resource_;
};

}  // namespace ktk::client::cache
