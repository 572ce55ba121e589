#include "ktk/core/field_error.hpp"

#include <cstdio>

namespace ktk::core {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

field_error field_error::required(std::string field, std::string detail) {
  return {type::required, std::move(field), "", std::move(detail)};
}
field_error field_error::forbidden(std::string field, std::string detail) {
  return {type::forbidden, std::move(field), "", std::move(detail)};
}
field_error field_error::duplicate(std::string field, std::string bad_value) {
  return {type::duplicate, std::move(field), std::move(bad_value), ""};
}
field_error field_error::not_found(std::string field, std::string bad_value) {
  return {type::not_found, std::move(field), std::move(bad_value), ""};
}
field_error field_error::too_long(std::string field, std::string bad_value, long max_length) {
  return {type::too_long, std::move(field), std::move(bad_value),
          "must have at most " + std::to_string(max_length) + " bytes"};
}
field_error field_error::too_many(std::string field, long actual, long max) {
  return {type::too_many, std::move(field), std::to_string(actual),
          "must have at most " + std::to_string(max) + " items"};
}
field_error field_error::internal(std::string field, std::string detail) {
  return {type::internal, std::move(field), "", std::move(detail)};
}
field_error field_error::invalid(std::string field, std::string bad_value_json, std::string detail) {
  return {type::invalid, std::move(field), std::move(bad_value_json), std::move(detail)};
}
field_error field_error::type_invalid(std::string field, std::string bad_value_json, std::string detail) {
  return {type::type_invalid, std::move(field), std::move(bad_value_json), std::move(detail)};
}
field_error field_error::not_supported(std::string field, std::string bad_value_json,
                                       const std::vector<std::string>& valid) {
  std::string detail;
  if (!valid.empty()) {
    detail = "supported values: ";
    for (std::size_t i = 0; i < valid.size(); ++i) {
      if (i) detail += ", ";
      detail += quote(valid[i]);
    }
  }
  return {type::not_supported, std::move(field), std::move(bad_value_json), std::move(detail)};
}

std::string field_error::reason() const {
  switch (kind) {
    case type::not_found: return "FieldValueNotFound";
    case type::required: return "FieldValueRequired";
    case type::duplicate: return "FieldValueDuplicate";
    case type::invalid: return "FieldValueInvalid";
    case type::not_supported: return "FieldValueNotSupported";
    case type::forbidden: return "FieldValueForbidden";
    case type::too_long: return "FieldValueTooLong";
    case type::too_many: return "FieldValueTooMany";
    case type::internal: return "InternalError";
    case type::type_invalid: return "FieldValueTypeInvalid";
  }
  return "FieldValueInvalid";
}

// The message apimachinery's field.Error.ErrorBody() builds: the type's words, then
// the bad value for the kinds that carry one, then the detail.
std::string field_error::message() const {
  std::string head;
  bool with_value = false;
  switch (kind) {
    case type::not_found: head = "Not found"; with_value = true; break;
    case type::required: head = "Required value"; break;
    case type::duplicate: head = "Duplicate value"; with_value = true; break;
    case type::invalid: head = "Invalid value"; with_value = true; break;
    case type::not_supported: head = "Unsupported value"; with_value = true; break;
    case type::forbidden: head = "Forbidden"; break;
    case type::too_long: head = "Too long"; break;
    case type::too_many: head = "Too many"; with_value = true; break;
    case type::internal: head = "Internal error"; break;
    case type::type_invalid: head = "Invalid value"; with_value = true; break;
  }
  std::string s = head;
  if (with_value && !bad_value.empty()) s += ": " + bad_value;
  if (!detail.empty()) s += ": " + detail;
  return s;
}

std::string field_error::str() const { return field.empty() ? message() : field + ": " + message(); }

}  // namespace ktk::core
