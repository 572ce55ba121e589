// Strategic merge patch for built-in kinds, following
// k8s.io/apimachinery/pkg/util/strategicpatch (mergeMap with MergeParallelList and
// IgnoreUnmatchedNulls, as the apiserver calls it). Merge keys come from the shared
// table in detail/patch_schema.hpp. Status codes follow the apiserver's
// interpretStrategicMergePatchError: malformed directives are 400, lists of lists 422,
// everything else the library reports is a 500 whose message is its error text.
// Directive keys left in values the patch adds are dropped, as decoding into the Go
// types does.
#include "ktk/core/patch.hpp"

#include <algorithm>
#include <climits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/patch_schema.hpp"

namespace ktk::core {
namespace {

using detail::go_format;
using detail::shape;

constexpr std::string_view directive = "$patch";
constexpr std::string_view retain_keys = "$retainKeys";
constexpr std::string_view delete_prefix = "$deleteFromPrimitiveList";
constexpr std::string_view order_prefix = "$setElementOrder";

// Errors travel as exceptions inside this file and become values at the boundary.
[[noreturn]] void fail_400(const std::string& m) { throw api_error::bad_request(m); }
[[noreturn]] void fail_422() {
  throw api_error(422, reason::invalid, "the server rejected our request due to an error in our request");
}
[[noreturn]] void fail_500(const std::string& m) { throw api_error(500, reason::unknown, m); }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Go's dynamic type of a decoded value (numbers keep ints apart, as the apiserver
// decodes with PreserveInts).
std::string go_type(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "<nil>";
    case json::value_t::object: return "map[string]interface {}";
    case json::value_t::array: return "[]interface {}";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    case json::value_t::number_float: return "float64";
    default: return "int64";
  }
}

[[noreturn]] void bad_arg(const char* expected, const json& actual) {
  fail_500(std::string("expected a ") + expected + ", but received a " + go_type(actual));
}
[[noreturn]] void no_merge_key(const json& m, const std::string& key) {
  fail_500("map: " + go_format(m) + " does not contain declared merge key: " + key);
}

// "$prefix/key" → "key".
std::string extract_key(const std::string& s, std::string_view prefix, const char* error) {
  auto slash = s.find('/');
  if (slash == std::string::npos || std::string_view(s).substr(0, slash) != prefix) fail_400(error);
  return s.substr(slash + 1);
}

bool is_directive_key(const std::string& k) {
  return k == directive || k == retain_keys || starts_with(k, std::string(delete_prefix) + "/") ||
         starts_with(k, std::string(order_prefix) + "/");
}

// removeDirectives: maps carrying $patch vanish; other directive keys are dropped.
std::optional<json> strip(json v) {
  if (v.is_object()) {
    if (v.contains(directive)) return std::nullopt;
    for (auto it = v.begin(); it != v.end();) {
      auto s = is_directive_key(it.key()) ? std::nullopt : strip(std::move(*it));
      if (s) {
        *it = std::move(*s);
        ++it;
      } else {
        it = v.erase(it);
      }
    }
  } else if (v.is_array()) {
    json out = json::array();
    for (auto& e : v) {
      if (auto s = strip(std::move(e))) out.push_back(std::move(*s));
    }
    return out;
  }
  return v;
}

void discard_nulls(json& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
      } else {
        discard_nulls(*it);
        ++it;
      }
    }
  } else if (v.is_array()) {
    for (auto& e : v) discard_nulls(e);
  }
}

// sliceElementType: every element of every list has one Go type; true for maps.
bool elements_are_maps(std::initializer_list<const json*> lists) {
  std::optional<std::string> t;
  for (const json* l : lists) {
    for (const auto& e : *l) {
      if (!t) {
        t = go_type(e);
        if (e.is_array()) fail_422();  // lists of lists are not supported
      } else if (*t != go_type(e)) {
        json all = json::array();
        for (const json* x : lists) all.push_back(*x);
        fail_500("list element types are not identical: " + go_format(all));
      }
    }
  }
  if (!t) fail_500("no elements in any of the given slices");
  return *t == "map[string]interface {}";
}

const json* key_of(const json& item, const std::string& key) {
  if (!item.is_object()) return nullptr;
  auto it = item.find(key);
  return it == item.end() ? nullptr : &*it;
}

// Position of `v` in `l` (by merge key for maps), or -1.
long index_in(const json& l, const json& v, const std::string& key, bool maps) {
  static const json null_value;
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (!maps) {
      if (l[i] == v) return static_cast<long>(i);
      continue;
    }
    const json* a = key_of(v, key);
    const json* b = key_of(l[i], key);
    if ((a ? *a : null_value) == (b ? *b : null_value)) return static_cast<long>(i);
  }
  return -1;
}

void require_merge_key(const json& list, const std::string& key) {
  for (const auto& e : list) {
    if (!e.is_object()) bad_arg("map[string]interface {}", e);
    if (!e.contains(key)) no_merge_key(e, key);
  }
}

// normalizeSliceOrder: sort by `order`; maps marked `$patch: delete` go last.
json sort_by(json to_sort, const json& order, const std::string& key, bool maps) {
  json deleted = json::array();
  if (maps) {
    require_merge_key(to_sort, key);
    require_merge_key(order, key);
    json keep = json::array();
    for (auto& e : to_sort) (e.value(directive, json()) == "delete" ? deleted : keep).push_back(std::move(e));
    to_sort = std::move(keep);
  }
  std::vector<std::pair<long, json>> tagged;
  for (auto& e : to_sort) {
    long i = index_in(order, e, key, maps);
    tagged.emplace_back(i < 0 ? LONG_MAX : i, std::move(e));
  }
  std::stable_sort(tagged.begin(), tagged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (auto& [i, e] : tagged) out.push_back(std::move(e));
  for (auto& e : deleted) out.push_back(std::move(e));
  return out;
}

// normalizeElementOrder + mergeSortedSlice: patch items keep the patch's order,
// server-only items the live order, interleaved by the live order where both are known.
json order_elements(json patch_items, json server_only, const json& patch_order, const json& server_order,
                    const std::string& key, bool maps) {
  json right = sort_by(std::move(patch_items), patch_order, key, maps);
  json left = sort_by(std::move(server_only), server_order, key, maps);
  json out = json::array();
  std::size_t i = 0, j = 0;
  while (i < left.size() || j < right.size()) {
    if (i >= left.size()) {
      out.push_back(std::move(right[j++]));
    } else if (j >= right.size()) {
      out.push_back(std::move(left[i++]));
    } else {
      long li = index_in(server_order, left[i], key, maps);
      long ri = index_in(server_order, right[j], key, maps);
      if (li >= 0 && ri >= 0 && li < ri) {
        out.push_back(std::move(left[i++]));
      } else {
        out.push_back(std::move(right[j++]));
      }
    }
  }
  return out;
}

// Splits `merged` into the items present in `by` and the others.
std::pair<json, json> partition(const json& merged, const json& by, const std::string& key, bool maps) {
  json in = json::array(), out = json::array();
  for (const auto& e : merged) {
    if (maps) {
      if (!e.is_object()) bad_arg("map[string]interface {}", e);
      if (!e.contains(key)) no_merge_key(e, key);
    }
    (index_in(by, e, key, maps) >= 0 ? in : out).push_back(e);
  }
  return {std::move(in), std::move(out)};
}

json merge_map(json original, json patch, const shape& s);

json merge_list(json original, json patch, const shape& field, bool delete_list) {
  if (original.empty() && patch.empty()) return original;
  const std::string& key = field.smp_key();
  bool maps = elements_are_maps({&original, &patch});
  json merged;
  if (!maps) {
    if (delete_list) {
      json out = json::array();
      for (auto& e : original) {
        if (std::find(patch.begin(), patch.end(), e) == patch.end()) out.push_back(std::move(e));
      }
      return out;
    }
    merged = json::array();
    for (const json* l : {&original, &patch}) {
      for (const auto& e : *l) {
        if (std::find(merged.begin(), merged.end(), e) == merged.end()) merged.push_back(e);
      }
    }
  } else {
    if (key.empty()) fail_500("cannot merge lists without merge key");
    // $patch elements: delete by key, or replace the whole list.
    json plain = json::array();
    bool replace = false;
    for (auto& e : patch) {
      auto d = e.find(directive);
      if (d == e.end()) {
        plain.push_back(std::move(e));
      } else if (*d == "delete") {
        const json* k = key_of(e, key);
        if (k == nullptr) no_merge_key(e, key);
        json kept = json::array();
        for (auto& o : original) {
          if (!o.is_object()) fail_500("value for key is not a map");
          const json* ok = key_of(o, key);
          if (ok == nullptr || *ok != *k) kept.push_back(std::move(o));
        }
        original = std::move(kept);
      } else if (*d == "replace") {
        replace = true;
      } else if (*d == "merge") {
        fail_500("merging lists cannot yet be specified in the patch");
      } else {
        fail_500("unknown patch type: " + go_format(*d) + " in map: " + go_format(e));
      }
    }
    if (replace) {
      original = std::move(plain);
      plain = json::array();
    }
    patch = plain;
    merged = original;
    for (auto& e : plain) {
      const json* k = key_of(e, key);
      if (k == nullptr) no_merge_key(e, key);
      long at = -1;
      for (std::size_t i = 0; i < merged.size(); ++i) {
        if (!merged[i].is_object()) fail_500("value for key " + std::to_string(i) + " is not a map");
        const json* mk = key_of(merged[i], key);
        if (mk != nullptr && *mk == *k) {
          at = static_cast<long>(i);
          break;
        }
      }
      if (at >= 0) {
        merged[static_cast<std::size_t>(at)] = merge_map(std::move(merged[static_cast<std::size_t>(at)]),
                                                         std::move(e), field.elem());
      } else if (auto st = strip(std::move(e))) {
        merged.push_back(std::move(*st));
      }
    }
  }
  auto [in_patch, server_only] = partition(merged, patch, key, maps);
  return order_elements(std::move(in_patch), std::move(server_only), patch, original, key, maps);
}

void apply_retain_keys(json& original, json& patch) {
  auto it = patch.find(retain_keys);
  if (it == patch.end()) return;
  json keys = std::move(*it);
  patch.erase(it);
  if (!keys.is_array()) fail_400("invalid patch format of retainKeys");
  auto listed = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), json(k)) != keys.end(); };
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null() || starts_with(k, delete_prefix) || starts_with(k, order_prefix)) continue;
    if (!listed(k)) fail_400("invalid patch format of retainKeys");
  }
  for (auto o = original.begin(); o != original.end();) o = listed(o.key()) ? std::next(o) : original.erase(o);
}

// $setElementOrder/<field>: merges that list now and orders it as told.
void apply_element_orders(json& original, json& patch, const shape& s) {
  std::vector<std::string> order_keys;
  for (const auto& [k, v] : patch.items()) {
    if (starts_with(k, order_prefix)) order_keys.push_back(k);
  }
  for (const auto& ok : order_keys) {
    json order = std::move(patch[ok]);
    patch.erase(ok);
    if (!order.is_array()) bad_arg("[]interface {}", order);
    std::string key = extract_key(ok, order_prefix, "invalid patch format of setElementOrder list");
    auto o = original.find(key);
    auto p = patch.find(key);
    bool has_o = o != original.end(), has_p = p != patch.end();
    if (has_o && !o->is_array()) bad_arg("[]interface {}", *o);
    if (has_p && !p->is_array()) bad_arg("[]interface {}", *p);
    const shape field = s.field(key);
    const std::string& mkey = field.smp_key();
    json orig_list = has_o ? *o : json::array();
    json patch_list = has_p ? *p : json::array();
    // validatePatchWithSetOrderList: patch items (deletions aside) appear in the order list, in its order.
    if (!order.empty() && !patch_list.empty()) {
      std::size_t pi = 0, oi = 0;
      std::vector<const json*> items;
      for (const auto& e : patch_list) {
        if (mkey.empty() || e.value(directive, json()) != "delete") items.push_back(&e);
      }
      while (pi < items.size() && oi < order.size()) {
        if (items[pi]->is_object() && items[pi]->contains(directive)) {
          ++pi;
          continue;
        }
        bool equal = mkey.empty() ? *items[pi] == order[oi] : [&] {
          if (!items[pi]->is_object()) bad_arg("map[string]interface {}", *items[pi]);
          if (!order[oi].is_object()) bad_arg("map[string]interface {}", order[oi]);
          const json* a = key_of(*items[pi], mkey);
          const json* b = key_of(order[oi], mkey);
          if (a == nullptr) no_merge_key(*items[pi], mkey);
          if (b == nullptr) no_merge_key(order[oi], mkey);
          return *a == *b;
        }();
        if (equal) ++pi;
        ++oi;
      }
      if (pi < items.size()) {
        fail_500("The order in patch list:\n" + go_format(patch_list) + "\n doesn't match " +
                 std::string(order_prefix) + " list:\n" + go_format(order) + "\n");
      }
    }
    if (!has_o && !has_p) continue;
    json merged;
    if (has_o && has_p) {
      merged = field.smp_merge_list() ? merge_list(orig_list, patch_list, field, false) : *strip(patch_list);
    } else if (has_p) {
      merged = *strip(patch_list);
    } else {
      merged = orig_list;
    }
    bool maps = elements_are_maps({&orig_list, &patch_list});
    auto [in_order, server_only] = partition(merged, order, mkey, maps);
    original[key] = order_elements(std::move(in_order), std::move(server_only), order, orig_list, mkey, maps);
    patch.erase(key);
  }
}

json merge_map(json original, json patch, const shape& s) {
  if (auto d = patch.find(directive); d != patch.end()) {
    if (*d == "replace") {
      patch.erase(d);
      return *strip(std::move(patch));
    }
    if (*d == "delete") return json::object();
    fail_500("unknown patch type: " + go_format(*d) + " in map: " + go_format(patch));
  }
  if (!original.is_object()) original = json::object();
  apply_retain_keys(original, patch);
  apply_element_orders(original, patch, s);
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    std::string k = it.key();
    json& value = it.value();
    bool delete_list = false;
    if (starts_with(k, delete_prefix)) {
      k = extract_key(k, delete_prefix, "invalid patch format of primitive list");
      delete_list = true;
    }
    if (value.is_null()) {
      original.erase(k);
      continue;
    }
    auto o = original.find(k);
    if (o == original.end() || go_type(*o) != go_type(value)) {
      if (delete_list) continue;
      discard_nulls(value);
      if (auto st = strip(std::move(value))) {
        original[k] = std::move(*st);
      } else {
        original.erase(k);
      }
      continue;
    }
    const shape field = s.field(k);
    if (o->is_object() && field.smp_replace()) {
      if (auto st = strip(std::move(value))) {
        *o = std::move(*st);
      } else {
        original.erase(o);
      }
    } else if (o->is_object()) {
      *o = merge_map(std::move(*o), std::move(value), field);
    } else if (o->is_array()) {
      *o = field.smp_merge_list() || delete_list ? merge_list(std::move(*o), std::move(value), field, delete_list)
                                                 : *strip(std::move(value));
    } else {
      *o = std::move(value);
    }
  }
  return original;
}

}  // namespace

bool supports_strategic_merge(const group_kind& gk) { return detail::is_builtin_group(gk.group); }

result<json> apply_strategic_merge_patch(const json& original, const json& patch, const group_kind& gk) {
  if (!supports_strategic_merge(gk)) {
    return api_error::unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  }
  if (patch.is_null()) return original;
  if (!patch.is_object()) {
    std::string kind = patch.is_array() ? "array" : patch.is_string() ? "string" : patch.is_boolean() ? "bool" : "number";
    return api_error::bad_request("json: cannot unmarshal " + kind +
                                  " into Go value of type map[string]interface {}");
  }
  try {
    return merge_map(original.is_object() ? original : json::object(), patch, shape::root(gk, nullptr));
  } catch (const api_error& e) {
    return e;
  }
}

}  // namespace ktk::core
