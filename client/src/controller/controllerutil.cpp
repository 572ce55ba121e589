#include "ktk/client/controller/controllerutil.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktk::client::controller {

namespace {

core::api_error util_error(const char* reason, std::string message) {
  return core::api_error(400, reason, std::move(message));
}

// "ConfigMap default/web": how messages name an object.
std::string describe(const core::object& o) { return std::string(o.kind()) + " " + o.key().str(); }

// controller-runtime's referSameObject: same API group, kind and name (the version
// and uid may differ).
bool refer_same_object(const core::owner_reference& a, const core::owner_reference& b) {
  return core::group_version::parse(a.api_version).group == core::group_version::parse(b.api_version).group &&
         a.kind == b.kind && a.name == b.name;
}

core::owner_reference reference_to(const core::object& owner) {
  return {.api_version = std::string(owner.api_version()),
          .kind = std::string(owner.kind()),
          .name = std::string(owner.name()),
          .uid = std::string(owner.uid())};
}

// Index of the reference to the same object as `ref`, or -1.
std::ptrdiff_t index_of(const std::vector<core::owner_reference>& refs, const core::owner_reference& ref) {
  auto it = std::find_if(refs.begin(), refs.end(), [&](const auto& r) { return refer_same_object(r, ref); });
  return it == refs.end() ? -1 : it - refs.begin();
}

void upsert(core::object& obj, const core::owner_reference& ref) {
  auto refs = obj.owner_references();
  if (auto i = index_of(refs, ref); i >= 0) {
    refs[static_cast<std::size_t>(i)] = ref;
  } else {
    refs.push_back(ref);
  }
  obj.set_owner_references(refs);
}

// Namespaced according to the mapper, or nullopt when it cannot tell.
std::optional<bool> namespaced_by_mapper(const core::rest_mapper* m, const core::object& o) {
  if (!m) return std::nullopt;
  auto info = m->by_kind(o.group_version_kind());
  if (!info) return std::nullopt;
  return info->namespaced;
}

core::result<void> check_owner_identity(const core::object& owner) {
  if (owner.api_version().empty() || owner.kind().empty()) {
    return util_error(reason_invalid_owner, "owner " + owner.key().str() +
                                                " has no apiVersion or kind, cannot make an owner reference to it");
  }
  return {};
}

// controller-runtime's validateOwner, with the mapper's word on scope when it has one.
core::result<void> validate_owner(const core::object& owner, const core::object& obj, const core::rest_mapper* m) {
  if (auto r = check_owner_identity(owner); !r) return r;
  const bool owner_namespaced = namespaced_by_mapper(m, owner).value_or(!owner.namespace_().empty());
  if (!owner_namespaced) return {};
  const std::string owner_ns(owner.namespace_());
  const bool obj_namespaced = namespaced_by_mapper(m, obj).value_or(!obj.namespace_().empty());
  if (!obj_namespaced) {
    return util_error(reason_cross_namespace_owner,
                      "cluster-scoped resource must not have a namespace-scoped owner, owner's namespace " + owner_ns);
  }
  if (obj.namespace_() != owner_ns) {
    return util_error(reason_cross_namespace_owner,
                      "cross-namespace owner references are disallowed, owner's namespace " + owner_ns +
                          ", obj's namespace " + std::string(obj.namespace_()));
  }
  return {};
}

core::result<void> run_mutate(const mutate_fn& mutate, core::object& obj, const core::object_key& key) {
  if (mutate) {
    if (auto r = mutate(obj); !r) return r;
  }
  if (obj.key() != key) {
    return util_error(reason_mutate_changed_key, "MutateFn cannot mutate object name and/or object namespace");
  }
  return {};
}

core::result<void> check_names_object(const core::object& obj, const char* fn) {
  if (obj.api_version().empty() || obj.kind().empty() || obj.name().empty()) {
    return core::api_error::bad_request(std::string(fn) + ": the object needs apiVersion, kind and name");
  }
  return {};
}

// The RFC 7386 merge patch that turns `from` into `to` (both JSON objects). A null
// value in `to` reads as absent, the only meaning a merge patch can give it.
core::json merge_diff(const core::json& from, const core::json& to) {
  core::json patch = core::json::object();
  for (auto it = from.begin(); it != from.end(); ++it) {
    auto t = to.find(it.key());
    if (t == to.end() || t->is_null()) {
      if (!it->is_null()) patch[it.key()] = nullptr;
    }
  }
  for (auto it = to.begin(); it != to.end(); ++it) {
    if (it->is_null()) continue;
    auto f = from.find(it.key());
    if (f == from.end() || f->is_null()) {
      patch[it.key()] = *it;
    } else if (*f != *it) {
      patch[it.key()] = f->is_object() && it->is_object() ? merge_diff(*f, *it) : *it;
    }
  }
  return patch;
}

// Takes "status" out of a document; nullopt when there was none.
std::optional<core::json> take_status(core::json& doc) {
  auto it = doc.find("status");
  if (it == doc.end()) return std::nullopt;
  core::json s = std::move(*it);
  doc.erase(it);
  return s;
}

write_options write_options_of(const patch_options& p) {
  return {.dry_run = p.dry_run, .field_manager = p.field_manager, .field_validation = p.field_validation,
          .warnings = p.warnings};
}

// The NotFound branch of both: mutate what the caller gave and create it.
core::result<operation_result> create_missing(client& c, core::object& obj, const mutate_fn& mutate,
                                              const core::object_key& key, const write_options& opts) {
  if (auto m = run_mutate(mutate, obj, key); !m) return m.error();
  auto created = c.create(core::object(obj), opts);
  if (!created) return std::move(created).error();
  obj = **created;
  return operation_result::created;
}

}  // namespace

bool is_already_owned(const core::api_error& e) { return e.reason() == reason_already_owned; }

core::result<void> set_controller_reference(const core::object& owner, core::object& controlled,
                                            const owner_reference_options& opts) {
  if (auto r = validate_owner(owner, controlled, opts.mapper); !r) return r;
  core::owner_reference ref = reference_to(owner);
  ref.controller = true;
  ref.block_owner_deletion = opts.block_owner_deletion.value_or(true);
  if (auto existing = controlled.controller_ref(); existing && !refer_same_object(*existing, ref)) {
    return util_error(reason_already_owned, "Object " + std::string(controlled.namespace_()) + "/" +
                                                std::string(controlled.name()) + " is already owned by another " +
                                                existing->kind + " controller " + existing->name);
  }
  upsert(controlled, ref);
  return {};
}

core::result<void> set_owner_reference(const core::object& owner, core::object& obj,
                                       const owner_reference_options& opts) {
  if (auto r = validate_owner(owner, obj, opts.mapper); !r) return r;
  core::owner_reference ref = reference_to(owner);
  ref.block_owner_deletion = opts.block_owner_deletion;
  upsert(obj, ref);
  return {};
}

core::result<void> remove_owner_reference(const core::object& owner, core::object& obj) {
  auto refs = obj.owner_references();
  if (refs.empty()) {
    return util_error(reason_owner_reference_not_found, describe(obj) + " does not have any owner references");
  }
  if (auto r = check_owner_identity(owner); !r) return r;
  auto i = index_of(refs, reference_to(owner));
  if (i < 0) {
    return util_error(reason_owner_reference_not_found,
                      describe(obj) + " does not have an owner reference for " + describe(owner));
  }
  refs.erase(refs.begin() + i);
  obj.set_owner_references(refs);
  return {};
}

core::result<void> remove_controller_reference(const core::object& owner, core::object& obj) {
  if (!has_controller_reference(obj)) {
    return util_error(reason_owner_reference_not_found,
                      describe(obj) + " does not have an owner reference with controller equals true");
  }
  if (auto r = check_owner_identity(owner); !r) return r;
  auto refs = obj.owner_references();
  auto i = index_of(refs, reference_to(owner));
  if (i < 0) {
    return util_error(reason_owner_reference_not_found,
                      describe(obj) + " does not have a controller reference for " + describe(owner));
  }
  if (!refs[static_cast<std::size_t>(i)].controller.value_or(false)) {
    return util_error(reason_owner_reference_not_found,
                      describe(owner) + " is not the controller reference of " + describe(obj));
  }
  refs.erase(refs.begin() + i);
  obj.set_owner_references(refs);
  return {};
}

bool has_controller_reference(const core::object& obj) { return obj.controller_ref().has_value(); }

bool has_owner_reference(const core::object& obj, const core::object& owner) {
  return index_of(obj.owner_references(), reference_to(owner)) >= 0;
}

std::optional<core::owner_reference> get_controller_of(const core::object& obj) { return obj.controller_ref(); }

std::string_view to_string(operation_result r) {
  switch (r) {
    case operation_result::unchanged: return "unchanged";
    case operation_result::created: return "created";
    case operation_result::updated: return "updated";
    case operation_result::updated_status: return "updatedStatus";
    case operation_result::updated_status_only: return "updatedStatusOnly";
  }
  return "unknown";
}

core::result<operation_result> create_or_update(client& c, core::object& obj, const mutate_fn& mutate,
                                                const write_options& opts) {
  return detail::create_or_update(c, obj, mutate, nullptr, opts);
}

core::result<operation_result> create_or_patch(client& c, core::object& obj, const mutate_fn& mutate,
                                               const patch_options& opts) {
  return detail::create_or_patch(c, obj, mutate, nullptr, opts);
}

namespace detail {

core::result<operation_result> create_or_update(client& c, core::object& obj, const mutate_fn& mutate,
                                                const normalize_fn& normalize, const write_options& opts) {
  if (auto r = check_names_object(obj, "create_or_update"); !r) return r.error();
  const core::object_key key = obj.key();
  const core::gvk kind = obj.group_version_kind();
  auto got = c.get(kind, key);
  if (!got) {
    if (!core::is_not_found(got.error())) return std::move(got).error();
    return create_missing(c, obj, mutate, key, opts);
  }
  obj = normalize ? normalize(**got) : **got;
  const core::object existing = obj;
  if (auto m = run_mutate(mutate, obj, key); !m) return m.error();
  if (obj == existing) return operation_result::unchanged;
  auto updated = c.update(core::object(obj), opts);
  if (!updated) return std::move(updated).error();
  obj = **updated;
  return operation_result::updated;
}

core::result<operation_result> create_or_patch(client& c, core::object& obj, const mutate_fn& mutate,
                                               const normalize_fn& normalize, const patch_options& opts) {
  if (auto r = check_names_object(obj, "create_or_patch"); !r) return r.error();
  const core::object_key key = obj.key();
  const core::gvk kind = obj.group_version_kind();
  auto got = c.get(kind, key);
  if (!got) {
    if (!core::is_not_found(got.error())) return std::move(got).error();
    return create_missing(c, obj, mutate, key, write_options_of(opts));
  }
  obj = normalize ? normalize(**got) : **got;

  // Status is compared and written on its own when the type has a status
  // subresource (or the mapper cannot tell, as controller-runtime assumes).
  auto info = c.mapper().by_kind(kind);
  const bool split_status = !info || info->has_subresource("status");
  core::json before = obj.data();
  std::optional<core::json> before_status = split_status ? take_status(before) : std::nullopt;
  if (auto m = run_mutate(mutate, obj, key); !m) return m.error();
  core::json after = obj.data();
  std::optional<core::json> after_status = split_status ? take_status(after) : std::nullopt;

  operation_result op = operation_result::unchanged;
  core::object_ptr latest;
  if (before != after) {
    auto patched = c.patch(kind, key, core::patch_type::merge_patch, merge_diff(before, after), opts);
    if (!patched) return std::move(patched).error();
    latest = *patched;
    op = operation_result::updated;
  }
  if (before_status != after_status) {
    core::json status_patch = core::json::object();
    if (!after_status) {
      status_patch["status"] = nullptr;
    } else if (before_status && before_status->is_object() && after_status->is_object()) {
      status_patch["status"] = merge_diff(*before_status, *after_status);
    } else {
      status_patch["status"] = *after_status;
    }
    auto patched = c.status().patch(kind, key, core::patch_type::merge_patch, status_patch, opts);
    if (!patched) return std::move(patched).error();
    latest = *patched;
    op = op == operation_result::updated ? operation_result::updated_status : operation_result::updated_status_only;
  }
  if (latest) obj = *latest;
  return op;
}

}  // namespace detail

}  // namespace ktk::client::controller
