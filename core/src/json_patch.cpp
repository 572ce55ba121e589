// JSON patch, RFC 6902, with the behaviour of the library kube-apiserver uses
// (gopkg.in/evanphx/json-patch.v4):
//  - a document that is not an array of objects is 400 BadRequest with Go's decode
//    error; more than 10000 operations is 413;
//  - any operation that does not apply (missing path, index out of range, failed
//    test, unknown op) fails the whole patch with 422 Invalid and the generic message
//    "the server rejected our request due to an error in our request" — the apiserver
//    wraps the library's error in NewGenericServerResponse(422), which drops its text;
//  - negative array indices count from the end (v4's SupportNegativeIndices);
//  - `replace` of a missing object member adds it, and `add`/`replace` without a
//    `value` store null, as v4 does.
#include "ktk/core/patch.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/go_json.hpp"

namespace ktk::core {
namespace {

constexpr std::size_t max_operations = 10000;

api_error does_not_apply() {
  return api_error(422, reason::invalid, "the server rejected our request due to an error in our request");
}

// "~1" → "/", "~0" → "~" (RFC 6901; ~1 first, as json-patch decodes).
std::string unescape(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::optional<long> parse_index(const std::string& key) {
  long v = 0;
  const char* first = key.data();
  const char* last = key.data() + key.size();
  if (key.empty()) return std::nullopt;
  if (*first == '+') ++first;  // Go's strconv.Atoi accepts a sign
  auto [p, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || p != last) return std::nullopt;
  return v;
}

// The container that holds the last token of `path`, and that token; nullopt when a
// parent is missing or not a container.
struct location {
  json* parent;
  std::string key;
};

std::optional<location> find(json& doc, const std::string& path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> tokens;
  std::size_t start = 1;
  for (;;) {
    auto slash = path.find('/', start);
    tokens.push_back(unescape(std::string_view(path).substr(start, slash - start)));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  json* cur = &doc;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    json* next = nullptr;
    if (cur->is_object()) {
      auto it = cur->find(tokens[i]);
      if (it != cur->end()) next = &*it;
    } else if (cur->is_array()) {
      auto idx = parse_index(tokens[i]);
      if (!idx) return std::nullopt;
      long n = static_cast<long>(cur->size());
      long k = *idx < 0 ? *idx + n : *idx;
      if (k >= 0 && k < n) next = &(*cur)[static_cast<std::size_t>(k)];
    }
    if (next == nullptr || !(next->is_object() || next->is_array())) return std::nullopt;
    cur = next;
  }
  return location{cur, tokens.back()};
}

// Element index for get/replace/remove: in [-n, n).
std::optional<std::size_t> existing_index(const json& arr, const std::string& key) {
  auto idx = parse_index(key);
  if (!idx) return std::nullopt;
  long n = static_cast<long>(arr.size());
  long k = *idx < 0 ? *idx + n : *idx;
  if (k < 0 || k >= n) return std::nullopt;
  return static_cast<std::size_t>(k);
}

// The value at a location; for objects a missing member reads as "absent" (nullptr)
// without failing, as v4's partialDoc.get does. Fails (false) for bad array indices.
bool get(const location& l, const json*& out) {
  out = nullptr;
  if (l.parent->is_object()) {
    auto it = l.parent->find(l.key);
    if (it != l.parent->end()) out = &*it;
    return true;
  }
  auto i = existing_index(*l.parent, l.key);
  if (!i) return false;
  out = &(*l.parent)[*i];
  return true;
}

bool add(const location& l, json value) {
  if (l.parent->is_object()) {
    (*l.parent)[l.key] = std::move(value);
    return true;
  }
  auto& arr = *l.parent;
  if (l.key == "-") {
    arr.push_back(std::move(value));
    return true;
  }
  auto idx = parse_index(l.key);
  if (!idx) return false;
  long n = static_cast<long>(arr.size()) + 1;
  long k = *idx;
  if (k >= n || k < -n) return false;
  if (k < 0) k += n;
  arr.insert(arr.begin() + k, std::move(value));
  return true;
}

bool remove(const location& l) {
  if (l.parent->is_object()) return l.parent->erase(l.key) == 1;
  auto i = existing_index(*l.parent, l.key);
  if (!i) return false;
  l.parent->erase(*i);
  return true;
}

std::optional<std::string> string_member(const json& op, const char* name) {
  auto it = op.find(name);
  if (it == op.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

json value_of(const json& op) { return op.value("value", json()); }

bool apply_one(json& doc, const json& op) {
  auto kind = string_member(op, "op");
  auto path = string_member(op, "path");
  if (!kind || !path) return false;
  if (*kind == "test") {
    if (path->empty()) return doc == value_of(op);
    auto l = find(doc, *path);
    const json* v = nullptr;
    if (!l || !get(*l, v)) return false;
    if (v == nullptr || v->is_null()) return value_of(op).is_null();
    return *v == value_of(op);
  }
  if (*kind == "replace" && path->empty()) {
    json v = value_of(op);
    if (!v.is_object() && !v.is_array()) return false;
    doc = std::move(v);
    return true;
  }
  if (*kind == "add" || *kind == "replace") {
    auto l = find(doc, *path);
    if (!l) return false;
    if (*kind == "add") return add(*l, value_of(op));
    const json* cur = nullptr;
    if (!get(*l, cur)) return false;
    if (l->parent->is_object()) {
      (*l->parent)[l->key] = value_of(op);
    } else {
      (*l->parent)[*existing_index(*l->parent, l->key)] = value_of(op);
    }
    return true;
  }
  if (*kind == "remove") {
    auto l = find(doc, *path);
    return l && remove(*l);
  }
  if (*kind == "move" || *kind == "copy") {
    auto from = string_member(op, "from");
    if (!from) return false;
    auto src = find(doc, *from);
    const json* v = nullptr;
    if (!src || !get(*src, v) || v == nullptr) return false;
    json value = *v;
    if (*kind == "move" && !remove(*src)) return false;
    auto dst = find(doc, *path);
    return dst && add(*dst, std::move(value));
  }
  return false;  // "Unexpected kind"
}

}  // namespace

result<json> apply_json_patch(json target, const json& operations) {
  if (operations.is_null()) return target;  // decodes to an empty patch
  if (!operations.is_array()) {
    return api_error::bad_request("json: cannot unmarshal " + std::string(go_json_kind(operations)) +
                                  " into Go value of type jsonpatch.Patch");
  }
  for (const auto& op : operations) {
    if (!op.is_object() && !op.is_null()) {
      return api_error::bad_request("json: cannot unmarshal " + std::string(go_json_kind(op)) +
                                    " into Go value of type jsonpatch.Operation");
    }
  }
  if (operations.size() > max_operations) {
    return api_error::request_entity_too_large("The allowed maximum operations in a JSON patch is " +
                                               std::to_string(max_operations) + ", got " +
                                               std::to_string(operations.size()));
  }
  for (const auto& op : operations) {
    if (op.is_null() || !apply_one(target, op)) return does_not_apply();
  }
  return target;
}

}  // namespace ktk::core
