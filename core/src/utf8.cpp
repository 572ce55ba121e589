// utf8.cpp — well-formed UTF-8, as Go's unicode/utf8 sees it.
#include "ktk/core/utf8.hpp"

namespace ktk::core {

std::size_t utf8_sequence_at(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto in = [](unsigned c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
  const unsigned c0 = at(0);
  if (c0 < 0x80) return i < s.size() ? 1 : 0;
  if (in(c0, 0xc2, 0xdf)) return in(at(1), 0x80, 0xbf) ? 2 : 0;
  if (in(c0, 0xe0, 0xef)) {
    const unsigned lo = c0 == 0xe0 ? 0xa0 : 0x80, hi = c0 == 0xed ? 0x9f : 0xbf;
    return in(at(1), lo, hi) && in(at(2), 0x80, 0xbf) ? 3 : 0;
  }
  if (in(c0, 0xf0, 0xf4)) {
    const unsigned lo = c0 == 0xf0 ? 0x90 : 0x80, hi = c0 == 0xf4 ? 0x8f : 0xbf;
    return in(at(1), lo, hi) && in(at(2), 0x80, 0xbf) && in(at(3), 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_at(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string replace_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t n = utf8_sequence_at(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append(replacement_character);
      ++i;
    }
  }
  return out;
}

}  // namespace ktk::core
