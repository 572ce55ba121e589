// crd_schema_fuzz.cpp — CRD schemas: compile an openAPIV3Schema, then prune, default and
// validate an object with it; and validate the CRD document that carries the schema
// (v1, and v1beta1 converted to v1).
//
// Input: the schema (JSON), a NUL byte, the object (JSON). Compile errors and
// validation errors are values (field_errors); nothing may throw.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/apiserver/crd_schema.hpp"

namespace {

using ktk::core::json;
namespace crd = ktk::apiserver::crd;

json crd_document(const json& schema) {
  json version = {{"name", "v1"}, {"served", true}, {"storage", true}, {"schema", {{"openAPIV3Schema", schema}}},
                  {"subresources", {{"status", json::object()}}}};
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", "widgets.example.com"}}},
          {"spec",
           {{"group", "example.com"},
            {"scope", "Namespaced"},
            {"names", {{"plural", "widgets"}, {"kind", "Widget"}}},
            {"versions", json::array({version})}}}};
}

json v1beta1_document(const json& schema) {
  return {{"apiVersion", "apiextensions.k8s.io/v1beta1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", "widgets.example.com"}}},
          {"spec",
           {{"group", "example.com"},
            {"version", "v1"},
            {"scope", "Namespaced"},
            {"names", {{"plural", "widgets"}, {"kind", "Widget"}}},
            {"validation", {{"openAPIV3Schema", schema}}}}}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [schema_text, object_text] = ktk::fuzz::split_at_nul(ktk::fuzz::text(data, size));
  json schema = json::parse(schema_text, nullptr, false);
  if (schema.is_discarded()) return 0;

  json doc = crd_document(schema);
  crd::default_crd(doc);
  (void)crd::validate_crd(doc);
  json converted = crd::convert_v1beta1_crd(v1beta1_document(schema));
  crd::default_crd(converted);
  (void)crd::validate_crd(converted);

  auto compiled = crd::structural_schema::compile(schema);
  if (!compiled) return 0;
  json obj = json::parse(object_text, nullptr, false);
  if (obj.is_discarded()) return 0;
  if (!obj.is_object()) return 0;  // the registry decodes only objects into custom resources
  (void)compiled->validate(obj);
  json pruned = obj;
  (void)compiled->prune(pruned);
  compiled->apply_defaults(pruned);
  (void)compiled->validate(pruned);
  (void)pruned.dump();
  return 0;
}
