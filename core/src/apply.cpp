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
#include "ktk/core/clock.hpp"

namespace ktk::core {
namespace {

using detail::field_path;
using detail::field_set;

struct entry {
  std::string manager, operation, api_version, subresource, time;
  field_set fields;

  // BuildManagerIdentifier: the JSON of the entry without time and fields; appliers
  // are one manager whatever apiVersion they use.
  std::string id() const {
    std::string out = "{\"manager\":" + json(manager).dump() + ",\"operation\":" + json(operation).dump();
    if (operation != "Apply" && !api_version.empty()) out += ",\"apiVersion\":" + json(api_version).dump();
    if (!subresource.empty()) out += ",\"subresource\":" + json(subresource).dump();
    return out + "}";
  }
  // printManager, for conflict messages.
  std::string printed() const {
    std::string s = json(manager).dump();
    if (!subresource.empty()) s += " with subresource " + json(subresource).dump();
    if (operation == "Update") s += " using " + api_version;
    return s;
  }
};

using entries = std::vector<entry>;

std::string string_at(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<entries> decode(const json* mf) {
  entries out;
  if (mf == nullptr || mf->is_null()) return out;
  if (!mf->is_array()) return std::nullopt;
  for (const auto& e : *mf) {
    if (!e.is_object()) return std::nullopt;
    entry x{string_at(e, "manager"), string_at(e, "operation"), string_at(e, "apiVersion"),
            string_at(e, "subresource"), string_at(e, "time"), {}};
    if (auto f = e.find("fieldsV1"); f != e.end()) {
      auto set = field_set::from_fields_v1(*f);
      if (!set) return std::nullopt;
      x.fields = std::move(*set);
    }
    auto same = std::find_if(out.begin(), out.end(), [&](const entry& o) { return o.id() == x.id(); });
    if (same != out.end()) {
      same->fields.insert_all(x.fields);
    } else {
      out.push_back(std::move(x));
    }
  }
  return out;
}

// Sorted as kube-apiserver sorts them: operation, time, manager, apiVersion, subresource.
json encode(entries es) {
  es.erase(std::remove_if(es.begin(), es.end(), [](const entry& e) { return e.fields.empty(); }), es.end());
  std::sort(es.begin(), es.end(), [](const entry& a, const entry& b) {
    return std::tie(a.operation, a.time, a.manager, a.api_version, a.subresource) <
           std::tie(b.operation, b.time, b.manager, b.api_version, b.subresource);
  });
  json out = json::array();
  for (const auto& e : es) {
    json j = {{"manager", e.manager}, {"operation", e.operation}, {"apiVersion", e.api_version},
              {"fieldsType", "FieldsV1"}, {"fieldsV1", e.fields.to_fields_v1()}};
    if (!e.time.empty()) j["time"] = e.time;
    if (!e.subresource.empty()) j["subresource"] = e.subresource;
    out.push_back(std::move(j));
  }
  return out;
}

void set_managed_fields(json& obj, entries es) {
  json mf = encode(std::move(es));
  if (!obj.is_object()) return;
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

// stripMetaManager: paths never recorded for any manager.
void strip_meta(field_set& s) {
  field_set strip;
  for (const char* f : {"apiVersion", "kind", "metadata"}) strip.insert({std::string("f:") + f});
  for (const char* f : {"name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                        "managedFields", "resourceVersion"}) {
    strip.insert({"f:metadata", std::string("f:") + f});
  }
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
  auto it = std::find_if(es.begin(), es.end(), [&](const entry& e) { return e.id() == like.id(); });
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
  auto decoded = decode(managed_fields_of(live));
  if (!decoded) return api_error(500, reason::unknown, "failed to decode managed fields: invalid managedFields");
  entries es = std::move(*decoded);
  const json live_clean = without_managed_fields(live);
  if (es.empty() && !live.is_null()) {
    // skipNonAppliedManager: fields set before the first apply belong to "before-first-apply".
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

  json merged = detail::merge_values(live_clean, applied, root);
  entry who{opts.manager, "Apply", opts.api_version, opts.subresource, now, {}};
  entry* mine = find_entry(es, who);
  field_set last = mine != nullptr ? mine->fields : field_set{};
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
  auto cmp = detail::compare_values(live_clean, merged, root);
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
  if (merged == live_clean && !last.empty()) {
    // A no-op apply keeps the entry's previous time, as kube-apiserver does.
    if (auto prev = decode(managed_fields_of(live)); prev) {
      if (const entry* p = find_entry(*prev, who)) mine->time = p->time;
    }
  } else {
    mine->time = now;
  }
  set_managed_fields(merged, std::move(es));
  return merged;
}

json record_update(const json& old_obj, json new_obj, const apply_options& opts) {
  const auto root = detail::shape::root(opts.gk, opts.schema);
  const json* sent = managed_fields_of(new_obj);
  bool reset = sent != nullptr && sent->is_array() &&
               (sent->empty() || (sent->size() == 1 && (*sent)[0].is_object() && (*sent)[0].empty()));
  entries es;
  if (!reset) {
    auto from_request = decode(sent);
    if (from_request && !from_request->empty()) {
      es = std::move(*from_request);
    } else if (auto from_live = decode(managed_fields_of(old_obj))) {
      es = std::move(*from_live);
    }
  }
  json new_clean = without_managed_fields(std::move(new_obj));
  bool existing = old_obj.is_object() && !string_at(old_obj.value("metadata", json::object()), "uid").empty();
  if (es.empty() && existing) {
    set_managed_fields(new_clean, {});  // an existing untracked object stays untracked
    return new_clean;
  }
  entry who{opts.manager.empty() ? "unknown" : opts.manager, "Update", opts.api_version, opts.subresource,
            now_or(opts.timestamp), {}};
  json old_clean = old_obj.is_null() ? json::object() : without_managed_fields(old_obj);
  track_update(es, old_clean, new_clean, who, root, opts);
  set_managed_fields(new_clean, std::move(es));
  return new_clean;
}

json fields_of(const json& obj, const group_kind& gk) {
  auto set = detail::fields_of_value(without_managed_fields(obj), detail::shape::root(gk, nullptr));
  strip_meta(set);
  return set.to_fields_v1();
}

}  // namespace ktk::core
