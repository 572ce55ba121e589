// ktk/core/field_error.hpp — validation errors with field paths, as apimachinery's
// field.Error: they become the `details.causes` of a 422 Invalid Status.
//
//   errs.push_back(field_error::required("spec.containers", ""));
//   errs.push_back(field_error::invalid("metadata.name", "Foo", "a lowercase RFC 1123 ..."));
//   throw/return api_error::invalid({"apps", "Deployment"}, "web", errs);
#pragma once

#include <string>
#include <vector>

namespace ktk::core {

struct field_error {
  enum class type {
    not_found,      // FieldValueNotFound       "Not found"
    required,       // FieldValueRequired       "Required value"
    duplicate,      // FieldValueDuplicate      "Duplicate value"
    invalid,        // FieldValueInvalid        "Invalid value"
    not_supported,  // FieldValueNotSupported   "Unsupported value"
    forbidden,      // FieldValueForbidden      "Forbidden"
    too_long,       // FieldValueTooLong        "Too long"
    too_many,       // FieldValueTooMany        "Too many"
    internal,       // InternalError            "Internal error"
    type_invalid,   // FieldValueTypeInvalid    "Invalid value" (wrong JSON type)
  };

  type kind = type::invalid;
  std::string field{};    // "spec.template.spec.containers[0].image"
  std::string bad_value{};  // already rendered as Go's %#v would: "\"Foo\"", "3", "" when none
  std::string detail{};

  static field_error required(std::string field, std::string detail = {});
  static field_error forbidden(std::string field, std::string detail);
  static field_error duplicate(std::string field, std::string bad_value);
  static field_error not_found(std::string field, std::string bad_value);
  static field_error too_long(std::string field, std::string bad_value, long max_length);
  static field_error too_many(std::string field, long actual, long max);
  static field_error internal(std::string field, std::string detail);
  // bad_value_json is the offending value as JSON text; strings are quoted.
  static field_error invalid(std::string field, std::string bad_value_json, std::string detail);
  static field_error type_invalid(std::string field, std::string bad_value_json, std::string detail);
  static field_error not_supported(std::string field, std::string bad_value_json,
                                   const std::vector<std::string>& valid);

  // "FieldValueRequired" etc.: the cause's `reason`.
  std::string reason() const;
  // The cause's `message`: "Required value", "Invalid value: \"Foo\": detail".
  std::string message() const;
  // "spec.containers: Required value" — apimachinery's Error().
  std::string str() const;
};

using field_errors = std::vector<field_error>;

// Quotes a string for a field_error's bad value, as Go's %q would.
std::string quote(const std::string& s);

}  // namespace ktk::core
