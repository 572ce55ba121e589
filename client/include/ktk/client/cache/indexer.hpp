// ktk/client/cache/indexer.hpp — the thread-safe object cache with secondary indexes.
//
// client-go's threadSafeStore + Indexer in one type. Objects are immutable
// `object_ptr` snapshots keyed by meta_namespace_key; the cache holds the very
// pointer it was given (no copy). Index functions map an object to the values it is
// indexed under; the "namespace" index is always there.
//
//   ktk::client::cache::indexer idx({{"by-node", [](const auto& o) {
//     auto* n = o.at_path("spec.nodeName");
//     return n && n->is_string() ? std::vector<std::string>{n->template get<std::string>()}
//                                : std::vector<std::string>{}; }}});
//   idx.add(pod);
//   idx.by_index("by-node", "node-1");        // the pods on node-1
//   idx.by_index(ktk::client::cache::namespace_index, "default");
//
// Thread-safe: readers share a lock, writers take it exclusively. Index functions run
// under the write lock and must not call back into the indexer.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ktk/client/cache/store.hpp"

namespace ktk::client::cache {

// The values an object is indexed under (none: not in the index).
using index_func = std::function<std::vector<std::string>(const core::object&)>;
// Index name → function.
using indexers = std::map<std::string, index_func>;

// The built-in index of objects by metadata.namespace.
inline constexpr std::string_view namespace_index = "namespace";
// {metadata.namespace}; client-go's MetaNamespaceIndexFunc.
std::vector<std::string> meta_namespace_index_func(const core::object& o);

namespace detail {
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
}  // namespace detail

// Key → object, as replace_keyed returns the previous contents.
using object_map = std::unordered_map<std::string, core::object_ptr, detail::string_hash, std::equal_to<>>;

class indexer final : public reflector_store {
 public:
  // The namespace index plus `extra` (std::invalid_argument if one is named "namespace").
  explicit indexer(indexers extra = {});
  ~indexer() override;
  indexer(const indexer&) = delete;
  indexer& operator=(const indexer&) = delete;

  // reflector_store: add and update both store obj under its key; remove drops its key.
  void add(core::object_ptr obj) override;
  void update(core::object_ptr obj) override;
  void remove(core::object_ptr obj) override;
  void replace(std::vector<core::object_ptr> items, std::string resource_version) override;

  // Stores obj under key, which must be meta_namespace_key(*obj) (computed once by
  // the caller; the namespace index reads the namespace from it). Returns what was there.
  core::object_ptr put(std::string key, core::object_ptr obj);
  // Drops key; returns what was there (null when nothing).
  core::object_ptr erase(std::string_view key);
  // Replaces everything with `items` (meta_namespace_key, object) and returns the previous contents,
  // so that a caller can tell what was added, changed or dropped without lookups.
  object_map replace_keyed(std::vector<std::pair<std::string, core::object_ptr>> items, std::string resource_version);

  core::object_ptr get_by_key(std::string_view key) const;  // null when absent
  core::object_ptr get(const core::object& o) const { return get_by_key(meta_namespace_key(o)); }
  std::vector<core::object_ptr> list() const;
  std::vector<std::string> list_keys() const;
  std::size_t size() const;
  // Calls fn(key, obj) for every object under the read lock; fn must not write to
  // this indexer.
  void for_each(const std::function<void(const std::string&, const core::object_ptr&)>& fn) const;
  // The resource_version given to the last replace ("" before any).
  std::string resource_version() const;

  // Objects indexed under `value` in index `name`. An unknown index name is a
  // programming error: std::invalid_argument.
  std::vector<core::object_ptr> by_index(std::string_view name, std::string_view value) const;
  // Their keys.
  std::vector<std::string> index_keys(std::string_view name, std::string_view value) const;
  // The values index `name` has entries for.
  std::vector<std::string> list_index_func_values(std::string_view name) const;
  // Objects sharing any value of index `name` with obj (client-go's Index()).
  std::vector<core::object_ptr> index(std::string_view name, const core::object& obj) const;
  // The index names (always including "namespace").
  std::vector<std::string> index_names() const;
  // Adds indexes, built over the current contents. std::invalid_argument when a
  // name is taken.
  void add_indexers(indexers more);

 private:
  struct index_data;
  using key_set = std::unordered_set<std::string_view, detail::string_hash, std::equal_to<>>;

  // Both under the write lock. `key` is the key as stored in items_ (index entries
  // point at it).
  void index_add(std::string_view key, const core::object& obj);
  void index_remove(std::string_view key, const core::object& obj);
  void index_update(std::string_view key, const core::object& old_obj, const core::object& new_obj);
  const index_data& find_index(std::string_view name) const;  // throws std::invalid_argument

  mutable std::shared_mutex mu_;
  object_map items_;                            // guarded by mu_
  std::vector<std::unique_ptr<index_data>> indexes_;  // guarded by mu_; [0] is the namespace index
  std::string resource_version_;                // guarded by mu_
};

}  // namespace ktk::client::cache
