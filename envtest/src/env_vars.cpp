// env_vars.cpp — envtest's settings from the environment: Go durations and booleans.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ktk/envtest/process.hpp"

namespace ktk::envtest {

namespace {

[[noreturn]] void malformed(const char* var, std::string_view value, std::string_view why) {
  throw std::invalid_argument(std::string(var) + "=\"" + std::string(value) + "\": " +
                              std::string(why));
}

// The length of a unit at the front of `s` and its size in nanoseconds; 0 when none.
std::pair<std::size_t, double> unit_at(std::string_view s) {
  // Longest first: "ms" before "m", "us" before a bare digit check.
  static constexpr std::pair<std::string_view, double> units[] = {
      {"ns", 1.0},         {"us", 1e3},          {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
      {"ms", 1e6},         {"s", 1e9},           {"m", 60e9},        {"h", 3600e9}};
  for (const auto& [name, ns] : units) {
    if (s.substr(0, name.size()) == name) return {name.size(), ns};
  }
  return {0, 0.0};
}

// Go's time.ParseDuration, plus a bare number meaning seconds. Negative values are
// rejected: every duration envtest reads is a timeout.
std::chrono::milliseconds parse_duration(const char* var, std::string_view value) {
  std::string_view s = value;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) malformed(var, value, "empty duration");
  if (s.front() == '-') malformed(var, value, "negative duration");
  if (s == "0") return std::chrono::milliseconds::zero();
  const bool bare = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
  double total_ns = 0;
  while (!s.empty()) {
    std::size_t digits = 0;
    bool dot = false;
    while (digits < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[digits])) || (s[digits] == '.' && !dot))) {
      dot = dot || s[digits] == '.';
      ++digits;
    }
    const std::string number(s.substr(0, digits));
    if (number.empty() || number == ".") malformed(var, value, "expected a number");
    const double n = std::strtod(number.c_str(), nullptr);
    s.remove_prefix(digits);
    if (bare) {
      total_ns += n * 1e9;
      break;
    }
    const auto [len, ns] = unit_at(s);
    if (len == 0) malformed(var, value, "missing or unknown unit (ns, us, ms, s, m, h)");
    total_ns += n * ns;
    s.remove_prefix(len);
  }
  if (total_ns > 9.2e18) malformed(var, value, "duration out of range");
  return std::chrono::milliseconds(static_cast<std::int64_t>(total_ns / 1e6));
}

}  // namespace

std::chrono::milliseconds duration_from_env(const char* var, std::chrono::milliseconds fallback) {
  const char* v = std::getenv(var);
  if (v == nullptr || *v == '\0') return fallback;
  return parse_duration(var, v);
}

bool flag_from_env(const char* var, bool fallback) {
  const char* v = std::getenv(var);
  if (v == nullptr || *v == '\0') return fallback;
  std::string s(v);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "true" || s == "1" || s == "yes" || s == "t" || s == "y" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "f" || s == "n" || s == "off") return false;
  malformed(var, v, "expected true/false, 1/0 or yes/no");
}

}  // namespace ktk::envtest
