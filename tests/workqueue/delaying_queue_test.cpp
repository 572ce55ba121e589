#include "ktk/client/workqueue/delaying_queue.hpp"

#include <gtest/gtest.h>

#include "workqueue_test_util.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using ktk::client::workqueue::delaying_queue;

namespace {

using namespace workqueue_test;

struct DelayingQueue : ::testing::Test {
  ktk::core::fake_clock clk;
  delaying_queue<std::string> q{{.clock = &clk}};
};

}  // namespace

TEST_F(DelayingQueue, ItemAppearsOnlyAfterItsDelay) {
  q.add_after("a", 50ms);
  q.add_after("sentinel", 49ms);  // once it is out, the thread has looked at +49ms
  wait_for_sleeper(clk);
  EXPECT_EQ(q.len(), 0u);
  clk.advance(49ms);
  EXPECT_EQ(get_within(q), "sentinel");
  EXPECT_EQ(q.len(), 0u);  // "a" is 1 ms away
  clk.advance(1ms);
  EXPECT_EQ(get_within(q), "a");
}

TEST_F(DelayingQueue, NonPositiveDelayAddsAtOnce) {
  q.add_after("a", 0ms);
  q.add_after("b", -5s);
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(clk.sleepers(), 0);  // no delay thread was needed
}

TEST_F(DelayingQueue, ReleasedInReadyOrder) {
  q.add_after("c", 3s);
  q.add_after("a", 1s);
  q.add_after("b", 2s);
  clk.advance(3s);  // all due at once: released earliest first
  EXPECT_EQ(get_within(q), "a");
  EXPECT_EQ(get_within(q), "b");
  EXPECT_EQ(get_within(q), "c");
}

TEST_F(DelayingQueue, StepsThroughDeadlines) {
  q.add_after("b", 2s);
  q.add_after("a", 1s);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");
  q.add_after("sentinel", 500ms);
  clk.advance(500ms);
  EXPECT_EQ(get_within(q), "sentinel");
  EXPECT_EQ(q.len(), 0u);  // "b" still waits
  clk.advance(500ms);
  EXPECT_EQ(get_within(q), "b");
}

TEST_F(DelayingQueue, DuplicatesKeepTheEarliestTime) {
  q.add_after("a", 5s);
  q.add_after("a", 1s);
  q.add_after("a", 3s);  // later than the 1 s already asked for: ignored
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");
  q.done("a");
  q.add_after("sentinel", 10s);
  clk.advance(10s);
  EXPECT_EQ(get_within(q), "sentinel");  // released in the same pass as any 3 s or 5 s "a"
  EXPECT_EQ(q.len(), 0u);
}

TEST_F(DelayingQueue, EarlierItemWakesTheSleepingThread) {
  q.add_after("late", 1h);
  wait_for_sleeper(clk);  // asleep until +1h
  q.add_after("early", 1s);
  clk.advance(1s);  // the fake clock alone would not wake a +1h sleeper
  EXPECT_EQ(get_within(q), "early");
  EXPECT_EQ(q.len(), 0u);
}

TEST_F(DelayingQueue, DelayedItemIsIndependentOfTheQueuedOne) {
  q.add("a");
  q.add_after("a", 1s);
  EXPECT_EQ(q.len(), 1u);
  ASSERT_EQ(q.get(), "a");
  q.done("a");
  clk.advance(1s);  // as client-go: the delayed add still comes
  EXPECT_EQ(get_within(q), "a");
}

TEST_F(DelayingQueue, DelayedItemCollapsesWithAQueuedCopy) {
  q.add_after("a", 1s);
  q.add("a");
  q.add_after("sentinel", 1s);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");
  EXPECT_EQ(get_within(q), "sentinel");
  EXPECT_EQ(q.len(), 0u);
}

TEST_F(DelayingQueue, DelayedItemWhileProcessingWaitsForDone) {
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add_after("a", 1s);
  q.add_after("sentinel", 1s);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "sentinel");
  EXPECT_EQ(q.len(), 0u);  // "a" is dirty, held by us
  q.done("a");
  EXPECT_EQ(get_within(q), "a");
}

TEST_F(DelayingQueue, ThreadGoesIdleAndComesBack) {
  q.add_after("a", 1s);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "a");  // heap empty: the thread waits for work, not on the clock
  q.add_after("b", 1s);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "b");
}

TEST_F(DelayingQueue, ShutDownStopsTheThreadAndDropsDelayedItems) {
  q.add_after("a", 1s);
  wait_for_sleeper(clk);
  q.shut_down();
  watchdog w;
  while (clk.sleepers() > 0 && !w.fired()) std::this_thread::yield();
  EXPECT_EQ(clk.sleepers(), 0);
  q.add_after("b", 1s);  // ignored
  clk.advance(1s);
  EXPECT_EQ(get_within(q), std::nullopt);
}

TEST_F(DelayingQueue, DestroyingWhileSleepingDoesNotHang) {
  auto own = std::make_unique<delaying_queue<std::string>>(ktk::client::workqueue::queue_options{.clock = &clk});
  own->add_after("a", 1h);
  wait_for_sleeper(clk);
  own.reset();
  EXPECT_EQ(clk.sleepers(), 0);
}

TEST_F(DelayingQueue, HugeDelayDoesNotOverflow) {
  q.add_after("never", std::chrono::nanoseconds::max());
  q.add_after("soon", 1s);
  clk.advance(1s);
  EXPECT_EQ(get_within(q), "soon");
  EXPECT_EQ(q.len(), 0u);
}

TEST(DelayingQueueRealClock, FiresOnTheRealClock) {
  delaying_queue<std::string> q;
  q.add_after("b", 20ms);
  q.add_after("a", 1ms);
  EXPECT_EQ(get_within(q), "a");
  EXPECT_EQ(get_within(q), "b");
}

TEST(DelayingQueueRealClock, ManyThreadsAddAfter) {
  delaying_queue<int> q;
  constexpr int per_thread = 500;
  {
    std::vector<std::jthread> adders;
    for (int t = 0; t < 4; ++t) {
      adders.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) q.add_after(t * per_thread + i, std::chrono::microseconds(i % 50));
      });
    }
  }
  std::vector<bool> got(4 * per_thread);
  watchdog w;
  for (int n = 0; n < 4 * per_thread; ++n) {
    auto x = q.get(w.token());
    ASSERT_TRUE(x);
    EXPECT_FALSE(got[*x]);
    got[*x] = true;
    q.done(*x);
  }
}

TEST_F(DelayingQueue, ActivityCountsQueuedProcessingAndWaiting) {
  auto a = q.activity();
  EXPECT_EQ(a.queued + a.processing + a.waiting, 0u);
  EXPECT_FALSE(a.next_ready_at.has_value());
  const auto t0 = clk.now();
  q.add("now");
  q.add_after("later", 20s);
  q.add_after("soon", 5s);
  a = q.activity();
  EXPECT_EQ(a.queued, 1u);
  EXPECT_EQ(a.waiting, 2u);
  ASSERT_TRUE(a.next_ready_at.has_value());
  EXPECT_EQ(*a.next_ready_at, t0 + 5s);
  auto item = q.get();
  ASSERT_TRUE(item);
  a = q.activity();
  EXPECT_EQ(a.queued, 0u);
  EXPECT_EQ(a.processing, 1u);
  q.done(*item);
  EXPECT_EQ(q.activity().processing, 0u);
}
