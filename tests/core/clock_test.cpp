// Tests for ktk::core clocks and RFC 3339 time stamps. No real sleeps: the fake
// clock is stepped, and waits end through stop tokens or past deadlines.
#include "ktk/core/clock.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using ktk::core::fake_clock;
using ktk::core::format_rfc3339;
using ktk::core::format_rfc3339_micro;
using ktk::core::parse_rfc3339;
using ktk::core::real_clock;
using time_point = ktk::core::clock::time_point;

time_point at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

// Spins (yielding) until the clock has n sleepers; sleepers() is the handshake.
void wait_for_sleepers(const fake_clock& c, int n) {
  while (c.sleepers() < n) std::this_thread::yield();
}

TEST(FakeClock, StartsAt2024) {
  fake_clock c;
  EXPECT_EQ(c.now(), at(2024, 1, 1));
  EXPECT_EQ(format_rfc3339(c.now()), "2024-01-01T00:00:00Z");
  EXPECT_EQ(c.sleepers(), 0);
}

TEST(FakeClock, AdvanceAndSet) {
  fake_clock c;
  c.advance(30s);
  EXPECT_EQ(format_rfc3339(c.now()), "2024-01-01T00:00:30Z");
  c.advance(1h);
  EXPECT_EQ(c.now(), at(2024, 1, 1, 1, 0, 30));
  c.set(at(2030, 6, 15, 12));
  EXPECT_EQ(c.now(), at(2030, 6, 15, 12));
  fake_clock other(at(2000, 2, 29));
  EXPECT_EQ(other.now(), at(2000, 2, 29));
}

TEST(FakeClock, SleepUntilPastDeadlineReturnsAtOnce) {
  fake_clock c;
  EXPECT_TRUE(c.sleep_until(c.now(), {}));
  EXPECT_TRUE(c.sleep_until(c.now() - 1s, {}));
  EXPECT_EQ(c.sleepers(), 0);
}

TEST(FakeClock, SleepUntilWokenByAdvance) {
  fake_clock c;
  std::atomic<int> result = -1;
  std::jthread t([&] { result = c.sleep_until(c.now() + 10s, {}) ? 1 : 0; });
  wait_for_sleepers(c, 1);
  c.advance(5s);  // not yet
  EXPECT_EQ(result.load(), -1);
  EXPECT_EQ(c.sleepers(), 1);
  c.advance(5s);
  t.join();
  EXPECT_EQ(result.load(), 1);
  EXPECT_EQ(c.sleepers(), 0);
}

TEST(FakeClock, SleepUntilWokenBySet) {
  fake_clock c;
  std::atomic<bool> woke = false;
  std::jthread t([&] { woke = c.sleep_until(at(2025, 1, 1), {}); });
  wait_for_sleepers(c, 1);
  c.set(at(2025, 1, 1));
  t.join();
  EXPECT_TRUE(woke);
}

TEST(FakeClock, SeveralSleepersWakeInDeadlineOrder) {
  fake_clock c;
  std::atomic<int> done = 0;
  std::jthread a([&] { c.sleep_until(c.now() + 1s, {}); ++done; });
  std::jthread b([&] { c.sleep_until(c.now() + 2s, {}); ++done; });
  wait_for_sleepers(c, 2);
  c.advance(1s);
  a.join();
  EXPECT_EQ(done.load(), 1);
  wait_for_sleepers(c, 1);
  EXPECT_EQ(c.sleepers(), 1);
  c.advance(1s);
  b.join();
  EXPECT_EQ(done.load(), 2);
}

TEST(FakeClock, StopTokenCancelsSleep) {
  fake_clock c;
  std::atomic<int> result = -1;
  std::jthread t([&](std::stop_token st) { result = c.sleep_until(c.now() + 1h, st) ? 1 : 0; });
  wait_for_sleepers(c, 1);
  t.request_stop();
  t.join();
  EXPECT_EQ(result.load(), 0);
  EXPECT_EQ(c.sleepers(), 0);
  EXPECT_EQ(c.now(), at(2024, 1, 1));  // time did not move
}

TEST(FakeClock, AlreadyStoppedTokenReturnsFalse) {
  fake_clock c;
  std::stop_source src;
  src.request_stop();
  EXPECT_FALSE(c.sleep_until(c.now() + 1s, src.get_token()));
}

TEST(RealClock, NowIsSystemTime) {
  auto before = std::chrono::system_clock::now();
  auto n = real_clock::instance().now();
  EXPECT_GE(n, before);
  EXPECT_EQ(&real_clock::instance(), &real_clock::instance());
}

TEST(RealClock, PastDeadlineReturnsTrue) {
  auto& c = real_clock::instance();
  EXPECT_TRUE(c.sleep_until(c.now() - 1s, {}));
}

TEST(RealClock, StopEndsSleep) {
  auto& c = real_clock::instance();
  std::stop_source src;
  src.request_stop();
  EXPECT_FALSE(c.sleep_until(c.now() + 1h, src.get_token()));

  std::atomic<int> result = -1;
  std::jthread t([&](std::stop_token st) { result = c.sleep_until(c.now() + 1h, st) ? 1 : 0; });
  t.request_stop();  // whether it lands before or during the wait, the sleep ends
  t.join();
  EXPECT_EQ(result.load(), 0);
}

TEST(Rfc3339, Format) {
  EXPECT_EQ(format_rfc3339(at(2024, 2, 29, 23, 59, 59)), "2024-02-29T23:59:59Z");
  EXPECT_EQ(format_rfc3339(at(1970, 1, 1)), "1970-01-01T00:00:00Z");
  // Fractions are truncated, not rounded.
  EXPECT_EQ(format_rfc3339(at(2024, 1, 1) + 999ms), "2024-01-01T00:00:00Z");
}

TEST(Rfc3339, FormatMicro) {
  EXPECT_EQ(format_rfc3339_micro(at(2024, 1, 1)), "2024-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339_micro(at(2024, 1, 1, 8, 5, 3) + 123456us), "2024-01-01T08:05:03.123456Z");
  EXPECT_EQ(format_rfc3339_micro(at(2024, 1, 1) + 1500ns), "2024-01-01T00:00:00.000001Z");
}

TEST(Rfc3339, ParseZ) {
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00Z"), at(2024, 1, 1));
  EXPECT_EQ(parse_rfc3339("2024-03-10T05:06:07Z"), at(2024, 3, 10, 5, 6, 7));
}

TEST(Rfc3339, ParseOffsets) {
  EXPECT_EQ(parse_rfc3339("2024-01-01T02:00:00+02:00"), at(2024, 1, 1));
  EXPECT_EQ(parse_rfc3339("2023-12-31T19:30:00-04:30"), at(2024, 1, 1));
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00+00:00"), at(2024, 1, 1));
}

TEST(Rfc3339, ParseFractions) {
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00.5Z"), at(2024, 1, 1) + 500ms);
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00.123456Z"), at(2024, 1, 1) + 123456us);
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00.123456789Z"), at(2024, 1, 1) + 123456789ns);
  // Digits past nanoseconds are ignored.
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00.1234567891Z"), at(2024, 1, 1) + 123456789ns);
  EXPECT_EQ(parse_rfc3339("2024-01-01T01:00:00.25+01:00"), at(2024, 1, 1) + 250ms);
}

TEST(Rfc3339, RoundTrips) {
  auto t = at(2024, 7, 4, 13, 14, 15) + 654321us;
  EXPECT_EQ(parse_rfc3339(format_rfc3339_micro(t)), t);
  EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), at(2024, 7, 4, 13, 14, 15));
}

TEST(Rfc3339, InvalidInputs) {
  for (const char* s : {"", "2024", "2024-01-01", "2024-01-01T00:00:00", "2024-01-01T00:00:00ZZ",
                        "2024-01-01 00:00:00 UTC", "2024/01/01T00:00:00Z", "2024-13-01T00:00:00Z",
                        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z",
                        "2024-01-01T00:60:00Z", "2024-01-01T00:00:61Z", "2024-01-01T00:00:00.Z",
                        "2024-01-01T00:00:00+0200", "2024-01-01T00:00:00+02", "2024-01-01T00:00:00+02:0",
                        "2024-01-01T00:00:00+aa:00", "24-01-01T00:00:00Z", "2024-1-01T00:00:00Z",
                        "x024-01-01T00:00:00Z",
                        // Go's time.Parse(RFC3339) rejects these too.
                        "2024-01-01t00:00:00Z", "2024-01-01T00:00:00z", "2024-01-01 00:00:00Z",
                        "2024-12-31T23:59:60Z", "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+01:60"}) {
    EXPECT_EQ(parse_rfc3339(s), std::nullopt) << s;
  }
}

}  // namespace

TEST(FakeClock, NextWakeupIsTheEarliestSleepersDeadline) {
  fake_clock c;
  EXPECT_FALSE(c.next_wakeup().has_value());
  const auto t0 = c.now();
  std::jthread late([&] { c.sleep_until(t0 + 30s, {}); });
  std::jthread early([&] { c.sleep_until(t0 + 10s, {}); });
  wait_for_sleepers(c, 2);
  ASSERT_TRUE(c.next_wakeup().has_value());
  EXPECT_EQ(*c.next_wakeup(), t0 + 10s);
  c.advance(10s);
  early.join();
  EXPECT_EQ(*c.next_wakeup(), t0 + 30s);
  c.advance(20s);
  late.join();
  EXPECT_FALSE(c.next_wakeup().has_value());
}
