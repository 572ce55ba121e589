#include "gc/context.hpp"

#include <nlohmann/json.hpp>

#include "ktk/core/rest_mapper.hpp"

namespace ktk::sim::detail {
namespace {

std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

std::string_view version_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
}

}  // namespace

const gc_kind* gc_context::watched(const core::owner_reference& ref) const {
  const auto group = group_of(ref.api_version);
  for (const auto& k : kinds) {
    if (k.kind.kind == ref.kind && k.kind.group == group) return &k;
  }
  return nullptr;
}

client::controller::request gc_context::request_for(const gc_kind& k, const core::object& obj) const {
  std::string name = k.token;
  name += '/';
  name += obj.name();
  return {std::string(obj.namespace_()), std::move(name)};
}

std::pair<const gc_kind*, core::object_key> gc_context::parse(const client::controller::request& r) const {
  auto slash = r.name.find('/');
  if (slash == std::string::npos) return {nullptr, {}};
  std::string_view token(r.name.data(), slash);
  for (const auto& k : kinds) {
    if (k.token == token) return {&k, {r.namespace_, r.name.substr(slash + 1)}};
  }
  return {nullptr, {}};
}

std::vector<gc_item> gc_context::dependents_of(std::string_view uid) const {
  std::vector<gc_item> out;
  for (const auto& k : kinds) {
    for (auto& o : k.informer->get_indexer().by_index(gc_owner_index, uid)) out.push_back({&k, std::move(o)});
  }
  return out;
}

core::object_ptr gc_context::cached_owner(const core::owner_reference& ref, std::string_view dependent_ns) const {
  const gc_kind* k = watched(ref);
  if (!k) return nullptr;
  std::string key;
  if (k->namespaced) {
    key = dependent_ns;
    key += '/';
  }
  key += ref.name;
  return k->informer->get_indexer().get_by_key(key);
}

bool gc_context::needs_attention(const core::object& obj, bool check_unwatched) const {
  if (!obj.deletion_timestamp().empty() &&
      (obj.has_finalizer(orphan_finalizer) || obj.has_finalizer(foreground_finalizer))) {
    return true;
  }
  if (obj.owner_references_json().empty()) return false;
  for (const auto& ref : obj.owner_references()) {
    if (!watched(ref)) {
      if (check_unwatched) return true;
      continue;
    }
    auto owner = cached_owner(ref, obj.namespace_());
    if (!owner || owner->uid() != ref.uid || waits_for_dependents(*owner)) return true;
  }
  return false;
}

core::result<std::pair<core::gvk, bool>> owner_kind(client::client& c, const core::owner_reference& ref) {
  const core::gvk k{std::string(group_of(ref.api_version)), std::string(version_of(ref.api_version)), ref.kind};
  const auto& m = c.mapper();
  if (auto info = m.by_kind(k)) return std::pair{k, info->namespaced};
  for (const auto& info : m.all()) {
    if (info->kind == k.kind && info->resource.group == k.group) {
      return std::pair{info->group_version_kind(), info->namespaced};
    }
  }
  return core::api_error::bad_request("garbage collector: cannot map owner kind " + k.str() + " of owner \"" +
                                      ref.name + "\": the server does not know it");
}

bool waits_for_dependents(const core::object& obj) {
  return !obj.deletion_timestamp().empty() && obj.has_finalizer(foreground_finalizer);
}

}  // namespace ktk::sim::detail
