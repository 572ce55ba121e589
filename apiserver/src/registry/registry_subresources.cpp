// registry_subresources.cpp — scale (built-in workloads and CRDs) and pods/binding.
#include <nlohmann/json.hpp>

#include "impl.hpp"
#include "request_errors.hpp"
#include "ktk/core/label_selector.hpp"

namespace ktk::apiserver {

using core::json;
using detail::resource_handler;

namespace {

// A CRD's scale paths are JSONPaths with a leading dot (".spec.replicas").
std::string_view without_dot(std::string_view path) { return path.starts_with('.') ? path.substr(1) : path; }

// Sets the value at a dotted path ("spec.replicas"), creating objects on the way.
void set_path(json& obj, std::string_view dotted, json v) {
  json* cur = &obj;
  for (;;) {
    auto dot = dotted.find('.');
    std::string part(dotted.substr(0, dot));
    if (!cur->is_object()) *cur = json::object();
    if (dot == std::string_view::npos) {
      (*cur)[part] = std::move(v);
      return;
    }
    cur = &(*cur)[part];
    dotted.remove_prefix(dot + 1);
  }
}

detail::scale_paths paths_of(const resource_handler& h) {
  if (h.scale) return *h.scale;
  return {".spec.replicas", ".status.replicas", ""};
}

}  // namespace

result<object_ptr> registry::impl::scale_of(const resource_handler& h, const object& obj) const {
  auto paths = paths_of(h);
  object s("autoscaling/v1", "Scale");
  auto& m = s.metadata();
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (auto it = obj.metadata().find(k); it != obj.metadata().end()) m[k] = *it;
  }
  const json* spec = obj.at_path(without_dot(paths.spec_replicas));
  const json* status = obj.at_path(without_dot(paths.status_replicas));
  s.data()["spec"]["replicas"] = spec && spec->is_number_integer() ? spec->get<std::int64_t>() : 0;
  s.data()["status"]["replicas"] = status && status->is_number_integer() ? status->get<std::int64_t>() : 0;
  if (!h.custom) {
    // Built-ins keep a metav1.LabelSelector in spec.selector; Scale carries its string form.
    if (const json* sel = obj.at_path("spec.selector")) {
      auto ls = core::label_selector::from_json(*sel);
      if (ls) s.data()["status"]["selector"] = ls->str();
    }
  } else if (!paths.label_selector.empty()) {
    const json* sel = obj.at_path(without_dot(paths.label_selector));
    if (sel && sel->is_string()) s.data()["status"]["selector"] = *sel;
  }
  return core::make_object_ptr(std::move(s));
}

result<object_ptr> registry::impl::update_scale(const resource_handler& h, const object_key& key,
                                                const object& scale, const write_options& o) {
  const json* replicas = scale.at_path("spec.replicas");
  core::field_errors errs;
  if (!replicas || !replicas->is_number_integer()) {
    errs.push_back(core::field_error::required("spec.replicas"));
  } else if (replicas->get<std::int64_t>() < 0) {
    errs.push_back(core::field_error::invalid("spec.replicas", replicas->dump(), "must be greater than or equal to 0"));
  }
  if (!errs.empty()) return api_error::invalid({"autoscaling", "Scale"}, key.name, errs);
  const std::string rv(scale.resource_version());
  object_key k{h.namespaced() ? key.namespace_ : "", key.name};
  write_options main = o;
  main.subresource.clear();
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto old = store->get(h.shard, k);
    if (!old) return rename_error(h, old.error(), key.name);
    if (!rv.empty() && rv != (*old)->resource_version()) return api_error::stale_resource_version(h.gr(), key.name);
    object next = **old;
    set_path(next.data(), without_dot(paths_of(h).spec_replicas), *replicas);
    auto prepared = prepare_update(h, **old, std::move(next), main);
    if (!prepared) return prepared.error();
    auto r = commit_update(h, *old, std::move(*prepared), main);
    if (!r && core::is_conflict(r.error()) && rv.empty()) continue;
    if (!r) return r.error();
    return scale_of(h, **r);
  }
  return api_error::stale_resource_version(h.gr(), key.name);
}

result<object_ptr> registry::impl::bind(const object_key& pod, const object& binding, const write_options& o) {
  auto hr = handler({"", "v1", "pods"});
  if (!hr) return hr.error();
  const auto& h = **hr;
  const json* target = binding.at_path("target.name");
  if (!target || !target->is_string() || target->get_ref<const std::string&>().empty()) {
    return api_error::invalid({"", "Binding"}, pod.name, {core::field_error::required("target.name")});
  }
  if (!binding.name().empty() && binding.name() != pod.name) {
    return detail::name_mismatch(binding.name(), pod.name);
  }
  const std::string node = target->get<std::string>();
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto old = store->get(h.shard, pod);
    if (!old) return rename_error(h, old.error(), pod.name);
    const object& cur = **old;
    if (!binding.uid().empty() && binding.uid() != cur.uid()) {
      return api_error::conflict(h.gr(), pod.name,
                                 "Precondition failed: UID in precondition: " + std::string(binding.uid()) +
                                     ", UID in object meta: " + std::string(cur.uid()));
    }
    if (!binding.resource_version().empty() && binding.resource_version() != cur.resource_version()) {
      return api_error::stale_resource_version(h.gr(), pod.name);
    }
    // BindingREST names the subresource in its conflicts.
    const core::group_resource binding_gr{"", "pods/binding"};
    if (!cur.deletion_timestamp().empty()) {
      return api_error::conflict(binding_gr, pod.name, "pod " + pod.name + " is being deleted, cannot be assigned to a host");
    }
    const json* bound = cur.at_path("spec.nodeName");
    if (bound && bound->is_string() && !bound->get_ref<const std::string&>().empty()) {
      return api_error::conflict(binding_gr, pod.name,
                                 "pod " + pod.name + " is already assigned to node " + core::quote(bound->get<std::string>()));
    }
    object next = cur;
    next.data()["spec"]["nodeName"] = node;
    for (const auto& [k, v] : binding.annotations()) next.set_annotation(k, v);
    json& conds = next.data()["status"]["conditions"];
    if (!conds.is_array()) conds = json::array();
    json cond = {{"type", "PodScheduled"}, {"status", "True"}, {"lastProbeTime", nullptr}, {"lastTransitionTime", now()}};
    bool replaced = false;
    for (auto& c : conds) {
      if (c.value("type", "") == "PodScheduled") {
        c = cond;
        replaced = true;
      }
    }
    if (!replaced) conds.push_back(cond);
    auto r = commit_update(h, *old, std::move(next), o);
    if (!r && core::is_conflict(r.error())) continue;
    return r;
  }
  return api_error::stale_resource_version(h.gr(), pod.name);
}

}  // namespace ktk::apiserver
