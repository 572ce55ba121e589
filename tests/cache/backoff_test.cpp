#include "ktk/client/cache/backoff.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
namespace cache = ktk::client::cache;

TEST(Backoff, DoublesUpToTheCap) {
  ktk::core::fake_clock clk;
  cache::backoff b({.jitter = 0, .clock = &clk});
  std::vector<std::chrono::nanoseconds> got;
  for (int i = 0; i < 8; ++i) {
    got.push_back(b.next());
    clk.advance(1s);  // well inside reset_after
  }
  EXPECT_EQ(got, (std::vector<std::chrono::nanoseconds>{800ms, 1600ms, 3200ms, 6400ms, 12800ms, 25600ms, 30s, 30s}));
}

TEST(Backoff, ResetsAfterAQuietStretch) {
  ktk::core::fake_clock clk;
  cache::backoff b({.jitter = 0, .clock = &clk});
  EXPECT_EQ(b.next(), 800ms);
  clk.advance(1s);
  EXPECT_EQ(b.next(), 1600ms);
  clk.advance(119s);  // less than 2 min since the last call
  EXPECT_EQ(b.next(), 3200ms);
  clk.advance(120s);  // 2 min of quiet
  EXPECT_EQ(b.next(), 800ms);
}

TEST(Backoff, JitterStretchesUpToDouble) {
  ktk::core::fake_clock clk;
  cache::backoff b({.clock = &clk, .seed = 7});
  bool varied = false;
  std::chrono::nanoseconds first{};
  for (int i = 0; i < 50; ++i) {
    auto d = b.next();
    EXPECT_GE(d, 800ms);
    EXPECT_LT(d, 1600ms);
    if (i == 0) first = d;
    varied = varied || d != first;
    clk.advance(10min);  // reset every time
  }
  EXPECT_TRUE(varied);
  // At the cap: [30 s, 60 s).
  cache::backoff c({.clock = &clk, .seed = 9});
  for (int i = 0; i < 10; ++i) (void)c.next();
  auto d = c.next();
  EXPECT_GE(d, 30s);
  EXPECT_LT(d, 60s);
}

TEST(Backoff, WaitReturnsFalseWhenStopped) {
  ktk::core::fake_clock clk;
  cache::backoff b({.clock = &clk});
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(b.wait(stop.get_token()));
}

TEST(Backoff, CustomSteps) {
  ktk::core::fake_clock clk;
  cache::backoff b({.initial = 10ms, .max = 50ms, .factor = 3, .jitter = 0, .clock = &clk});
  EXPECT_EQ(b.next(), 10ms);
  EXPECT_EQ(b.next(), 30ms);
  EXPECT_EQ(b.next(), 50ms);
}

}  // namespace
