// typed.Compare for server-side apply and managedFields: the added, modified and
// removed paths between two values, skipping subtrees that are equal.
#include <nlohmann/json.hpp>

#include "detail/field_set.hpp"

namespace ktk::core::detail {
namespace {

bool granular_list(const json* v, const shape& s) {
  return (v == nullptr || v->is_array()) && s.ssa_list() != list_type::atomic;
}

// Where a comparison stands relative to metadata.managedFields, which record_update
// compares the live object without (rather than copying the object to drop it).
enum class mf_skip { none, root, metadata };

bool is_managed_fields(mf_skip at, const std::string& key) { return at == mf_skip::metadata && key == "managedFields"; }

// Entries of an object, managedFields excluded where `at` says so.
std::size_t visible_size(const json& v, mf_skip at) {
  return v.size() - (at == mf_skip::metadata && v.contains("managedFields") ? 1 : 0);
}

// Callers skip equal values (they have no differences under them), except for the
// root and for metadata whose managedFields are ignored.
void compare_at(const json* l, const json* r, const shape& s, field_path& path, comparison& out, mf_skip at) {
  auto leaf = [&] {
    if (path.empty()) return;
    if (l == nullptr) {
      out.added.insert(path);
    } else if (r == nullptr) {
      out.removed.insert(path);
    } else {
      out.modified.insert(path);
    }
  };
  auto empty_or_absent = [at](const json* v) {
    return v == nullptr || (v->is_object() ? visible_size(*v, at) == 0 : v->empty());
  };
  bool maps = (l == nullptr || l->is_object()) && (r == nullptr || r->is_object());
  bool lists = (l == nullptr || l->is_array()) && (r == nullptr || r->is_array());
  if (maps && !s.atomic() && !(empty_or_absent(l) && empty_or_absent(r))) {
    // Both sides iterate in key order: walk them as one sorted sequence.
    static const json::object_t no_map;
    const auto& lm = l != nullptr ? l->get_ref<const json::object_t&>() : no_map;
    const auto& rm = r != nullptr ? r->get_ref<const json::object_t&>() : no_map;
    auto li = lm.begin();
    auto ri = rm.begin();
    while (li != lm.end() || ri != rm.end()) {
      const json* lv = nullptr;
      const json* rv = nullptr;
      const std::string* key = nullptr;
      const int order = li == lm.end() ? 1 : ri == rm.end() ? -1 : li->first.compare(ri->first);
      if (order < 0) {
        key = &li->first;
        lv = &(li++)->second;
      } else if (order > 0) {
        key = &ri->first;
        rv = &(ri++)->second;
      } else {
        key = &li->first;
        lv = &(li++)->second;
        rv = &(ri++)->second;
      }
      if (is_managed_fields(at, *key)) continue;
      const mf_skip child_at = at == mf_skip::root && *key == "metadata" ? mf_skip::metadata : mf_skip::none;
      if (lv != nullptr && rv != nullptr && child_at == mf_skip::none && *lv == *rv) continue;
      path.push_back("f:" + *key);
      compare_at(lv, rv, s.field(*key), path, out, child_at);
      path.pop_back();
    }
  } else if (lists && granular_list(l, s) && !(empty_or_absent(l) && empty_or_absent(r))) {
    auto li = index_items(l, s);
    auto ri = index_items(r, s);
    std::vector<std::string> all = li.order;
    for (const auto& pe : ri.order) {
      if (!li.items.count(pe)) all.push_back(pe);
    }
    static const std::vector<const json*> none;
    for (const auto& pe : all) {
      auto lf = li.items.find(pe);
      auto rf = ri.items.find(pe);
      const auto& lv = lf == li.items.end() ? none : lf->second;
      const auto& rv = rf == ri.items.end() ? none : rf->second;
      if (lv.size() == 1 && rv.size() == 1 && *lv[0] == *rv[0]) continue;
      path.push_back(pe);
      if (lv.size() <= 1 && rv.size() <= 1) {
        compare_at(lv.empty() ? nullptr : lv[0], rv.empty() ? nullptr : rv[0], s.elem(), path, out, mf_skip::none);
      } else if (lv.size() >= 2 && rv.size() >= 2) {
        bool same = lv.size() == rv.size();
        for (std::size_t i = 0; same && i < lv.size(); ++i) same = *lv[i] == *rv[i];
        if (!same) out.modified.insert(path);
      } else if (lv.size() >= 2) {
        if (!rv.empty()) compare_at(nullptr, rv[0], s.elem(), path, out, mf_skip::none);
        out.removed.insert(path);
      } else {
        if (!lv.empty()) compare_at(lv[0], nullptr, s.elem(), path, out, mf_skip::none);
        out.added.insert(path);
      }
      path.pop_back();
    }
  } else {
    if (l != nullptr && r != nullptr) {
      // Both empty objects (managedFields aside), or the root / metadata unchanged.
      if (l->is_object() && r->is_object() && empty_or_absent(l) && empty_or_absent(r)) return;
      if (at != mf_skip::none && *l == *r) return;
    }
    leaf();
    return;
  }
  if (path.empty()) return;
  if (l == nullptr) out.added.insert(path);
  if (r == nullptr) out.removed.insert(path);
}

}  // namespace

comparison compare_values(const json& lhs, const json& rhs, const shape& s, bool ignore_live_managed_fields) {
  comparison out;
  field_path path;
  if (!ignore_live_managed_fields && lhs == rhs) return out;
  compare_at(lhs.is_null() ? nullptr : &lhs, rhs.is_null() ? nullptr : &rhs, s, path, out,
             ignore_live_managed_fields ? mf_skip::root : mf_skip::none);
  return out;
}

}  // namespace ktk::core::detail
