#include "ktk/core/clock.hpp"

#include <cstdio>
#include <ctime>

namespace ktk::core {

bool real_clock::sleep_until(time_point deadline, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  return !cv.wait_until(lock, stop, deadline, [] { return false; }) && !stop.stop_requested();
}

real_clock& real_clock::instance() {
  static real_clock c;
  return c;
}

fake_clock::fake_clock() : now_(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}) {}

fake_clock::time_point fake_clock::now() const {
  std::lock_guard lock(mu_);
  return now_;
}

bool fake_clock::sleep_until(time_point deadline, std::stop_token stop) {
  std::unique_lock lock(mu_);
  ++sleepers_;
  auto mine = deadlines_.insert(deadline);
  cv_.notify_all();  // lets waiters of sleepers() see the new sleeper
  bool reached = cv_.wait(lock, stop, [&] { return now_ >= deadline; });
  deadlines_.erase(mine);
  --sleepers_;
  return reached;
}

void fake_clock::advance(duration d) {
  {
    std::lock_guard lock(mu_);
    now_ += d;
  }
  cv_.notify_all();
}

void fake_clock::set(time_point t) {
  {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  cv_.notify_all();
}

int fake_clock::sleepers() const {
  std::lock_guard lock(mu_);
  return sleepers_;
}

std::optional<fake_clock::time_point> fake_clock::next_wakeup() const {
  std::lock_guard lock(mu_);
  if (deadlines_.empty()) return std::nullopt;
  return *deadlines_.begin();
}

namespace {
std::string format(clock::time_point t, bool micro) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto days = floor<std::chrono::days>(secs);
  year_month_day ymd{days};
  hh_mm_ss hms{secs - days};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                        static_cast<long>(hms.seconds().count()));
  std::string s(buf, static_cast<std::size_t>(n));
  if (micro) {
    auto us = duration_cast<microseconds>(t - secs).count();
    std::snprintf(buf, sizeof buf, ".%06ld", static_cast<long>(us));
    s += buf;
  }
  return s + "Z";
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::string format_rfc3339(clock::time_point t) { return format(t, false); }
std::string format_rfc3339_micro(clock::time_point t) { return format(t, true); }

std::optional<clock::time_point> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  // As Go's time.Parse(time.RFC3339, ...), which metav1.Time uses: upper-case T and
  // Z only, no leap second, offsets within ±23:59.
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  std::size_t pos = 19;
  nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long long scale = 100000000, ns = 0;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    frac = nanoseconds{ns};
  }
  seconds offset{0};
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = hours{oh} + minutes{om};
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} - offset;
  return time_point_cast<clock::duration>(tp + frac);
}

}  // namespace ktk::core
