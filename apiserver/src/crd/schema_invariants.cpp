// The checks apiextensions-apiserver runs after schema validation: embedded resources
// (pkg/apiserver/schema/objectmeta) and list-type set/map uniqueness
// (pkg/apiserver/schema/listtype); plus the nesting-depth guard.
#include "schema_node.hpp"

#include <cctype>
#include <map>

#include "../builtin/checks.hpp"
#include "ktk/core/field_error.hpp"

namespace ktk::apiserver::crd::detail {
namespace {

using node = structural_schema::node;
using core::field_error;
using core::quote;

// Go's %#v of a JSON scalar inside an interface{}.
std::string go_sharp(const json& v) {
  if (v.is_string()) return quote(v.get<std::string>());
  if (v.is_number_float()) return go_float(v.get<double>());
  if (v.is_null()) return "interface {}(nil)";
  return v.dump();
}

// Go's %#v of a map[string]interface{} holding the given keys.
std::string go_map(const json& m) {
  std::string out = "map[string]interface {}{";
  bool first = true;
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (!first) out += ", ";
    first = false;
    out += quote(it.key()) + ":" + go_sharp(it.value());
  }
  return out + "}";
}

std::string go_bad(const json& v) { return v.is_object() ? go_map(v) : v.is_array() ? v.dump() : go_sharp(v); }

// Indices of the second occurrence of each repeated key (kube reports each once).
std::vector<std::size_t> second_occurrences(const std::vector<std::string>& keys) {
  std::map<std::string, int> seen;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (++seen[keys[i]] == 2) out.push_back(i);
  }
  return out;
}

void validate_list_map(const node& n, const json& v, const std::string& path, field_errors& out) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_null() && !v[i].is_object()) {
      out.push_back(field_error::invalid(index_path(path, i), go_bad(v[i]), "must be an object for an array of list-type map"));
      return;
    }
  }
  if (v.size() <= 1) return;
  std::vector<json> key_values;
  std::vector<std::string> keys;
  for (const auto& item : v) {
    json key = json::object();
    if (item.is_object()) {
      for (const auto& k : n.list_map_keys)
        if (auto it = item.find(k); it != item.end()) key[k] = *it;
    }
    // Single keys compare as scalars, an absent key as its own value.
    if (n.list_map_keys.size() == 1) {
      keys.push_back(key.empty() ? std::string("\x01unspecified") : key.begin()->dump());
    } else {
      keys.push_back(key.dump());
    }
    key_values.push_back(std::move(key));
  }
  for (auto i : second_occurrences(keys)) out.push_back(field_error::duplicate(index_path(path, i), go_map(key_values[i])));
}

}  // namespace

void validate_list_types(const node& n, const json& v, const std::string& path, int depth, field_errors& out) {
  if (depth > max_nesting_depth) return;
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (auto p = n.properties.find(it.key()); p != n.properties.end()) {
        validate_list_types(*p->second, it.value(), child_path(path, it.key()), depth + 1, out);
      } else if (n.additional_properties) {
        validate_list_types(*n.additional_properties, it.value(), path + "[" + it.key() + "]", depth + 1, out);
      }
    }
    return;
  }
  if (!v.is_array()) return;
  if (n.list_type == "set" && v.size() > 1) {
    std::vector<std::string> keys;
    for (const auto& item : v) keys.push_back(item.dump());
    for (auto i : second_occurrences(keys)) out.push_back(field_error::duplicate(index_path(path, i), go_bad(v[i])));
  } else if (n.list_type == "map") {
    validate_list_map(n, v, path, out);
  }
  if (n.items) {
    for (std::size_t i = 0; i < v.size(); ++i) validate_list_types(*n.items, v[i], index_path(path, i), depth + 1, out);
  }
}

namespace {

// schema.ParseGroupVersion: "", "v1", "group/version"; more slashes are an error.
std::optional<std::string> parse_group_version_error(const std::string& s) {
  auto first = s.find('/');
  if (first != std::string::npos && s.find('/', first + 1) != std::string::npos) {
    return "unexpected GroupVersion string: " + s;
  }
  return std::nullopt;
}

void validate_embedded(const json& v, const std::string& path, field_errors& out) {
  auto child = [&](const char* k) { return child_path(path, k); };
  if (!v.contains("apiVersion")) out.push_back(field_error::required(child("apiVersion"), ""));
  if (!v.contains("kind")) out.push_back(field_error::required(child("kind"), ""));
  if (auto it = v.find("apiVersion"); it != v.end()) {
    if (!it->is_string()) {
      out.push_back(field_error::invalid(child("apiVersion"), go_bad(*it), "must be a string"));
    } else if (it->get<std::string>().empty()) {
      out.push_back(field_error::invalid(child("apiVersion"), "\"\"", "must not be empty"));
    } else if (auto err = parse_group_version_error(it->get<std::string>())) {
      out.push_back(field_error::invalid(child("apiVersion"), go_bad(*it), *err));
    }
  }
  if (auto it = v.find("kind"); it != v.end()) {
    if (!it->is_string()) {
      out.push_back(field_error::invalid(child("kind"), go_bad(*it), "must be a string"));
    } else if (it->get<std::string>().empty()) {
      out.push_back(field_error::invalid(child("kind"), "\"\"", "must not be empty"));
    } else {
      std::string lower;
      for (char c : it->get<std::string>()) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto msgs = ktk::apiserver::detail::dns1035_label(lower);
      if (!msgs.empty()) {
        std::string joined;
        for (const auto& m : msgs) joined += (joined.empty() ? "" : ",") + m;
        out.push_back(field_error::invalid(child("kind"), go_bad(*it), "may have mixed case, but should otherwise match: " + joined));
      }
    }
  }
  if (auto it = v.find("metadata"); it != v.end()) {
    const std::string mpath = child("metadata");
    if (!it->is_object()) {
      out.push_back(field_error::invalid(mpath, go_bad(*it), "must be an object"));
      return;
    }
    for (const char* k : {"name", "generateName", "namespace"}) {
      auto f = it->find(k);
      if (f == it->end() || f->is_null()) continue;
      if (!f->is_string()) {
        out.push_back(field_error::invalid(mpath + "." + k, go_bad(*f), "must be a string"));
        continue;
      }
      const auto& s = f->get<std::string>();
      if (s.empty()) continue;
      auto msgs = std::string(k) == "namespace" ? ktk::apiserver::detail::dns1123_label(s)
                                                : ktk::apiserver::detail::path_segment_name(s);
      for (const auto& m : msgs) out.push_back(field_error::invalid(mpath + "." + k, quote(s), m));
    }
    for (const char* k : {"labels", "annotations"}) {
      auto f = it->find(k);
      if (f != it->end() && !f->is_null() && !f->is_object()) {
        out.push_back(field_error::invalid(mpath + "." + k, go_bad(*f), "must be an object"));
      }
    }
  }
}

}  // namespace

void validate_embedded_resources(const node& n, const json& v, const std::string& path, int depth, field_errors& out) {
  if (depth > max_nesting_depth) return;
  if (v.is_object()) {
    if (n.embedded_resource) validate_embedded(v, path, out);
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (auto p = n.properties.find(it.key()); p != n.properties.end()) {
        validate_embedded_resources(*p->second, it.value(), child_path(path, it.key()), depth + 1, out);
      } else if (n.additional_properties) {
        validate_embedded_resources(*n.additional_properties, it.value(), path + "[" + it.key() + "]", depth + 1, out);
      }
    }
  } else if (v.is_array() && n.items) {
    for (std::size_t i = 0; i < v.size(); ++i) validate_embedded_resources(*n.items, v[i], index_path(path, i), depth + 1, out);
  }
}

std::optional<std::string> too_deep(const json& v) {
  struct frame {
    const json* value;
    json::const_iterator it;
    std::size_t index = 0;
  };
  std::vector<frame> stack;
  auto push = [&](const json* j) {
    if (j->is_object() || j->is_array()) stack.push_back({j, j->cbegin(), 0});
  };
  push(&v);
  while (!stack.empty()) {
    if (stack.size() > static_cast<std::size_t>(max_nesting_depth)) {
      std::string path;
      for (std::size_t i = 0; i + 1 < stack.size(); ++i) {
        const auto& f = stack[i];
        if (f.value->is_object()) {
          path = child_path(path, std::prev(f.it).key());
        } else {
          path = index_path(path, f.index - 1);
        }
      }
      return path;
    }
    frame& top = stack.back();
    if (top.it == top.value->cend()) {
      stack.pop_back();
      continue;
    }
    const json* child = &*top.it;
    ++top.it;
    ++top.index;
    push(child);
  }
  return std::nullopt;
}

}  // namespace ktk::apiserver::crd::detail
