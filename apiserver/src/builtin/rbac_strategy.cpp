// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding:
// kube's v1 defaults (SetDefaults_RoleBinding, _ClusterRoleBinding, _Subject) and
// pkg/apis/rbac/validation with its field paths and messages. Names are path segments
// (ValidateRBACName), so "system:controller:x" is a valid name.
#include <algorithm>

#include "checks.hpp"
#include "json_util.hpp"
#include "strategies.hpp"

namespace ktk::apiserver::detail {
namespace {

const std::string rbac_group = "rbac.authorization.k8s.io";


// Go's %#v of a []string: []string{"a", "b"}.
std::string go_strings(const json& arr) {
  std::string out = "[]string{";
  for (std::size_t i = 0; i < arr.size(); ++i)
    out += (i ? ", " : "") + core::quote(arr[i].is_string() ? arr[i].get<std::string>() : arr[i].dump());
  return out + "}";
}

// Go's %#v of the internal rbac.RoleRef, as "cannot change roleRef" prints it.
std::string go_role_ref(const json* ref) {
  auto f = [&](std::string_view k) { return core::quote(ref ? get_string(*ref, k) : std::string()); };
  return "rbac.RoleRef{APIGroup:" + f("apiGroup") + ", Kind:" + f("kind") + ", Name:" + f("name") + "}";
}

// What Go's decoding leaves of a roleRef: the three strings, "" when absent.
json role_ref_value(const json* ref) {
  return {{"apiGroup", ref ? get_string(*ref, "apiGroup") : ""},
          {"kind", ref ? get_string(*ref, "kind") : ""},
          {"name", ref ? get_string(*ref, "name") : ""}};
}

// ValidatePolicyRule.
void validate_rule(field_errors& errs, const json& rule, bool namespaced, const std::string& path) {
  if (get_array(rule, "verbs").empty())
    errs.push_back(field_error::required(path + ".verbs", "verbs must contain at least one value"));
  const json& urls = get_array(rule, "nonResourceURLs");
  const bool has_groups = !get_array(rule, "apiGroups").empty();
  const bool has_resources = !get_array(rule, "resources").empty();
  if (!urls.empty()) {
    if (namespaced)
      errs.push_back(invalid_rendered(path + ".nonResourceURLs", go_strings(urls),
                                      "namespaced rules cannot apply to non-resource URLs"));
    if (has_groups || has_resources || !get_array(rule, "resourceNames").empty())
      errs.push_back(invalid_rendered(path + ".nonResourceURLs", go_strings(urls),
                                      "rules cannot apply to both regular resources and non-resource URLs"));
    return;
  }
  if (!has_groups)
    errs.push_back(field_error::required(path + ".apiGroups", "resource rules must supply at least one api group"));
  if (!has_resources)
    errs.push_back(field_error::required(path + ".resources", "resource rules must supply at least one resource"));
}

void validate_rules(field_errors& errs, const json& data, bool namespaced) {
  const json& rules = get_array(data, "rules");
  for (std::size_t i = 0; i < rules.size(); ++i) validate_rule(errs, rules[i], namespaced, idx("rules", i));
}

// ValidateClusterRole's aggregationRule: each selector validated, plus the
// LabelSelectorAsSelector failure kube reports for the same problems (its bad value a
// nil selector, printed "null").
void validate_aggregation(field_errors& errs, const json& data) {
  const json* agg = get(data, "aggregationRule");
  if (!agg) return;
  const json& selectors = get_array(*agg, "clusterRoleSelectors");
  const std::string path = "aggregationRule.clusterRoleSelectors";
  if (selectors.empty())
    errs.push_back(
        field_error::required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    auto e = validate_label_selector(selectors[i], idx(path, i));
    const bool convertible = e.empty();
    errs.insert(errs.end(), e.begin(), e.end());
    if (!convertible)
      errs.push_back(field_error::invalid(idx(path, i), core::quote("null"), "invalid label selector."));
  }
}

// ValidateRoleBindingSubject.
void validate_subject(field_errors& errs, const json& subject, bool namespaced, const std::string& path) {
  const std::string name = get_string(subject, "name");
  const std::string group = get_string(subject, "apiGroup");
  const std::string kind = get_string(subject, "kind");
  if (name.empty()) errs.push_back(field_error::required(path + ".name"));
  if (kind == "ServiceAccount") {
    if (!name.empty()) add_invalid(errs, path + ".name", name, dns1123_subdomain(name));
    if (!group.empty()) errs.push_back(field_error::not_supported(path + ".apiGroup", core::quote(group), {""}));
    if (!namespaced && get_string(subject, "namespace").empty())
      errs.push_back(field_error::required(path + ".namespace"));
  } else if (kind == "User" || kind == "Group") {
    if (group != rbac_group)
      errs.push_back(field_error::not_supported(path + ".apiGroup", core::quote(group), {rbac_group}));
  } else {
    errs.push_back(
        field_error::not_supported(path + ".kind", core::quote(kind), {"ServiceAccount", "User", "Group"}));
  }
}

// ValidateRoleBinding / ValidateClusterRoleBinding (namespaced: a RoleBinding).
field_errors validate_binding(const json& data, bool namespaced) {
  field_errors errs;
  const json* ref = get(data, "roleRef");
  const json r = role_ref_value(ref);
  const auto group = r["apiGroup"].get<std::string>(), kind = r["kind"].get<std::string>(),
             name = r["name"].get<std::string>();
  if (group != rbac_group)
    errs.push_back(field_error::not_supported("roleRef.apiGroup", core::quote(group), {rbac_group}));
  const std::vector<std::string> kinds =
      namespaced ? std::vector<std::string>{"Role", "ClusterRole"} : std::vector<std::string>{"ClusterRole"};
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
    errs.push_back(field_error::not_supported("roleRef.kind", core::quote(kind), kinds));
  if (name.empty()) {
    errs.push_back(field_error::required("roleRef.name"));
  } else {
    add_invalid(errs, "roleRef.name", name, path_segment_name(name));
  }
  const json& subjects = get_array(data, "subjects");
  for (std::size_t i = 0; i < subjects.size(); ++i) validate_subject(errs, subjects[i], namespaced, idx("subjects", i));
  return errs;
}

class role_strategy final : public strategy {
 public:
  explicit role_strategy(bool cluster) : cluster_(cluster) {}

  name_rule names() const override { return name_rule::path_segment; }

  // Go's Role and ClusterRole encode `rules` without omitempty: absent reads back null.
  void apply_defaults(object& obj) const override {
    json& d = obj.data();
    if (d.is_object() && !d.contains("rules")) d["rules"] = nullptr;
  }

  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    validate_rules(errs, obj.data(), !cluster_);
    if (cluster_) validate_aggregation(errs, obj.data());
    return errs;
  }

 private:
  bool cluster_;
};

class binding_strategy final : public strategy {
 public:
  explicit binding_strategy(bool cluster) : cluster_(cluster) {}

  name_rule names() const override { return name_rule::path_segment; }

  void apply_defaults(object& obj) const override {
    json& d = obj.data();
    if (!d.is_object()) return;
    // Go's RoleRef is a value: a body without one decodes to the zero RoleRef, then defaults.
    json& ref = ensure_object(d, "roleRef");
    if (get_string(ref, "apiGroup").empty()) ref["apiGroup"] = rbac_group;
    json* subjects = get(d, "subjects");
    if (!subjects || !subjects->is_array()) return;
    for (auto& s : *subjects) {
      if (!s.is_object() || !get_string(s, "apiGroup").empty()) continue;
      const std::string kind = get_string(s, "kind");
      if (kind == "User" || kind == "Group") s["apiGroup"] = rbac_group;
    }
  }

  field_errors validate_create(const object& obj) const override { return validate_binding(obj.data(), !cluster_); }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_binding(obj.data(), !cluster_);
    const json* ref = get(obj.data(), "roleRef");
    if (role_ref_value(ref) != role_ref_value(get(old.data(), "roleRef")))
      errs.push_back(invalid_rendered("roleRef", go_role_ref(ref), "cannot change roleRef"));
    return errs;
  }

 private:
  bool cluster_;
};

}  // namespace

strategy_ptr make_role_strategy(bool cluster) { return std::make_shared<role_strategy>(cluster); }
strategy_ptr make_role_binding_strategy(bool cluster) { return std::make_shared<binding_strategy>(cluster); }

}  // namespace ktk::apiserver::detail
