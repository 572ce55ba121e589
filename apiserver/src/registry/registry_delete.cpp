// registry_delete.cpp — delete and deletecollection: preconditions, graceful deletion,
// finalizers, propagation policies, and the namespaces and CRDs that wait for their
// contents to go.
#include <nlohmann/json.hpp>

#include "impl.hpp"
#include "request_errors.hpp"

namespace ktk::apiserver {

using core::json;
using detail::resource_handler;

namespace {

bool is(const resource_handler& h, std::string_view group, std::string_view resource) {
  return h.info->resource.group == group && h.info->resource.resource == resource;
}

// Pods end gracefully: a pod on a node gets its grace period (the kubelet deletes it
// when it has stopped); an unscheduled or finished pod goes at once.
std::int64_t grace_for(const resource_handler& h, const object& obj, const delete_options& o) {
  if (!is(h, "", "pods")) return 0;
  const json* node = obj.at_path("spec.nodeName");
  const json* phase = obj.at_path("status.phase");
  if (!node || !node->is_string() || node->get_ref<const std::string&>().empty()) return 0;
  if (phase && phase->is_string() && (*phase == "Succeeded" || *phase == "Failed")) return 0;
  if (o.grace_period_seconds) return std::max<std::int64_t>(0, *o.grace_period_seconds);
  const json* g = obj.at_path("spec.terminationGracePeriodSeconds");
  return g && g->is_number_integer() ? g->get<std::int64_t>() : 30;
}

}  // namespace

result<delete_result> registry::impl::remove(const resource_handler& h, const object_key& key,
                                             const delete_options& o) {
  if (!h.info->has_verb("delete")) return api_error::method_not_supported(h.gr(), "delete");
  const auto& pp = o.propagation_policy;
  if (!pp.empty() && pp != "Orphan" && pp != "Background" && pp != "Foreground") {
    return api_error::invalid({"meta.k8s.io", "DeleteOptions"}, "",
                              {core::field_error::not_supported("propagationPolicy", core::quote(pp),
                                                                {"Foreground", "Background", "Orphan", "nil"})});
  }
  if (is(h, "", "namespaces") && (key.name == "default" || key.name == "kube-system" || key.name == "kube-public")) {
    // The NamespaceLifecycle admission plugin's immortal namespaces.
    return api_error::forbidden(h.gr(), key.name, "this namespace may not be deleted");
  }
  object_key k{h.namespaced() ? key.namespace_ : "", key.name};
  // Admission: mutating webhooks are told of the delete before anything is read (they
  // see no object and cannot change it); validating webhooks see the object once.
  const bool no_webhooks = admission->idle();
  json delete_opts = no_webhooks ? json() : json{{"kind", "DeleteOptions"}, {"apiVersion", "meta.k8s.io/v1"}};
  if (!no_webhooks) {
    if (o.dry_run) delete_opts["dryRun"] = json::array({"All"});
    if (o.grace_period_seconds) delete_opts["gracePeriodSeconds"] = *o.grace_period_seconds;
    if (!pp.empty()) delete_opts["propagationPolicy"] = pp;
  }
  const admission::attributes attrs{.operation = "DELETE",
                                    .info = h.info.get(),
                                    .namespace_ = k.namespace_,
                                    .name = key.name,
                                    .dry_run = o.dry_run,
                                    .options = delete_opts,
                                    .user = o.user};
  if (!no_webhooks) {
    if (auto m = admission->mutate(attrs, nullptr, nullptr, o.warnings); !m) return m.error();
  }
  bool validated = no_webhooks;
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    auto got = store->get(h.shard, k);
    if (!got) return rename_error(h, got.error(), key.name);
    const object_ptr& old = *got;
    if (!validated) {
      if (auto v = admission->validate(attrs, nullptr, old.get(), o.warnings); !v) return v.error();
      validated = true;
    }
    // rest.BeforeDelete's wording, which names the kind rather than the resource.
    const core::group_resource by_kind{h.info->resource.group, h.info->kind};
    if (o.precondition_uid && *o.precondition_uid != old->uid()) {
      return api_error::conflict(by_kind, key.name,
                                 "the UID in the precondition (" + *o.precondition_uid +
                                     ") does not match the UID in record (" + std::string(old->uid()) +
                                     "). The object might have been deleted and then recreated");
    }
    if (o.precondition_resource_version && *o.precondition_resource_version != old->resource_version()) {
      return api_error::conflict(by_kind, key.name,
                                 "the ResourceVersion in the precondition (" + *o.precondition_resource_version +
                                     ") does not match the ResourceVersion in record (" +
                                     std::string(old->resource_version()) + "). The object might have been modified");
    }
    auto expected = storage::parse_revision(old->resource_version()).value();
    const std::int64_t grace = grace_for(h, *old, o);
    const bool terminating = !old->deletion_timestamp().empty();

    object next = *old;
    bool changed = false;
    if (!terminating) {
      if (pp == "Orphan") changed |= next.add_finalizer("orphan");
      if (pp == "Foreground") changed |= next.add_finalizer("foregroundDeletion");
    }
    const bool namespace_finalizers = is(h, "", "namespaces") && next.at_path("spec.finalizers") &&
                                      !next.at_path("spec.finalizers")->empty();
    const bool keep = !next.finalizers().empty() || grace > 0 || namespace_finalizers;

    // A pending graceful deletion cut to zero (and nothing else holding the object) ends now.
    const bool cut_to_zero = terminating && grace == 0 && next.finalizers().empty() && !namespace_finalizers;
    if (keep && !cut_to_zero) {
      auto now_tp = opts.clock->now();
      if (!terminating) {
        next.set_deletion_timestamp(core::format_rfc3339(now_tp + std::chrono::seconds(grace)));
        next.set_deletion_grace_period_seconds(grace);
        if (next.generation() > 0) next.set_generation(next.generation() + 1);
        if (is(h, "", "namespaces")) next.data()["status"]["phase"] = "Terminating";
        changed = true;
      } else if (grace < old->deletion_grace_period_seconds().value_or(0)) {
        // A shorter grace period moves a pending graceful deletion forward.
        next.set_deletion_timestamp(core::format_rfc3339(now_tp + std::chrono::seconds(grace)));
        next.set_deletion_grace_period_seconds(grace);
        changed = true;
      }
      if (!changed) return delete_result{present(h, old), false};
      if (o.dry_run) return delete_result{present(h, core::make_object_ptr(std::move(next))), false};
      next.set_resource_version("");
      auto updated = store->update(h.shard, k, std::move(next), expected);
      if (!updated) {
        if (core::is_conflict(updated.error())) continue;
        return rename_error(h, updated.error(), key.name);
      }
      if (is(h, "", "namespaces")) namespace_changed(key.name);
      if (is(h, "", "namespaces") || is(h, "apiextensions.k8s.io", "customresourcedefinitions")) {
        return cascade(h, k, *updated);
      }
      return delete_result{present(h, *updated), false};
    }
    if (o.dry_run) return delete_result{present(h, old), true};
    auto removed = store->remove(h.shard, k, expected);
    if (!removed) {
      if (core::is_conflict(removed.error())) continue;
      return rename_error(h, removed.error(), key.name);
    }
    if (is(h, "", "namespaces")) namespace_changed(key.name);
    after_removed(h, **removed);
    if (h.info->resource.group == "admissionregistration.k8s.io") admission->invalidate();
    return delete_result{present(h, *removed), true};
  }
  return api_error::stale_resource_version(h.gr(), key.name);
}

result<delete_result> registry::impl::cascade(const resource_handler& h, const object_key& key,
                                              const object_ptr& marked) {
  const bool is_namespace = is(h, "", "namespaces");
  if (!is_namespace) register_crd(*marked);  // a terminating CRD takes no new objects
  for (const auto& other : handlers()) {
    if (is_namespace ? !other->namespaced() : other->crd_name != key.name) continue;
    auto items = store->list(other->shard, {.namespace_ = is_namespace ? key.name : std::string()});
    if (!items) continue;
    for (const auto& item : items->items) (void)remove(*other, item->key(), {});
  }
  if (is_namespace) {
    try_finalize_namespace(key.name);
  } else {
    try_finalize_crd(key.name);
  }
  auto now = store->get(h.shard, key);
  if (!now) return delete_result{present(h, marked), true};
  return delete_result{present(h, *now), false};
}

void registry::impl::after_removed(const resource_handler& h, const object& last) {
  if (is(h, "", "events")) {
    std::lock_guard lock(events_mu_);
    event_expiry_.erase(last.key());
  }
  if (is(h, "apiextensions.k8s.io", "customresourcedefinitions")) unregister_crd(last);
  if (h.custom) try_finalize_crd(h.crd_name);
  if (h.namespaced()) {
    auto ns = store->get("namespaces", {"", std::string(last.namespace_())});
    if (ns && !(*ns)->deletion_timestamp().empty()) try_finalize_namespace(std::string(last.namespace_()));
  }
}

void registry::impl::try_finalize_namespace(const std::string& ns) {
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    auto got = store->get("namespaces", {"", ns});
    if (!got || (*got)->deletion_timestamp().empty()) return;
    for (const auto& other : handlers()) {
      if (other->namespaced() && store->count(other->shard, ns) > 0) return;
    }
    // The namespace controller's finalizer ("kubernetes") is done: the namespace is empty.
    object next = **got;
    if (auto spec = next.data().find("spec"); spec != next.data().end() && spec->is_object()) {
      spec->erase("finalizers");
      if (spec->empty()) next.data().erase(spec);
    }
    auto expected = storage::parse_revision((*got)->resource_version()).value();
    if (next.finalizers().empty()) {
      auto removed = store->remove("namespaces", {"", ns}, expected);
      if (!removed && core::is_conflict(removed.error())) continue;
      return;
    }
    next.set_resource_version("");
    auto updated = store->update("namespaces", {"", ns}, std::move(next), expected);
    if (!updated && core::is_conflict(updated.error())) continue;
    return;
  }
}

void registry::impl::try_finalize_crd(const std::string& crd_name) {
  const std::string shard = "apiextensions.k8s.io/customresourcedefinitions";
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    auto got = store->get(shard, {"", crd_name});
    if (!got || (*got)->deletion_timestamp().empty()) return;
    for (const auto& other : handlers()) {
      if (other->crd_name == crd_name && store->count(other->shard) > 0) return;
    }
    object next = **got;
    next.remove_finalizer(crd_cleanup_finalizer);
    auto expected = storage::parse_revision((*got)->resource_version()).value();
    if (next.finalizers().empty()) {
      auto removed = store->remove(shard, {"", crd_name}, expected);
      if (!removed) {
        if (core::is_conflict(removed.error())) continue;
        return;
      }
      unregister_crd(**removed);
      return;
    }
    next.set_resource_version("");
    auto updated = store->update(shard, {"", crd_name}, std::move(next), expected);
    if (!updated && core::is_conflict(updated.error())) continue;
    return;
  }
}

// --- registry (public) ---

result<delete_result> registry::remove(const gvr& r, const object_key& key, const delete_options& opts) {
  auto h = impl_->handler(r);
  if (!h) return h.error();
  if (auto bad = detail::invalid_path_name(key.name)) return *bad;
  return impl_->remove(**h, key, opts);
}

result<object_list> registry::delete_collection(const gvr& r, std::string_view ns, const delete_options& opts,
                                                const list_options& sel) {
  auto h = impl_->handler(r);
  if (!h) return h.error();
  if (!(*h)->info->has_verb("deletecollection")) {
    return api_error::method_not_supported((*h)->gr(), "deletecollection");
  }
  list_options all = sel;
  all.limit = 0;
  all.continue_token.clear();
  auto items = list(r, ns, all);
  if (!items) return items.error();
  object_list out = *items;
  out.items.clear();
  for (const auto& item : items->items) {
    auto d = impl_->remove(**h, item->key(), opts);
    if (!d) {
      if (core::is_not_found(d.error())) continue;
      return d.error();
    }
    out.items.push_back(d->object);
  }
  return out;
}

}  // namespace ktk::apiserver
