#include "ktk/client/workqueue/priority_queue.hpp"

#include <gtest/gtest.h>

#include "workqueue_test_util.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace wq = ktk::client::workqueue;

namespace {

using namespace workqueue_test;

std::optional<wq::prioritized<std::string>> get_within(wq::priority_queue<std::string>& q) {
  watchdog w;
  return q.get_with_priority(w.token());
}

// Everything queued, in hand-out order; each is done() at once.
std::vector<std::string> drain(wq::priority_queue<std::string>& q) {
  std::vector<std::string> out;
  while (q.len() > 0) {
    auto x = q.get();
    out.push_back(*x);
    q.done(*x);
  }
  return out;
}

using strings = std::vector<std::string>;

struct PriorityQueue : ::testing::Test {
  ktk::core::fake_clock clk;
  wq::priority_queue<std::string> q{{.clock = &clk}};
};

}  // namespace

TEST_F(PriorityQueue, HigherPriorityFirstFifoWithin) {
  q.add("low-1", -1);
  q.add("zero-1");
  q.add("high-1", 10);
  q.add("zero-2", 0);
  q.add("high-2", 10);
  q.add("mid", 5);
  q.add("low-2", -1);
  EXPECT_EQ(q.len(), 7u);
  EXPECT_EQ(drain(q), (strings{"high-1", "high-2", "mid", "zero-1", "zero-2", "low-1", "low-2"}));
}

TEST_F(PriorityQueue, GetWithPriorityReportsIt) {
  q.add("a", 3);
  auto x = q.get_with_priority();
  ASSERT_TRUE(x);
  EXPECT_EQ(x->item, "a");
  EXPECT_EQ(x->priority, 3);
}

TEST_F(PriorityQueue, ReAddWithHigherPriorityRaisesToTheBackOfItsLevel) {
  q.add("a");
  q.add("b");
  q.add("c");
  q.add("h", 5);
  q.add("b", 5);  // raised behind "h"
  q.add("c", -3);  // lower: no change
  q.add("a", 0);   // same: no change
  EXPECT_EQ(q.len(), 4u);
  EXPECT_EQ(drain(q), (strings{"h", "b", "a", "c"}));
  EXPECT_EQ(q.len(), 0u);
}

TEST_F(PriorityQueue, RaisedItemIsHandedOutOnce) {
  q.add("a", 0);
  q.add("a", 1);
  q.add("a", 2);  // two stale slots left behind
  EXPECT_EQ(q.len(), 1u);
  auto x = q.get_with_priority();
  ASSERT_TRUE(x);
  EXPECT_EQ(x->priority, 2);
  q.done("a");  // "a" is gone, though stale slots still point at it
  EXPECT_EQ(q.len(), 0u);
  q.add("b");
  EXPECT_EQ(drain(q), strings{"b"});  // the stale slots are skipped
  q.add("a", 1);
  EXPECT_EQ(drain(q), strings{"a"});
}

TEST_F(PriorityQueue, StaleSlotOfAnItemInFlightIsSkipped) {
  q.add("a", 0);
  q.add("a", 4);
  ASSERT_EQ(q.get(), "a");  // from priority 4; its priority-0 slot is stale
  q.add("b", 0);
  EXPECT_EQ(q.get(), "b");  // not "a" again
  q.add("a", 0);            // dirty while held
  q.done("b");
  q.done("a");
  EXPECT_EQ(drain(q), strings{"a"});
}

TEST_F(PriorityQueue, AddWhileProcessingComesBackAtTheHighestPriorityAsked) {
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add("a", 1);
  q.add("a", 7);
  q.add("a", 3);
  q.add("x", 7);
  EXPECT_EQ(q.len(), 1u);
  q.done("a");
  auto next = q.get_with_priority();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->item, "x");  // queued at 7 before "a" came back
  q.done("x");
  next = q.get_with_priority();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->item, "a");
  EXPECT_EQ(next->priority, 7);
}

TEST_F(PriorityQueue, DelayedAddKeepsItsPriority) {
  q.add_after("plain", 500ms, 0);
  q.add_after("urgent", 1s, 9);
  clk.advance(1s);  // one step: the delay thread releases both in one pass
  auto first = get_within(q);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->item, "urgent");
  EXPECT_EQ(first->priority, 9);
  auto second = get_within(q);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->item, "plain");
  EXPECT_EQ(second->priority, 0);
}

TEST_F(PriorityQueue, DelayedDuplicatesKeepEarliestTimeAndHighestPriority) {
  q.add_after("a", 5s, 1);
  q.add_after("a", 2s, 0);
  q.add_after("a", 9s, 6);
  q.add_after("b", 2s, 3);  // due with "a", behind it in the heap
  clk.advance(2s);
  auto x = get_within(q);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->item, "a");
  EXPECT_EQ(x->priority, 6);
}

TEST_F(PriorityQueue, RateLimitedAddUsesExponentialBackoffByDefault) {
  q.add_rate_limited("a", 2);
  EXPECT_EQ(q.num_requeues("a"), 1);
  clk.advance(5ms);
  auto x = get_within(q);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->item, "a");
  EXPECT_EQ(x->priority, 2);
  q.done("a");
  for (int i = 0; i < 200; ++i) q.add_rate_limited("b");  // no bucket: nothing beyond per-item
  q.forget("a");
  EXPECT_EQ(q.num_requeues("a"), 0);
}

TEST_F(PriorityQueue, IsARateLimitingQueue) {
  wq::rate_limiting_queue<std::string>& r = q;
  r.add("a");
  q.add("b", 1);
  EXPECT_EQ(r.get(), "b");
  EXPECT_EQ(r.get(), "a");
}

TEST_F(PriorityQueue, ShutDownHandsOutQueuedItemsByPriority) {
  q.add("a", 0);
  q.add("b", 1);
  q.shut_down();
  q.add("c", 5);
  EXPECT_EQ(drain(q), (strings{"b", "a"}));
  EXPECT_EQ(get_within(q), std::nullopt);
}

// As the plain queue's multi-worker test, with priorities and raises mixed in.
TEST(PriorityQueueConcurrency, ManyProducersAndConsumers) {
  constexpr int keys = 64, producers = 4, consumers = 4, adds_per_producer = 20000;
  wq::priority_queue<std::string> q;
  std::array<std::atomic<int>, keys> version{};
  std::array<std::atomic<int>, keys> seen{};
  std::array<std::atomic<bool>, keys> busy{};
  std::atomic<int> doubles = 0, processed = 0;
  watchdog w(60s);

  std::vector<std::jthread> workers;
  for (int c = 0; c < consumers; ++c) {
    workers.emplace_back([&] {
      while (auto key = q.get(w.token())) {
        int k = std::stoi(*key);
        if (busy[k].exchange(true)) ++doubles;
        seen[k] = version[k].load();
        ++processed;
        for (int i = 0; i < 10; ++i) std::this_thread::yield();  // hold it while others run
        busy[k] = false;
        q.done(*key);
      }
    });
  }
  {
    std::vector<std::jthread> adders;
    for (int p = 0; p < producers; ++p) {
      adders.emplace_back([&, p] {
        for (int i = 0; i < adds_per_producer; ++i) {
          int k = (i * 7 + p) % keys;
          ++version[k];
          if (i % 32 == 0) std::this_thread::yield();  // let consumers in while adding
          q.add(std::to_string(k), (i + p) % 5 - 2);
        }
      });
    }
  }
  q.shut_down();
  for (auto& t : workers) t.join();
  ASSERT_FALSE(w.fired());
  EXPECT_EQ(doubles, 0);
  EXPECT_GT(processed, keys);  // keys came back while held or after being handed out
  for (int k = 0; k < keys; ++k) EXPECT_EQ(seen[k], version[k]) << "key " << k;
}
