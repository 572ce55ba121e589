// go_json.cpp — Go's encoding/json: its wording, and how it reads strings nlohmann::json refuses.
#include "ktk/core/go_json.hpp"

#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ktk/core/utf8.hpp"

namespace ktk::core {

namespace {

// The code unit of the \uXXXX escape at s[i] (s[i] == '\\'), or -1 when there is none.
long u_escape_at(std::string_view s, std::size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  long v = 0;
  for (std::size_t k = i + 2; k < i + 6; ++k) {
    const char c = s[k];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

bool is_high_surrogate(long u) { return u >= 0xd800 && u < 0xdc00; }
bool is_low_surrogate(long u) { return u >= 0xdc00 && u < 0xe000; }

}  // namespace

std::string_view go_json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    default: return "number";
  }
}

std::optional<std::string> go_json_replace_invalid_utf8(std::string_view text) {
  // Nothing to do unless there is a byte above 0x7f or a \u escape (a cheap first look,
  // eight bytes at a time; `\"` in an annotation does not count).
  std::uint64_t high = 0;
  std::size_t k = 0;
  for (; k + 8 <= text.size(); k += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + k, 8);
    high |= w;
  }
  for (; k < text.size(); ++k) high |= static_cast<unsigned char>(text[k]);
  if ((high & 0x8080808080808080ull) == 0 && text.find("\\u") == std::string_view::npos) {
    return std::nullopt;
  }

  std::optional<std::string> out;
  std::size_t copied = 0;  // text[copied, i) still has to go to *out
  auto replace = [&](std::size_t i, std::size_t n, std::string_view with) {
    if (!out) out.emplace().reserve(text.size() + 16);
    out->append(text.substr(copied, i - copied)).append(with);
    copied = i + n;
  };
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!in_string) {
      if (c == '"') in_string = true;
      ++i;
    } else if (c == '"') {
      in_string = false;
      ++i;
    } else if (c == '\\') {
      const long u = u_escape_at(text, i);
      if (u < 0) {
        i += 2;  // \n, \", ... (or a malformed escape, which the parser reports)
      } else if (is_high_surrogate(u) && is_low_surrogate(u_escape_at(text, i + 6))) {
        i += 12;  // a pair: one character
      } else if (is_high_surrogate(u) || is_low_surrogate(u)) {
        replace(i, 6, "\\ufffd");
        i += 6;
      } else {
        i += 6;
      }
    } else if (c < 0x80) {
      ++i;
    } else if (std::size_t n = utf8_sequence_at(text, i); n > 0) {
      i += n;
    } else {
      replace(i, 1, replacement_character);
      ++i;
    }
  }
  if (out) out->append(text.substr(copied));
  return out;
}

}  // namespace ktk::core
