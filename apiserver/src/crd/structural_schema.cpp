#include "ktk/apiserver/crd_schema.hpp"

#include <algorithm>

#include "ktk/core/api_error.hpp"
#include "schema_node.hpp"

namespace ktk::apiserver::crd {

using node = structural_schema::node;

structural_schema::structural_schema(std::shared_ptr<const node> root) : root_(std::move(root)) {}
structural_schema::structural_schema(const structural_schema&) = default;
structural_schema& structural_schema::operator=(const structural_schema&) = default;
structural_schema::structural_schema(structural_schema&&) noexcept = default;
structural_schema& structural_schema::operator=(structural_schema&&) noexcept = default;
structural_schema::~structural_schema() = default;

core::result<structural_schema> structural_schema::compile(const json& openapi_v3_schema, const std::string& prefix) {
  field_errors errs;
  auto root = detail::compile_node(openapi_v3_schema, prefix, detail::level::root, false, false, 0, errs);
  if (!errs.empty()) {
    return core::api_error::invalid({"apiextensions.k8s.io", "CustomResourceDefinition"}, "", errs);
  }
  return structural_schema(std::move(root));
}

structural_schema structural_schema::preserve_all() {
  auto n = std::make_shared<node>();
  n->type = "object";
  n->preserve_unknown_fields = true;
  return structural_schema(std::move(n));
}

field_errors structural_schema::validate(const json& obj) const {
  field_errors errs;
  if (auto deep = detail::too_deep(obj)) {
    errs.push_back(core::field_error::forbidden(
        deep->empty() ? "<nil>" : *deep,
        "exceeds the maximum nesting depth of " + std::to_string(max_nesting_depth)));
    return errs;
  }
  detail::validate_resource(*root_, obj, errs);
  detail::validate_embedded_resources(*root_, obj, "", 0, errs);
  detail::validate_list_types(*root_, obj, "", 0, errs);
  return errs;
}

namespace {

bool is_meta_field(const std::string& k) { return k == "apiVersion" || k == "kind" || k == "metadata"; }

// pkg/apiserver/schema/defaulting/algorithm.go
void apply_defaults_impl(json& x, const node* s, int depth) {
  if (s == nullptr || depth > max_nesting_depth) return;
  auto non_nullable_null = [](const json& v, const node* sub) { return v.is_null() && sub && !sub->nullable; };
  if (x.is_object()) {
    for (const auto& [k, prop] : s->properties) {
      if (!prop->default_value) continue;
      auto it = x.find(k);
      if (it == x.end() || non_nullable_null(*it, prop.get())) x[k] = *prop->default_value;
    }
    for (auto it = x.begin(); it != x.end(); ++it) {
      if (auto p = s->properties.find(it.key()); p != s->properties.end()) {
        apply_defaults_impl(it.value(), p->second.get(), depth + 1);
      } else if (s->has_additional_properties || s->additional_properties_forbidden) {
        const node* ap = s->additional_properties.get();
        if (non_nullable_null(it.value(), ap) && ap->default_value) it.value() = *ap->default_value;
        apply_defaults_impl(it.value(), ap, depth + 1);
      }
    }
  } else if (x.is_array()) {
    const node* items = s->items.get();
    for (auto& v : x) {
      if (non_nullable_null(v, items) && items->default_value) v = *items->default_value;
      apply_defaults_impl(v, items, depth + 1);
    }
  }
}

struct pruner {
  std::vector<std::string>& removed;
  const node* root;  // the resource root keeps apiVersion, kind and metadata, as an embedded resource does

  bool keeps_meta(const node* s) const { return s->embedded_resource || s == root; }

  // pkg/apiserver/schema/pruning/algorithm.go: prune()
  void prune(json& x, const node* s, const std::string& path, int depth) {
    if (depth > max_nesting_depth) return;
    if (s && s->preserve_unknown_fields) {
      skip_prune(x, s, path, depth);
      return;
    }
    if (x.is_object()) {
      if (s == nullptr) {
        for (auto it = x.begin(); it != x.end(); ++it) removed.push_back(detail::child_path(path, it.key()));
        x = json::object();
        return;
      }
      std::vector<std::string> drop;
      for (auto it = x.begin(); it != x.end(); ++it) {
        const std::string& k = it.key();
        if (keeps_meta(s) && is_meta_field(k)) continue;
        if (auto p = s->properties.find(k); p != s->properties.end()) {
          prune(it.value(), p->second.get(), detail::child_path(path, k), depth + 1);
        } else if (s->has_additional_properties || s->additional_properties_forbidden) {
          prune(it.value(), s->additional_properties.get(), detail::child_path(path, k), depth + 1);
        } else {
          if (!is_meta_field(k) || !path.empty()) removed.push_back(detail::child_path(path, k));
          drop.push_back(k);
        }
      }
      for (const auto& k : drop) x.erase(k);
    } else if (x.is_array()) {
      const node* items = s ? s->items.get() : nullptr;
      for (std::size_t i = 0; i < x.size(); ++i) prune(x[i], items, detail::index_path(path, i), depth + 1);
    }
  }

  // Under x-kubernetes-preserve-unknown-fields: unknown fields stay, declared ones are pruned.
  void skip_prune(json& x, const node* s, const std::string& path, int depth) {
    if (s == nullptr || depth > max_nesting_depth) return;
    if (x.is_object()) {
      for (auto it = x.begin(); it != x.end(); ++it) {
        const std::string& k = it.key();
        if (keeps_meta(s) && is_meta_field(k)) continue;
        if (auto p = s->properties.find(k); p != s->properties.end()) {
          prune(it.value(), p->second.get(), detail::child_path(path, k), depth + 1);
        } else if (s->has_additional_properties || s->additional_properties_forbidden) {
          prune(it.value(), s->additional_properties.get(), detail::child_path(path, k), depth + 1);
        }
      }
    } else if (x.is_array()) {
      for (std::size_t i = 0; i < x.size(); ++i) skip_prune(x[i], s->items.get(), detail::index_path(path, i), depth + 1);
    }
  }
};

// pkg/apiserver/schema/defaulting/prunenulls.go
void prune_nulls(json& x, const node* s, int depth) {
  if (s == nullptr || depth > max_nesting_depth) return;
  if (x.is_object()) {
    std::vector<std::string> drop;
    for (auto it = x.begin(); it != x.end(); ++it) {
      const node* sub = s->member(it.key());
      if (it.value().is_null() && sub && !sub->nullable && !sub->default_value) {
        drop.push_back(it.key());
      } else {
        prune_nulls(it.value(), sub, depth + 1);
      }
    }
    for (const auto& k : drop) x.erase(k);
  } else if (x.is_array()) {
    for (auto& v : x) prune_nulls(v, s->items.get(), depth + 1);
  }
}

}  // namespace

std::vector<std::string> detail::prune_value(json& v, const node& n, bool resource_root) {
  std::vector<std::string> removed;
  pruner{removed, resource_root ? &n : nullptr}.prune(v, &n, "", 0);
  return removed;
}

void structural_schema::apply_defaults(json& obj) const { apply_defaults_impl(obj, root_.get(), 0); }

std::vector<std::string> structural_schema::prune(json& obj) const {
  std::vector<std::string> removed;
  pruner{removed, root_.get()}.prune(obj, root_.get(), "", 0);
  prune_nulls(obj, root_.get(), 0);
  std::sort(removed.begin(), removed.end());
  return removed;
}

}  // namespace ktk::apiserver::crd
