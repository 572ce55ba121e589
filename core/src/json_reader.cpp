#include "ktk/core/json_reader.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

namespace ktk::core {

namespace {

constexpr int max_depth = 256;

// Bytes a string's text runs over without a second look: printable ASCII other than
// the quote and the backslash.
constexpr std::array<bool, 256> plain_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A recursive-descent reader that gives up (false) on anything it leaves to nlohmann.
// Values are built where they end up: a member's value in its map node, an element
// in its vector, a string's text in the string the value owns.
class reader {
 public:
  explicit reader(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool document(json& out) {
    if (!value(out, 0)) return false;
    skip_ws();
    return p_ == end_;
  }

 private:
  void skip_ws() {
    while (p_ < end_ && is_ws(*p_)) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // `out` is null on entry.
  bool value(json& out, int depth) {
    skip_ws();
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"':
        out = json(json::value_t::string);
        return string(*out.get_ptr<json::string_t*>());
      case 't': out = true; return literal("true");
      case 'f': out = false; return literal("false");
      case 'n': return literal("null");
      default: return number(out);
    }
  }

  bool object(json& out, int depth) {
    if (depth > max_depth) return false;
    ++p_;  // '{'
    out = json(json::value_t::object);
    auto& m = *out.get_ptr<json::object_t*>();
    skip_ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (p_ == end_ || *p_ != '"') return false;
      key_.clear();
      if (!string(key_)) return false;
      skip_ws();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      // Kubernetes objects come with sorted keys mostly: the hint makes those one
      // comparison. A duplicate key's value is read over the first one: the last wins,
      // as in nlohmann.
      auto it = m.try_emplace(m.end(), key_);
      if (!it->second.is_null()) it->second = nullptr;
      if (!value(it->second, depth)) return false;
      skip_ws();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool array(json& out, int depth) {
    if (depth > max_depth) return false;
    ++p_;  // '['
    out = json(json::value_t::array);
    auto& a = *out.get_ptr<json::array_t*>();
    skip_ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (!value(a.emplace_back(), depth)) return false;
      skip_ws();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads \uXXXX (p_ after the 'u'); -1 when malformed.
  long code_unit() {
    if (end_ - p_ < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex(p_[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    p_ += 4;
    return v;
  }

  static void append_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // A string (p_ at the opening quote) appended to `out`, ASCII only: other bytes go to
  // nlohmann, which validates UTF-8.
  bool string(std::string& out) {
    ++p_;
    for (;;) {
      const char* run = p_;
      while (p_ < end_ && plain_bytes[static_cast<unsigned char>(*p_)]) ++p_;
      out.append(run, p_);
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\') return false;  // a control character or non-ASCII
      if (++p_ == end_) return false;
      switch (*p_++) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          long hi = code_unit();
          if (hi < 0) return false;
          if (hi >= 0xDC00 && hi <= 0xDFFF) return false;
          if (hi >= 0xD800 && hi <= 0xDBFF) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            long lo = code_unit();
            if (lo < 0xDC00 || lo > 0xDFFF) return false;
            append_utf8(out, 0x10000 + ((static_cast<unsigned long>(hi) - 0xD800) << 10) +
                                 (static_cast<unsigned long>(lo) - 0xDC00));
          } else {
            append_utf8(out, static_cast<unsigned long>(hi));
          }
          break;
        }
        default: return false;
      }
    }
  }

  bool number(json& out) {
    const char* start = p_;
    const bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return false;
    }
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      ++p_;
      const char* digits = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == digits) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* digits = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == digits) return false;
    }
    if (integral) {
      if (negative) {
        std::int64_t v = 0;
        auto [e, ec] = std::from_chars(start, p_, v);
        if (ec != std::errc() || e != p_) return false;  // out of range: nlohmann decides
        out = v;
      } else {
        std::uint64_t v = 0;
        auto [e, ec] = std::from_chars(start, p_, v);
        if (ec != std::errc() || e != p_) return false;
        out = v;
      }
      return true;
    }
    double d = 0;
    auto [e, ec] = std::from_chars(start, p_, d);
    if (ec != std::errc() || e != p_) return false;
    out = d;
    return true;
  }

  const char* p_;
  const char* end_;
  std::string key_;  // the member name being read, reused
};

}  // namespace

std::optional<json> read_json(std::string_view text) {
  std::optional<json> out(std::in_place);
  if (reader(text).document(*out)) return out;
  return std::nullopt;
}

json read_json_or_discarded(std::string_view text) {
  if (auto j = read_json(text)) return std::move(*j);
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace ktk::core
