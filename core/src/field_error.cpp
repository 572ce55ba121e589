#include "ktk/core/field_error.hpp"

#include <cstdio>

namespace ktk::core {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when the byte does
// not start a valid sequence (overlong forms, surrogates and > U+10FFFF included).
std::size_t decode_utf8(const std::string& s, std::size_t i, char32_t& out) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n;
  char32_t min;
  if (b < 0x80) {
    out = b;
    return 1;
  } else if ((b & 0xe0) == 0xc0) {
    n = 2, min = 0x80, out = b & 0x1f;
  } else if ((b & 0xf0) == 0xe0) {
    n = 3, min = 0x800, out = b & 0x0f;
  } else if ((b & 0xf8) == 0xf0) {
    n = 4, min = 0x10000, out = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xc0) != 0x80) return 0;
    out = (out << 6) | (c & 0x3f);
  }
  if (out < min || out > 0x10ffff || (out >= 0xd800 && out <= 0xdfff)) return 0;
  return n;
}

// Code points Go's strconv.IsPrint rejects that are likely in real input: C1
// controls, spaces other than U+0020, line/paragraph separators, format characters
// and noncharacters. (Unassigned and private-use code points are passed through.)
bool go_non_printable(char32_t r) {
  return (r >= 0x80 && r <= 0xa0) || r == 0xad || r == 0x1680 || (r >= 0x2000 && r <= 0x200f) ||
         (r >= 0x2028 && r <= 0x202f) || (r >= 0x205f && r <= 0x2064) || r == 0x3000 || r == 0xfeff ||
         r == 0xfffe || r == 0xffff;
}

}  // namespace

std::string quote(const std::string& s) {
  std::string out = "\"";
  char buf[16];
  for (std::size_t i = 0; i < s.size();) {
    char32_t r;
    std::size_t n = decode_utf8(s, i, r);
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i]));
      out += buf;
      ++i;
      continue;
    }
    switch (r) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (r < 0x20 || r == 0x7f) {
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(r));
          out += buf;
        } else if (go_non_printable(r)) {
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(r));
          out += buf;
        } else {
          out.append(s, i, n);
        }
    }
    i += n;
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
  // apimachinery >= 1.32 (field.TooLong); a negative maximum is left out.
  std::string detail = max_length < 0 ? "value is too long"
                                      : "may not be more than " + std::to_string(max_length) +
                                            (max_length == 1 ? " byte" : " bytes");
  return {type::too_long, std::move(field), std::move(bad_value), std::move(detail)};
}
field_error field_error::too_many(std::string field, long actual, long max) {
  // A negative count or maximum is left out of the message, as in field.TooMany.
  std::string detail = max < 0 ? "has too many items"
                               : "must have at most " + std::to_string(max) + (max == 1 ? " item" : " items");
  return {type::too_many, std::move(field), actual < 0 ? std::string() : std::to_string(actual),
          std::move(detail)};
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
