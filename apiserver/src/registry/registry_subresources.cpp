// registry_subresources.cpp — scale (built-in workloads and CRDs) and pods/binding.
#include <nlohmann/json.hpp>

#include "impl.hpp"
#include "ktk/core/label_selector.hpp"

namespace ktk::apiserver {

using core::json;
using detail::resource_handler;

namespace {

// ".spec.replicas" → pointer into obj, or nullptr.
const json* at_dot_path(const json& obj, const std::string& path) {
  const json* cur = &obj;
  std::size_t i = path.empty() || path[0] != '.' ? 0 : 1;
  while (i < path.size()) {
    auto dot = path.find('.', i);
    auto part = path.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) break;
    i = dot + 1;
  }
  return cur;
}

void set_dot_path(json& obj, const std::string& path, json v) {
  json* cur = &obj;
  std::size_t i = path.empty() || path[0] != '.' ? 0 : 1;
  while (true) {
    auto dot = path.find('.', i);
    auto part = path.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
    if (!cur->is_object()) *cur = json::object();
    if (dot == std::string::npos) {
      (*cur)[part] = std::move(v);
      return;
    }
    cur = &(*cur)[part];
    i = dot + 1;
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
  const json* spec = at_dot_path(obj.data(), paths.spec_replicas);
  const json* status = at_dot_path(obj.data(), paths.status_replicas);
  s.data()["spec"]["replicas"] = spec && spec->is_number_integer() ? spec->get<std::int64_t>() : 0;
  s.data()["status"]["replicas"] = status && status->is_number_integer() ? status->get<std::int64_t>() : 0;
  if (!h.custom) {
    // Built-ins keep a metav1.LabelSelector in spec.selector; Scale carries its string form.
    if (const json* sel = obj.at_path("spec.selector")) {
      auto ls = core::label_selector::from_json(*sel);
      if (ls) s.data()["status"]["selector"] = ls->str();
    }
  } else if (!paths.label_selector.empty()) {
    const json* sel = at_dot_path(obj.data(), paths.label_selector);
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
    set_dot_path(next.data(), paths_of(h).spec_replicas, *replicas);
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
    return api_error::bad_request("the name of the object (" + std::string(binding.name()) +
                                  ") does not match the name on the URL (" + pod.name + ")");
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
