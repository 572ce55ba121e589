// impl.hpp — the registry's internals, shared by the registry_*.cpp files.
#pragma once

#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "admission/dispatcher.hpp"
#include "auth/token_signer.hpp"
#include "handler.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/core/apply.hpp"

namespace ktk::apiserver {

// The finalizer a CRD gets on create; deleting the CRD removes its objects, then it.
inline constexpr const char* crd_cleanup_finalizer = "customresourcecleanup.apiextensions.k8s.io";
// How many times a write or delete retries after a concurrent write moved the object.
inline constexpr int max_retries = 16;

class registry::impl {
 public:
  explicit impl(registry_options o);

  registry_options opts;
  std::shared_ptr<storage::interface> store;
  core::rest_mapper mapper;

  // --- resources ---
  // 404 "the server could not find the requested resource" when not served.
  result<detail::handler_ptr> handler(const gvr& r) const;
  void add_handler(detail::handler_ptr h);
  void remove_handler(const gvr& r);
  std::vector<detail::handler_ptr> handlers() const;

  // --- shared steps ---
  std::string now() const;
  // managedFields bookkeeping for a write; `apply` keeps an empty manager empty (apply rejects it).
  core::apply_options managed_options(const detail::resource_handler& h, const write_options& o,
                                      bool apply = false) const;
  // `key` names what asks (the object's shard/namespace/name; the namespace and
  // generateName prefix): with a seed, the answer depends on it alone.
  std::string new_uid(std::string_view key);
  std::string random_suffix(std::string_view key);  // 5 characters, as generateName uses
  // The namespace of a request on `h`: checks it against the body's, 400 on mismatch.
  result<std::string> request_namespace(const detail::resource_handler& h, std::string_view url_ns,
                                        const object& body) const;
  // 404 when the namespace is missing, 403 when it is terminating. On a shared store a
  // namespace seen open is remembered (registry_namespace_cache.cpp), as
  // kube-apiserver's NamespaceLifecycle admission reads an informer: a create then
  // costs one etcd round trip, not two.
  result<void> check_namespace_open(std::string_view ns, const core::group_resource& gr,
                                    const std::string& name) const;
  // apiVersion/kind of a body: filled in when absent, 400 when they name another type.
  // A built-in's body is decoded as kube decodes it into its Go struct: values of the
  // wrong type are 400, fields the struct lacks are dropped (see unknown_fields).
  result<void> check_type(const detail::resource_handler& h, object& obj, const write_options& o) const;
  // What fieldValidation makes of dropped fields (paths as "spec.ports[0].bogus"): a
  // warning each under Warn (the default), nothing under Ignore; under Strict the
  // message of the error ("strict decoding error: unknown field ...").
  std::optional<std::string> unknown_fields(const std::vector<std::string>& paths, const write_options& o) const;
  // The fields of `body` that `h`'s type does not declare (Go tables for built-ins, the
  // structural schema for custom resources), as paths; with `segments`, also as keys
  // and indexes. `body` is not changed.
  std::vector<std::string> undeclared_fields(const detail::resource_handler& h, const core::json& body,
                                             std::vector<core::json>* segments = nullptr) const;
  // Admission of a create or update (old != null): defaults (strategy or schema) and
  // pruning, mutating webhooks, validation, validating webhooks.
  result<void> admit(const detail::resource_handler& h, object& obj, const object* old,
                     const write_options& opts) const;
  result<void> apply_defaults(const detail::resource_handler& h, object& obj, const write_options& opts) const;
  result<void> validate(const detail::resource_handler& h, object& obj, const object* old,
                        const write_options& opts) const;
  admission::attributes admission_attributes(const detail::resource_handler& h, const object& obj,
                                             const object* old, const write_options& o) const;
  // The admission webhooks the store's webhook configurations name.
  std::unique_ptr<admission::dispatcher> admission;
  // Rewrites the generic storage errors with the resource's names.
  api_error rename_error(const detail::resource_handler& h, const api_error& e, const std::string& name) const;
  // The object as the client sees it through `h` (apiVersion of h's version).
  object_ptr present(const detail::resource_handler& h, object_ptr stored) const;

  // --- verbs (registry_write.cpp) ---
  // `managed_done`: obj already carries the managedFields of this write (apply).
  result<object_ptr> create(const detail::resource_handler& h, std::string ns, object&& obj, const write_options& o,
                            bool managed_done = false);
  result<object_ptr> update(const detail::resource_handler& h, const object_key& key, object&& obj,
                            const write_options& o);
  result<object_ptr> patch(const detail::resource_handler& h, const object_key& key, core::patch_type type,
                           const core::json& patch, const write_options& o);
  // The 500 kube-apiserver gives an apply configuration that names fields its type does
  // not declare, or (built-ins) holds a value of the wrong type; nullopt when it is fine.
  std::optional<api_error> undeclared_in_apply(const detail::resource_handler& h, const core::json& p) const;
  // The shared end of update and patch: `next` is the client's desired object
  // (main resource or status), `old` what is stored.
  result<object> prepare_update(const detail::resource_handler& h, const object& old, object&& next,
                                const write_options& o);
  // Writes `next` over `old` (or removes the object when it lost its last finalizer
  // while being deleted). Conflict when `old` is no longer current.
  result<object_ptr> commit_update(const detail::resource_handler& h, const object_ptr& old, object&& next,
                                   const write_options& o, bool managed_done = false);

  // --- subresources (registry_subresources.cpp) ---
  // The autoscaling/v1 Scale of an object.
  result<object_ptr> scale_of(const detail::resource_handler& h, const object& obj) const;
  // Sets the replicas a Scale body asks for on the object at `key`.
  result<object_ptr> update_scale(const detail::resource_handler& h, const object_key& key, const object& scale,
                                  const write_options& o);
  result<object_ptr> bind(const object_key& pod, const object& binding, const write_options& o);

  // --- service account tokens (registry_tokens.cpp) ---
  // Signs and checks them; a copy of the registry shares it, so its tokens hold there too.
  std::shared_ptr<auth::token_signer> signer;
  result<object_ptr> request_token(const object_key& sa, object&& request, const write_options& o);
  result<token_review> review_token(std::string_view token, const std::vector<std::string>& audiences) const;

  // --- delete (registry_delete.cpp) ---
  result<delete_result> remove(const detail::resource_handler& h, const object_key& key, const delete_options& o);
  // A namespace or CRD just marked for deletion: does its controller's part (deletes
  // what it holds), then lets it go if nothing is left.
  result<delete_result> cascade(const detail::resource_handler& h, const object_key& key, const object_ptr& marked);
  // After an object is removed: lets a terminating namespace or CRD finish.
  void after_removed(const detail::resource_handler& h, const object& last);
  void try_finalize_namespace(const std::string& ns);
  void try_finalize_crd(const std::string& crd_name);

  // --- CRDs (registry_crd.cpp) ---
  // Registers (or re-registers) the resources a stored CRD serves.
  void register_crd(const object& crd);
  void unregister_crd(const object& crd);
  // Stops serving what the CRD `name` served, leaving its objects alone (another
  // server on a shared store removed the CRD and its objects).
  void forget_crd(const std::string& name);
  // On a shared store: serves the CRDs stored now, then follows the CRD shard so that
  // CRDs created, changed or deleted through other servers are served here too
  // (registry_crd_sync.cpp). Runs until `stop`.
  void follow_crds(std::stop_token stop);
  // Half a second, or less when `stop` comes: a follower's wait before it retries a
  // store that could not be read or watched.
  static void pause_follower(std::stop_token stop);
  // Serves exactly the CRDs stored now; returns the revision it read them at, -1 when
  // the store could not be read.
  storage::revision sync_crds();
  // Validation and defaulting of a CRD body, before it is stored.
  result<void> admit_crd(object& crd, const object* old) const;

  // --- events TTL ---
  void note_event_write(const object_key& key);
  void expire_events();

  // --- copies (registry::copy) ---
  // This registry's seeded draws and Event expiry times into `out`.
  void copy_bookkeeping_to(impl& out);

 private:
  mutable std::shared_mutex handlers_mu_;
  std::unordered_map<gvr, detail::handler_ptr> handlers_;  // guarded by handlers_mu_

  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
  std::unordered_map<std::string, std::uint64_t> draws_;  // guarded by rng_mu_: per key, with a seed
  std::uint64_t draw_state(std::string_view key);          // requires rng_mu_

  std::mutex events_mu_;
  std::map<object_key, core::clock::time_point> event_expiry_;  // guarded by events_mu_

  // Serialises register/unregister/forget of CRDs between writers and the follower.
  std::mutex crd_mu_;

  // Namespaces known to be open (shared stores only). An entry is dropped when this
  // registry marks or removes the namespace, or the store says another server did; a
  // lookup that raced with a drop (the epoch moved) is not remembered.
  mutable std::shared_mutex open_ns_mu_;
  mutable std::unordered_set<std::string> open_namespaces_;  // guarded by open_ns_mu_
  mutable std::uint64_t open_ns_epoch_ = 0;                  // guarded by open_ns_mu_
  // The follower watches the store: only then may open_namespaces_ be used.
  bool open_ns_live_ = false;  // guarded by open_ns_mu_

 public:
  // A namespace may have stopped being open: forget it.
  void namespace_changed(const std::string& name);
  // Drops what the store says changed (terminating, deleted) until `stop`.
  void follow_namespaces(std::unique_ptr<storage::watcher> w, std::stop_token stop);

  // Last members: stopped and joined first when the registry goes away.
  std::jthread ns_follower;
  std::jthread crd_follower;
};

}  // namespace ktk::apiserver
