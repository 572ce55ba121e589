// Field sets and value walks for server-side apply; semantics follow
// sigs.k8s.io/structured-merge-diff (fieldpath.Set, typed.ToFieldSet / Compare /
// Merge / RemoveItems) on JSON values described by a detail::shape.
#include "detail/field_set.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include "ktk/core/api_error.hpp"

namespace ktk::core::detail {

// ---- field_set -------------------------------------------------------------------

bool field_set::empty() const {
  if (member) return false;
  for (const auto& [k, c] : children) {
    if (!c.empty()) return false;
  }
  return true;
}

void field_set::insert(const field_path& p) {
  field_set* n = this;
  for (const auto& e : p) n = &n->children[e];
  n->member = true;
}

void field_set::insert_all(const field_set& other) {
  member = member || other.member;
  for (const auto& [k, c] : other.children) children[k].insert_all(c);
}

void field_set::remove_members(const field_set& other) {
  if (other.member) member = false;
  for (const auto& [k, c] : other.children) {
    auto it = children.find(k);
    if (it == children.end()) continue;
    it->second.remove_members(c);
    if (it->second.empty()) children.erase(it);
  }
}

field_set field_set::intersect(const field_set& other) const {
  field_set out;
  out.member = member && other.member;
  for (const auto& [k, c] : children) {
    auto it = other.children.find(k);
    if (it == other.children.end()) continue;
    field_set sub = c.intersect(it->second);
    if (!sub.empty()) out.children[k] = std::move(sub);
  }
  return out;
}

void field_set::exclude(const field_path& prefix) {
  if (prefix.empty()) {
    *this = {};
    return;
  }
  auto it = children.find(prefix.front());
  if (it == children.end()) return;
  it->second.exclude(field_path(prefix.begin() + 1, prefix.end()));
  if (it->second.empty()) children.erase(it);
}

field_set field_set::with_named_fields_as_members() const {
  field_set out;
  out.member = member;
  for (const auto& [k, c] : children) {
    field_set sub = c.with_named_fields_as_members();
    if (k.rfind("f:", 0) == 0 && !sub.empty()) sub.member = true;
    if (!sub.empty()) out.children[k] = std::move(sub);
  }
  return out;
}

void field_set::for_each(const std::function<void(const field_path&)>& fn) const {
  field_path path;
  std::function<void(const field_set&)> walk = [&](const field_set& s) {
    for (const auto& [k, c] : s.children) {
      if (!c.member) continue;
      path.push_back(k);
      fn(path);
      path.pop_back();
    }
    for (const auto& [k, c] : s.children) {
      path.push_back(k);
      walk(c);
      path.pop_back();
    }
  };
  walk(*this);
}

json field_set::to_fields_v1() const {
  json out = json::object();
  if (member && !children.empty()) out["."] = json::object();
  for (const auto& [k, c] : children) {
    if (!c.empty()) out[k] = c.to_fields_v1();
  }
  return out;
}

std::optional<field_set> field_set::from_fields_v1(const json& v) {
  if (!v.is_object()) return std::nullopt;
  field_set out;
  out.member = v.empty();
  for (const auto& [k, c] : v.items()) {
    if (k == ".") {
      out.member = true;
      continue;
    }
    if (k.size() < 2 || k[1] != ':' || std::string("fkvi").find(k[0]) == std::string::npos) return std::nullopt;
    auto sub = from_fields_v1(c);
    if (!sub) return std::nullopt;
    out.children[k] = std::move(*sub);
  }
  return out;
}

std::string path_string(const field_path& p) {
  std::string out;
  for (const auto& e : p) {
    std::string_view body = std::string_view(e).substr(2);
    switch (e[0]) {
      case 'f': out += "." + std::string(body); break;
      case 'i': out += "[" + std::string(body) + "]"; break;
      case 'v': out += "[=" + std::string(body) + "]"; break;
      default: {
        json key = json::parse(body, nullptr, false);
        std::string parts;
        if (key.is_object()) {
          for (const auto& [k, v] : key.items()) parts += (parts.empty() ? "" : ",") + k + "=" + v.dump();
        }
        out += "[" + parts + "]";
      }
    }
  }
  return out;
}

// ---- walks ----------------------------------------------------------------------

namespace {

// Appends the JSON text of a string / of v, as json::dump() writes it; plain ASCII
// strings and integers without building a temporary document.
void append_json(std::string& out, const std::string& str) {
  for (char c : str) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      out += json(str).dump();
      return;
    }
  }
  out += '"';
  out += str;
  out += '"';
}

void append_json(std::string& out, const json& v) {
  if (v.is_string()) {
    append_json(out, v.get_ref<const std::string&>());
  } else if (v.is_number_unsigned()) {
    out += std::to_string(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    out += std::to_string(v.get<std::int64_t>());
  } else {
    out += v.dump();
  }
}

// The path element of a list item; "i:<index>" when the item has no usable key and
// `strict` is off. Key objects are written with their keys sorted, as json::dump()
// writes an object.
std::string item_element(const json& item, const shape& list, std::size_t index, bool strict,
                         const field_path& path) {
  if (list.ssa_list() == list_type::set) {
    std::string out = "v:";
    append_json(out, item);
    return out;
  }
  if (list.ssa_list() == list_type::map && item.is_object()) {
    const auto& keys = list.ssa_keys();
    std::vector<std::pair<const std::string*, const json*>> parts;
    parts.reserve(keys.size());
    for (const auto& key : keys) {
      // Not a structured binding: clang 14 cannot capture one in the lambda below.
      const auto& k = key.first;
      const auto& def = key.second;
      if (std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return *p.first == k; })) continue;
      if (auto it = item.find(k); it != item.end()) {
        parts.emplace_back(&k, &*it);
      } else if (!def.is_null()) {
        parts.emplace_back(&k, &def);
      } else if (strict) {
        throw api_error(500, reason::unknown,
                        path_string(path) + ": element " + std::to_string(index) +
                            ": associative list with keys has an element that omits key field \"" + k +
                            "\" (and doesn't have default value)");
      } else {
        return "i:" + std::to_string(index);
      }
    }
    std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
    std::string out = "k:{";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += ',';
      append_json(out, *parts[i].first);
      out += ':';
      append_json(out, *parts[i].second);
    }
    out += '}';
    return out;
  }
  if (strict && list.ssa_list() == list_type::map) {
    throw api_error(500, reason::unknown,
                    path_string(path) + ": element " + std::to_string(index) + ": expected map, got " + item.dump());
  }
  return "i:" + std::to_string(index);
}


void collect(const json& v, const shape& s, field_path& path, field_set& out) {
  if (v.is_object() && !s.atomic() && !v.empty()) {
    for (const auto& [k, c] : v.items()) {
      path.push_back("f:" + k);
      collect(c, s.field(k), path, out);
      path.pop_back();
    }
    return;
  }
  if (v.is_array() && s.ssa_list() != list_type::atomic) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      path.push_back(item_element(v[i], s, i, true, path));
      out.insert(path);
      if (seen.insert(path.back()).second && s.ssa_list() == list_type::map) collect(v[i], s.elem(), path, out);
      path.pop_back();
    }
    return;
  }
  if (!path.empty()) out.insert(path);
}


json merge_lists(const json& live, const json& config, const shape& s) {
  auto li = index_items(&live, s);
  auto ri = index_items(&config, s);
  std::vector<std::string> shared;
  for (const auto& pe : ri.order) {
    if (li.items.count(pe)) shared.push_back(pe);
  }
  std::size_t next_shared = 0;
  auto shared_is = [&](const std::string& pe) { return next_shared < shared.size() && shared[next_shared] == pe; };
  std::set<std::string> emitted;
  json out = json::array();
  auto emit = [&](const std::string& pe) {
    emitted.insert(pe);
    auto l = li.items.find(pe);
    const json* lv = l == li.items.end() ? nullptr : l->second.front();
    json m = merge_values(lv != nullptr ? *lv : json(), *ri.items[pe].front(), s.elem());
    if (!m.is_null()) out.push_back(std::move(m));
  };
  std::size_t a = 0, b = 0;
  while (a < li.order.size() || b < ri.order.size()) {
    if (a < li.order.size() && b < ri.order.size()) {
      const auto& pe = li.order[a];
      if (pe == ri.order[b]) {
        emit(pe);
        ++a;
        ++b;
        ++next_shared;
        continue;
      }
      if (ri.items.count(pe) && next_shared < shared.size() && !shared_is(pe)) {
        ++a;
        continue;
      }
    }
    if (a < li.order.size()) {
      const auto& pe = li.order[a];
      if (!ri.items.count(pe)) {
        for (const json* v : li.items[pe]) out.push_back(*v);
        ++a;
        continue;
      }
      if (emitted.count(pe)) ++a;
    }
    if (b < ri.order.size()) {
      const auto pe = ri.order[b];
      emit(pe);
      ++b;
      if (shared_is(pe)) ++next_shared;
    }
  }
  return out;
}

}  // namespace

indexed_items index_items(const json* list, const shape& s) {
  indexed_items out;
  if (list == nullptr) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto pe = item_element((*list)[i], s, i, false, {});
    auto& slot = out.items[pe];
    if (slot.empty()) out.order.push_back(pe);
    slot.push_back(&(*list)[i]);
  }
  return out;
}

std::string item_path_element(const json& item, const shape& list, std::size_t index) {
  return item_element(item, list, index, false, {});
}

field_set fields_of_value(const json& v, const shape& s) {
  field_set out;
  field_path path;
  collect(v, s, path, out);
  return out;
}

json merge_values(const json& live, const json& config, const shape& s) {
  if (config.is_null()) return config;
  if (live.is_object() && config.is_object() && !s.atomic()) {
    json out = live;
    for (const auto& [k, v] : config.items()) {
      auto it = out.find(k);
      json m = merge_values(it == out.end() ? json() : *it, v, s.field(k));
      if (m.is_null()) {
        out.erase(k);
      } else {
        out[k] = std::move(m);
      }
    }
    return out;
  }
  if (live.is_array() && config.is_array() && s.ssa_list() != list_type::atomic) return merge_lists(live, config, s);
  return config;
}

void remove_fields(json& v, const field_set& set, const shape& s) {
  if (v.is_object()) {
    for (const auto& [k, c] : set.children) {
      if (k.rfind("f:", 0) != 0) continue;
      auto it = v.find(k.substr(2));
      if (it == v.end()) continue;
      if (c.member) {
        v.erase(it);
      } else {
        remove_fields(*it, c, s.field(k.substr(2)));
      }
    }
  } else if (v.is_array() && s.ssa_list() != list_type::atomic) {
    json out = json::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto c = set.children.find(item_element(v[i], s, i, false, {}));
      if (c == set.children.end()) {
        out.push_back(std::move(v[i]));
      } else if (!c->second.member) {
        remove_fields(v[i], c->second, s.elem());
        out.push_back(std::move(v[i]));
      }
    }
    v = std::move(out);
  }
}

}  // namespace ktk::core::detail
