// ktk/apiserver/strategy.hpp — what is particular to one kind: defaults, validation,
// the fields create and update reset.
//
// The registry does everything kinds share (metadata, resourceVersion, generation,
// the status subresource, finalizers); a `strategy` adds what kube-apiserver's
// per-type strategies add. Built-ins get theirs from `builtin_strategy`; custom
// resources use the CRD's schema (ktk/apiserver/crd_schema.hpp) instead.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ktk/core/field_error.hpp"
#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"

namespace ktk::apiserver {

using core::field_errors;
using core::object;

// How metadata.name is validated for a kind.
enum class name_rule {
  dns1123_subdomain,  // most kinds: lowercase RFC 1123 subdomain, ≤ 253
  dns1123_label,      // namespaces, services: lowercase RFC 1123 label, ≤ 63
  path_segment,       // anything but "", ".", "..", and names containing "/" or "%"
};

class strategy {
 public:
  virtual ~strategy() = default;

  virtual name_rule names() const { return name_rule::dns1123_subdomain; }
  // Top-level fields whose change moves metadata.generation ("spec"); empty when the
  // kind keeps no generation.
  virtual std::vector<std::string> generation_fields() const { return {}; }

  // Resets what a create may not set (e.g. Deployment status) and fills what the
  // server fills (Pod status.phase Pending). Runs before defaults and validation.
  virtual void prepare_for_create(object& obj) const { (void)obj; }
  // Same for updates of the main resource; `old` is the stored object.
  virtual void prepare_for_update(object& obj, const object& old) const { (void)obj, (void)old; }
  // API defaulting (restartPolicy Always, RollingUpdate 25%/25% ...).
  virtual void apply_defaults(object& obj) const { (void)obj; }
  // Kind-specific validation on create; field paths as in kube-apiserver.
  virtual field_errors validate_create(const object& obj) const { (void)obj; return {}; }
  // Kind-specific validation on update (immutable fields and the like).
  virtual field_errors validate_update(const object& obj, const object& old) const {
    (void)old;
    return validate_create(obj);
  }
  // Same for writes to the status subresource, after the stored spec and metadata are
  // put back (Pod: a status without qosClass keeps the stored one).
  virtual void prepare_for_status_update(object& obj, const object& old) const { (void)obj, (void)old; }
  // Kind-specific validation of a write to the status subresource, where only the
  // status can have changed (the stored spec and metadata are kept): kube-apiserver's
  // ValidateXStatusUpdate. None by default.
  virtual field_errors validate_status_update(const object& obj, const object& old) const {
    (void)obj, (void)old;
    return {};
  }
};

using strategy_ptr = std::shared_ptr<const strategy>;

// The strategy of a built-in resource ("" group "pods", "apps" "deployments" ...); a
// plain default strategy for resources without one.
strategy_ptr builtin_strategy(const core::group_resource& gr);

// The name validation kube-apiserver applies; empty when valid. Messages as
// apimachinery's (e.g. "a lowercase RFC 1123 subdomain must consist of ...").
std::vector<std::string> validate_name(const std::string& name, name_rule rule);
// Label keys and values, annotation keys and total size, finalizer names, owner references.
field_errors validate_object_meta_fields(const object& obj);

}  // namespace ktk::apiserver
