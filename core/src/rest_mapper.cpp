#include "ktk/core/rest_mapper.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include "ktk/core/strings.hpp"

namespace ktk::core {
namespace {

bool names(const resource_info& r, std::string_view n) {
  if (r.resource.resource == n || r.singular == n || ascii_lower(r.kind) == ascii_lower(n)) return true;
  return std::find(r.short_names.begin(), r.short_names.end(), n) != r.short_names.end();
}

}  // namespace

bool resource_info::has_subresource(std::string_view s) const {
  return std::find(subresources.begin(), subresources.end(), s) != subresources.end();
}

bool resource_info::has_verb(std::string_view v) const {
  return std::find(verbs.begin(), verbs.end(), v) != verbs.end();
}

rest_mapper rest_mapper::with_builtins() {
  rest_mapper m;
  for (const auto& r : builtin_resources()) m.add(r);
  return m;
}

rest_mapper::rest_mapper(const rest_mapper& o) {
  std::shared_lock lock(o.mu_);
  items_ = o.items_;
}

rest_mapper& rest_mapper::operator=(const rest_mapper& o) {
  if (this == &o) return *this;
  std::vector<resource_info_ptr> copy;
  {
    std::shared_lock lock(o.mu_);
    copy = o.items_;
  }
  std::unique_lock lock(mu_);
  items_ = std::move(copy);
  return *this;
}

void rest_mapper::add(resource_info info) {
  auto p = std::make_shared<const resource_info>(std::move(info));
  std::unique_lock lock(mu_);
  for (auto& it : items_) {
    if (it->resource == p->resource) {
      it = std::move(p);
      return;
    }
  }
  items_.push_back(std::move(p));
}

bool rest_mapper::remove(const gvr& r) {
  std::unique_lock lock(mu_);
  auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& i) { return i->resource == r; });
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}

resource_info_ptr rest_mapper::by_resource(const gvr& r) const {
  std::shared_lock lock(mu_);
  for (const auto& i : items_) {
    if (i->resource == r) return i;
  }
  return nullptr;
}

resource_info_ptr rest_mapper::by_kind(const gvk& k) const {
  std::shared_lock lock(mu_);
  for (const auto& i : items_) {
    if (i->kind == k.kind && i->resource.group == k.group && i->resource.version == k.version) return i;
  }
  return nullptr;
}

// "name", "name.group" or "name.version.group", where name is a plural, singular,
// kind or short name. The first match in insertion order wins, so the version added
// first for a group is preferred.
resource_info_ptr rest_mapper::resolve(std::string_view arg) const {
  std::string s = ascii_lower(arg);
  std::string_view name = s, rest;
  if (auto dot = s.find('.'); dot != std::string::npos) {
    name = std::string_view(s).substr(0, dot);
    rest = std::string_view(s).substr(dot + 1);
  }
  std::shared_lock lock(mu_);
  auto find = [&](auto pred) -> resource_info_ptr {
    for (const auto& i : items_) {
      if (pred(*i)) return i;
    }
    return nullptr;
  };
  if (rest.empty()) {
    // Core group first, as kubectl prefers "pods" in "" over any other group's "pods".
    if (auto p = find([&](const resource_info& r) { return r.resource.group.empty() && names(r, name); })) return p;
    return find([&](const resource_info& r) { return names(r, name); });
  }
  if (auto p = find([&](const resource_info& r) { return r.resource.group == rest && names(r, name); })) return p;
  // name.version.group
  if (auto dot = rest.find('.'); dot != std::string_view::npos) {
    auto version = rest.substr(0, dot);
    auto group = rest.substr(dot + 1);
    return find([&](const resource_info& r) {
      return r.resource.group == group && r.resource.version == version && names(r, name);
    });
  }
  return nullptr;
}

std::vector<resource_info_ptr> rest_mapper::by_category(std::string_view category) const {
  std::vector<resource_info_ptr> out;
  std::shared_lock lock(mu_);
  for (const auto& i : items_) {
    if (std::find(i->categories.begin(), i->categories.end(), category) != i->categories.end()) out.push_back(i);
  }
  return out;
}

std::vector<resource_info_ptr> rest_mapper::all() const {
  std::shared_lock lock(mu_);
  return items_;
}

std::vector<resource_info_ptr> rest_mapper::in_group_version(const group_version& gv) const {
  std::vector<resource_info_ptr> out;
  std::shared_lock lock(mu_);
  for (const auto& i : items_) {
    if (i->resource.group == gv.group && i->resource.version == gv.version) out.push_back(i);
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> rest_mapper::groups() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::shared_lock lock(mu_);
  for (const auto& i : items_) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == i->resource.group; });
    if (it == out.end()) {
      out.push_back({i->resource.group, {i->resource.version}});
    } else if (std::find(it->second.begin(), it->second.end(), i->resource.version) == it->second.end()) {
      it->second.push_back(i->resource.version);
    }
  }
  return out;
}

}  // namespace ktk::core
