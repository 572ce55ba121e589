// indexer.cpp — the object map and its indexes. Index entries hold string_views of
// the keys stored in items_ (an unordered_map's nodes never move), so a key is
// allocated once however many indexes an object is in.
#include "ktk/client/cache/indexer.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace ktk::client::cache {

std::vector<std::string> meta_namespace_index_func(const core::object& o) { return {std::string(o.namespace_())}; }

struct indexer::index_data {
  std::string name;
  index_func fn;  // null for the namespace index, which is computed inline
  std::unordered_map<std::string, key_set, detail::string_hash, std::equal_to<>> entries;

  std::vector<std::string> values(const core::object& o) const { return fn ? fn(o) : meta_namespace_index_func(o); }

  void insert(std::string_view value, std::string_view key) {
    auto it = entries.find(value);
    if (it == entries.end()) it = entries.emplace(std::string(value), key_set{}).first;
    it->second.insert(key);
  }
  void erase(std::string_view value, std::string_view key) {
    auto it = entries.find(value);
    if (it == entries.end()) return;
    it->second.erase(key);
    if (it->second.empty()) entries.erase(it);
  }
};

indexer::indexer(indexers extra) {
  auto ns = std::make_unique<index_data>();
  ns->name = std::string(namespace_index);
  indexes_.push_back(std::move(ns));
  add_indexers(std::move(extra));
}

indexer::~indexer() = default;

namespace {

// The namespace part of a meta_namespace_key ("" for a cluster-scoped key): names
// cannot hold '/', so the key says it without a look into the object.
std::string_view namespace_of_key(std::string_view key) {
  auto slash = key.find('/');
  return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

}  // namespace

void indexer::index_add(std::string_view key, const core::object& obj) {
  indexes_[0]->insert(namespace_of_key(key), key);
  for (std::size_t i = 1; i < indexes_.size(); ++i) {
    for (const auto& v : indexes_[i]->values(obj)) indexes_[i]->insert(v, key);
  }
}

void indexer::index_remove(std::string_view key, const core::object& obj) {
  indexes_[0]->erase(namespace_of_key(key), key);
  for (std::size_t i = 1; i < indexes_.size(); ++i) {
    for (const auto& v : indexes_[i]->values(obj)) indexes_[i]->erase(v, key);
  }
}

void indexer::index_update(std::string_view key, const core::object& old_obj, const core::object& new_obj) {
  // Same key, same namespace: the namespace index has nothing to do.
  for (std::size_t i = 1; i < indexes_.size(); ++i) {
    auto& ix = *indexes_[i];
    auto before = ix.values(old_obj);
    auto after = ix.values(new_obj);
    if (before == after) continue;
    for (const auto& v : before) {
      if (std::find(after.begin(), after.end(), v) == after.end()) ix.erase(v, key);
    }
    for (const auto& v : after) ix.insert(v, key);
  }
}

core::object_ptr indexer::put(std::string key, core::object_ptr obj) {
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) {
    it = items_.emplace(std::move(key), std::move(obj)).first;
    index_add(it->first, *it->second);
    return nullptr;
  }
  index_update(it->first, *it->second, *obj);
  return std::exchange(it->second, std::move(obj));
}

core::object_ptr indexer::erase(std::string_view key) {
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  index_remove(it->first, *it->second);
  auto old = std::move(it->second);
  items_.erase(it);
  return old;
}

void indexer::add(core::object_ptr obj) {
  auto key = meta_namespace_key(*obj);
  put(std::move(key), std::move(obj));
}

void indexer::update(core::object_ptr obj) { add(std::move(obj)); }

void indexer::remove(core::object_ptr obj) { erase(meta_namespace_key(*obj)); }

void indexer::replace(std::vector<core::object_ptr> items, std::string resource_version) {
  std::vector<std::pair<std::string, core::object_ptr>> keyed;
  keyed.reserve(items.size());
  for (auto& o : items) {
    auto key = meta_namespace_key(*o);
    keyed.emplace_back(std::move(key), std::move(o));
  }
  replace_keyed(std::move(keyed), std::move(resource_version));
}

object_map indexer::replace_keyed(std::vector<std::pair<std::string, core::object_ptr>> items,
                                  std::string resource_version) {
  object_map fresh;
  fresh.reserve(items.size());
  for (auto& [k, o] : items) fresh.insert_or_assign(std::move(k), std::move(o));
  std::unique_lock lock(mu_);
  for (auto& ix : indexes_) ix->entries.clear();
  items_.swap(fresh);
  for (const auto& [k, o] : items_) index_add(k, *o);
  resource_version_ = std::move(resource_version);
  return fresh;
}

core::object_ptr indexer::get_by_key(std::string_view key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<core::object_ptr> indexer::list() const {
  std::shared_lock lock(mu_);
  std::vector<core::object_ptr> out;
  out.reserve(items_.size());
  for (const auto& [k, o] : items_) out.push_back(o);
  return out;
}

std::vector<std::string> indexer::list_keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [k, o] : items_) out.push_back(k);
  return out;
}

std::size_t indexer::size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

void indexer::for_each(const std::function<void(const std::string&, const core::object_ptr&)>& fn) const {
  std::shared_lock lock(mu_);
  for (const auto& [k, o] : items_) fn(k, o);
}

std::string indexer::resource_version() const {
  std::shared_lock lock(mu_);
  return resource_version_;
}

const indexer::index_data& indexer::find_index(std::string_view name) const {
  for (const auto& ix : indexes_) {
    if (ix->name == name) return *ix;
  }
  throw std::invalid_argument("ktk::client::cache::indexer: no index named \"" + std::string(name) + "\"");
}

std::vector<core::object_ptr> indexer::by_index(std::string_view name, std::string_view value) const {
  std::shared_lock lock(mu_);
  const auto& ix = find_index(name);
  std::vector<core::object_ptr> out;
  auto it = ix.entries.find(value);
  if (it == ix.entries.end()) return out;
  out.reserve(it->second.size());
  for (auto key : it->second) out.push_back(items_.find(key)->second);
  return out;
}

std::vector<std::string> indexer::index_keys(std::string_view name, std::string_view value) const {
  std::shared_lock lock(mu_);
  const auto& ix = find_index(name);
  std::vector<std::string> out;
  auto it = ix.entries.find(value);
  if (it == ix.entries.end()) return out;
  out.reserve(it->second.size());
  for (auto key : it->second) out.emplace_back(key);
  return out;
}

std::vector<std::string> indexer::list_index_func_values(std::string_view name) const {
  std::shared_lock lock(mu_);
  const auto& ix = find_index(name);
  std::vector<std::string> out;
  out.reserve(ix.entries.size());
  for (const auto& [v, keys] : ix.entries) out.push_back(v);
  return out;
}

std::vector<core::object_ptr> indexer::index(std::string_view name, const core::object& obj) const {
  std::shared_lock lock(mu_);
  const auto& ix = find_index(name);
  key_set seen;
  std::vector<core::object_ptr> out;
  for (const auto& v : ix.values(obj)) {
    auto it = ix.entries.find(v);
    if (it == ix.entries.end()) continue;
    for (auto key : it->second) {
      if (seen.insert(key).second) out.push_back(items_.find(key)->second);
    }
  }
  return out;
}

std::vector<std::string> indexer::index_names() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& ix : indexes_) out.push_back(ix->name);
  return out;
}

void indexer::add_indexers(indexers more) {
  std::unique_lock lock(mu_);
  for (auto& [name, fn] : more) {
    for (const auto& ix : indexes_) {
      if (ix->name == name) {
        throw std::invalid_argument("ktk::client::cache::indexer: index \"" + name + "\" already exists");
      }
    }
    if (!fn) throw std::invalid_argument("ktk::client::cache::indexer: index \"" + name + "\" has no function");
    auto ix = std::make_unique<index_data>();
    ix->name = name;
    ix->fn = std::move(fn);
    for (const auto& [k, o] : items_) {
      for (const auto& v : ix->fn(*o)) ix->insert(v, k);
    }
    indexes_.push_back(std::move(ix));
  }
}

}  // namespace ktk::client::cache
