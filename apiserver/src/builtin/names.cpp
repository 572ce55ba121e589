// validate_name and validate_object_meta_fields: apimachinery's ObjectMeta checks that do
// not depend on the request (label and annotation keys, finalizers, owner references).
#include <algorithm>

#include "checks.hpp"
#include "json_util.hpp"
#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver {

std::vector<std::string> validate_name(const std::string& name, name_rule rule) {
  switch (rule) {
    case name_rule::dns1123_subdomain:
      return detail::dns1123_subdomain(name);
    case name_rule::dns1123_label:
      return detail::dns1123_label(name);
    case name_rule::path_segment:
      return detail::path_segment_name(name);
  }
  return {};
}

namespace {

using detail::json;

void validate_owner_references(const json& refs, field_errors& errs) {
  if (!refs.is_array()) return;
  std::string first_controller;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const json& r = refs[i];
    std::string p = "metadata.ownerReferences[" + std::to_string(i) + "]";
    std::string api_version = detail::get_string(r, "apiVersion");
    std::string kind = detail::get_string(r, "kind");
    std::string name = detail::get_string(r, "name");
    if (api_version.empty()) {
      errs.push_back(core::field_error::required(p + ".apiVersion", "must not be empty"));
    } else {
      auto gv = core::group_version::parse(api_version);
      auto slashes = std::count(api_version.begin(), api_version.end(), '/');
      if (gv.version.empty() || slashes > 1)
        errs.push_back(core::field_error::invalid(p + ".apiVersion", core::quote(api_version),
                                                  "must be <group>/<version> or <version>"));
    }
    if (kind.empty()) errs.push_back(core::field_error::required(p + ".kind", "must not be empty"));
    if (name.empty()) errs.push_back(core::field_error::required(p + ".name", "must not be empty"));
    if (detail::get_string(r, "uid").empty())
      errs.push_back(core::field_error::required(p + ".uid", "must not be empty"));
    if (api_version == "v1" && kind == "Event")
      errs.push_back(detail::invalid_rendered(p, r.dump(), "/v1, Kind=Event is disallowed from being an owner"));
    const json* controller = detail::get(r, "controller");
    if (controller && controller->is_boolean() && controller->get<bool>()) {
      std::string current = kind + "/" + name;
      if (!first_controller.empty()) {
        errs.push_back(detail::invalid_rendered(
            "metadata.ownerReferences", refs.dump(),
            "Only one reference can have Controller set to true. Found \"true\" in references for " +
                first_controller + " and " + current));
      } else {
        first_controller = current;
      }
    }
  }
}

}  // namespace

field_errors validate_object_meta_fields(const object& obj) {
  field_errors errs;
  const json* meta = detail::get(obj.data(), "metadata");
  if (!meta) return errs;
  auto labels = detail::validate_labels(detail::get(*meta, "labels"), "metadata.labels");
  errs.insert(errs.end(), labels.begin(), labels.end());
  auto annotations = detail::validate_annotations(detail::get(*meta, "annotations"), "metadata.annotations");
  errs.insert(errs.end(), annotations.begin(), annotations.end());
  if (const json* refs = detail::get(*meta, "ownerReferences")) validate_owner_references(*refs, errs);
  const json& finalizers = detail::get_array(*meta, "finalizers");
  bool orphan = false, foreground = false;
  for (const auto& f : finalizers) {
    std::string name = f.is_string() ? f.get<std::string>() : f.dump();
    detail::add_invalid(errs, "metadata.finalizers", name, detail::qualified_name(name));
    orphan = orphan || name == "orphan";
    foreground = foreground || name == "foregroundDeletion";
  }
  if (orphan && foreground)
    errs.push_back(detail::invalid_rendered("metadata.finalizers", finalizers.dump(),
                                            "finalizer orphan and foregroundDeletion cannot be both set"));
  return errs;
}

}  // namespace ktk::apiserver
