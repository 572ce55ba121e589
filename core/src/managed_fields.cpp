// metadata.managedFields: entries decoded into field sets and encoded back, and the
// JSON-level fast paths — the create-time field set built straight into FieldsV1,
// canonical-form checks, and in-place removal / insertion of paths.
#include "detail/managed_fields.hpp"

#include <algorithm>
#include <memory>
#include <tuple>

#include <nlohmann/json.hpp>

namespace ktk::core::detail {

const field_mask* field_mask::child(std::string_view name) const {
  for (const auto& [k, c] : children) {
    if (k == name) return &c;
  }
  return nullptr;
}

namespace {

// A node that is never a member itself.
field_mask stripped() {
  field_mask m;
  m.strip = true;
  return m;
}

field_mask build_mask(const std::vector<std::string>& reset_fields) {
  field_mask root = stripped();  // the root is never a member of a set
  for (const char* f : {"apiVersion", "kind"}) root.children.push_back({f, stripped()});
  field_mask meta = stripped();
  for (const char* f : {"name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                        "managedFields", "resourceVersion"}) {
    meta.children.push_back({f, stripped()});
  }
  root.children.push_back({"metadata", std::move(meta)});
  for (const auto& dotted : reset_fields) {
    field_mask* at = &root;
    std::size_t start = 0;
    for (;;) {
      auto dot = dotted.find('.', start);
      std::string name = dotted.substr(start, dot - start);
      auto it = std::find_if(at->children.begin(), at->children.end(), [&](const auto& c) { return c.first == name; });
      if (it == at->children.end()) {
        at->children.push_back({name, {}});
        it = std::prev(at->children.end());
      }
      at = &it->second;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    at->exclude = true;
  }
  return root;
}

// Fills `out` (an empty object) with the FieldsV1 of `v` as a newly added value;
// false when the node holds no member.
bool added_fields(const json& v, const shape& s, const field_mask* m, json& out) {
  if (v.is_object() && !s.atomic() && !v.empty()) {
    // Keys come in order, and "f:" keeps it: append at the end.
    auto& fields = out.get_ref<json::object_t&>();
    std::string key = "f:";
    for (auto it = v.begin(); it != v.end(); ++it) {
      const field_mask* cm = m != nullptr ? m->child(it.key()) : nullptr;
      if (cm != nullptr && cm->exclude) continue;
      json sub(json::value_t::object);
      if (!added_fields(*it, s.field(it.key()), cm, sub)) continue;
      key.resize(2);
      key += it.key();
      fields.emplace_hint(fields.end(), key, std::move(sub));
    }
  } else if (v.is_array() && s.ssa_list() != list_type::atomic && !v.empty()) {
    const shape elem = s.elem();
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string pe = item_path_element(v[i], s, i);
      if (auto dup = out.find(pe); dup != out.end()) {
        *dup = json::object();  // items sharing a key are owned as a whole
        continue;
      }
      json sub(json::value_t::object);
      added_fields(v[i], elem, nullptr, sub);
      out.emplace(std::move(pe), std::move(sub));
    }
  }
  const bool member = m == nullptr || !m->strip;
  if (out.empty()) return member;
  if (member) {
    auto& fields = out.get_ref<json::object_t&>();
    fields.emplace_hint(fields.begin(), ".", json(json::value_t::object));
  }
  return true;
}

bool valid_element_key(const std::string& k) {
  return k.size() >= 2 && k[1] == ':' && (k[0] == 'f' || k[0] == 'k' || k[0] == 'v' || k[0] == 'i');
}

bool is_empty_object(const json& v) { return v.is_object() && v.empty(); }

std::size_t child_count(const json& n) { return n.size() - (n.contains(".") ? 1 : 0); }

// Makes `n` (an object with children) a member or not, as its "." entry says.
void set_member(json& n, bool member) {
  auto& o = n.get_ref<json::object_t&>();
  auto dot = o.find(".");
  if (member && dot == o.end()) {
    o.emplace_hint(o.begin(), ".", json(json::value_t::object));
  } else if (!member && dot != o.end()) {
    o.erase(dot);
  }
}

auto sort_key(const json& e) {
  return std::make_tuple(entry_string(e, "operation"), entry_string(e, "time"), entry_string(e, "manager"),
                         entry_string(e, "apiVersion"), entry_string(e, "subresource"));
}

bool same_identity(const json& a, const json& b) {
  if (entry_string(a, "manager") != entry_string(b, "manager") ||
      entry_string(a, "operation") != entry_string(b, "operation") ||
      entry_string(a, "subresource") != entry_string(b, "subresource")) {
    return false;
  }
  return entry_string(a, "operation") == "Apply" || entry_string(a, "apiVersion") == entry_string(b, "apiVersion");
}

bool is_canonical_entry(const json& e) {
  if (!e.is_object()) return false;
  std::size_t required = 0;
  for (auto it = e.begin(); it != e.end(); ++it) {
    const std::string& k = it.key();
    if (k == "fieldsV1") {
      if (!is_canonical_fields_v1(*it)) return false;
      ++required;
      continue;
    }
    if (!it->is_string()) return false;
    const auto& v = it->get_ref<const std::string&>();
    if (k == "manager" || k == "operation" || k == "apiVersion") {
      ++required;
    } else if (k == "fieldsType") {
      if (v != "FieldsV1") return false;
      ++required;
    } else if (k == "time" || k == "subresource") {
      if (v.empty()) return false;
    } else {
      return false;
    }
  }
  return required == 5;
}

}  // namespace

std::string managed_entry::id() const {
  std::string out = "{\"manager\":" + json(manager).dump() + ",\"operation\":" + json(operation).dump();
  if (operation != "Apply" && !api_version.empty()) out += ",\"apiVersion\":" + json(api_version).dump();
  if (!subresource.empty()) out += ",\"subresource\":" + json(subresource).dump();
  return out + "}";
}

bool managed_entry::same_id(const managed_entry& o) const {
  return manager == o.manager && operation == o.operation && subresource == o.subresource &&
         (operation == "Apply" || api_version == o.api_version);
}

std::string managed_entry::printed() const {
  std::string s = json(manager).dump();
  if (!subresource.empty()) s += " with subresource " + json(subresource).dump();
  if (operation == "Update") s += " using " + api_version;
  return s;
}

std::optional<managed_entries> decode_managed_fields(const json* mf) {
  managed_entries out;
  if (mf == nullptr || mf->is_null()) return out;
  if (!mf->is_array()) return std::nullopt;
  for (const auto& e : *mf) {
    if (!e.is_object()) return std::nullopt;
    managed_entry x{std::string(entry_string(e, "manager")), std::string(entry_string(e, "operation")),
                    std::string(entry_string(e, "apiVersion")), std::string(entry_string(e, "subresource")),
                    std::string(entry_string(e, "time")), {}};
    if (auto f = e.find("fieldsV1"); f != e.end()) {
      auto set = field_set::from_fields_v1(*f);
      if (!set) return std::nullopt;
      x.fields = std::move(*set);
    }
    auto same = std::find_if(out.begin(), out.end(), [&](const managed_entry& o) { return o.same_id(x); });
    if (same != out.end()) {
      same->fields.insert_all(x.fields);
    } else {
      out.push_back(std::move(x));
    }
  }
  return out;
}

json encode_managed_fields(managed_entries es) {
  es.erase(std::remove_if(es.begin(), es.end(), [](const managed_entry& e) { return e.fields.empty(); }), es.end());
  std::sort(es.begin(), es.end(), [](const managed_entry& a, const managed_entry& b) {
    return std::tie(a.operation, a.time, a.manager, a.api_version, a.subresource) <
           std::tie(b.operation, b.time, b.manager, b.api_version, b.subresource);
  });
  json out = json::array();
  for (const auto& e : es) {
    json j = {{"manager", e.manager}, {"operation", e.operation}, {"apiVersion", e.api_version},
              {"fieldsType", "FieldsV1"}, {"fieldsV1", e.fields.to_fields_v1()}};
    if (!e.time.empty()) j["time"] = e.time;
    if (!e.subresource.empty()) j["subresource"] = e.subresource;
    out.push_back(std::move(j));
  }
  return out;
}

const field_mask& tracking_mask(const std::vector<std::string>& reset_fields) {
  thread_local std::vector<std::pair<std::vector<std::string>, std::unique_ptr<field_mask>>> cache;
  for (const auto& [key, mask] : cache) {
    if (key == reset_fields) return *mask;
  }
  if (cache.size() >= 16) cache.clear();
  cache.emplace_back(reset_fields, std::make_unique<field_mask>(build_mask(reset_fields)));
  return *cache.back().second;
}

json created_fields_v1(const json& obj, const shape& root, const field_mask& mask) {
  json out(json::value_t::object);
  if (!added_fields(obj, root, &mask, out)) return json();
  return out;
}

bool is_canonical_fields_v1(const json& v) {
  if (!v.is_object()) return false;
  if (v.empty()) return true;
  std::size_t children = 0;
  for (const auto& [k, c] : v.get_ref<const json::object_t&>()) {
    if (k.size() == 1 && k[0] == '.') {
      if (!is_empty_object(c)) return false;
      continue;
    }
    if (!valid_element_key(k) || !is_canonical_fields_v1(c)) return false;
    ++children;
  }
  return children > 0;  // a lone "." encodes as {}
}

bool is_canonical_managed_fields(const json& mf) {
  if (!mf.is_array()) return false;
  for (std::size_t i = 0; i < mf.size(); ++i) {
    if (!is_canonical_entry(mf[i])) return false;
    if (i > 0 && !(sort_key(mf[i - 1]) < sort_key(mf[i]))) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (same_identity(mf[i], mf[j])) return false;
    }
  }
  return true;
}

bool remove_members_v1(json& n, const field_set& set) {
  bool member = n.empty() || n.contains(".");
  for (const auto& [k, c] : set.children) {
    auto it = n.find(k);
    if (it == n.end()) continue;
    if (remove_members_v1(*it, c)) n.erase(it);
  }
  if (set.member) member = false;
  if (child_count(n) == 0) {
    if (!n.empty()) n = json(json::value_t::object);
    return !member;
  }
  set_member(n, member);
  return false;
}

void insert_v1(json& n, const field_set& set) {
  const bool existed = n.is_object();
  const bool member = set.member || (existed && (n.empty() || n.contains(".")));
  if (!existed) n = json(json::value_t::object);
  auto& o = n.get_ref<json::object_t&>();
  for (const auto& [k, c] : set.children) {
    if (c.empty()) continue;
    auto it = o.find(k);
    if (it == o.end()) it = o.emplace(k, json()).first;
    insert_v1(it->second, c);
  }
  if (child_count(n) == 0) {
    if (!n.empty()) n = json(json::value_t::object);
  } else {
    set_member(n, member);
  }
}

std::string_view entry_string(const json& entry, const char* key) {
  if (!entry.is_object()) return {};
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

void sort_managed_fields(json& mf) {
  std::sort(mf.begin(), mf.end(), [](const json& a, const json& b) { return sort_key(a) < sort_key(b); });
}

}  // namespace ktk::core::detail
