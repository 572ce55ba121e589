// ktk/apiserver/registry.hpp — the semantics engine: every API request goes here.
//
// The registry is kube-apiserver's request handling without the HTTP: verbs on
// resources (get, list, watch, create, update, patch, delete, deletecollection),
// subresources (status, scale, binding, token), defaulting and validation, CRDs,
// namespaces, finalizers, generation, resourceVersion, selectors. The HTTP server
// and the fake client both call it; there is no other implementation.
//
//   ktk::apiserver::registry reg;                          // memory storage, real clock
//   core::gvr pods{"", "v1", "pods"};
//   auto created = reg.create(pods, "default", std::move(pod));
//   auto list = reg.list(pods, "default", {.label_selector = "app=web"});
//
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/apiserver/auth.hpp"
#include "ktk/apiserver/storage/interface.hpp"
#include "ktk/apiserver/watch.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/patch.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver {

using core::gvr;
using core::object;
using core::object_key;
using core::object_ptr;
using core::result;

struct registry_options {
  // Time source for creationTimestamp, deletionTimestamp, managedFields and event TTL.
  core::clock* clock = &core::real_clock::instance();
  // The store; null = a new memory store with `history` events per resource.
  std::shared_ptr<storage::interface> storage{};
  std::size_t history = 10000;
  // Events (core/v1) expire this long after their last write, like --event-ttl.
  std::chrono::seconds event_ttl = std::chrono::hours(1);
  // How often an idle watch that asked for bookmarks gets one.
  std::chrono::milliseconds bookmark_interval = std::chrono::seconds(60);
  // Seeds generateName suffixes and uids; 0 = random.
  std::uint64_t seed = 0;
  // Create default, kube-system, kube-public and kube-node-lease.
  bool create_default_namespaces = true;
  // Service account tokens (serviceaccounts/{name}/token): the PEM private key that
  // signs them, EC P-256 (ES256) or RSA (RS256), as --service-account-signing-key-file.
  // Empty: a P-256 key of this registry's own, made when the first token is asked for;
  // its tokens then mean nothing to another registry (or to this one after a restart).
  std::string service_account_signing_key_pem{};
  // The tokens' `iss`, and the audience a token gets when its request names none
  // (--service-account-issuer, --api-audiences).
  std::string service_account_issuer = "https://kubernetes.default.svc.cluster.local";
};

// fieldValidation: what to do with fields a schema does not know.
enum class field_validation { ignore, warn, strict };

// Request options, named after the query parameters they come from.
struct get_options {
  std::string resource_version{};  // "" or "0"; anything else: not older than
};

struct list_options {
  std::string label_selector{};
  std::string field_selector{};
  std::int64_t limit = 0;
  std::string continue_token{};
  std::string resource_version{};
  std::string resource_version_match{};  // "", "NotOlderThan", "Exact"
};

struct watch_options {
  std::string label_selector{};
  std::string field_selector{};
  std::string resource_version{};
  std::string resource_version_match{};
  bool allow_bookmarks = false;
  std::optional<bool> send_initial_events{};
};

// A rule the server applies to writes besides validation: kube-apiserver's RBAC
// escalation checks, when it authorizes with RBAC. The registry asks it about every
// create and update (patches, server-side apply and dry runs included) that names a
// user, after mutating admission and before validation, as kube's policy-based RBAC
// storage does. Implementations must be thread-safe.
class write_policy {
 public:
  virtual ~write_policy() = default;
  // `old` is null for a create. An error refuses the write with that error.
  virtual result<void> check(const gvr& r, const object& obj, const object* old, const user_info& user) const = 0;
};

struct write_options {
  bool dry_run = false;
  std::string field_manager{};                // "" = recorded as "ktk"
  std::optional<field_validation> validation{};  // default: warn
  std::string subresource{};                  // "", "status", "scale", "binding"
  bool force = false;                         // server-side apply: take ownership on conflict
  // Warnings (the HTTP Warning header) are appended here when not null.
  std::vector<std::string>* warnings = nullptr;
  // Who asks, as admission webhooks are told (userInfo); null = system:admin.
  const user_info* user = nullptr;
  // Asked about the write when `user` is set; null = no rule but validation's.
  const write_policy* policy = nullptr;
};

struct delete_options {
  bool dry_run = false;
  std::optional<std::int64_t> grace_period_seconds{};
  std::string propagation_policy{};  // "", "Orphan", "Background", "Foreground"
  std::optional<std::string> precondition_uid{};
  std::optional<std::string> precondition_resource_version{};
  std::vector<std::string>* warnings = nullptr;
  const user_info* user = nullptr;  // as in write_options
};

struct object_list {
  std::string api_version{};
  std::string kind{};  // "PodList"
  std::vector<object_ptr> items{};
  std::string resource_version{};
  std::string continue_token{};
  std::optional<std::int64_t> remaining_item_count{};

  // The list as the API returns it: {"apiVersion","kind","metadata":{...},"items":[...]}.
  core::json to_json() const;
};

// What a delete did: the object is gone (`deleted`), or it is kept with a
// deletionTimestamp until its finalizers (or graceful deletion) let it go.
struct delete_result {
  object_ptr object{};
  bool deleted = false;
};

// Who a service account token stands for, and for which of the audiences asked about.
struct token_review {
  user_info user{};
  std::vector<std::string> audiences{};
};

class registry {
 public:
  explicit registry(registry_options opts = {});
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // A registry of its own holding what this one stores now — objects, revisions,
  // watch history, CRDs, seeded uid and generateName draws, Event expiry — sharing
  // the immutable objects: a write to either is not seen by the other. For fixtures
  // that start many tests from the same objects (a copy costs a fraction of creating
  // them again). `clock` replaces this registry's (null: the same); stored timestamps
  // stay as written. Throws std::logic_error when the storage cannot be copied (etcd).
  std::unique_ptr<registry> copy(core::clock* clock = nullptr) const;

  // The resources served now (built-ins and established CRDs).
  const core::rest_mapper& mapper() const;
  core::clock& clock() const;
  storage::revision current_revision() const;
  // The revision of the last write to one resource (0 when none, or unknown resource):
  // a watcher of it that has seen this revision is caught up.
  storage::revision resource_revision(const gvr& r) const;

  // `ns` is the namespace of the request ("" for cluster-scoped resources, or for
  // list/watch across all namespaces). `sub` selects a subresource ("status", "scale").
  result<object_ptr> get(const gvr& r, const object_key& key, const get_options& opts = {},
                         std::string_view sub = {});
  result<object_list> list(const gvr& r, std::string_view ns, const list_options& opts = {});
  result<std::unique_ptr<watch_stream>> watch(const gvr& r, std::string_view ns, const watch_options& opts = {});

  // Creates `obj` in `ns` (the object's own namespace must be empty or equal).
  result<object_ptr> create(const gvr& r, std::string_view ns, object&& obj, const write_options& opts = {});
  // Replaces the object at `key` (the body's name and namespace must agree with it).
  result<object_ptr> update(const gvr& r, const object_key& key, object&& obj, const write_options& opts = {});
  // Patches the object at `key`. For apply patches a missing object is created.
  result<object_ptr> patch(const gvr& r, const object_key& key, core::patch_type type, const core::json& patch,
                           const write_options& opts = {});
  result<delete_result> remove(const gvr& r, const object_key& key, const delete_options& opts = {});
  // Deletes what a list with `sel` would return; returns what was deleted or marked.
  result<object_list> delete_collection(const gvr& r, std::string_view ns, const delete_options& opts = {},
                                        const list_options& sel = {});

  // pods/{name}/binding: `binding` is a v1 Binding naming the node in target.name.
  result<object_ptr> bind(const object_key& pod, object&& binding, const write_options& opts = {});

  // serviceaccounts/{name}/token: `request` is an authentication.k8s.io/v1
  // TokenRequest (spec.audiences, spec.expirationSeconds — 3600 when absent, at least
  // 600 — and spec.boundObjectRef naming a Pod, Secret or Node). The answer is the
  // request with its spec filled in and status.token, a JWT signed with this registry's
  // key, as kube-apiserver's TokenRequest API gives it: NotFound for a missing service
  // account or bound object, Conflict when the bound object's uid differs, Invalid for a
  // bad expiry. Nothing is stored, so a dry run is answered like any other request.
  result<object_ptr> request_token(const object_key& service_account, object&& request,
                                   const write_options& opts = {});
  // Checks a token request_token issued, as kube-apiserver's service account
  // authenticator does: signature, issuer, expiry (a minute's leeway), an audience in
  // `audiences` (empty: the issuer), and that the service account and any bound Pod,
  // Secret or Node still exist with the uids the token names. The identity is
  // system:serviceaccount:NS:NAME in system:serviceaccounts and
  // system:serviceaccounts:NS, with the bound Pod and Node and the token's id in
  // `extra`. Unauthorized (401) with kube's reason in the message otherwise.
  result<token_review> review_token(std::string_view token, const std::vector<std::string>& audiences = {}) const;
  // The public half of the signing key as a JSON Web Key Set (/openid/v1/jwks).
  core::json service_account_jwks() const;
  // The tokens' `iss` (registry_options::service_account_issuer).
  const std::string& service_account_issuer() const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace ktk::apiserver
