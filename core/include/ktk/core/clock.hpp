// ktk/core/clock.hpp — injectable time.
//
// Everything in ktk that stamps, waits or expires takes a `clock&` in its options
// (real by default). Tests pass a `fake_clock` and step it instead of sleeping.
//
//   ktk::core::fake_clock clk;               // starts at 2024-01-01T00:00:00Z
//   clk.advance(std::chrono::seconds(30));
//   ktk::core::format_rfc3339(clk.now());    // "2024-01-01T00:00:30Z"
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <optional>

namespace ktk::core {

class clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  virtual ~clock() = default;
  // Current wall-clock time. Thread-safe.
  virtual time_point now() const = 0;
  // Blocks until now() >= deadline or stop is requested; returns false when stopped.
  virtual bool sleep_until(time_point deadline, std::stop_token stop) = 0;
};

// The system clock. A process-wide instance: real_clock::instance().
class real_clock final : public clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
  bool sleep_until(time_point deadline, std::stop_token stop) override;
  static real_clock& instance();
};

// A clock that moves only when told to. Thread-safe; advance() wakes sleepers.
class fake_clock final : public clock {
 public:
  fake_clock();  // 2024-01-01T00:00:00Z
  explicit fake_clock(time_point start) : now_(start) {}
  time_point now() const override;
  bool sleep_until(time_point deadline, std::stop_token stop) override;
  void advance(duration d);
  void set(time_point t);
  // How many threads are blocked in sleep_until (lets tests wait for a sleeper).
  int sleepers() const;
  // The earliest deadline a thread sleeps until (nullopt when none sleeps): where a
  // driver of virtual time moves the clock next.
  std::optional<time_point> next_wakeup() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  time_point now_;      // guarded by mu_
  int sleepers_ = 0;    // guarded by mu_
  std::multiset<time_point> deadlines_;  // guarded by mu_: one per sleeper
};

// RFC 3339 in UTC with second precision, as metav1.Time: "2024-01-01T00:00:00Z".
std::string format_rfc3339(clock::time_point t);
// With microseconds, as metav1.MicroTime: "2024-01-01T00:00:00.000000Z".
std::string format_rfc3339_micro(clock::time_point t);
// Parses RFC 3339 (with optional fraction and Z or ±hh:mm offset).
std::optional<clock::time_point> parse_rfc3339(std::string_view s);

}  // namespace ktk::core
