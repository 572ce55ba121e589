// dispatcher.hpp — private: calls the admission webhooks that
// MutatingWebhookConfigurations and ValidatingWebhookConfigurations name, as
// kube-apiserver's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins do.
//
// The registry calls mutate() after defaulting and before validation, and validate()
// after validation, on every create, update (incl. subresources) and delete. The
// configurations are read from the store and kept until the store says they changed
// (their shard's revision moved, or this registry wrote one), so a write with no
// webhooks configured costs an atomic load (idle()). Matching: rules (operations, apiGroups, apiVersions, resources with
// "*"/"x/*"/"*/y" forms, scope), matchPolicy Equivalent across the served versions of
// the same resource, namespaceSelector (the namespace's labels; the object's own for
// Namespaces), objectSelector (new or old object). Not evaluated: matchConditions
// (CEL) — a webhook with them is called as if they held.
//
// Thread-safety: mutate and validate may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ktk/apiserver/auth.hpp"
#include "ktk/apiserver/storage/interface.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::admission {

struct attributes {
  std::string operation{};  // CREATE, UPDATE, DELETE
  const core::resource_info* info = nullptr;
  std::string subresource{};
  std::string namespace_{};
  std::string name{};
  bool dry_run = false;
  core::json options{};  // the CreateOptions / UpdateOptions / DeleteOptions sent along
  const user_info* user = nullptr;  // null = system:admin
};

struct compiled_webhook;

class dispatcher {
 public:
  dispatcher(storage::interface& store, const core::rest_mapper& mapper);
  ~dispatcher();

  // Calls the matching mutating webhooks in order and applies their patches to `obj`
  // (null for DELETE, whose patches are ignored). True when `obj` changed. A denial is
  // the webhook's Status (code at least 400); a failed call with failurePolicy Fail is
  // 500 InternalError naming the webhook.
  core::result<bool> mutate(const attributes& a, core::object* obj, const core::object* old,
                            std::vector<std::string>* warnings) const;
  core::result<void> validate(const attributes& a, const core::object* obj, const core::object* old,
                              std::vector<std::string>* warnings) const;
  // True when no configuration names a webhook, known without reading the store: on a
  // store only this registry writes, once both kinds were read empty and nothing was
  // written since. The registry skips building the attributes then (the hot path).
  bool idle() const { return known_empty_.load(std::memory_order_acquire); }
  // This server just wrote a webhook configuration: read them again on the next request
  // (on a shared store the revision moves only when the store's watch delivers it).
  void invalidate();

 private:
  struct snapshot;
  std::shared_ptr<const snapshot> current(bool mutating) const;

  storage::interface& store_;
  const core::rest_mapper& mapper_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const snapshot> mutating_;    // guarded by mu_
  mutable std::shared_ptr<const snapshot> validating_;  // guarded by mu_
  mutable std::uint64_t generation_ = 0;                // guarded by mu_; moved by invalidate()
  mutable std::atomic<bool> known_empty_{false};        // written under mu_
};

}  // namespace ktk::apiserver::admission
