// lister.cpp — cache queries with selectors.
#include "ktk/client/cache/lister.hpp"

#include <algorithm>
#include <string>

namespace ktk::client::cache {

namespace {

std::vector<core::object_ptr> select(std::vector<core::object_ptr> items, const core::label_selector& sel) {
  if (sel.empty()) return items;
  std::erase_if(items, [&](const core::object_ptr& o) { return !sel.matches(o->labels_json()); });
  return items;
}

}  // namespace

std::vector<core::object_ptr> lister::list(const core::label_selector& sel) const {
  if (sel.empty()) return idx_->list();
  std::vector<core::object_ptr> out;
  idx_->for_each([&](const std::string&, const core::object_ptr& o) {
    if (sel.matches(o->labels_json())) out.push_back(o);
  });
  return out;
}

std::vector<core::object_ptr> lister::list(std::string_view ns, const core::label_selector& sel) const {
  if (ns.empty()) return list(sel);
  return select(idx_->by_index(namespace_index, ns), sel);
}

core::result<core::object_ptr> lister::get(std::string_view ns, std::string_view name) const {
  std::string key;
  if (ns.empty()) {
    key = std::string(name);
  } else {
    key.reserve(ns.size() + 1 + name.size());
    key.append(ns).append("/").append(name);
  }
  if (auto o = idx_->get_by_key(key)) return o;
  return core::api_error::not_found(resource_, std::string(name));
}

}  // namespace ktk::client::cache
