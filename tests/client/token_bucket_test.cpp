#include "ktk/client/flowcontrol/token_bucket.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace std::chrono_literals;
using ktk::client::flowcontrol::token_bucket;

TEST(TokenBucket, BurstThenRefillAtQps) {
  ktk::core::fake_clock clk;
  token_bucket b({.qps = 10, .burst = 3, .clock = &clk});
  EXPECT_TRUE(b.try_accept());
  EXPECT_TRUE(b.try_accept());
  EXPECT_TRUE(b.try_accept());
  EXPECT_FALSE(b.try_accept());
  clk.advance(100ms);
  EXPECT_TRUE(b.try_accept());
  EXPECT_FALSE(b.try_accept());
  clk.advance(10s);  // refills up to the burst only
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.try_accept());
  EXPECT_FALSE(b.try_accept());
}

TEST(TokenBucket, ReserveGoesIntoDebtAndSaysHowLong) {
  ktk::core::fake_clock clk;
  token_bucket b({.qps = 10, .burst = 1, .clock = &clk});
  EXPECT_EQ(b.reserve(), 0ns);
  EXPECT_EQ(b.reserve(), 100ms);
  EXPECT_EQ(b.reserve(), 200ms);
  clk.advance(200ms);
  EXPECT_EQ(b.reserve(), 100ms);
}

TEST(TokenBucket, UnlimitedWhenQpsIsZero) {
  token_bucket b({.qps = 0, .burst = 1});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(b.try_accept());
  EXPECT_EQ(b.reserve(), 0ns);
}

TEST(TokenBucket, AcceptWaitsOnTheClockAndStops) {
  ktk::core::fake_clock clk;
  token_bucket b({.qps = 1, .burst = 1, .clock = &clk});
  EXPECT_TRUE(b.accept());
  bool got = false;
  std::jthread t([&] { got = b.accept(); });
  while (clk.sleepers() == 0) std::this_thread::yield();
  clk.advance(1s);
  t.join();
  EXPECT_TRUE(got);

  std::stop_source stop;
  bool stopped_result = true;
  std::jthread t2([&] { stopped_result = b.accept(stop.get_token()); });
  while (clk.sleepers() == 0) std::this_thread::yield();
  stop.request_stop();
  t2.join();
  EXPECT_FALSE(stopped_result);
}
