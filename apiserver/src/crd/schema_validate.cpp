// Value validation of custom resources: kube-openapi's SchemaValidator (type, allOf/
// anyOf/oneOf/not, string, format, number, array, enum, object checks in that order)
// with its errors converted to field errors as apiextensions-apiserver converts them
// (pkg/apiserver/validation: required → Required, enum → NotSupported, maxLength →
// TooLong, maxItems/maxProperties → TooMany, type and format → TypeInvalid, the rest
// → Invalid with kube-openapi's message).
#include "schema_node.hpp"

#include <cmath>
#include <limits>

#include "ktk/core/field_error.hpp"

namespace ktk::apiserver::crd::detail {
namespace {

using node = structural_schema::node;
using core::field_error;
using core::quote;

// kube-openapi's error Name becomes the field; an empty name is apiextensions' nil path.
std::string field_of(const std::string& path) { return path.empty() ? "<nil>" : path; }
std::string in_body(const std::string& path) { return path + " in body"; }
// A composite (allOf/anyOf/oneOf/not) error: no name, so kube reports it at "<nil>".
void composite(field_errors& out, const std::string& msg) { out.push_back(field_error::invalid("<nil>", "\"\"", msg)); }

// The value as apimachinery prints a bad value: strings quoted, numbers as Go's %v.
std::string bad(const json& v) {
  if (v.is_string()) return quote(v.get<std::string>());
  if (v.is_number_float()) return go_float(v.get<double>());
  return v.dump();
}

bool contains_type(const std::string& types, const char* t) {
  std::size_t start = 0;
  while (start <= types.size()) {
    auto comma = types.find(',', start);
    if (types.compare(start, comma == std::string::npos ? std::string::npos : comma - start, t) == 0) return true;
    if (comma == std::string::npos) return false;
    start = comma + 1;
  }
  return false;
}

// The schema's types as kube-openapi joins them; int-or-string is "integer,string".
const std::string& type_names(const node& n) {
  static const std::string int_or_string = "integer,string";
  return n.int_or_string ? int_or_string : n.type;
}

bool integral(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::trunc(d) == d && std::abs(d) < 9007199254740992.0;
}

bool enum_match(const json& v, const json& e) {
  if (v.is_number() && e.is_number()) return v.get<double>() == e.get<double>();
  return v == e;
}

std::size_t rune_count(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string bound(double b, bool int_data) {
  if (int_data) return std::to_string(static_cast<long long>(b));
  return go_float(b);
}

void validate_impl(const node& n, const json& v, const std::string& path, int depth, bool resource_root,
                   field_errors& out);

bool valid_against(const node& n, const json& v, const std::string& path, int depth, field_errors& errs) {
  validate_impl(n, v, path, depth, false, errs);
  return errs.empty();
}

void validate_composition(const node& n, const json& v, const std::string& path, int depth, field_errors& out) {
  if (!n.any_of.empty()) {
    std::optional<field_errors> best;
    bool ok = false;
    for (const auto& alt : n.any_of) {
      field_errors e;
      if (valid_against(*alt, v, path, depth + 1, e)) {
        ok = true;
        break;
      }
      if (!best || e.size() < best->size()) best = std::move(e);
    }
    if (!ok) {
      composite(out, quote(path) + " must validate at least one schema (anyOf)");
      out.insert(out.end(), best->begin(), best->end());
    }
  }
  if (!n.one_of.empty()) {
    std::optional<field_errors> best;
    int valid = 0;
    for (const auto& alt : n.one_of) {
      field_errors e;
      if (valid_against(*alt, v, path, depth + 1, e)) {
        ++valid;
      } else if (valid == 0 && (!best || e.size() < best->size())) {
        best = std::move(e);
      }
    }
    if (valid != 1) {
      composite(out, quote(path) + " must validate one and only one schema (oneOf). " +
                         (valid == 0 ? std::string("Found none valid")
                                     : "Found " + std::to_string(valid) + " valid alternatives"));
      if (valid == 0 && best) out.insert(out.end(), best->begin(), best->end());
    }
  }
  if (!n.all_of.empty()) {
    std::size_t valid = 0;
    for (const auto& alt : n.all_of) {
      field_errors e;
      if (valid_against(*alt, v, path, depth + 1, e)) ++valid;
      out.insert(out.end(), e.begin(), e.end());
    }
    if (valid != n.all_of.size()) {
      composite(out, quote(path) + " must validate all the schemas (allOf)" + (valid == 0 ? ". None validated" : ""));
    }
  }
  if (n.not_) {
    field_errors e;
    if (valid_against(*n.not_, v, path, depth + 1, e)) composite(out, quote(path) + " must not validate the schema (not)");
  }
}

void validate_string(const node& n, const std::string& s, const json& v, const std::string& path, field_errors& out) {
  std::size_t len = n.max_length || n.min_length ? rune_count(s) : 0;
  if (n.max_length && static_cast<std::int64_t>(len) > *n.max_length) {
    out.push_back(field_error::too_long(field_of(path), "", static_cast<long>(*n.max_length)));
  } else if (n.min_length && static_cast<std::int64_t>(len) < *n.min_length) {
    out.push_back(field_error::invalid(field_of(path), bad(v),
                                       in_body(path) + " should be at least " + std::to_string(*n.min_length) + " chars long"));
  } else if (n.pattern_re && !std::regex_search(s, *n.pattern_re)) {
    out.push_back(field_error::invalid(field_of(path), bad(v), in_body(path) + " should match '" + n.pattern + "'"));
  }
}

void validate_number(const node& n, const json& v, const std::string& path, field_errors& out) {
  const bool int_data = v.is_number_integer();
  const double d = v.get<double>();
  const std::string& types = type_names(n);
  if (int_data && n.format == "int32" && contains_type(types, "integer")) {
    auto i = v.get<std::int64_t>();
    if (i < std::numeric_limits<std::int32_t>::min() || i > std::numeric_limits<std::int32_t>::max()) {
      out.push_back(field_error::invalid("<nil>", "\"\"", "Checked value must be of type integer with format int32 in " + path));
    }
  }
  if (n.multiple_of) {
    double f = *n.multiple_of;
    bool int_factor = int_data && std::trunc(f) == f;
    if (f <= 0) {
      out.push_back(field_error::invalid(field_of(path), go_float(f),
                                         "factor MultipleOf declared for " + path + " must be positive: " + go_float(f)));
    } else if (int_factor) {
      auto i = v.get<std::int64_t>();
      auto fi = static_cast<std::int64_t>(f);
      if (i % fi != 0)
        out.push_back(field_error::invalid(field_of(path), bad(v), in_body(path) + " should be a multiple of " + std::to_string(fi)));
    } else {
      double mult = f < 1 ? 1 / f * d : d / f;
      if (!(std::isfinite(mult) && std::trunc(mult) == mult))
        out.push_back(field_error::invalid(field_of(path), bad(v), in_body(path) + " should be a multiple of " + go_float(f)));
    }
  }
  if (n.minimum) {
    bool int_cmp = int_data && std::trunc(*n.minimum) == *n.minimum;
    bool fail = int_cmp ? (n.exclusive_minimum ? v.get<std::int64_t>() <= static_cast<std::int64_t>(*n.minimum)
                                               : v.get<std::int64_t>() < static_cast<std::int64_t>(*n.minimum))
                        : (n.exclusive_minimum ? d <= *n.minimum : d < *n.minimum);
    if (fail) {
      out.push_back(field_error::invalid(field_of(path), bad(v),
                                         in_body(path) + (n.exclusive_minimum ? " should be greater than " : " should be greater than or equal to ") +
                                             bound(*n.minimum, int_cmp)));
    }
  }
  if (n.maximum) {
    bool int_cmp = int_data && std::trunc(*n.maximum) == *n.maximum;
    bool fail = int_cmp ? (n.exclusive_maximum ? v.get<std::int64_t>() >= static_cast<std::int64_t>(*n.maximum)
                                               : v.get<std::int64_t>() > static_cast<std::int64_t>(*n.maximum))
                        : (n.exclusive_maximum ? d >= *n.maximum : d > *n.maximum);
    if (fail) {
      out.push_back(field_error::invalid(field_of(path), bad(v),
                                         in_body(path) + (n.exclusive_maximum ? " should be less than " : " should be less than or equal to ") +
                                             bound(*n.maximum, int_cmp)));
    }
  }
}

void validate_array(const node& n, const json& v, const std::string& path, int depth, field_errors& out) {
  if (n.items) {
    for (std::size_t i = 0; i < v.size(); ++i) validate_impl(*n.items, v[i], index_path(path, i), depth + 1, false, out);
  }
  auto size = static_cast<std::int64_t>(v.size());
  if (n.min_items && size < *n.min_items) {
    out.push_back(field_error::invalid(field_of(path), std::to_string(size),
                                       in_body(path) + " should have at least " + std::to_string(*n.min_items) + " items"));
  }
  if (n.max_items && size > *n.max_items) {
    out.push_back(field_error::too_many(field_of(path), static_cast<long>(size), static_cast<long>(*n.max_items)));
  }
  if (n.unique_items) {
    bool dup = false;
    for (std::size_t i = 0; i < v.size() && !dup; ++i)
      for (std::size_t k = 0; k < i && !dup; ++k) dup = v[i] == v[k];
    if (dup) out.push_back(field_error::invalid(field_of(path), "\"\"", in_body(path) + " shouldn't contain duplicates"));
  }
}

void validate_object(const node& n, const json& v, const std::string& path, int depth, bool resource_root,
                     field_errors& out) {
  auto size = static_cast<std::int64_t>(v.size());
  if (n.min_properties && size < *n.min_properties) {
    out.push_back(field_error::invalid(field_of(path), std::to_string(size),
                                       in_body(path) + " should have at least " + std::to_string(*n.min_properties) + " properties"));
  }
  if (n.max_properties && size > *n.max_properties) {
    out.push_back(field_error::too_many(field_of(path), static_cast<long>(size), static_cast<long>(*n.max_properties)));
  }
  auto skipped = [&](const std::string& k) {
    return resource_root && (k == "apiVersion" || k == "kind" || k == "metadata");
  };
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (n.properties.count(it.key()) || skipped(it.key())) continue;
    if (n.additional_properties) {
      validate_impl(*n.additional_properties, it.value(), path + "." + it.key(), depth + 1, false, out);
    } else if (!n.has_additional_properties && n.additional_properties_forbidden) {
      out.push_back(field_error::invalid(field_of(path), quote(it.key()),
                                         path + "." + it.key() + " in body is a forbidden property"));
    }
  }
  for (const auto& [k, sub] : n.properties) {
    if (skipped(k)) continue;
    if (auto it = v.find(k); it != v.end()) validate_impl(*sub, *it, child_path(path, k), depth + 1, false, out);
  }
  for (const auto& k : n.required) {
    if (!v.contains(k)) out.push_back(field_error::required(path.empty() ? k : path + "." + k, ""));
  }
}

void validate_impl(const node& n, const json& v, const std::string& path, int depth, bool resource_root,
                   field_errors& out) {
  if (depth > max_nesting_depth) {
    out.push_back(field_error::forbidden(field_of(path), "exceeds the maximum nesting depth of " + std::to_string(max_nesting_depth)));
    return;
  }
  const std::string& types = type_names(n);
  auto enum_check = [&] {
    if (!n.enum_values) return;
    for (const auto& e : *n.enum_values)
      if (enum_match(v, e)) return;
    std::vector<std::string> values;
    for (const auto& e : *n.enum_values) values.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    out.push_back(field_error::not_supported(field_of(path), bad(v), values));
  };
  if (v.is_null()) {
    if (!types.empty() && !n.nullable) {
      out.push_back(field_error::type_invalid(field_of(path), "\"null\"", in_body(path) + " must be of type " + types + ": \"null\""));
    }
    enum_check();
    return;
  }
  // Type: a format on a non-numeric schema lets strings and arrays through (kube-openapi quirk).
  const std::string actual = json_type_name(v);
  bool skip_type = !n.format.empty() && !contains_type(types, "number") && !contains_type(types, "integer") &&
                   (v.is_string() || v.is_array());
  if (!types.empty() && !skip_type && !contains_type(types, actual.c_str()) &&
      !(actual == "number" && integral(v) && contains_type(types, "integer")) &&
      !(actual == "integer" && contains_type(types, "number"))) {
    out.push_back(field_error::type_invalid(field_of(path), quote(actual),
                                            in_body(path) + " must be of type " + types + ": " + quote(actual)));
  }
  validate_composition(n, v, path, depth, out);
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    validate_string(n, s, v, path, out);
    if (!n.format.empty() && (n.type.empty() || n.type == "string") && format_known(n.format) && !format_valid(n.format, s)) {
      out.push_back(field_error::type_invalid(field_of(path), bad(v), in_body(path) + " must be of type " + n.format + ": " + quote(s)));
    }
  } else if (v.is_number()) {
    validate_number(n, v, path, out);
  } else if (v.is_array()) {
    validate_array(n, v, path, depth, out);
  }
  enum_check();
  if (v.is_object()) validate_object(n, v, path, depth, resource_root, out);
}

}  // namespace

void validate_value(const node& n, const json& v, const std::string& path, int depth, field_errors& out) {
  validate_impl(n, v, path, depth, false, out);
}

void validate_resource(const node& n, const json& obj, field_errors& out) {
  validate_impl(n, obj, "", 0, true, out);
}

}  // namespace ktk::apiserver::crd::detail
