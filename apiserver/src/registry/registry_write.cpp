// registry_write.cpp — create, update and patch: one pipeline for every writer.
#include <utility>

#include <nlohmann/json.hpp>

#include "go_decode.hpp"
#include "impl.hpp"
#include "json_assign.hpp"
#include "request_errors.hpp"
#include "ktk/core/apply.hpp"
#include "ktk/core/json_depth.hpp"

namespace ktk::apiserver {

using core::json;
using detail::resource_handler;

namespace {


bool is_crd(const resource_handler& h) {
  return h.info->resource.group == "apiextensions.k8s.io" && h.info->resource.resource == "customresourcedefinitions";
}

bool is_events(const resource_handler& h) {
  return h.info->resource.group.empty() && h.info->resource.resource == "events";
}

bool is_webhook_configuration(const resource_handler& h) {
  return h.info->resource.group == "admissionregistration.k8s.io";
}

// Resources whose update creates a missing object, as their kube-apiserver strategies allow.
bool create_on_update(const resource_handler& h) {
  const auto& r = h.info->resource;
  return (r.group.empty() && (r.resource == "events" || r.resource == "endpoints")) ||
         (r.group == "coordination.k8s.io" && r.resource == "leases");
}

bool tracks_generation(const resource_handler& h) {
  return h.custom || (h.strat && !h.strat->generation_fields().empty());
}

// Whether a change from old to next moves metadata.generation: for custom resources
// everything but metadata and status, for built-ins their spec fields.
bool spec_changed(const resource_handler& h, const object& old, const object& next) {
  auto differs = [&](const std::string& f) {
    const json* a = old.field(f);
    const json* b = next.field(f);
    return (a == nullptr) != (b == nullptr) || (a && *a != *b);
  };
  if (h.custom) {
    for (const auto* o : {&old, &next}) {
      for (auto it = o->data().begin(); it != o->data().end(); ++it) {
        const auto& k = it.key();
        if (k == "apiVersion" || k == "kind" || k == "metadata") continue;
        if (k == "status" && h.has_status()) continue;
        if (differs(k)) return true;
      }
    }
    return false;
  }
  for (const auto& f : h.strat->generation_fields()) {
    if (differs(f)) return true;
  }
  return false;
}

// Equal but for metadata.managedFields: a write that changes nothing else is a no-op.
bool same_but_managed_fields(const object& a, const object& b) {
  const json& x = a.data();
  const json& y = b.data();
  if (x.size() != y.size()) return false;
  for (auto it = x.begin(); it != x.end(); ++it) {
    auto jt = y.find(it.key());
    if (jt == y.end()) return false;
    if (it.key() != "metadata") {
      if (*it != *jt) return false;
      continue;
    }
    const json& mx = *it;
    const json& my = *jt;
    if (!mx.is_object() || !my.is_object()) {
      if (mx != my) return false;
      continue;
    }
    std::size_t nx = mx.size() - mx.count("managedFields");
    std::size_t ny = my.size() - my.count("managedFields");
    if (nx != ny) return false;
    for (auto m = mx.begin(); m != mx.end(); ++m) {
      if (m.key() == "managedFields") continue;
      auto n = my.find(m.key());
      if (n == my.end() || *m != *n) return false;
    }
  }
  return true;
}

// Request bodies nest at most core::max_document_depth deep. The HTTP layer refuses
// deeper JSON text before parsing; this covers in-process callers and patch results.
constexpr std::size_t max_depth = core::max_document_depth;

// 400 BadRequest for a document nested deeper than max_depth; iterative, so the
// check itself cannot overflow the stack.
result<void> check_depth(const json& doc) {
  std::vector<std::pair<const json*, std::size_t>> todo{{&doc, 1}};
  while (!todo.empty()) {
    auto [j, depth] = todo.back();
    todo.pop_back();
    if (!j->is_structured()) continue;
    if (depth > max_depth) {
      return api_error::bad_request("the request body nests deeper than " + std::to_string(max_depth) + " levels");
    }
    for (const auto& child : *j) {
      if (child.is_structured()) todo.emplace_back(&child, depth + 1);
    }
  }
  return {};
}

// Labels, annotations, finalizers and ownerReferences are omitempty in kube's types: an
// emptied one is not stored (a patch removing the last label leaves no "labels": {}).
void drop_empty_metadata(object& o) {
  const json& m = std::as_const(o).metadata();
  bool any = false;
  for (const char* k : {"labels", "annotations", "finalizers", "ownerReferences", "managedFields"}) {
    auto it = m.find(k);
    if (it != m.end() && (it->is_null() || (it->is_structured() && it->empty()))) any = true;
  }
  if (!any) return;
  json& mm = o.metadata();
  for (const char* k : {"labels", "annotations", "finalizers", "ownerReferences", "managedFields"}) {
    auto it = mm.find(k);
    if (it != mm.end() && (it->is_null() || (it->is_structured() && it->empty()))) mm.erase(it);
  }
}

}  // namespace

core::apply_options registry::impl::managed_options(const resource_handler& h, const write_options& o,
                                                    bool apply) const {
  core::apply_options a{.manager = o.field_manager.empty() && !apply ? std::string("ktk") : o.field_manager,
                        .force = o.force,
                        .timestamp = now(),
                        .gk = h.gk(),
                        .api_version = h.info->resource.gv().str()};
  if (h.custom && !h.raw_schema.is_null()) a.schema = &h.raw_schema;
  if (o.subresource == "status") {
    a.subresource = "status";
    a.reset_fields = {"spec"};
  } else if (h.has_status()) {
    a.reset_fields = {"status"};
  }
  return a;
}

result<object_ptr> registry::impl::create(const resource_handler& h, std::string ns, object&& obj,
                                          const write_options& o, bool managed_done) {
  if (!h.info->has_verb("create")) return api_error::method_not_supported(h.gr(), "create");
  if (!o.subresource.empty()) {
    return api_error::method_not_supported(h.gr(), "create on subresource " + o.subresource);
  }
  if (h.custom && h.terminating) {
    return api_error(405, core::reason::method_not_allowed,
                     "create not allowed while custom resource definition is terminating", {});
  }
  if (auto t = check_type(h, obj, o); !t) return t.error();
  if (!obj.resource_version().empty()) {
    // kube-apiserver's storage refuses it with a plain error: a 500 with no reason.
    return api_error(500, core::reason::unknown, "resourceVersion should not be set on objects to be created");
  }
  obj.set_namespace(ns);
  if (obj.name().empty()) {
    if (obj.generate_name().empty()) {
      return api_error::invalid(h.gk(), "",
                                {core::field_error::required("metadata.name", "name or generateName is required")});
    }
    obj.set_name(std::string(obj.generate_name()) + random_suffix(ns + "/" + std::string(obj.generate_name())));
  }
  obj.set_uid(new_uid(h.shard + "/" + ns + "/" + std::string(obj.name())));
  obj.set_creation_timestamp(now());
  obj.set_deletion_timestamp("");
  obj.set_deletion_grace_period_seconds(std::nullopt);
  obj.metadata().erase("selfLink");
  obj.set_generation(tracks_generation(h) ? 1 : 0);
  if (h.custom) {
    if (h.has_status()) obj.data().erase("status");
  } else if (h.strat) {
    h.strat->prepare_for_create(obj);
  }
  if (h.namespaced()) {
    if (auto r = check_namespace_open(ns, h.gr(), std::string(obj.name())); !r) return r.error();
  }
  if (auto r = admit(h, obj, nullptr, o); !r) return r.error();
  if (!managed_done) obj.data() = core::record_update(json(), std::move(obj.data()), managed_options(h, o));
  drop_empty_metadata(obj);
  if (o.dry_run) {
    // A dry run still answers 409 for a name that is taken.
    if (obj.generate_name().empty() && store->get(h.shard, {ns, std::string(obj.name())})) {
      return api_error::already_exists(h.gr(), std::string(obj.name()));
    }
    return present(h, core::make_object_ptr(std::move(obj)));
  }

  // generateName: a clash with an existing name gets a new suffix, up to 8 tries.
  const bool generated = !obj.generate_name().empty();
  for (int attempt = 0;; ++attempt) {
    const bool can_retry = generated && attempt < 7;
    object_key key{ns, std::string(obj.name())};
    // The storage leaves obj as it was when it refuses it: a clash retries with it.
    auto created = store->create(h.shard, key, std::move(obj));
    if (!created) {
      if (can_retry && core::is_already_exists(created.error())) {
        obj.set_name(std::string(obj.generate_name()) + random_suffix(ns + "/" + std::string(obj.generate_name())));
        continue;
      }
      return rename_error(h, created.error(), key.name);
    }
    if (is_crd(h)) register_crd(**created);
    if (is_events(h)) note_event_write(key);
    if (is_webhook_configuration(h)) admission->invalidate();
    return present(h, *created);
  }
}

result<object> registry::impl::prepare_update(const resource_handler& h, const object& old, object&& next,
                                              const write_options& o) {
  if (o.subresource == "status") {
    if (!h.has_status()) {
      return detail::not_served();
    }
    // The stored object with the request's status. The request usually carries the
    // object as its writer read it, so putting the stored fields back copies little.
    object out = std::move(next);
    detail::assign_changed_except(out.data(), old.data(), "status");
    if (!h.custom && h.strat) h.strat->prepare_for_status_update(out, old);
    if (auto r = admit(h, out, &old, o); !r) return r.error();
    return out;
  }
  if (!o.subresource.empty()) return api_error::method_not_supported(h.gr(), "update on subresource " + o.subresource);

  if (!next.uid().empty() && next.uid() != old.uid()) {
    return api_error::invalid(h.gk(), std::string(old.name()),
                              {core::field_error::invalid("metadata.uid", core::quote(std::string(next.uid())),
                                                          "field is immutable")});
  }
  next.set_uid(old.uid());
  next.set_creation_timestamp(old.creation_timestamp());
  next.set_deletion_timestamp(old.deletion_timestamp());
  next.set_deletion_grace_period_seconds(old.deletion_grace_period_seconds());
  next.set_generation(old.generation());
  next.metadata().erase("selfLink");
  if (next.managed_fields().empty() && !old.managed_fields().empty()) next.set_managed_fields(old.managed_fields());
  if (h.has_status()) {
    if (const json* st = old.field("status")) {
      detail::assign_changed(next.data()["status"], *st);
    } else {
      next.data().erase("status");
    }
  }
  if (!h.custom && h.strat) h.strat->prepare_for_update(next, old);
  if (auto r = admit(h, next, &old, o); !r) return r.error();
  if (tracks_generation(h) && spec_changed(h, old, next)) next.set_generation(old.generation() + 1);
  return std::move(next);
}

result<object_ptr> registry::impl::commit_update(const resource_handler& h, const object_ptr& old, object&& next,
                                                 const write_options& o, bool managed_done) {
  next.set_resource_version(old->resource_version());
  if (same_but_managed_fields(*old, next)) return present(h, old);
  if (!managed_done) next.data() = core::record_update(old->data(), std::move(next.data()), managed_options(h, o));
  drop_empty_metadata(next);
  auto expected = storage::parse_revision(old->resource_version());
  if (!expected) return expected.error();
  object_key key{std::string(old->namespace_()), std::string(old->name())};

  if (!old->deletion_timestamp().empty() && next.finalizers().empty() &&
      next.deletion_grace_period_seconds().value_or(0) == 0) {
    // The last finalizer is gone (and no graceful deletion is pending): the object goes away now.
    if (o.dry_run) return present(h, core::make_object_ptr(std::move(next)));
    auto removed = store->remove(h.shard, key, *expected);
    if (!removed) return rename_error(h, removed.error(), key.name);
    after_removed(h, **removed);
    if (is_webhook_configuration(h)) admission->invalidate();
    return present(h, *removed);
  }
  if (o.dry_run) return present(h, core::make_object_ptr(std::move(next)));
  next.set_resource_version("");
  auto updated = store->update(h.shard, key, std::move(next), *expected);
  if (!updated) return rename_error(h, updated.error(), key.name);
  if (is_crd(h)) register_crd(**updated);
  if (is_events(h)) note_event_write(key);
  if (is_webhook_configuration(h)) admission->invalidate();
  return present(h, *updated);
}

result<object_ptr> registry::impl::update(const resource_handler& h, const object_key& key, object&& obj,
                                          const write_options& o) {
  if (!h.info->has_verb("update")) return api_error::method_not_supported(h.gr(), "update");
  if (o.subresource == "scale") {
    if (!h.has_scale()) return detail::not_served();
    return update_scale(h, key, obj, o);
  }
  if (o.subresource.empty() || o.subresource == "status") {
    if (auto t = check_type(h, obj, o); !t) return t.error();
  }
  if (obj.name().empty()) obj.set_name(key.name);
  if (obj.name() != key.name) {
    return detail::name_mismatch(obj.name(), key.name);
  }
  if (h.namespaced()) {
    if (obj.namespace_().empty()) obj.set_namespace(key.namespace_);
    if (obj.namespace_() != key.namespace_) {
      return detail::namespace_mismatch();
    }
  } else {
    obj.set_namespace("");
  }
  const std::string body_rv(obj.resource_version());
  object_key k{h.namespaced() ? key.namespace_ : "", key.name};
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    auto old = store->get(h.shard, k);
    if (!old) {
      if (core::is_not_found(old.error()) && o.subresource.empty() && create_on_update(h)) {
        obj.set_resource_version("");
        return create(h, k.namespace_, std::move(obj), o);
      }
      return rename_error(h, old.error(), key.name);
    }
    if (!body_rv.empty() && body_rv != (*old)->resource_version()) {
      if (!storage::parse_revision(body_rv)) return storage::parse_revision(body_rv).error();
      return api_error::stale_resource_version(h.gr(), key.name);
    }
    // A uid in the body is a precondition, as kube-apiserver's update makes it.
    if (!obj.uid().empty() && obj.uid() != (*old)->uid()) {
      return api_error::conflict(h.gr(), key.name,
                                 "Precondition failed: UID in precondition: " + std::string(obj.uid()) +
                                     ", UID in object meta: " + std::string((*old)->uid()));
    }
    // Only a write without a resourceVersion is retried on a conflict; any other
    // can give the request up at once.
    auto next = prepare_update(h, **old, body_rv.empty() ? object(obj) : std::move(obj), o);
    if (!next) return next.error();
    auto r = commit_update(h, *old, std::move(*next), o);
    if (!r && core::is_conflict(r.error()) && body_rv.empty()) continue;
    return r;
  }
  return api_error::stale_resource_version(h.gr(), key.name);
}

// Server-side apply turns the configuration into a typed value first; a field the type
// does not declare, or a value of the wrong type, fails that whatever fieldValidation
// says, and kube-apiserver answers 500 with structured-merge-diff's words and paths.
std::optional<api_error> registry::impl::undeclared_in_apply(const resource_handler& h, const json& p) const {
  if (!p.is_object()) return std::nullopt;
  const std::string want_av = h.info->resource.gv().str();
  auto str = [](const json* obj, const char* k) {
    if (obj == nullptr) return std::string();
    auto it = obj->find(k);
    return it != obj->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  // Another apiVersion or kind is refused before (400); leave it to that check.
  if (str(&p, "apiVersion") != want_av || str(&p, "kind") != h.info->kind) return std::nullopt;
  std::vector<detail::typed_error> errors;
  if (h.custom) {
    std::vector<json> segments;
    undeclared_fields(h, p, &segments);
    for (auto& seg : segments) errors.push_back({std::move(seg), "field not declared in schema"});
  } else {
    errors = detail::typed_conversion_errors(p, want_av, h.info->kind);
  }
  if (errors.empty()) return std::nullopt;
  const json* schema = h.custom && !h.raw_schema.is_null() ? &h.raw_schema : nullptr;
  std::vector<std::string> lines;
  for (const auto& e : errors) lines.push_back(core::typed_path_string(p, e.segments, h.gk(), schema) + ": " + e.message);
  std::string msg = lines.size() == 1 ? lines[0] : "errors:";
  if (lines.size() > 1) {
    for (const auto& l : lines) msg += "\n  " + l;
  }
  const json* meta = p.contains("metadata") && p["metadata"].is_object() ? &p["metadata"] : nullptr;
  return api_error(500, core::reason::unknown,
                   "failed to create typed patch object (" + str(meta, "namespace") + "/" + str(meta, "name") + "; " +
                       core::gvk{h.info->resource.group, h.info->resource.version, h.info->kind}.str() + "): " + msg);
}

result<object_ptr> registry::impl::patch(const resource_handler& h, const object_key& key, core::patch_type type,
                                         const json& p, const write_options& o) {
  if (!h.info->has_verb("patch")) return api_error::method_not_supported(h.gr(), "patch");
  if (type == core::patch_type::apply_cbor ||
      (type == core::patch_type::strategic_merge && (h.custom || !core::supports_strategic_merge(h.gk())))) {
    return api_error::unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  }
  const bool apply = type == core::patch_type::apply_yaml;
  if (apply && o.subresource != "scale") {
    if (auto e = undeclared_in_apply(h, p)) return *e;
  }
  object_key k{h.namespaced() ? key.namespace_ : "", key.name};
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    auto old = store->get(h.shard, k);
    if (!old) {
      if (apply && core::is_not_found(old.error()) && o.subresource.empty()) {
        if (!p.is_object()) return api_error::bad_request("apply patches must be objects");
        auto created = core::server_side_apply(json(), p, managed_options(h, o, true));
        if (!created) return created.error();
        object obj(std::move(*created));
        if (obj.name().empty()) obj.set_name(key.name);
        if (obj.name() != key.name) {
          return detail::name_mismatch(obj.name(), key.name);
        }
        if (h.namespaced() && !obj.namespace_().empty() && obj.namespace_() != key.namespace_) {
          return detail::namespace_mismatch();
        }
        return create(h, k.namespace_, std::move(obj), o, true);
      }
      return rename_error(h, old.error(), key.name);
    }
    const object& cur = **old;
    const object_ptr scale = o.subresource == "scale" ? scale_of(h, cur).value() : nullptr;
    const json& base = scale ? scale->data() : cur.data();
    result<json> patched = [&]() -> result<json> {
      switch (type) {
        case core::patch_type::merge_patch: return core::apply_merge_patch(json(base), p);
        case core::patch_type::json_patch: return core::apply_json_patch(json(base), p);
        case core::patch_type::strategic_merge: return core::apply_strategic_merge_patch(base, p, h.gk());
        case core::patch_type::apply_yaml: return core::server_side_apply(base, p, managed_options(h, o, true));
        case core::patch_type::apply_cbor: break;
      }
      return api_error::unsupported_media_type("unsupported patch type");
    }();
    if (!patched) return patched.error();
    if (!patched->is_object()) return api_error::bad_request("the patched document is not a JSON object");
    if (!h.custom && o.subresource != "scale" && type != core::patch_type::apply_yaml) {
      // kube-apiserver decodes the patched document into the Go struct: what does not
      // decode, or (Strict) names fields the struct lacks, is 422 on the field "patch",
      // the document quoted as the bad value. Unknown fields are dropped.
      auto d = detail::go_decode_scan(*patched, h.info->resource.gv().str(), h.info->kind);
      std::optional<std::string> bad = d.error;
      if (!bad && !d.unknown.empty()) {
        std::vector<std::string> paths;
        for (const auto& u : d.unknown) paths.push_back(u.path);
        bad = unknown_fields(paths, o);
      }
      if (bad) {
        return api_error::invalid({}, "", {core::field_error::invalid("patch", json(patched->dump()).dump(), *bad)});
      }
      detail::drop_unknown_fields(*patched, d.unknown);
    } else if (h.custom && h.schema && o.subresource != "scale" && type != core::patch_type::apply_yaml &&
               o.validation == field_validation::strict) {
      // A custom resource's patched document is decoded (and pruned) the same way; a
      // strict client hears of unknown fields as 422 on "patch". (Under Warn and Ignore
      // admission prunes them with the rest.)
      auto paths = undeclared_fields(h, *patched);
      if (auto bad = unknown_fields(paths, o)) {
        return api_error::invalid({}, "", {core::field_error::invalid("patch", json(patched->dump()).dump(), *bad)});
      }
    }
    object next(std::move(*patched));
    if (o.subresource == "scale") return update_scale(h, key, next, o);
    if (next.name() != key.name) {
      return detail::name_mismatch(next.name(), key.name);
    }
    bool precondition = false;
    if (next.resource_version().empty()) {
      next.set_resource_version(cur.resource_version());
    } else if (next.resource_version() != cur.resource_version()) {
      return api_error::stale_resource_version(h.gr(), key.name);
    } else {
      // The patch may have named the current resourceVersion itself: then it is a precondition.
      precondition = p.is_object() && p.contains("metadata") && p["metadata"].is_object() &&
                     p["metadata"].contains("resourceVersion");
    }
    auto prepared = prepare_update(h, cur, std::move(next), o);
    if (!prepared) return prepared.error();
    auto r = commit_update(h, *old, std::move(*prepared), o, apply);
    if (!r && core::is_conflict(r.error()) && !precondition) continue;
    return r;
  }
  return api_error::stale_resource_version(h.gr(), key.name);
}

// --- registry (public) ---

result<object_ptr> registry::create(const gvr& r, std::string_view ns, object&& obj, const write_options& opts) {
  auto h = impl_->handler(r);
  if (!h) return h.error();
  if (auto d = check_depth(obj.data()); !d) return d.error();
  auto n = impl_->request_namespace(**h, ns, obj);
  if (!n) return n.error();
  return impl_->create(**h, std::move(*n), std::move(obj), opts);
}

result<object_ptr> registry::update(const gvr& r, const object_key& key, object&& obj, const write_options& opts) {
  auto h = impl_->handler(r);
  if (!h) return h.error();
  if (auto d = check_depth(obj.data()); !d) return d.error();
  if (auto bad = detail::invalid_path_name(key.name)) return *bad;
  return impl_->update(**h, key, std::move(obj), opts);
}

result<object_ptr> registry::patch(const gvr& r, const object_key& key, core::patch_type type, const core::json& p,
                                   const write_options& opts) {
  auto h = impl_->handler(r);
  if (!h) return h.error();
  if (auto d = check_depth(p); !d) return d.error();
  if (auto bad = detail::invalid_path_name(key.name)) return *bad;
  return impl_->patch(**h, key, type, p, opts);
}

result<object_ptr> registry::bind(const object_key& pod, object&& binding, const write_options& opts) {
  if (auto bad = detail::invalid_path_name(pod.name)) return *bad;
  return impl_->bind(pod, binding, opts);
}

}  // namespace ktk::apiserver
