// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and
// ValidatingWebhookConfiguration: kube's v1 defaults (SetDefaults_*Webhook, _Rule,
// _ServiceReference) and pkg/apis/admissionregistration/validation, with its messages.
// CEL matchConditions expressions are not compiled: only their presence is checked.
#include <algorithm>
#include <set>

#include "checks.hpp"
#include "json_util.hpp"
#include "strategies.hpp"
#include "webhook_client_config.hpp"

namespace ktk::apiserver::detail {
namespace {

// What kube relaxes on update when the stored object already broke a rule (ratcheting).
struct options {
  bool require_no_side_effects = true;
  bool require_recognized_review_version = true;
  bool require_unique_names = true;
  bool ignore_match_conditions = false;
};

const std::vector<std::string> accepted_review_versions = {"v1", "v1beta1"};
const std::vector<std::string> no_side_effects = {"None", "NoneOnDryRun"};
const std::vector<std::string> all_side_effects = {"None", "NoneOnDryRun", "Some", "Unknown"};


bool has(const std::vector<std::string>& v, const json& x) {
  return x.is_string() && std::find(v.begin(), v.end(), x.get<std::string>()) != v.end();
}

std::string text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// Go's %#v of a string slice: []string{"a", "b"} (type_name "string").
std::string go_slice(const json& arr, std::string_view type_name = "string") {
  std::string out = "[]" + std::string(type_name) + "{";
  bool first = true;
  for (const auto& v : arr) {
    out += (first ? "" : ", ") + core::quote(text(v));
    first = false;
  }
  return out + "}";
}

bool has_wildcard(const json& arr) {
  for (const auto& v : arr)
    if (v == "*") return true;
  return false;
}

// NotSupported when the member is present and not one of `valid`.
void check_enum(field_errors& errs, const json& hook, std::string_view key, const std::string& path,
                const std::vector<std::string>& valid) {
  if (const json* v = get(hook, key); v && !has(valid, *v)) errs.push_back(not_supported(path, *v, valid));
}

// validateResources: "x", "x/y", "*", "x/*", "*/y", "*/*" without overlaps.
void validate_resources(field_errors& errs, const json& resources, const std::string& path) {
  if (resources.empty()) errs.push_back(field_error::required(path));
  std::set<std::string> wildcard_sub_of, wildcard_res_with;
  bool double_wildcard = false, single_wildcard = false, plain_resource = false;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    std::string r = text(resources[i]);
    if (r.empty()) {
      errs.push_back(field_error::required(idx(path, i)));
      continue;
    }
    if (r == "*/*") double_wildcard = true;
    if (r == "*") single_wildcard = true;
    auto slash = r.find('/');
    if (slash == std::string::npos) {
      plain_resource = r != "*";
      continue;
    }
    std::string res = r.substr(0, slash), sub = r.substr(slash + 1);
    if (wildcard_sub_of.contains(res))
      errs.push_back(field_error::invalid(idx(path, i), core::quote(r), "if '" + res + "/*' is present, must not specify " + r));
    if (wildcard_res_with.contains(sub))
      errs.push_back(field_error::invalid(idx(path, i), core::quote(r), "if '*/" + sub + "' is present, must not specify " + r));
    if (sub == "*") wildcard_sub_of.insert(res);
    if (res == "*") wildcard_res_with.insert(sub);
  }
  if (resources.size() > 1 && double_wildcard)
    errs.push_back(field_error::invalid(path, go_slice(resources), "if '*/*' is present, must not specify other resources"));
  if (single_wildcard && plain_resource)
    errs.push_back(field_error::invalid(path, go_slice(resources),
                                        "if '*' is present, must not specify other resources without subresources"));
}

void validate_rule(field_errors& errs, const json& rule, const std::string& path) {
  const json& ops = get_array(rule, "operations");
  if (ops.empty()) errs.push_back(field_error::required(path + ".operations"));
  if (ops.size() > 1 && has_wildcard(ops))
    errs.push_back(field_error::invalid(path + ".operations", go_slice(ops, "admissionregistration.OperationType"),
                                        "if '*' is present, must not specify other operations"));
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (!has({"*", "CONNECT", "CREATE", "DELETE", "UPDATE"}, ops[i]))
      errs.push_back(not_supported(idx(path + ".operations", i), ops[i], {"*", "CONNECT", "CREATE", "DELETE", "UPDATE"}));
  const json& groups = get_array(rule, "apiGroups");
  if (groups.empty()) errs.push_back(field_error::required(path + ".apiGroups"));
  if (groups.size() > 1 && has_wildcard(groups))
    errs.push_back(field_error::invalid(path + ".apiGroups", go_slice(groups),
                                        "if '*' is present, must not specify other API groups"));
  const json& versions = get_array(rule, "apiVersions");
  if (versions.empty()) errs.push_back(field_error::required(path + ".apiVersions"));
  if (versions.size() > 1 && has_wildcard(versions))
    errs.push_back(field_error::invalid(path + ".apiVersions", go_slice(versions),
                                        "if '*' is present, must not specify other API versions"));
  for (std::size_t i = 0; i < versions.size(); ++i)
    if (text(versions[i]).empty()) errs.push_back(field_error::required(idx(path + ".apiVersions", i)));
  validate_resources(errs, get_array(rule, "resources"), path + ".resources");
  check_enum(errs, rule, "scope", path + ".scope", {"*", "Cluster", "Namespaced"});
}

// utilvalidation.IsFullyQualifiedName.
void validate_hook_name(field_errors& errs, const std::string& name, const std::string& path) {
  if (name.empty()) {
    errs.push_back(field_error::required(path));
  } else if (auto msgs = dns1123_subdomain(name); !msgs.empty()) {
    errs.push_back(field_error::invalid(path, core::quote(name), joined(msgs, ",")));
  } else if (std::count(name.begin(), name.end(), '.') < 2) {
    errs.push_back(
        field_error::invalid(path, core::quote(name), "should be a domain with at least three segments separated by dots"));
  }
}

void validate_match_conditions(field_errors& errs, const json& conds, const std::string& path) {
  if (conds.size() > 64) errs.push_back(field_error::too_many(path, static_cast<long>(conds.size()), 64));
  std::set<std::string> names;
  for (std::size_t i = 0; i < conds.size(); ++i) {
    std::string p = idx(path, i);
    std::string expr = get_string(conds[i], "expression");
    if (expr.find_first_not_of(" \t\r\n") == std::string::npos) errs.push_back(field_error::required(p + ".expression"));
    std::string name = get_string(conds[i], "name");
    if (name.empty()) {
      errs.push_back(field_error::required(p + ".name"));
    } else {
      add_invalid(errs, p + ".name", name, qualified_name(name));
    }
    if (!name.empty() && !names.insert(name).second)
      errs.push_back(field_error::duplicate(p + ".name", core::quote(name)));
  }
}

void validate_review_versions(field_errors& errs, const json& hook, bool require_recognized, const std::string& path) {
  const json& versions = get_array(hook, "admissionReviewVersions");
  if (versions.empty()) {
    errs.push_back(field_error::required(path, "must specify one of " + joined(accepted_review_versions, ", ")));
    return;
  }
  std::set<std::string> seen;
  bool accepted = false;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    std::string v = text(versions[i]);
    if (!seen.insert(v).second) {
      errs.push_back(field_error::invalid(idx(path, i), core::quote(v), "duplicate version"));
      continue;
    }
    add_invalid(errs, idx(path, i), v, dns1035_label(v));
    if (has(accepted_review_versions, versions[i])) accepted = true;
  }
  if (require_recognized && !accepted)
    errs.push_back(field_error::invalid(path, go_slice(versions),
                                        "must include at least one of " + joined(accepted_review_versions, ", ")));
}

void validate_hook(field_errors& errs, const json& hook, bool mutating, const options& opts, const std::string& path) {
  validate_hook_name(errs, get_string(hook, "name"), path + ".name");
  const json& rules = get_array(hook, "rules");
  for (std::size_t i = 0; i < rules.size(); ++i) validate_rule(errs, rules[i], idx(path + ".rules", i));
  check_enum(errs, hook, "failurePolicy", path + ".failurePolicy", {"Fail", "Ignore"});
  check_enum(errs, hook, "matchPolicy", path + ".matchPolicy", {"Equivalent", "Exact"});
  const auto& side_effects = opts.require_no_side_effects ? no_side_effects : all_side_effects;
  if (!get(hook, "sideEffects"))
    errs.push_back(field_error::required(path + ".sideEffects", "must specify one of " + joined(side_effects, ", ")));
  check_enum(errs, hook, "sideEffects", path + ".sideEffects", side_effects);
  if (auto t = get_int(hook, "timeoutSeconds"); t && (*t > 30 || *t < 1))
    errs.push_back(field_error::invalid(path + ".timeoutSeconds", std::to_string(*t),
                                        "the timeout value must be between 1 and 30 seconds"));
  for (const char* sel : {"namespaceSelector", "objectSelector"})
    if (const json* s = get(hook, sel)) {
      auto e = validate_label_selector(*s, path + "." + sel);
      errs.insert(errs.end(), e.begin(), e.end());
    }
  if (mutating) check_enum(errs, hook, "reinvocationPolicy", path + ".reinvocationPolicy", {"IfNeeded", "Never"});
  static const json no_config = json::object();
  const json* cc = get(hook, "clientConfig");
  auto e = validate_webhook_client_config(cc ? *cc : no_config, path + ".clientConfig");
  errs.insert(errs.end(), e.begin(), e.end());
  if (!opts.ignore_match_conditions) validate_match_conditions(errs, get_array(hook, "matchConditions"), path + ".matchConditions");
}

field_errors validate_configuration(const json& data, bool mutating, const options& opts) {
  field_errors errs;
  const json& hooks = get_array(data, "webhooks");
  std::set<std::string> names;
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    std::string path = idx("webhooks", i);
    validate_hook(errs, hooks[i], mutating, opts, path);
    validate_review_versions(errs, hooks[i], opts.require_recognized_review_version, path + ".admissionReviewVersions");
    std::string name = get_string(hooks[i], "name");
    if (opts.require_unique_names && !name.empty() && !names.insert(name).second)
      errs.push_back(field_error::duplicate(path + ".name", core::quote(name)));
  }
  return errs;
}

// The update options: each rule holds only when the stored object already kept it.
options update_options(const json& data, const json& old) {
  options o;
  const json& old_hooks = get_array(old, "webhooks");
  const json& new_hooks = get_array(data, "webhooks");
  std::set<std::string> names;
  for (const auto& h : old_hooks) {
    const json* se = get(h, "sideEffects");
    if (!se || !has(no_side_effects, *se)) o.require_no_side_effects = false;
    const json& versions = get_array(h, "admissionReviewVersions");
    bool recognized = std::any_of(versions.begin(), versions.end(), [](const json& v) { return has(accepted_review_versions, v); });
    if (!versions.empty() && !recognized) o.require_recognized_review_version = false;
    if (!names.insert(get_string(h, "name")).second) o.require_unique_names = false;
  }
  o.ignore_match_conditions = new_hooks.size() == old_hooks.size();
  for (std::size_t i = 0; o.ignore_match_conditions && i < old_hooks.size(); ++i)
    if (get_array(new_hooks[i], "matchConditions") != get_array(old_hooks[i], "matchConditions"))
      o.ignore_match_conditions = false;
  return o;
}

class webhook_configuration_strategy final : public strategy {
 public:
  explicit webhook_configuration_strategy(bool mutating) : mutating_(mutating) {}

  // The registry bumps metadata.generation when webhooks change, as kube's PrepareForUpdate.
  std::vector<std::string> generation_fields() const override { return {"webhooks"}; }

  void apply_defaults(object& obj) const override {
    json* hooks = get(obj.data(), "webhooks");
    if (!hooks || !hooks->is_array()) return;
    for (auto& h : *hooks) {
      if (!h.is_object()) continue;
      set_default(h, "failurePolicy", "Fail");
      set_default(h, "matchPolicy", "Equivalent");
      set_default(h, "namespaceSelector", json::object());
      set_default(h, "objectSelector", json::object());
      set_default(h, "timeoutSeconds", 10);
      if (mutating_) set_default(h, "reinvocationPolicy", "Never");
      if (json* rules = get(h, "rules"); rules && rules->is_array())
        for (auto& r : *rules) set_default(r, "scope", "*");
      if (json* cc = get(h, "clientConfig")) {
        if (json* svc = get(*cc, "service")) set_default(*svc, "port", 443);
      }
    }
  }

  field_errors validate_create(const object& obj) const override {
    return validate_configuration(obj.data(), mutating_, options{});
  }
  field_errors validate_update(const object& obj, const object& old) const override {
    return validate_configuration(obj.data(), mutating_, update_options(obj.data(), old.data()));
  }

 private:
  bool mutating_;
};

}  // namespace

strategy_ptr make_webhook_configuration_strategy(bool mutating) {
  return std::make_shared<webhook_configuration_strategy>(mutating);
}

}  // namespace ktk::apiserver::detail
