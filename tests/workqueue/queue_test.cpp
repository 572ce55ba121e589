#include "ktk/client/workqueue/queue.hpp"

#include <gtest/gtest.h>

#include "workqueue_test_util.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ktk/core/gvk.hpp"

using namespace std::chrono_literals;
using ktk::client::workqueue::queue;

namespace {

using namespace workqueue_test;

}  // namespace

TEST(Queue, FifoOrder) {
  queue<std::string> q;
  q.add("a");
  q.add("b");
  q.add("c");
  EXPECT_EQ(q.len(), 3u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.get(), "c");
  EXPECT_EQ(q.len(), 0u);
}

TEST(Queue, DuplicatesWhileQueuedCollapse) {
  queue<std::string> q;
  q.add("a");
  q.add("b");
  q.add("a");
  q.add("a");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.len(), 0u);
}

TEST(Queue, AddWhileProcessingIsHandedOutAfterDone) {
  queue<std::string> q;
  q.add("a");
  auto a = q.get();
  ASSERT_EQ(a, "a");
  q.add("a");  // dirty, but a worker holds it: not queued yet
  q.add("a");
  EXPECT_EQ(q.len(), 0u);
  q.add("b");
  EXPECT_EQ(q.get(), "b");
  q.done("a");
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  q.done("b");
  EXPECT_EQ(q.len(), 0u);
}

TEST(Queue, ProcessingItemIsNotHandedOutTwice) {
  queue<std::string> q;
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add("a");  // dirty, but still held
  q.add("b");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.len(), 0u);
  q.done("a");
  EXPECT_EQ(q.get(), "a");
}

TEST(Queue, DoneWithoutReAddForgetsTheItem) {
  queue<std::string> q;
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.done("a");
  q.done("a");  // not held: no-op
  EXPECT_EQ(q.len(), 0u);
  q.add("a");
  EXPECT_EQ(q.len(), 1u);
}

TEST(Queue, DoneOfAnItemNotHandedOutDoesNotDuplicateIt) {
  queue<std::string> q;
  q.add("a");
  q.done("a");  // misuse: "a" is queued, not held
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_EQ(q.len(), 0u);
}

TEST(Queue, GetBlocksUntilAdd) {
  queue<std::string> q;
  std::optional<std::string> got;
  std::jthread worker([&] { got = get_within(q); });
  q.add("a");
  worker.join();
  EXPECT_EQ(got, "a");
}

TEST(Queue, GetReturnsNulloptOnStop) {
  queue<std::string> q;
  std::stop_source stop;
  std::optional<std::string> got = "sentinel";
  std::jthread worker([&] { got = q.get(stop.get_token()); });
  stop.request_stop();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
  q.add("a");  // the stopped getter took nothing
  EXPECT_EQ(q.len(), 1u);
}

TEST(Queue, ShutDownHandsOutQueuedItemsThenNullopt) {
  queue<std::string> q;
  q.add("a");
  q.add("b");
  q.shut_down();
  EXPECT_TRUE(q.shutting_down());
  q.add("c");  // ignored
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(get_within(q), "a");
  EXPECT_EQ(get_within(q), "b");
  EXPECT_EQ(get_within(q), std::nullopt);
  EXPECT_EQ(get_within(q), std::nullopt);
}

TEST(Queue, ShutDownWakesBlockedGetters) {
  queue<std::string> q;
  std::vector<std::optional<std::string>> got(3, "sentinel");
  {
    std::vector<std::jthread> workers;
    for (auto& g : got) workers.emplace_back([&] { g = get_within(q); });
    q.shut_down();
  }
  for (auto& g : got) EXPECT_EQ(g, std::nullopt);
}

TEST(Queue, ItemDirtiedBeforeShutDownIsRequeuedByDone) {
  queue<std::string> q;
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add("a");
  q.shut_down();
  q.add("b");  // ignored
  q.done("a");
  EXPECT_EQ(get_within(q), "a");
  q.done("a");
  EXPECT_EQ(get_within(q), std::nullopt);
}

TEST(Queue, ShutDownWithDrainWaitsForInFlightItems) {
  queue<std::string> q;
  q.add("a");
  q.add("b");
  auto a = q.get();
  auto b = q.get();
  ASSERT_TRUE(a && b);
  std::atomic<bool> returned = false;
  std::jthread drainer([&] {
    q.shut_down_with_drain();
    returned = true;
  });
  watchdog w;
  while (!q.shutting_down() && !w.fired()) std::this_thread::yield();
  ASSERT_TRUE(q.shutting_down());
  q.done(*a);
  EXPECT_FALSE(returned);  // "b" is still in flight
  q.done(*b);
  drainer.join();
  EXPECT_TRUE(returned);
}

TEST(Queue, ShutDownWithDrainReturnsAtOnceWhenNothingIsInFlight) {
  queue<std::string> q;
  q.shut_down_with_drain();
  EXPECT_TRUE(q.shutting_down());
}

TEST(Queue, ShutDownEndsAPendingDrain) {
  queue<std::string> q;
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  std::jthread drainer([&] { q.shut_down_with_drain(); });
  watchdog w;
  while (!q.shutting_down() && !w.fired()) std::this_thread::yield();
  q.shut_down();  // "a" is never done, yet the drain ends
  drainer.join();
  SUCCEED();
}

TEST(Queue, WorksWithObjectKeys) {
  queue<ktk::core::object_key> q;
  q.add({"default", "web"});
  q.add({"default", "db"});
  q.add({"default", "web"});
  EXPECT_EQ(q.len(), 2u);
  auto k = q.get();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->str(), "default/web");
}

TEST(Queue, ManyDistinctItemsGrowTheRing) {
  queue<int> q({.initial_capacity = 1});
  for (int i = 0; i < 1000; ++i) q.add(i);
  EXPECT_EQ(q.len(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(q.get(), i);
    q.done(i);
  }
}

// 4 producers add keys from a small set (so duplicates and re-adds while processing
// are frequent); 4 consumers check that no key is held twice, and that the last add
// of every key was followed by a processing that saw it.
TEST(Queue, ManyProducersAndConsumers) {
  constexpr int keys = 64, producers = 4, consumers = 4, adds_per_producer = 20000;
  queue<std::string> q;
  std::array<std::atomic<int>, keys> version{};  // bumped before each add
  std::array<std::atomic<int>, keys> seen{};     // the version a processing started from
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
          q.add(std::to_string(k));
        }
      });
    }
  }
  q.shut_down();  // consumers finish what is queued or re-queued, then stop
  for (auto& t : workers) t.join();
  ASSERT_FALSE(w.fired());
  EXPECT_EQ(doubles, 0);
  EXPECT_GT(processed, keys);  // keys came back while held or after being handed out
  for (int k = 0; k < keys; ++k) EXPECT_EQ(seen[k], version[k]) << "key " << k;
  EXPECT_EQ(q.len(), 0u);
}
