// create_json_patch — the RFC 6902 operations that turn one document into another,
// as an admission webhook answers with them (controller-runtime builds its patches
// with gomodules.xyz/jsonpatch the same way: members one by one, arrays by index).
//
// The operations apply in order: within an array the common prefix is diffed
// element-wise first, then surplus elements are removed from the end backwards (so
// every index is still valid when its operation runs), then new elements are added
// at their final index. Object members never shift, so their order does not matter.
#include "ktk/core/patch.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace ktk::core {
namespace {

// RFC 6901: "~" → "~0" first, then "/" → "~1".
std::string escape(const std::string& token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

json op(const char* kind, const std::string& path) { return json{{"op", kind}, {"path", path}}; }

json op(const char* kind, const std::string& path, const json& value) {
  return json{{"op", kind}, {"path", path}, {"value", value}};
}

void diff(const json& from, const json& to, const std::string& path, json& ops) {
  if (from == to) return;
  if (from.is_object() && to.is_object()) {
    for (auto f = from.begin(); f != from.end(); ++f) {
      if (!to.contains(f.key())) ops.push_back(op("remove", path + "/" + escape(f.key())));
    }
    for (auto t = to.begin(); t != to.end(); ++t) {
      auto f = from.find(t.key());
      if (f == from.end()) {
        ops.push_back(op("add", path + "/" + escape(t.key()), *t));
      } else {
        diff(*f, *t, path + "/" + escape(t.key()), ops);
      }
    }
    return;
  }
  if (from.is_array() && to.is_array()) {
    std::size_t common = std::min(from.size(), to.size());
    for (std::size_t i = 0; i < common; ++i) diff(from[i], to[i], path + "/" + std::to_string(i), ops);
    for (std::size_t i = from.size(); i > to.size(); --i) ops.push_back(op("remove", path + "/" + std::to_string(i - 1)));
    for (std::size_t i = from.size(); i < to.size(); ++i) ops.push_back(op("add", path + "/" + std::to_string(i), to[i]));
    return;
  }
  // Different types, or scalars that differ (numbers compare by value: 1 == 1.0).
  ops.push_back(op("replace", path, to));
}

}  // namespace

json create_json_patch(const json& from, const json& to) {
  json ops = json::array();
  diff(from, to, "", ops);
  return ops;
}

}  // namespace ktk::core
