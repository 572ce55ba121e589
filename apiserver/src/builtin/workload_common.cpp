#include "workload_common.hpp"

#include "checks.hpp"
#include "pod_spec.hpp"

namespace ktk::apiserver::detail {

void workload_strategy::prepare_for_create(object& obj) const { obj.data()["status"] = json::object(); }

void workload_strategy::prepare_for_update(object& obj, const object& old) const {
  if (const json* status = get(old.data(), "status")) {
    obj.data()["status"] = *status;
  } else {
    obj.data().erase("status");
  }
}

const json& spec_of(const object& obj) {
  static const json empty = json::object();
  const json* s = get(obj.data(), "spec");
  return s ? *s : empty;
}

field_errors workload_strategy::validate_update(const object& obj, const object& old) const {
  field_errors errs = validate_create(obj);
  validate_selector_immutable(errs, spec_of(obj), spec_of(old));
  return errs;
}

void validate_selector_and_template_labels(field_errors& errs, const json& spec, const std::string& spec_path,
                                           const std::string& kind_word) {
  const json* sel = get(spec, "selector");
  if (!sel) {
    errs.push_back(field_error::required(spec_path + ".selector"));
    return;
  }
  auto sel_errs = validate_label_selector(*sel, spec_path + ".selector");
  errs.insert(errs.end(), sel_errs.begin(), sel_errs.end());
  if (selector_empty(*sel)) {
    errs.push_back(invalid_rendered(spec_path + ".selector", go_label_selector(sel),
                                    "empty selector is invalid for " + kind_word));
    return;
  }
  if (!sel_errs.empty()) return;
  const json* tmpl = get(spec, "template");
  const json* meta = tmpl ? get(*tmpl, "metadata") : nullptr;
  const json* labels = meta ? get(*meta, "labels") : nullptr;
  if (!selector_matches(*sel, labels))
    errs.push_back(invalid_rendered(spec_path + ".template.metadata.labels", go_string_map(labels),
                                    "`selector` does not match template `labels`"));
}

void validate_always_template(field_errors& errs, const json& spec, const std::string& kind_name) {
  static const json empty = json::object();
  const json* tmpl = get(spec, "template");
  if (!tmpl) {
    errs.push_back(field_error::required("spec.template"));
    return;
  }
  auto t = validate_pod_template(*tmpl, "spec.template");
  errs.insert(errs.end(), t.begin(), t.end());
  const json* pod_spec = get(*tmpl, "spec");
  const json& ps = pod_spec ? *pod_spec : empty;
  if (const json* rp = get(ps, "restartPolicy"); rp && *rp != "Always")
    errs.push_back(not_supported("spec.template.spec.restartPolicy", *rp, {"Always"}));
  if (get(ps, "activeDeadlineSeconds"))
    errs.push_back(field_error::forbidden("spec.template.spec.activeDeadlineSeconds",
                                          "activeDeadlineSeconds in " + kind_name + " is not Supported"));
}

json normalized(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (auto& [k, val] : v.items()) {
      json n = normalized(val);
      if (n.is_null() || ((n.is_object() || n.is_array()) && n.empty())) continue;
      out[k] = std::move(n);
    }
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) out.push_back(normalized(e));
    return out;
  }
  return v;
}

void validate_selector_immutable(field_errors& errs, const json& spec, const json& old_spec) {
  const json* sel = get(spec, "selector");
  const json* old_sel = get(old_spec, "selector");
  json a = sel ? normalized(*sel) : json();
  json b = old_sel ? normalized(*old_sel) : json();
  if (a != b) {
    errs.push_back(invalid_rendered("spec.selector", sel ? go_label_selector(sel) : "null", "field is immutable"));
  }
}

std::string go_int_or_string(const json& v) {
  if (v.is_string())
    return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + core::quote(v.get<std::string>()) + "}";
  return "intstr.IntOrString{Type:0, IntVal:" + (v.is_number() ? v.dump() : std::string("0")) + ", StrVal:\"\"}";
}

long long int_or_percent_value(const json* v) {
  if (!v) return 0;
  if (v->is_number_integer()) return v->get<long long>();
  if (v->is_string()) {
    std::string s = v->get<std::string>();
    if (!s.empty() && s.back() == '%') s.pop_back();
    try {
      return std::stoll(s);
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

void validate_int_or_percent(field_errors& errs, const json* v, const std::string& path) {
  if (!v) return;
  if (v->is_string()) {
    std::string s = v->get<std::string>();
    bool ok = s.size() >= 2 && s.back() == '%';
    for (std::size_t i = 0; ok && i + 1 < s.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) ok = false;
    if (!ok)
      errs.push_back(invalid_rendered(path, go_int_or_string(*v),
                                      regex_error("a valid percent string must be a numeric string followed by an "
                                                  "ending '%'",
                                                  "[0-9]+%", {"1%", "93%"})));
  } else if (v->is_number_integer()) {
    if (v->get<long long>() < 0)
      errs.push_back(field_error::invalid(path, v->dump(), "must be greater than or equal to 0"));
  } else {
    errs.push_back(invalid_rendered(path, go_int_or_string(*v), "must be an integer or percentage (e.g '5%')"));
  }
}

}  // namespace ktk::apiserver::detail
