// ktk/client/controller/controllerutil.hpp — controller-runtime's controllerutil for C++.
//
// Owner references (set_controller_reference and friends), create_or_update /
// create_or_patch, and finalizers, on unstructured objects and on users' structs
// (ktk/core/typed.hpp).
//
//   namespace ctl = ktk::client::controller;
//   ktk::core::object cm("v1", "ConfigMap");  cm.set_namespace("default");  cm.set_name("web-config");
//   auto op = ctl::create_or_update(client, cm, [&](ktk::core::object& o) {
//     o.data()["data"] = {{"port", "8080"}};
//     return ctl::set_controller_reference(owner, o, {.mapper = &client.mapper()});
//   });
//   if (!op) return op.error();           // *op: unchanged / created / updated
//
// Errors. Failed API calls come back as the server's api_error. The checks these
// helpers make themselves are api_errors too, with code 400 and a reason of their
// own (below), so that a reconciler returns them like any other error; their
// messages are controller-runtime's. is_bad_request() is true of all of them.
//
// Plain functions; thread-safe as far as the client passed in is.
#pragma once

#include <concepts>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ktk/client/client.hpp"
#include "ktk/client/options.hpp"
#include "ktk/core/api_error.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "ktk/core/result.hpp"
#include "ktk/core/typed.hpp"

namespace ktk::client::controller {

// Reasons of the errors the helpers raise themselves (all code 400).
// The object already has a controller reference to another owner (AlreadyOwnedError).
inline constexpr const char* reason_already_owned = "AlreadyOwned";
// Owner namespaced and object cluster-scoped or in another namespace.
inline constexpr const char* reason_cross_namespace_owner = "CrossNamespaceOwner";
// The owner has no apiVersion or kind, so no reference can name it.
inline constexpr const char* reason_invalid_owner = "InvalidOwner";
// remove_*_reference found no (controller) reference to the owner.
inline constexpr const char* reason_owner_reference_not_found = "OwnerReferenceNotFound";
// A create_or_update / create_or_patch mutate function changed name or namespace.
inline constexpr const char* reason_mutate_changed_key = "MutateChangedKey";

bool is_already_owned(const core::api_error& e);
template <class T>
bool is_already_owned(const core::result<T>& r) {
  return !r.ok() && is_already_owned(r.error());
}

// ---- owner references ----

struct owner_reference_options {
  // Where to learn whether owner and object kinds are namespaced (client.mapper()).
  // Null, or a kind it does not know: decided from the namespace strings, as
  // controller-runtime does (a namespace set = namespaced). With it, a
  // cluster-scoped object is caught even when it carries a stray namespace.
  const core::rest_mapper* mapper = nullptr;
  // blockOwnerDeletion of the reference (WithBlockOwnerDeletion); when unset: true
  // for a controller reference, absent for a plain owner reference.
  std::optional<bool> block_owner_deletion{};
};

// Adds or replaces (same group, kind and name) on `controlled` a reference to
// `owner` with controller=true and blockOwnerDeletion=true. Errors:
// reason_already_owned ("Object ns/name is already owned by another Kind controller
// name") when another owner is the controller; reason_cross_namespace_owner when owner
// is namespaced and controlled is cluster-scoped or in another namespace;
// reason_invalid_owner when owner lacks apiVersion or kind. `controlled` is only
// changed on success. owner's uid is copied as is (the server rejects an empty one).
core::result<void> set_controller_reference(const core::object& owner, core::object& controlled,
                                            const owner_reference_options& opts = {});
// As set_controller_reference, but the reference is not a controller one, so any
// number of owners may be set; an existing reference to the same owner is replaced.
core::result<void> set_owner_reference(const core::object& owner, core::object& obj,
                                       const owner_reference_options& opts = {});
// Removes obj's reference to owner (matched by group, kind and name);
// reason_owner_reference_not_found when there is none.
core::result<void> remove_owner_reference(const core::object& owner, core::object& obj);
// Removes obj's controller reference to owner; reason_owner_reference_not_found when
// obj has no controller, no reference to owner, or owner is not its controller.
core::result<void> remove_controller_reference(const core::object& owner, core::object& obj);
// Whether some owner reference of obj has controller=true.
bool has_controller_reference(const core::object& obj);
// Whether obj has a reference to owner (same group, kind and name).
bool has_owner_reference(const core::object& obj, const core::object& owner);
// obj's controller reference (metav1.GetControllerOf).
std::optional<core::owner_reference> get_controller_of(const core::object& obj);

// ---- finalizers (each returns whether it changed the object) ----

// Appends f unless present.
inline bool add_finalizer(core::object& obj, std::string_view f) { return obj.add_finalizer(f); }
// Removes every occurrence of f.
inline bool remove_finalizer(core::object& obj, std::string_view f) { return obj.remove_finalizer(f); }
inline bool contains_finalizer(const core::object& obj, std::string_view f) { return obj.has_finalizer(f); }

// ---- create_or_update / create_or_patch ----

// What create_or_update / create_or_patch did ("Deployment default/web has been ...").
enum class operation_result {
  unchanged,
  created,
  updated,
  updated_status,       // create_or_patch: the object and its status
  updated_status_only,  // create_or_patch: only the status
};
// "unchanged", "created", "updated", "updatedStatus", "updatedStatusOnly".
std::string_view to_string(operation_result r);

// Brings the object it is given to the desired state; may fail with any api_error.
// A null mutate_fn changes nothing.
using mutate_fn = std::function<core::result<void>(core::object&)>;

// `obj` names the object: apiVersion, kind, namespace and name (else 400). Gets it;
// when NotFound, runs mutate on obj as given and creates it; otherwise obj becomes
// the object read, mutate runs on it, and it is updated only if it changed (JSON
// comparison). mutate may not change name or namespace (reason_mutate_changed_key).
// On success obj is what the server stored (or, unchanged, what was read). On error
// obj holds the state reached so far. An update conflict comes back as the 409; the
// caller requeues. Status changes are not written (the server drops them on update
// when the type has a status subresource).
core::result<operation_result> create_or_update(client& c, core::object& obj, const mutate_fn& mutate,
                                                const write_options& opts = {});
// As create_or_update, but an existing object is changed with a JSON merge patch of
// what mutate changed outside status, and status changes go in a second merge patch
// to the /status subresource (updated_status / updated_status_only), as
// controller-runtime does. When c.mapper() knows the type has no status subresource,
// status changes go in the main patch instead (controller-runtime would get a 404).
// Status set by mutate on create is dropped by the server for status-subresource types.
core::result<operation_result> create_or_patch(client& c, core::object& obj, const mutate_fn& mutate,
                                               const patch_options& opts = {});

namespace detail {
// Maps a fetched object to the form mutate sees (typed overloads round-trip it
// through the user's struct, so that fields the struct does not model or always
// writes do not look like changes). Null: identity.
using normalize_fn = std::function<core::object(const core::object&)>;
core::result<operation_result> create_or_update(client& c, core::object& obj, const mutate_fn& mutate,
                                                const normalize_fn& normalize, const write_options& opts);
core::result<operation_result> create_or_patch(client& c, core::object& obj, const mutate_fn& mutate,
                                               const normalize_fn& normalize, const patch_options& opts);

template <class F, class Arg>
core::result<void> invoke_mutate(F& f, Arg& a) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, Arg&>>) {
    f(a);
    return {};
  } else {
    return f(a);
  }
}

template <class T>
concept object_or_typed = std::same_as<T, core::object> || core::kind_typed<T>;

template <class T>
core::object as_object(const T& v) {
  if constexpr (std::same_as<T, core::object>) {
    return v;
  } else {
    return core::to_object(v);
  }
}
template <class T>
void assign_from(T& v, core::object&& o) {
  if constexpr (std::same_as<T, core::object>) {
    v = std::move(o);
  } else {
    v = core::from_object<T>(o);
  }
}
}  // namespace detail

// mutate functions that return void.
template <class F>
  requires(std::is_invocable_v<F&, core::object&> && std::is_void_v<std::invoke_result_t<F&, core::object&>>)
core::result<operation_result> create_or_update(client& c, core::object& obj, F mutate,
                                                const write_options& opts = {}) {
  return create_or_update(c, obj, mutate_fn([&mutate](core::object& o) { return detail::invoke_mutate(mutate, o); }),
                          opts);
}
template <class F>
  requires(std::is_invocable_v<F&, core::object&> && std::is_void_v<std::invoke_result_t<F&, core::object&>>)
core::result<operation_result> create_or_patch(client& c, core::object& obj, F mutate,
                                               const patch_options& opts = {}) {
  return create_or_patch(c, obj, mutate_fn([&mutate](core::object& o) { return detail::invoke_mutate(mutate, o); }),
                         opts);
}

namespace detail {
// Runs a T& mutate function on an object through the user's struct.
template <core::kind_typed T, class F>
mutate_fn typed_mutate(F& mutate) {
  return [&mutate](core::object& x) -> core::result<void> {
    T t = core::from_object<T>(x);
    if (auto m = invoke_mutate(mutate, t); !m) return m;
    x = core::to_object(t);
    return {};
  };
}
// What the server's object looks like after a round trip through T.
template <core::kind_typed T>
normalize_fn typed_normalize() {
  return [](const core::object& x) { return core::to_object(core::from_object<T>(x)); };
}
}  // namespace detail

// Users' structs: mutate takes T& and returns void or result<void>; obj is updated
// only on success. Changes are judged on the struct's JSON, not the server's.
template <core::kind_typed T, class F>
  requires std::is_invocable_v<F&, T&>
core::result<operation_result> create_or_update(client& c, T& obj, F mutate, const write_options& opts = {}) {
  core::object o = core::to_object(obj);
  auto r = detail::create_or_update(c, o, detail::typed_mutate<T>(mutate), detail::typed_normalize<T>(), opts);
  if (r) obj = core::from_object<T>(o);
  return r;
}
template <core::kind_typed T, class F>
  requires std::is_invocable_v<F&, T&>
core::result<operation_result> create_or_patch(client& c, T& obj, F mutate, const patch_options& opts = {}) {
  core::object o = core::to_object(obj);
  auto r = detail::create_or_patch(c, o, detail::typed_mutate<T>(mutate), detail::typed_normalize<T>(), opts);
  if (r) obj = core::from_object<T>(o);
  return r;
}

// Owner references and finalizers with users' structs on either side.
template <detail::object_or_typed O, detail::object_or_typed T>
  requires(!(std::same_as<O, core::object> && std::same_as<T, core::object>))
core::result<void> set_controller_reference(const O& owner, T& controlled, const owner_reference_options& opts = {}) {
  core::object o = detail::as_object(controlled);
  auto r = set_controller_reference(detail::as_object(owner), o, opts);
  if (r) detail::assign_from(controlled, std::move(o));
  return r;
}
template <detail::object_or_typed O, detail::object_or_typed T>
  requires(!(std::same_as<O, core::object> && std::same_as<T, core::object>))
core::result<void> set_owner_reference(const O& owner, T& obj, const owner_reference_options& opts = {}) {
  core::object o = detail::as_object(obj);
  auto r = set_owner_reference(detail::as_object(owner), o, opts);
  if (r) detail::assign_from(obj, std::move(o));
  return r;
}
template <core::kind_typed T>
bool add_finalizer(T& obj, std::string_view f) {
  core::object o = core::to_object(obj);
  if (!o.add_finalizer(f)) return false;
  detail::assign_from(obj, std::move(o));
  return true;
}
template <core::kind_typed T>
bool remove_finalizer(T& obj, std::string_view f) {
  core::object o = core::to_object(obj);
  if (!o.remove_finalizer(f)) return false;
  detail::assign_from(obj, std::move(o));
  return true;
}
template <core::kind_typed T>
bool contains_finalizer(const T& obj, std::string_view f) {
  return core::to_object(obj).has_finalizer(f);
}
template <core::kind_typed T>
std::optional<core::owner_reference> get_controller_of(const T& obj) {
  return core::to_object(obj).controller_ref();
}

}  // namespace ktk::client::controller
