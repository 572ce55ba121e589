#include "ktk/core/base64.hpp"

namespace ktk::core {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += alphabet[(v >> s) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  unsigned acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < in.size() - pad; ++i) {
    int v = value_of(in[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, as Go's strict decoder requires.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

go_base64_scan scan_go_base64(std::string_view s) {
  auto corrupt = [](std::size_t at) { return go_base64_scan{.size = 0, .corrupt_at = at}; };
  std::size_t si = 0;
  std::size_t n = 0;
  while (si < s.size()) {
    int j = 0;
    int dlen = 4;
    for (; j < 4; ++j) {
      if (si == s.size()) {
        if (j == 0) return {.size = n};
        return corrupt(si - j);
      }
      char in = s[si++];
      if (value_of(in) >= 0) continue;
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=' || j < 2) return corrupt(si - 1);
      if (j == 2) {
        while (si < s.size() && (s[si] == '\n' || s[si] == '\r')) ++si;
        if (si == s.size()) return corrupt(s.size());
        if (s[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (si < s.size() && (s[si] == '\n' || s[si] == '\r')) ++si;
      if (si < s.size()) return corrupt(si);
      dlen = j;
      break;
    }
    n += static_cast<std::size_t>(dlen - 1);
  }
  return {.size = n};
}

}  // namespace ktk::core
