#include "ktk/client/workqueue/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace wq = ktk::client::workqueue;

TEST(ExponentialBackoff, DoublesFromBaseAndCaps) {
  EXPECT_EQ(wq::exponential_backoff(5ms, 1000s, 0), 5ms);
  EXPECT_EQ(wq::exponential_backoff(5ms, 1000s, 1), 10ms);
  EXPECT_EQ(wq::exponential_backoff(5ms, 1000s, 10), 5120ms);
  EXPECT_EQ(wq::exponential_backoff(5ms, 1000s, 18), 1000s);  // 1310.72 s > max
  EXPECT_EQ(wq::exponential_backoff(5ms, 3ms, 0), 3ms);
}

TEST(ExponentialBackoff, OverflowAnswersMax) {
  auto max = std::chrono::nanoseconds::max();
  EXPECT_EQ(wq::exponential_backoff(1s, max, 33), 8589934592s);  // 2^33 s still fits
  EXPECT_EQ(wq::exponential_backoff(1s, max, 34), max);          // 2^34 s does not
  EXPECT_EQ(wq::exponential_backoff(1ns, max, 62), std::chrono::nanoseconds(std::int64_t{1} << 62));
  EXPECT_EQ(wq::exponential_backoff(1ns, max, 63), max);
  EXPECT_EQ(wq::exponential_backoff(1ns, max, 1'000'000), max);
  EXPECT_EQ(wq::exponential_backoff(0ns, 1s, 100), 0ns);
}

TEST(ExponentialFailureRateLimiter, SequencePerItem) {
  wq::exponential_failure_rate_limiter<std::string> rl;  // 5 ms → 1000 s
  EXPECT_EQ(rl.when("a"), 5ms);
  EXPECT_EQ(rl.when("a"), 10ms);
  EXPECT_EQ(rl.when("a"), 20ms);
  EXPECT_EQ(rl.when("a"), 40ms);
  EXPECT_EQ(rl.num_requeues("a"), 4);
  EXPECT_EQ(rl.when("b"), 5ms);  // items are independent
  EXPECT_EQ(rl.num_requeues("b"), 1);
  rl.forget("a");
  EXPECT_EQ(rl.num_requeues("a"), 0);
  EXPECT_EQ(rl.when("a"), 5ms);
  EXPECT_EQ(rl.num_requeues("unknown"), 0);
}

TEST(ExponentialFailureRateLimiter, CappedAtMax) {
  wq::exponential_failure_rate_limiter<std::string> rl({.base_delay = 1ms, .max_delay = 1s});
  std::chrono::nanoseconds last{0};
  for (int i = 0; i < 200; ++i) {
    auto d = rl.when("a");
    EXPECT_GE(d, last);
    EXPECT_LE(d, 1s);
    last = d;
  }
  EXPECT_EQ(last, 1s);
  EXPECT_EQ(rl.num_requeues("a"), 200);
}

TEST(FastSlowRateLimiter, FastThenSlow) {
  wq::fast_slow_rate_limiter<std::string> rl({.fast_delay = 5ms, .slow_delay = 10s, .max_fast_attempts = 3});
  EXPECT_EQ(rl.when("a"), 5ms);
  EXPECT_EQ(rl.when("a"), 5ms);
  EXPECT_EQ(rl.when("a"), 5ms);
  EXPECT_EQ(rl.when("a"), 10s);
  EXPECT_EQ(rl.when("a"), 10s);
  EXPECT_EQ(rl.num_requeues("a"), 5);
  EXPECT_EQ(rl.when("b"), 5ms);
  rl.forget("a");
  EXPECT_EQ(rl.num_requeues("a"), 0);
  EXPECT_EQ(rl.when("a"), 5ms);
}

TEST(BucketRateLimiter, BurstThenQps) {
  ktk::core::fake_clock clk;
  wq::bucket_rate_limiter<std::string> rl({.qps = 10, .burst = 100, .clock = &clk});
  for (int i = 0; i < 100; ++i) ASSERT_EQ(rl.when("item-" + std::to_string(i)), 0ns) << i;
  EXPECT_EQ(rl.when("x"), 100ms);
  EXPECT_EQ(rl.when("y"), 200ms);
  clk.advance(1s);  // 10 tokens back, 2 of them already promised
  EXPECT_EQ(rl.when("z"), 0ns);
  EXPECT_EQ(rl.num_requeues("x"), 0);  // no per-item history
  rl.forget("x");
}

TEST(MaxOfRateLimiter, LongestWaitMostRequeuesForgetsAll) {
  ktk::core::fake_clock clk;
  auto rl = wq::max_of<std::string>(
      std::make_unique<wq::exponential_failure_rate_limiter<std::string>>(),
      std::make_unique<wq::fast_slow_rate_limiter<std::string>>(
          wq::fast_slow_options{.fast_delay = 1ms, .slow_delay = 1s, .max_fast_attempts = 2}),
      std::make_unique<wq::bucket_rate_limiter<std::string>>(
          ktk::client::flowcontrol::token_bucket_options{.qps = 1, .burst = 1, .clock = &clk}));
  EXPECT_EQ(rl->when("a"), 5ms);   // exp 5 ms, fast 1 ms, bucket 0
  EXPECT_EQ(rl->when("a"), 1s);    // exp 10 ms, fast 1 ms, bucket 1 s
  EXPECT_EQ(rl->when("a"), 2s);    // exp 20 ms, slow 1 s, bucket 2 s
  EXPECT_EQ(rl->num_requeues("a"), 3);
  rl->forget("a");
  EXPECT_EQ(rl->num_requeues("a"), 0);
  clk.advance(1h);
  EXPECT_EQ(rl->when("a"), 5ms);
}

TEST(WithMaxWaitRateLimiter, CapsTheInnerWait) {
  wq::with_max_wait_rate_limiter<std::string> rl(std::make_unique<wq::exponential_failure_rate_limiter<std::string>>(
                                                     wq::exponential_failure_options{.base_delay = 1s}),
                                                 3s);
  EXPECT_EQ(rl.when("a"), 1s);
  EXPECT_EQ(rl.when("a"), 2s);
  EXPECT_EQ(rl.when("a"), 3s);
  EXPECT_EQ(rl.num_requeues("a"), 3);
  rl.forget("a");
  EXPECT_EQ(rl.when("a"), 1s);
}

TEST(DefaultControllerRateLimiter, ExponentialPerItemBucketOverall) {
  ktk::core::fake_clock clk;
  auto rl = wq::default_controller_rate_limiter<std::string>(&clk);
  EXPECT_EQ(rl->when("a"), 5ms);
  EXPECT_EQ(rl->when("a"), 10ms);
  EXPECT_EQ(rl->when("a"), 20ms);
  EXPECT_EQ(rl->num_requeues("a"), 3);
  rl->forget("a");
  EXPECT_EQ(rl->when("a"), 5ms);
  // 4 tokens are spent; 96 more first failures go through at the per-item 5 ms ...
  for (int i = 0; i < 96; ++i) ASSERT_EQ(rl->when("item-" + std::to_string(i)), 5ms) << i;
  // ... then the 10/s bucket dominates.
  EXPECT_EQ(rl->when("next"), 100ms);
  EXPECT_EQ(rl->when("after"), 200ms);
}

TEST(ExponentialFailureRateLimiter, ConcurrentCallsCountEveryFailure) {
  wq::exponential_failure_rate_limiter<int> rl;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) rl.when(i % 10);
      });
    }
  }
  for (int k = 0; k < 10; ++k) EXPECT_EQ(rl.num_requeues(k), 400);
}
