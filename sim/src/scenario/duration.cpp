// Durations as Go's time.ParseDuration writes them ("1m30s", "250ms", "1.5s"), in
// milliseconds: the scenario's virtual clock has no finer grain.
#include <charconv>
#include <cmath>
#include <cstdint>

#include "ktk/sim/scenario.hpp"

namespace ktk::sim {

namespace {

// Milliseconds per unit; units are matched longest first ("ms" before "m").
std::optional<double> unit_ms(std::string_view s, std::size_t& i) {
  if (s.compare(i, 2, "ms") == 0) return i += 2, 1.0;
  if (s.compare(i, 1, "h") == 0) return i += 1, 3'600'000.0;
  if (s.compare(i, 1, "m") == 0) return i += 1, 60'000.0;
  if (s.compare(i, 1, "s") == 0) return i += 1, 1'000.0;
  return std::nullopt;
}

}  // namespace

std::optional<duration> parse_duration(std::string_view s) {
  if (s == "0") return duration{0};
  if (s.empty()) return std::nullopt;
  double total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double value = 0;
    auto [p, ec] = std::from_chars(s.data() + start, s.data() + i, value);
    if (ec != std::errc() || p != s.data() + i) return std::nullopt;
    auto unit = unit_ms(s, i);
    if (!unit) return std::nullopt;
    total += value * *unit;
  }
  // Past ~290 million years; and a fraction of a millisecond cannot be kept.
  if (total > 9.0e18 || std::abs(total - std::round(total)) > 1e-6) return std::nullopt;
  return duration{static_cast<std::int64_t>(std::llround(total))};
}

std::string format_duration(duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  std::uint64_t u = ms < 0 ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  if (ms < 0) out = "-";
  if (u < 1000) return out + std::to_string(u) + "ms";
  std::uint64_t h = u / 3'600'000, m = u / 60'000 % 60, s = u / 1000 % 60, frac = u % 1000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || frac) {
    out += std::to_string(s);
    if (frac) {
      std::string f = std::to_string(frac);
      f.insert(0, 3 - f.size(), '0');
      while (f.back() == '0') f.pop_back();
      out += "." + f;
    }
    out += "s";
  }
  return out;
}

}  // namespace ktk::sim
