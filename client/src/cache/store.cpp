// store.cpp — object keys.
#include "ktk/client/cache/store.hpp"

#include <nlohmann/json.hpp>

namespace ktk::client::cache {

namespace {

std::string_view string_at(const core::json& m, std::string_view key) {
  auto it = m.find(key);
  return it != m.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view();
}

}  // namespace

std::string meta_namespace_key(const core::object& o) {
  // One metadata lookup for both fields: this runs once per event.
  const auto& m = o.metadata();
  auto ns = string_at(m, "namespace");
  auto name = string_at(m, "name");
  if (ns.empty()) return std::string(name);
  std::string k;
  k.reserve(ns.size() + 1 + name.size());
  k.append(ns).append("/").append(name);
  return k;
}

core::object_key split_meta_namespace_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

}  // namespace ktk::client::cache
