#include "ktk/core/json_writer.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/core/utf8.hpp"

namespace ktk::core {

namespace {

// Bytes copied as they are: printable ASCII other than the quote and the backslash.
// DEL (0x7f) too, as nlohmann writes it when it is not asked for ASCII-only output.
constexpr std::array<bool, 256> verbatim_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

class writer {
 public:
  explicit writer(std::string& out) : out_(out) {}

  bool value(const json& j) {
    switch (j.type()) {
      case json::value_t::null: out_ += "null"; return true;
      case json::value_t::boolean: out_ += j.get_ref<const json::boolean_t&>() ? "true" : "false"; return true;
      case json::value_t::number_integer: return integer(j.get_ref<const json::number_integer_t&>());
      case json::value_t::number_unsigned: return integer(j.get_ref<const json::number_unsigned_t&>());
      case json::value_t::number_float:
        // Rare in Kubernetes objects; nlohmann's float format (shortest digits, its own
        // exponent rules) is its own.
        out_ += j.dump();
        return true;
      case json::value_t::string: return string(j.get_ref<const json::string_t&>());
      case json::value_t::object: {
        const auto& m = j.get_ref<const json::object_t&>();
        out_ += '{';
        bool first = true;
        for (const auto& [k, v] : m) {
          if (!first) out_ += ',';
          first = false;
          if (!string(k)) return false;
          out_ += ':';
          if (!value(v)) return false;
        }
        out_ += '}';
        return true;
      }
      case json::value_t::array: {
        const auto& a = j.get_ref<const json::array_t&>();
        out_ += '[';
        bool first = true;
        for (const auto& v : a) {
          if (!first) out_ += ',';
          first = false;
          if (!value(v)) return false;
        }
        out_ += ']';
        return true;
      }
      case json::value_t::binary:
      case json::value_t::discarded:
        return false;
    }
    return false;
  }

 private:
  template <typename Int>
  bool integer(Int v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return false;
    out_.append(buf, end);
    return true;
  }

  bool string(std::string_view s) {
    out_ += '"';
    std::size_t i = 0;
    while (i < s.size()) {
      const std::size_t run = i;
      while (i < s.size() && verbatim_bytes[static_cast<unsigned char>(s[i])]) ++i;
      out_.append(s.data() + run, i - run);
      if (i == s.size()) break;
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        const std::size_t n = utf8_sequence_at(s, i);
        if (n == 0) return false;  // not UTF-8: nlohmann throws or replaces, as asked
        out_.append(s.data() + i, n);
        i += n;
        continue;
      }
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char hex[] = "0123456789abcdef";
          const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
          out_.append(esc, sizeof esc);
        }
      }
      ++i;
    }
    out_ += '"';
    return true;
  }

  std::string& out_;
};

}  // namespace

bool write_json(const json& j, std::string& out) {
  const std::size_t before = out.size();
  if (writer(out).value(j)) return true;
  out.resize(before);
  return false;
}

std::string dump_json(const json& j) {
  std::string out;
  if (write_json(j, out)) return out;
  return j.dump();
}

std::string json_text_replacing_invalid_utf8(const json& j) {
  std::string out;
  if (write_json(j, out)) return out;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ktk::core
