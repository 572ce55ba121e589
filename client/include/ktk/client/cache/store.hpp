// ktk/client/cache/store.hpp — object keys, and what a reflector writes into.
//
// Cached objects are keyed as client-go's MetaNamespaceKeyFunc keys them: "ns/name",
// or "name" for a cluster-scoped object. A `reflector_store` receives a reflector's
// output: the full state after each list (replace), then one call per watch event.
// The `indexer` is one; a shared informer has its own that also notifies handlers.
//
//   auto key = ktk::client::cache::meta_namespace_key(*pod);   // "default/web"
//   auto k = ktk::client::cache::split_meta_namespace_key(key); // {"default", "web"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"

namespace ktk::client::cache {

// "namespace/name", or "name" when the object has no namespace.
std::string meta_namespace_key(const core::object& o);
// The inverse: "a/b" → {"a", "b"}, "b" → {"", "b"}.
core::object_key split_meta_namespace_key(std::string_view key);

// The sink of a reflector. Every call comes from the reflector's thread, except
// resync(), which comes from its resync timer; implementations are thread-safe.
class reflector_store {
 public:
  virtual ~reflector_store() = default;
  // A watch event: ADDED, MODIFIED, DELETED (obj is the last state the server had).
  virtual void add(core::object_ptr obj) = 0;
  virtual void update(core::object_ptr obj) = 0;
  virtual void remove(core::object_ptr obj) = 0;
  // The complete state at resource_version, from a list; replaces everything.
  virtual void replace(std::vector<core::object_ptr> items, std::string resource_version) = 0;
  // The resync period came round (see reflector_options::resync_period).
  virtual void resync() {}
};

}  // namespace ktk::client::cache
