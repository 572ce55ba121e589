#include "ktk/client/workqueue/rate_limiting_queue.hpp"

#include <gtest/gtest.h>

#include "workqueue_test_util.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

using namespace std::chrono_literals;
namespace wq = ktk::client::workqueue;

namespace {

using namespace workqueue_test;

}  // namespace

TEST(RateLimitingQueue, AddRateLimitedWaitsTheLimitersDelay) {
  ktk::core::fake_clock clk;
  wq::rate_limiting_queue<std::string> q(
      {.clock = &clk}, std::make_unique<wq::exponential_failure_rate_limiter<std::string>>(
                           wq::exponential_failure_options{.base_delay = 1s, .max_delay = 1h}));
  q.add_rate_limited("a");  // 1 s
  EXPECT_EQ(q.num_requeues("a"), 1);
  EXPECT_EQ(q.len(), 0u);
  clk.advance(1s);
  ASSERT_EQ(get_within(q), "a");
  q.done("a");

  q.add_rate_limited("a");   // 2 s
  q.add_after("marker", 1s);  // released in an earlier pass than a 2 s "a"
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "marker");
  EXPECT_EQ(q.len(), 0u);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");
  EXPECT_EQ(q.num_requeues("a"), 2);
}

TEST(RateLimitingQueue, ForgetResetsTheBackoff) {
  ktk::core::fake_clock clk;
  wq::rate_limiting_queue<std::string> q(
      {.clock = &clk}, std::make_unique<wq::exponential_failure_rate_limiter<std::string>>(
                           wq::exponential_failure_options{.base_delay = 1s, .max_delay = 1h}));
  q.add_rate_limited("a");
  q.add_rate_limited("a");
  q.add_rate_limited("a");  // the limiter counts all three; the heap keeps the 1 s
  EXPECT_EQ(q.num_requeues("a"), 3);
  q.forget("a");
  EXPECT_EQ(q.num_requeues("a"), 0);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");
}

TEST(RateLimitingQueue, DefaultLimiterUsesTheQueueClock) {
  ktk::core::fake_clock clk;
  wq::rate_limiting_queue<std::string> q({.clock = &clk});
  q.add_rate_limited("a");  // 5 ms (per-item), bucket has tokens
  EXPECT_EQ(q.len(), 0u);
  clk.advance(5ms);
  EXPECT_EQ(get_within(q), "a");
  EXPECT_EQ(q.num_requeues("a"), 1);
}

TEST(RateLimitingQueue, IsADelayingQueue) {
  ktk::core::fake_clock clk;
  wq::rate_limiting_queue<std::string> q({.clock = &clk});
  wq::delaying_queue<std::string>& d = q;
  d.add_after("a", 1s);
  d.add("b");
  EXPECT_EQ(q.get(), "b");
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");
}

TEST(RateLimitingQueue, ShutDownIgnoresRateLimitedAdds) {
  ktk::core::fake_clock clk;
  wq::rate_limiting_queue<std::string> q({.clock = &clk});
  q.shut_down();
  q.add_rate_limited("a");
  EXPECT_EQ(q.num_requeues("a"), 1);  // as client-go: the limiter was asked
  clk.advance(1h);
  EXPECT_EQ(get_within(q), std::nullopt);
}

// The controller loop: failures back off exponentially until success forgets.
TEST(RateLimitingQueue, RetryLoop) {
  ktk::core::fake_clock clk;
  wq::rate_limiting_queue<std::string> q({.clock = &clk});
  q.add("a");
  const std::chrono::nanoseconds backoff[] = {5ms, 10ms, 20ms, 40ms};
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto key = get_within(q);
    ASSERT_EQ(key, "a") << attempt;  // comes back once exactly its backoff has passed
    if (attempt < 4) {
      q.add_rate_limited(*key);
      EXPECT_EQ(q.num_requeues(*key), attempt + 1);
      q.done(*key);
      clk.advance(backoff[attempt]);
    } else {
      q.forget(*key);
      q.done(*key);
    }
  }
  EXPECT_EQ(q.num_requeues("a"), 0);
  EXPECT_EQ(q.len(), 0u);
}
