// json_assign.cpp — see json_assign.hpp.
#include "json_assign.hpp"

#include <iterator>

#include <nlohmann/json.hpp>

namespace ktk::apiserver::detail {

namespace {

using core::json;

void assign_members(json& dst, const json& src, std::string_view skip) {
  auto& d = dst.get_ref<json::object_t&>();
  const auto& s = src.get_ref<const json::object_t&>();
  auto skipped = [&](const std::string& key) { return !skip.empty() && key == skip; };
  // A member of dst that src lacks goes, unless it is the one dst keeps.
  auto drop = [&](json::object_t::iterator it) { return skipped(it->first) ? std::next(it) : d.erase(it); };
  // Both maps are sorted by key: one merge-like walk.
  auto di = d.begin();
  auto si = s.begin();
  while (si != s.end()) {
    if (skipped(si->first)) {
      ++si;
    } else if (di == d.end() || si->first < di->first) {
      d.emplace_hint(di, si->first, si->second);
      ++si;
    } else if (di->first < si->first) {
      di = drop(di);
    } else {
      assign_changed(di->second, si->second);
      ++di;
      ++si;
    }
  }
  while (di != d.end()) di = drop(di);
}

}  // namespace

void assign_changed(json& dst, const json& src) {
  if (dst.type() != src.type()) {
    dst = src;
    return;
  }
  switch (src.type()) {
    case json::value_t::object: assign_members(dst, src, {}); return;
    case json::value_t::array: {
      auto& d = dst.get_ref<json::array_t&>();
      const auto& s = src.get_ref<const json::array_t&>();
      if (d.size() > s.size()) d.resize(s.size());
      for (std::size_t i = 0; i < d.size(); ++i) assign_changed(d[i], s[i]);
      for (std::size_t i = d.size(); i < s.size(); ++i) d.push_back(s[i]);
      return;
    }
    default:
      if (dst != src) dst = src;
      return;
  }
}

void assign_changed_except(json& dst, const json& src, std::string_view skip) {
  if (!src.is_object()) {
    dst = src;
    return;
  }
  if (!dst.is_object()) dst = json::object();
  assign_members(dst, src, skip);
}

}  // namespace ktk::apiserver::detail
