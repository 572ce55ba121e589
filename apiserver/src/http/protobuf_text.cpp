// http/protobuf_text.cpp — Go's text forms for the protobuf decoder's JSON.
#include "http/protobuf_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "ktk/core/utf8.hpp"

namespace ktk::apiserver::http::protobuf {

// Go's encoding/json writes invalid UTF-8 as U+FFFD; the same here, so the JSON is valid.
std::string valid_utf8(std::string_view s) { return core::replace_invalid_utf8(s); }

// Go's time.Duration.String: "1h2m3.5s", "1.5ms", "0s".
std::string go_duration(std::int64_t ns) {
  if (ns == 0) return "0s";
  const bool negative = ns < 0;
  // The magnitude as unsigned, so the most negative value does not overflow.
  std::uint64_t u = negative ? ~static_cast<std::uint64_t>(ns) + 1 : static_cast<std::uint64_t>(ns);
  auto fraction = [](std::uint64_t v, int digits) {
    // v has `digits` decimal places; trailing zeros and a bare point are dropped.
    std::string whole = std::to_string(v);
    if (static_cast<int>(whole.size()) <= digits) whole.insert(0, digits + 1 - whole.size(), '0');
    std::string f = whole.substr(whole.size() - digits);
    whole.resize(whole.size() - digits);
    while (!f.empty() && f.back() == '0') f.pop_back();
    return f.empty() ? whole : whole + "." + f;
  };
  std::string out;
  if (u < 1'000'000'000) {
    if (u < 1'000) out = std::to_string(u) + "ns";
    else if (u < 1'000'000) out = fraction(u, 3) + "\xc2\xb5s";
    else out = fraction(u, 6) + "ms";
  } else {
    const std::uint64_t hours = u / 3'600'000'000'000ULL;
    const std::uint64_t minutes = (u / 60'000'000'000ULL) % 60;
    const std::uint64_t seconds_ns = u % 60'000'000'000ULL;
    if (hours > 0) out += std::to_string(hours) + "h";
    if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
    out += fraction(seconds_ns, 9) + "s";
  }
  return negative ? "-" + out : out;
}

// RFC 3339 in UTC, as meta/v1 Time (seconds) and MicroTime (microseconds) write it.
std::optional<std::string> rfc3339(std::int64_t seconds, std::int64_t nanos, bool micro) {
  using namespace std::chrono;
  // Go formats years 0..9999 only; anything else is not a time a client meant.
  constexpr std::int64_t min_seconds = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t max_seconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (seconds < min_seconds || seconds > max_seconds) return std::nullopt;
  const sys_seconds tp{std::chrono::seconds{seconds}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[48];
  if (micro) {
    const std::int64_t micros = std::clamp<std::int64_t>(nanos, 0, 999'999'999) / 1000;
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<long long>(micros));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  }
  return std::string(buf);
}

}  // namespace ktk::apiserver::http::protobuf
