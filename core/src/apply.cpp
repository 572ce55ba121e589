// Server-side apply and managedFields bookkeeping, following
// k8s.io/apimachinery/pkg/util/managedfields (the manager chain: skip-non-applied,
// build-manager-info, managed-fields-updater, strip-meta) over
// structured-merge-diff's merge.Updater (Update, Apply, prune).
#include "ktk/core/apply.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include "detail/field_set.hpp"
#include "detail/managed_fields.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::core {
namespace {

using detail::field_path;
using detail::field_set;

using entry = detail::managed_entry;
using entries = detail::managed_entries;

std::string string_at(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void set_managed_fields(json& obj, entries es) {
  json mf = detail::encode_managed_fields(std::move(es));
  if (!obj.is_object()) return;
  // metadata that is not an object cannot hold managedFields (writes reject it before
  // this; record_update's callers may not have).
  if (auto m = obj.find("metadata"); m != obj.end() && !m->is_object() && !m->is_null()) return;
  if (mf.empty()) {
    if (auto m = obj.find("metadata"); m != obj.end() && m->is_object()) m->erase("managedFields");
    return;
  }
  obj["metadata"]["managedFields"] = std::move(mf);
}

const json* managed_fields_of(const json& obj) {
  if (!obj.is_object()) return nullptr;
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return nullptr;
  auto f = m->find("managedFields");
  return f == m->end() ? nullptr : &*f;
}

json without_managed_fields(json obj) {
  if (!obj.is_object()) return json::object();
  if (auto m = obj.find("metadata"); m != obj.end() && m->is_object()) m->erase("managedFields");
  return obj;
}

// Whether `live` without metadata.managedFields equals `other` (which has none).
bool equal_without_managed_fields(const json& live, const json& other) {
  const json* mf = managed_fields_of(live);
  if (mf == nullptr) return live == other;
  if (!other.is_object() || live.size() != other.size()) return false;
  for (auto it = live.begin(); it != live.end(); ++it) {
    auto o = other.find(it.key());
    if (o == other.end()) return false;
    if (it.key() != "metadata") {
      if (*it != *o) return false;
      continue;
    }
    if (!o->is_object() || it->size() != o->size() + 1) return false;
    for (auto f = it->begin(); f != it->end(); ++f) {
      if (f.key() == "managedFields") continue;
      auto of = o->find(f.key());
      if (of == o->end() || *f != *of) return false;
    }
  }
  return true;
}

// stripMetaManager: paths never recorded for any manager.
void strip_meta(field_set& s) {
  static const field_set strip = [] {
    field_set out;
    for (const char* f : {"apiVersion", "kind", "metadata"}) out.insert({std::string("f:") + f});
    for (const char* f : {"name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                          "managedFields", "resourceVersion"}) {
      out.insert({"f:metadata", std::string("f:") + f});
    }
    return out;
  }();
  s.remove_members(strip);
}

void exclude_reset(field_set& s, const apply_options& opts) {
  for (const auto& dotted : opts.reset_fields) {
    field_path p;
    std::size_t start = 0;
    for (;;) {
      auto dot = dotted.find('.', start);
      p.push_back("f:" + dotted.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    s.exclude(p);
  }
}

std::string now_or(const std::string& ts) {
  return ts.empty() ? format_rfc3339(std::chrono::system_clock::now()) : ts;
}

entry* find_entry(entries& es, const entry& like) {
  auto it = std::find_if(es.begin(), es.end(), [&](const entry& e) { return e.same_id(like); });
  return it == es.end() ? nullptr : &*it;
}

// Updater.Update under the managed-fields updater: `who` gains what changed between
// old_clean and new_clean; every other manager loses it.
void track_update(entries& es, const json& old_clean, const json& new_clean, const entry& who,
                  const detail::shape& root, const apply_options& opts) {
  auto cmp = detail::compare_values(old_clean, new_clean, root);
  for (auto* s : {&cmp.added, &cmp.modified, &cmp.removed}) exclude_reset(*s, opts);
  field_set changed = cmp.added;
  changed.insert_all(cmp.modified);
  field_set touched = changed;
  touched.insert_all(cmp.removed);
  for (auto& e : es) e.fields.remove_members(touched);
  strip_meta(changed);
  if (changed.empty()) return;
  entry* mine = find_entry(es, who);
  if (mine == nullptr) {
    es.push_back(who);
    mine = &es.back();
  }
  mine->fields.insert_all(changed);
  mine->time = who.time;
}

api_error conflict_error(const std::vector<std::pair<const entry*, field_set>>& conflicts) {
  std::vector<std::pair<const entry*, field_path>> all;
  for (const auto& [e, set] : conflicts) {
    set.for_each([&, e = e](const field_path& p) { all.emplace_back(e, p); });
  }
  status_details details;
  for (const auto& [e, p] : all) {
    details.causes.push_back({"FieldManagerConflict", "conflict with " + e->printed(), detail::path_string(p)});
  }
  std::string msg;
  if (all.size() == 1) {
    msg = "Apply failed with 1 conflict: conflict with " + all[0].first->printed() + ": " +
          detail::path_string(all[0].second);
  } else {
    msg = "Apply failed with " + std::to_string(all.size()) + " conflicts: ";
    const entry* last = nullptr;
    for (const auto& [e, p] : all) {
      if (e != last) {
        msg += (last ? "\n" : "") + std::string("conflicts with ") + e->printed() + ":";
        last = e;
      }
      msg += "\n- " + detail::path_string(p);
    }
  }
  return api_error(409, reason::conflict, msg, std::move(details));
}

}  // namespace

result<json> server_side_apply(const json& live, const json& applied, const apply_options& opts) {
  if (opts.manager.empty() || opts.manager.size() > 128) {
    field_error fe = opts.manager.empty() ? field_error::required("fieldManager", "is required for apply patch")
                                          : field_error::too_long("fieldManager", "", 128);
    return api_error::invalid({"meta.k8s.io", "PatchOptions"}, "", {fe});
  }
  if (!applied.is_object()) {
    return api_error::bad_request(std::string("error decoding patch: json: cannot unmarshal ") +
                                  (applied.is_array() ? "array" : "string") +
                                  " into Go value of type map[string]interface {}");
  }
  if (auto m = applied.find("metadata"); m != applied.end() && !m->is_object() && !m->is_null()) {
    return api_error::bad_request("error decoding patch: .metadata accessor error: " + m->dump(-1, ' ', false, json::error_handler_t::replace) +
                                  " is of the type " + m->type_name() + ", expected map[string]interface{}");
  }
  std::string version = string_at(applied, "apiVersion");
  if (!opts.api_version.empty() && version != opts.api_version) {
    return api_error::bad_request("Incorrect version specified in apply patch. Specified patch version: " + version +
                                  ", expected: " + opts.api_version);
  }
  if (const json* mf = managed_fields_of(applied); mf != nullptr && !mf->is_null()) {
    return api_error::bad_request("metadata.managedFields must be nil");
  }
  const auto root = detail::shape::root(opts.gk, opts.schema);
  const std::string now = now_or(opts.timestamp);
  auto decoded = detail::decode_managed_fields(managed_fields_of(live));
  if (!decoded) return api_error(500, reason::unknown, "failed to decode managed fields: invalid managedFields");
  entries es = std::move(*decoded);
  // The live object without its managedFields, without copying it: merges and
  // comparisons skip metadata.managedFields of `live_ref`.
  static const json no_object(json::value_t::object);
  const json& live_ref = live.is_object() ? live : no_object;
  if (es.empty() && !live.is_null()) {
    // skipNonAppliedManager: fields set before the first apply belong to "before-first-apply".
    const json live_clean = without_managed_fields(live);
    json empty = {{"apiVersion", live_clean.value("apiVersion", json())}, {"kind", live_clean.value("kind", json())}};
    track_update(es, empty, live_clean, {"before-first-apply", "Update", opts.api_version, opts.subresource, now, {}},
                 root, opts);
  }

  field_set applied_set;
  try {
    applied_set = detail::fields_of_value(applied, root);
  } catch (const api_error& e) {
    const json meta = applied.value("metadata", json::object());
    std::string ns = string_at(meta, "namespace");
    std::string name = string_at(meta, "name");
    auto gv = group_version::parse(version);
    return api_error(500, reason::unknown,
                     "failed to create typed patch object (" + ns + "/" + name + "; " +
                         gvk{gv.group, gv.version, string_at(applied, "kind")}.str() + "): " + e.message());
  }
  exclude_reset(applied_set, opts);

  json merged = detail::merge_values(live_ref, applied, root);
  if (auto m = merged.find("metadata"); m != merged.end() && m->is_object()) m->erase("managedFields");
  entry who{opts.manager, "Apply", opts.api_version, opts.subresource, now, {}};
  entry* mine = find_entry(es, who);
  field_set last = mine != nullptr ? mine->fields : field_set{};
  const std::string last_time = mine != nullptr ? mine->time : std::string();
  if (mine == nullptr) {
    es.push_back(who);
    mine = &es.back();
  }
  mine->fields = applied_set;
  mine->api_version = opts.api_version;

  // prune: what this manager applied last time and no manager (itself included) owns now.
  if (!last.empty()) {
    field_set keep;
    for (const auto& e : es) keep.insert_all(e.fields);
    field_set gone = last.with_named_fields_as_members();
    gone.remove_members(keep.with_named_fields_as_members());
    detail::remove_fields(merged, gone, root);
  }

  // update: other managers lose removed fields; owning a changed field is a conflict.
  auto cmp = detail::compare_values(live_ref, merged, root, true);
  for (auto* s : {&cmp.added, &cmp.modified, &cmp.removed}) exclude_reset(*s, opts);
  field_set changed = cmp.added;
  changed.insert_all(cmp.modified);
  std::vector<std::pair<const entry*, field_set>> conflicts;
  for (auto& e : es) {
    if (&e == mine) continue;
    field_set c = e.fields.intersect(changed);
    if (!c.empty()) conflicts.emplace_back(&e, std::move(c));
  }
  if (!conflicts.empty() && !opts.force) {
    std::sort(conflicts.begin(), conflicts.end(), [](const auto& a, const auto& b) { return a.first->id() < b.first->id(); });
    return conflict_error(conflicts);
  }
  for (auto& e : es) {
    if (&e == mine) continue;
    e.fields.remove_members(changed);
    e.fields.remove_members(cmp.removed);
  }
  strip_meta(mine->fields);
  if (!last.empty() && equal_without_managed_fields(live_ref, merged)) {
    // A no-op apply keeps the entry's previous time, as kube-apiserver does.
    mine->time = last_time;
  } else {
    mine->time = now;
  }
  set_managed_fields(merged, std::move(es));
  return merged;
}

namespace {

// managedFields to start from as a canonical list; nullopt when they do not decode.
// `tracked`: there were entries at all. A `movable` list is taken rather than copied.
std::optional<json> canonical_entries(const json* mf, json* movable, bool& tracked) {
  tracked = false;
  if (mf == nullptr || mf->is_null()) return json::array();
  if (detail::is_canonical_managed_fields(*mf)) {
    tracked = !mf->empty();
    // Not a conditional expression: json&& and const json& would meet in a copy.
    if (movable != nullptr) return std::move(*movable);
    return *mf;
  }
  auto es = detail::decode_managed_fields(mf);
  if (!es) return std::nullopt;
  tracked = !es->empty();
  return detail::encode_managed_fields(std::move(*es));
}

json update_entry(const std::string& manager, const std::string& time, const apply_options& opts, json fields) {
  json j(json::value_t::object);
  auto& o = j.get_ref<json::object_t&>();
  o.emplace("apiVersion", opts.api_version);
  o.emplace("fieldsType", "FieldsV1");
  o.emplace("fieldsV1", std::move(fields));
  o.emplace("manager", manager);
  o.emplace("operation", "Update");
  if (!opts.subresource.empty()) o.emplace("subresource", opts.subresource);
  o.emplace("time", time);
  return j;
}

}  // namespace

// Works on managedFields as JSON: a create builds its one entry in a single walk of the
// object; an update compares old and new (skipping equal subtrees) and edits only the
// entries whose fields the write touched. Equivalent to decoding every entry, running
// track_update and encoding them again.
json record_update(const json& old_obj, json new_obj, const apply_options& opts) {
  json* sent = nullptr;
  if (new_obj.is_object()) {
    if (auto m = new_obj.find("metadata"); m != new_obj.end() && m->is_object()) {
      if (auto f = m->find("managedFields"); f != m->end()) sent = &*f;
    }
  }
  bool reset = sent != nullptr && sent->is_array() &&
               (sent->empty() || (sent->size() == 1 && (*sent)[0].is_object() && (*sent)[0].empty()));
  json mf = json::array();
  bool tracked = false;
  if (!reset) {
    auto from_request = canonical_entries(sent, sent, tracked);
    if (from_request && tracked) {
      mf = std::move(*from_request);
    } else if (auto from_live = canonical_entries(managed_fields_of(old_obj), nullptr, tracked)) {
      mf = std::move(*from_live);
    } else {
      tracked = false;
    }
  }
  json new_clean = without_managed_fields(std::move(new_obj));
  bool existing = false;
  if (old_obj.is_object()) {
    if (auto m = old_obj.find("metadata"); m != old_obj.end()) existing = !string_at(*m, "uid").empty();
  }
  if (!tracked && existing) return new_clean;  // an existing untracked object stays untracked

  const auto root = detail::shape::root(opts.gk, opts.schema);
  const std::string manager = opts.manager.empty() ? "unknown" : opts.manager;
  const std::string now = now_or(opts.timestamp);
  if (mf.empty() && (!old_obj.is_object() || old_obj.empty())) {
    // A create: the manager owns everything; nobody else owns anything.
    json fields = detail::created_fields_v1(new_clean, root, detail::tracking_mask(opts.reset_fields));
    if (!fields.is_null()) new_clean["metadata"]["managedFields"] = json::array({update_entry(manager, now, opts, std::move(fields))});
    return new_clean;
  }

  static const json no_object(json::value_t::object);
  auto cmp = detail::compare_values(old_obj.is_object() ? old_obj : no_object, new_clean, root, true);
  for (auto* s : {&cmp.added, &cmp.modified, &cmp.removed}) exclude_reset(*s, opts);
  field_set changed = std::move(cmp.added);
  changed.insert_all(cmp.modified);
  field_set touched = changed;
  touched.insert_all(cmp.removed);
  std::vector<bool> drop(mf.size(), false);
  if (!touched.empty()) {
    for (std::size_t i = 0; i < mf.size(); ++i) drop[i] = detail::remove_members_v1(*mf[i].find("fieldsV1"), touched);
  }
  strip_meta(changed);
  if (!changed.empty()) {
    std::size_t i = 0;
    for (; i < mf.size(); ++i) {
      const json& e = mf[i];
      if (detail::entry_string(e, "manager") == manager && detail::entry_string(e, "operation") == "Update" &&
          detail::entry_string(e, "apiVersion") == opts.api_version &&
          detail::entry_string(e, "subresource") == opts.subresource) {
        break;
      }
    }
    if (i < mf.size()) {
      json& fields = *mf[i].find("fieldsV1");
      if (drop[i]) fields = json();
      drop[i] = false;
      detail::insert_v1(fields, changed);
      mf[i]["time"] = now;
    } else {
      mf.push_back(update_entry(manager, now, opts, changed.to_fields_v1()));
      drop.push_back(false);
    }
  }
  json kept = json::array();
  for (std::size_t i = 0; i < mf.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(mf[i]));
  }
  detail::sort_managed_fields(kept);
  if (!new_clean.is_object()) return new_clean;
  if (kept.empty()) {
    if (auto m = new_clean.find("metadata"); m != new_clean.end() && m->is_object()) m->erase("managedFields");
    return new_clean;
  }
  new_clean["metadata"]["managedFields"] = std::move(kept);
  return new_clean;
}

json fields_of(const json& obj, const group_kind& gk) {
  auto set = detail::fields_of_value(without_managed_fields(obj), detail::shape::root(gk, nullptr));
  strip_meta(set);
  return set.to_fields_v1();
}

std::string typed_path_string(const json& obj, const json& segments, const group_kind& gk, const json* schema) {
  detail::shape s = detail::shape::root(gk, schema);
  detail::field_path path;
  const json* cur = &obj;
  for (const auto& seg : segments) {
    if (seg.is_string()) {
      const auto& key = seg.get_ref<const std::string&>();
      path.push_back("f:" + key);
      const json* next = nullptr;
      if (cur != nullptr && cur->is_object()) {
        if (auto it = cur->find(key); it != cur->end()) next = &*it;
      }
      cur = next;
      s = s.field(key);
    } else {
      const auto i = seg.get<std::size_t>();
      const json* item = cur != nullptr && cur->is_array() && i < cur->size() ? &(*cur)[i] : nullptr;
      path.push_back(item != nullptr ? detail::item_path_element(*item, s, i) : "i:" + std::to_string(i));
      cur = item;
      s = s.elem();
    }
  }
  return detail::path_string(path);
}

}  // namespace ktk::core
