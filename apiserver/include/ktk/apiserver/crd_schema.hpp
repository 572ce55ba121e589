// ktk/apiserver/crd_schema.hpp — CustomResourceDefinition schemas: validation,
// defaulting and pruning of custom resources, as apiextensions-apiserver does them.
//
//   auto s = ktk::apiserver::crd::structural_schema::compile(version["schema"]["openAPIV3Schema"]);
//   s->prune(obj);                 // drop fields the schema does not declare
//   s->apply_defaults(obj);        // `default:` values
//   auto errs = s->validate(obj);  // type, required, enum, pattern, bounds, formats ...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ktk/core/field_error.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::crd {

using core::field_errors;
using core::json;

class structural_schema {
 public:
  // Compiles an openAPIV3Schema. Errors (a non-structural schema, a bad pattern)
  // are field errors under `prefix` (e.g. "spec.versions[0].schema.openAPIV3Schema").
  static core::result<structural_schema> compile(const json& openapi_v3_schema,
                                                 const std::string& prefix = "schema.openAPIV3Schema");
  // A schema that accepts anything and keeps every field (no schema given).
  static structural_schema preserve_all();

  // Validates a whole custom resource; field paths relative to the object
  // ("spec.replicas"). apiVersion, kind and metadata are not checked here.
  field_errors validate(const json& obj) const;
  // Fills `default:` values, recursively, as apiextensions-apiserver does on read and write.
  void apply_defaults(json& obj) const;
  // Removes fields not declared by the schema (unless x-kubernetes-preserve-unknown-fields);
  // apiVersion, kind and metadata are kept. Then drops null values of non-nullable fields
  // that have no default, as apiextensions-apiserver does after pruning. Returns the
  // removed unknown fields, sorted, in kube's warning form: "spec.foo", "spec.items[0].bar"
  // (kube warns `unknown field "spec.foo"`).
  std::vector<std::string> prune(json& obj) const;

  structural_schema(const structural_schema&);
  structural_schema& operator=(const structural_schema&);
  structural_schema(structural_schema&&) noexcept;
  structural_schema& operator=(structural_schema&&) noexcept;
  ~structural_schema();

  struct node;  // detail

 private:
  explicit structural_schema(std::shared_ptr<const node> root);
  std::shared_ptr<const node> root_;
};

// Validates a CustomResourceDefinition (apiextensions.k8s.io/v1) as kube-apiserver does:
// names (plural, singular, kind, listKind, shortNames), scope, at least one version,
// exactly one storage version, a structural schema for each served version,
// subresources. Field paths as kube's ("spec.versions[0].schema.openAPIV3Schema").
field_errors validate_crd(const json& crd);

// Fills the defaults kube-apiserver sets on a v1 CRD before validating it:
// spec.names.singular (lowercased kind), spec.names.listKind (kind + "List"),
// spec.conversion.strategy (None). validate_crd accepts documents without them.
void default_crd(json& crd);

// Converts an apiextensions.k8s.io/v1beta1 CRD document (as in older tutorials) into
// an equivalent v1 document: top-level validation/subresources/additionalPrinterColumns
// moved into each version, JSONPath → jsonPath, `version` → versions. Documents that
// are already v1 are returned unchanged.
json convert_v1beta1_crd(const json& crd);

}  // namespace ktk::apiserver::crd
