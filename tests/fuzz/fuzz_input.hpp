// fuzz_input.hpp — small helpers shared by the fuzz targets: the input as text, split
// into parts, and a check that fails loudly (abort, which libFuzzer and the replay
// report as a crash) when an invariant of the code under test does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace ktk::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The text before and after the first NUL byte; the second part is empty without one.
// Seeds of two-part targets are written as "first\0second".
inline std::pair<std::string_view, std::string_view> split_at_nul(std::string_view s) {
  auto i = s.find('\0');
  if (i == std::string_view::npos) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

// An invariant broken: the code under test has a bug.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::fwrite(detail.data(), 1, detail.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace ktk::fuzz
