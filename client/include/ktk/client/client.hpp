// ktk/client/client.hpp — the Client interface, as controller-runtime's client.Client.
//
// Small interfaces composed into one: `reader` (get, list), `writer` (create,
// update, patch, apply, remove, delete_all_of), `status_writer` (the /status
// subresource), `watcher` (watch), and `client`, which has them all plus scale.
// Calls name the type by GVK (from the object itself for writes) and return
// `result<T>`: the value, or the api_error with the server's Status. Typed helpers
// convert users' structs (see ktk/core/typed.hpp):
//
//   ktk::client::client& c = ...;                 // a FakeClient, or a RestClient
//   auto pod = c.get({"", "v1", "Pod"}, {"default", "web"});
//   auto at  = c.get<my::at>({"default", "at-1"});          // a user struct
//   c.status().update(std::move(updated));
//   if (ktk::is_conflict(r)) requeue();
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "ktk/client/options.hpp"
#include "ktk/client/watch.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/patch.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "ktk/core/result.hpp"
#include "ktk/core/typed.hpp"

namespace ktk::client {

using core::gvk;
using core::object;
using core::object_key;
using core::object_ptr;
using core::result;

class reader {
 public:
  virtual ~reader() = default;
  // The object of type `kind` at `key`; NotFound when absent.
  virtual result<object_ptr> get(const gvk& kind, const object_key& key, const get_options& opts = {}) = 0;
  // Objects of type `kind` (`kind` may name the list kind too: "PodList" = "Pod").
  virtual result<object_list> list(const gvk& kind, const list_options& opts = {}) = 0;
};

class writer {
 public:
  virtual ~writer() = default;
  // Creates obj (its apiVersion and kind name the type); returns what the server stored.
  virtual result<object_ptr> create(object&& obj, const write_options& opts = {}) = 0;
  // Replaces obj; metadata.resourceVersion, when set, must be current (409 otherwise).
  virtual result<object_ptr> update(object&& obj, const write_options& opts = {}) = 0;
  virtual result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type,
                                   const core::json& patch, const patch_options& opts = {}) = 0;
  // Server-side apply of obj (a partial configuration); opts.field_manager is required.
  virtual result<object_ptr> apply(object&& obj, const patch_options& opts) = 0;
  // Deletes; an object with finalizers is only marked (deletionTimestamp set).
  virtual result<void> remove(const gvk& kind, const object_key& key, const delete_options& opts = {}) = 0;
  virtual result<void> delete_all_of(const gvk& kind, const list_options& which, const delete_options& opts = {}) = 0;
};

// Writes to the /status subresource (NotFound when the type has none).
class status_writer {
 public:
  virtual ~status_writer() = default;
  virtual result<object_ptr> update(object&& obj, const write_options& opts = {}) = 0;
  virtual result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type,
                                   const core::json& patch, const patch_options& opts = {}) = 0;
};

class watcher {
 public:
  virtual ~watcher() = default;
  virtual result<std::unique_ptr<watch_stream>> watch(const gvk& kind, const watch_options& opts = {}) = 0;
};

class client : public reader, public writer, public watcher {
 public:
  using reader::get;
  using reader::list;
  using writer::create;
  using writer::update;

  // The /status writer of this client; lives as long as the client.
  virtual status_writer& status() = 0;
  // The /scale subresource: an autoscaling/v1 Scale.
  virtual result<object_ptr> get_scale(const gvk& kind, const object_key& key) = 0;
  virtual result<object_ptr> update_scale(const gvk& kind, const object_key& key, std::int64_t replicas,
                                          const write_options& opts = {}) = 0;
  // POSTs `body` to a subresource that takes a new object of its own — pods/binding
  // (a v1 Binding), serviceaccounts/token (an authentication.k8s.io/v1 TokenRequest),
  // pods/eviction — and returns what the server answered (for a binding, a Status
  // Success; for a token request, the request with status.token). NotFound when the
  // type has no such subresource.
  virtual result<object_ptr> create_subresource(const gvk& kind, const object_key& key, std::string_view subresource,
                                                object&& body, const write_options& opts = {}) = 0;
  // The types this client knows (discovery for a server, the registry for a fake).
  virtual const core::rest_mapper& mapper() = 0;

  // Typed forms for users' structs (ktk/core/typed.hpp).
  template <core::kind_typed T>
  result<T> get(const object_key& key, const get_options& opts = {}) {
    auto r = get(core::kind_of<T>(), key, opts);
    if (!r) return r.error();
    return core::from_object<T>(**r);
  }
  template <core::kind_typed T>
  result<std::vector<T>> list(const list_options& opts = {}) {
    auto r = list(core::kind_of<T>(), opts);
    if (!r) return r.error();
    std::vector<T> out;
    out.reserve(r->items.size());
    for (const auto& i : r->items) out.push_back(core::from_object<T>(*i));
    return out;
  }
  template <core::kind_typed T>
  result<T> create(const T& v, const write_options& opts = {}) {
    auto r = create(core::to_object(v), opts);
    if (!r) return r.error();
    return core::from_object<T>(**r);
  }
  template <core::kind_typed T>
  result<T> update(const T& v, const write_options& opts = {}) {
    auto r = update(core::to_object(v), opts);
    if (!r) return r.error();
    return core::from_object<T>(**r);
  }
  template <core::kind_typed T>
  result<void> remove(const object_key& key, const delete_options& opts = {}) {
    return writer::remove(core::kind_of<T>(), key, opts);
  }
  using writer::remove;
};

}  // namespace ktk::client
