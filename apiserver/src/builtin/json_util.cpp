#include "json_util.hpp"

#include "checks.hpp"
#include "ktk/core/go_parse.hpp"

namespace ktk::apiserver::detail {

const json* get(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

json* get(json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& member(const json& j, std::string_view key) {
  static const json empty = json::object();
  const json* v = get(j, key);
  return v ? *v : empty;
}

std::string idx(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string get_string(const json& j, std::string_view key) {
  const json* v = get(j, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<long long> get_int(const json& j, std::string_view key) {
  const json* v = get(j, key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<long long>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (d == std::floor(d)) return static_cast<long long>(d);
  }
  return std::nullopt;
}

const json& get_array(const json& j, std::string_view key) {
  static const json empty = json::array();
  const json* v = get(j, key);
  return v && v->is_array() ? *v : empty;
}

json& ensure_object(json& j, std::string_view key) {
  json& v = j[std::string(key)];
  if (!v.is_object()) v = json::object();
  return v;
}

void set_default(json& j, std::string_view key, json value) {
  if (!j.is_object()) return;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) j[std::string(key)] = std::move(value);
}

std::string bad_value(const json& v) {
  if (v.is_string()) return core::quote(v.get<std::string>());
  if (v.is_null()) return "null";
  return v.dump();
}

std::string go_string_map(const json* m) {
  if (!m || !m->is_object()) return "map[string]string(nil)";
  std::string out = "map[string]string{";
  bool first = true;
  for (auto& [k, v] : m->items()) {  // nlohmann keeps keys sorted, as %#v prints them
    if (!first) out += ", ";
    first = false;
    out += core::quote(k) + ":" + core::quote(v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out + "}";
}

std::string go_label_selector(const json* sel) {
  const json* labels = sel ? get(*sel, "matchLabels") : nullptr;
  std::string out = "v1.LabelSelector{MatchLabels:" + go_string_map(labels) + ", MatchExpressions:";
  const json* exprs = sel ? get(*sel, "matchExpressions") : nullptr;
  if (!exprs || !exprs->is_array()) return out + "[]v1.LabelSelectorRequirement(nil)}";
  out += "[]v1.LabelSelectorRequirement{";
  bool first = true;
  for (const auto& e : *exprs) {
    if (!first) out += ", ";
    first = false;
    out += "v1.LabelSelectorRequirement{Key:" + core::quote(get_string(e, "key")) +
           ", Operator:" + core::quote(get_string(e, "operator")) + ", Values:";
    const json* vals = get(e, "values");
    if (!vals || !vals->is_array()) {
      out += "[]string(nil)";
    } else {
      out += "[]string{";
      bool f = true;
      for (const auto& v : *vals) {
        if (!f) out += ", ";
        f = false;
        out += core::quote(v.is_string() ? v.get<std::string>() : v.dump());
      }
      out += "}";
    }
    out += "}";
  }
  return out + "}}";
}

field_error invalid_rendered(std::string path, std::string rendered, std::string detail) {
  field_error e;
  e.kind = field_error::type::invalid;
  e.field = std::move(path);
  e.bad_value = std::move(rendered);
  e.detail = std::move(detail);
  return e;
}

field_error not_supported(std::string path, const json& value, const std::vector<std::string>& valid) {
  return field_error::not_supported(std::move(path), bad_value(value), valid);
}

void add_invalid(field_errors& errs, const std::string& path, const std::string& value,
                 const std::vector<std::string>& msgs) {
  for (const auto& m : msgs) errs.push_back(field_error::invalid(path, core::quote(value), m));
}

void check_non_negative(field_errors& errs, const json& parent, std::string_view key, const std::string& path) {
  auto v = get_int(parent, key);
  if (v && *v < 0) errs.push_back(field_error::invalid(path, std::to_string(*v), "must be greater than or equal to 0"));
}

field_errors validate_labels(const json* labels, const std::string& path) {
  field_errors errs;
  if (!labels || !labels->is_object()) return errs;
  for (auto& [k, v] : labels->items()) {
    add_invalid(errs, path, k, qualified_name(k));
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    add_invalid(errs, path, value, label_value(value));
  }
  return errs;
}

field_errors validate_annotations(const json* annotations, const std::string& path) {
  field_errors errs;
  if (!annotations || !annotations->is_object()) return errs;
  std::size_t total = 0;
  for (auto& [k, v] : annotations->items()) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& m : qualified_name(lower)) errs.push_back(field_error::invalid(path, core::quote(k), m));
    total += k.size() + (v.is_string() ? v.get_ref<const std::string&>().size() : v.dump().size());
  }
  constexpr long limit = 256 * 1024;
  if (total > static_cast<std::size_t>(limit)) errs.push_back(field_error::too_long(path, "", limit));
  return errs;
}

field_errors validate_label_selector(const json& sel, const std::string& path) {
  field_errors errs;
  if (!sel.is_object()) return errs;
  auto ml = validate_labels(get(sel, "matchLabels"), path + ".matchLabels");
  errs.insert(errs.end(), ml.begin(), ml.end());
  const json& exprs = get_array(sel, "matchExpressions");
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    const json& e = exprs[i];
    std::string p = path + ".matchExpressions[" + std::to_string(i) + "]";
    std::string op = get_string(e, "operator");
    std::size_t nvalues = get_array(e, "values").size();
    if (op == "In" || op == "NotIn") {
      if (nvalues == 0)
        errs.push_back(field_error::required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (nvalues > 0)
        errs.push_back(
            field_error::forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push_back(field_error::invalid(p + ".operator", core::quote(op), "not a valid selector operator"));
    }
    std::string key = get_string(e, "key");
    add_invalid(errs, p + ".key", key, qualified_name(key));
    const json& values = get_array(e, "values");
    for (std::size_t vi = 0; vi < values.size(); ++vi) {
      std::string v = values[vi].is_string() ? values[vi].get<std::string>() : values[vi].dump();
      add_invalid(errs, p + ".values[" + std::to_string(vi) + "]", v, label_value(v));
    }
  }
  return errs;
}

bool selector_empty(const json& sel) {
  const json* ml = get(sel, "matchLabels");
  return (!ml || ml->empty()) && get_array(sel, "matchExpressions").empty();
}

bool selector_matches(const json& sel, const json* labels) {
  auto label = [&](const std::string& k) -> const json* { return labels ? get(*labels, k) : nullptr; };
  if (const json* ml = get(sel, "matchLabels"); ml && ml->is_object()) {
    for (auto& [k, v] : ml->items()) {
      const json* have = label(k);
      if (!have || *have != v) return false;
    }
  }
  for (const auto& e : get_array(sel, "matchExpressions")) {
    std::string op = get_string(e, "operator");
    const json* have = label(get_string(e, "key"));
    bool in = false;
    if (have)
      for (const auto& v : get_array(e, "values"))
        if (v == *have) in = true;
    if (op == "In" && !in) return false;
    if (op == "NotIn" && in) return false;
    if (op == "Exists" && !have) return false;
    if (op == "DoesNotExist" && have) return false;
  }
  return true;
}

std::optional<double> parse_quantity(std::string_view q) { return core::go_quantity_value(q); }

}  // namespace ktk::apiserver::detail
