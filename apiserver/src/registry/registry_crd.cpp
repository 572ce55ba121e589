// registry_crd.cpp — CustomResourceDefinitions: defaulting and validation of the CRD
// itself, and serving (or no longer serving) the resources it defines.
#include <cctype>

#include <nlohmann/json.hpp>

#include "impl.hpp"
#include "ktk/core/strings.hpp"

namespace ktk::apiserver {

using core::json;
using detail::resource_handler;

namespace {

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& s : j) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

// A condition with the same type, status and reason keeps its lastTransitionTime.
json condition(const json& old_conditions, const std::string& type, const std::string& reason,
               const std::string& message, const std::string& now) {
  std::string when = now;
  if (old_conditions.is_array()) {
    for (const auto& c : old_conditions) {
      if (c.value("type", "") == type && c.value("status", "") == "True" && c.value("reason", "") == reason) {
        when = c.value("lastTransitionTime", now);
      }
    }
  }
  return {{"type", type}, {"status", "True"}, {"reason", reason}, {"message", message}, {"lastTransitionTime", when}};
}

}  // namespace

result<void> registry::impl::admit_crd(object& crd, const object* old) const {
  crd::default_crd(crd.data());
  json& spec = crd.data()["spec"];
  if (!spec.is_object()) spec = json::object();
  const json names = spec.value("names", json::object());
  auto errs = crd::validate_crd(crd.data());
  if (!errs.empty()) {
    return api_error::invalid({"apiextensions.k8s.io", "CustomResourceDefinition"}, std::string(crd.name()), errs);
  }
  if (!old) crd.add_finalizer(crd_cleanup_finalizer);

  json& status = crd.data()["status"];
  const json old_conditions = old && old->at_path("status.conditions") ? *old->at_path("status.conditions") : json();
  status["acceptedNames"] = names;
  status["conditions"] = json::array({condition(old_conditions, "NamesAccepted", "NoConflicts", "no conflicts found", now()),
                                      condition(old_conditions, "Established", "InitialNamesAccepted",
                                                "the initial names have been accepted", now())});
  std::vector<std::string> stored;
  if (old && old->at_path("status.storedVersions")) stored = strings(*old->at_path("status.storedVersions"));
  for (const auto& v : spec.value("versions", json::array())) {
    if (v.value("storage", false)) {
      auto name = v.value("name", "");
      if (std::find(stored.begin(), stored.end(), name) == stored.end()) stored.push_back(name);
    }
  }
  status["storedVersions"] = stored;
  return {};
}

void registry::impl::register_crd(const object& crd) {
  std::lock_guard lock(crd_mu_);
  const json& spec = crd.data().value("spec", json::object());
  const std::string group = spec.value("group", "");
  const json names = spec.value("names", json::object());
  const std::string plural = names.value("plural", "");
  const bool terminating = !crd.deletion_timestamp().empty();
  std::vector<std::string> served;
  for (const auto& v : spec.value("versions", json::array())) {
    if (!v.value("served", false)) continue;
    auto h = std::make_shared<resource_handler>();
    auto info = std::make_shared<core::resource_info>();
    info->resource = {group, v.value("name", ""), plural};
    info->kind = names.value("kind", "");
    info->list_kind = names.value("listKind", info->kind + "List");
    info->singular = names.value("singular", core::ascii_lower(info->kind));
    info->namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    info->short_names = strings(names.value("shortNames", json::array()));
    info->categories = strings(names.value("categories", json::array()));
    info->verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
    const json sub = v.value("subresources", json::object());
    if (sub.contains("status")) info->subresources.push_back("status");
    if (sub.contains("scale")) {
      info->subresources.push_back("scale");
      const json& sc = sub["scale"];
      h->scale = detail::scale_paths{sc.value("specReplicasPath", ".spec.replicas"),
                                     sc.value("statusReplicasPath", ".status.replicas"),
                                     sc.value("labelSelectorPath", "")};
    }
    h->info = std::move(info);
    h->shard = group + "/" + plural;
    h->custom = true;
    h->crd_name = std::string(crd.name());
    h->terminating = terminating;
    h->strat = builtin_strategy({group, plural});
    if (const json* schema = v.contains("schema") ? &v["schema"] : nullptr;
        schema && schema->is_object() && schema->contains("openAPIV3Schema")) {
      h->raw_schema = (*schema)["openAPIV3Schema"];
      auto compiled = crd::structural_schema::compile(h->raw_schema);
      if (compiled) h->schema = std::move(*compiled);
    }
    if (!h->schema) h->schema = crd::structural_schema::preserve_all();
    h->printer_columns = v.value("additionalPrinterColumns", json());
    served.push_back(v.value("name", ""));
    add_handler(std::move(h));
  }
  // Versions no longer served go away.
  for (const auto& h : handlers()) {
    if (h->crd_name == crd.name() &&
        std::find(served.begin(), served.end(), h->info->resource.version) == served.end()) {
      remove_handler(h->info->resource);
    }
  }
}

void registry::impl::unregister_crd(const object& crd) {
  std::lock_guard lock(crd_mu_);
  std::string shard;
  for (const auto& h : handlers()) {
    if (h->crd_name == crd.name()) {
      shard = h->shard;
      remove_handler(h->info->resource);
    }
  }
  if (!shard.empty()) store->drop_shard(shard);
}

}  // namespace ktk::apiserver
