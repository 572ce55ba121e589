// Watchers of the memory storage: delivery order, replay from a revision, namespace
// filtering, 410 Expired, blocking waits with stop and deadline, notify callbacks,
// dropped shards and the watcher outliving the storage.
#include "ktk/apiserver/storage/interface.hpp"
#include "storage_fixtures.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace ktk::apiserver::storage {
namespace {

using ::testing::ElementsAre;

using testing::pod;

// "ADDED ns/name@rev" for each event.
std::vector<std::string> describe(const std::vector<event_ptr>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) {
    const char* t = e->type == event_type::added ? "ADDED" : e->type == event_type::modified ? "MODIFIED" : "DELETED";
    out.push_back(std::string(t) + " " + std::string(e->object->namespace_()) + "/" +
                  std::string(e->object->name()) + "@" + std::to_string(e->rev));
  }
  return out;
}

class storage_watch_test : public ::testing::Test {
 protected:
  std::unique_ptr<interface> s = make_memory_storage({.history = 5});

  void create(std::string_view ns, std::string_view name, std::string_view shard = "pods") {
    ASSERT_TRUE(s->create(shard, {std::string(ns), std::string(name)}, pod(ns, name)).ok());
  }
  std::unique_ptr<watcher> watch(watch_options o = {}, std::string_view shard = "pods") {
    auto w = s->watch(shard, o);
    EXPECT_TRUE(w.ok());
    return std::move(w).value();
  }
};

TEST_F(storage_watch_test, from_now_sees_only_later_events_in_order) {
  create("ns", "old");
  auto w = watch();
  EXPECT_EQ(w->cursor(), 1);
  EXPECT_TRUE(w->poll()->empty());
  create("ns", "a");
  ASSERT_TRUE(s->update("pods", {"ns", "a"}, pod("ns", "a", 1), 0).ok());
  ASSERT_TRUE(s->remove("pods", {"ns", "a"}, 0).ok());
  auto evs = w->poll();
  ASSERT_TRUE(evs.ok());
  EXPECT_THAT(describe(*evs), ElementsAre("ADDED ns/a@2", "MODIFIED ns/a@3", "DELETED ns/a@4"));
  EXPECT_EQ(w->cursor(), 4);
  EXPECT_TRUE(w->poll()->empty());
}

TEST_F(storage_watch_test, events_carry_object_and_prev) {
  auto w = watch();
  create("ns", "a");
  ASSERT_TRUE(s->update("pods", {"ns", "a"}, pod("ns", "a", 1), 0).ok());
  ASSERT_TRUE(s->remove("pods", {"ns", "a"}, 0).ok());
  auto evs = w->poll().value();
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0]->prev, nullptr);
  EXPECT_EQ(evs[0]->object->resource_version(), "1");
  EXPECT_EQ(evs[1]->prev, evs[0]->object);
  EXPECT_EQ(evs[1]->object->data()["spec"]["gen"], 1);
  EXPECT_EQ(evs[2]->prev, evs[1]->object);
  EXPECT_EQ(evs[2]->object->resource_version(), "3");
  EXPECT_EQ(evs[2]->object->data()["spec"]["gen"], 1);
}

TEST_F(storage_watch_test, other_shards_are_not_seen) {
  auto w = watch();
  create("ns", "d", "apps/deployments");
  create("ns", "p");
  EXPECT_THAT(describe(w->poll().value()), ElementsAre("ADDED ns/p@2"));
}

TEST_F(storage_watch_test, poll_respects_max) {
  auto w = watch();
  for (auto n : {"a", "b", "c"}) create("ns", n);
  EXPECT_THAT(describe(w->poll(2).value()), ElementsAre("ADDED ns/a@1", "ADDED ns/b@2"));
  EXPECT_EQ(w->cursor(), 2);
  EXPECT_THAT(describe(w->poll(2).value()), ElementsAre("ADDED ns/c@3"));
}

TEST_F(storage_watch_test, from_revision_replays_exactly_the_missed_events) {
  for (auto n : {"a", "b", "c", "d"}) create("ns", n);
  auto w = watch({.from_revision = 2});
  EXPECT_EQ(w->cursor(), 2);
  EXPECT_THAT(describe(w->poll().value()), ElementsAre("ADDED ns/c@3", "ADDED ns/d@4"));
  // Resuming at the last revision seen is the same operation.
  auto again = watch({.from_revision = 4});
  EXPECT_TRUE(again->poll()->empty());
  create("ns", "e");
  EXPECT_THAT(describe(again->poll().value()), ElementsAre("ADDED ns/e@5"));
}

TEST_F(storage_watch_test, from_a_future_revision_sees_events_after_it) {
  create("ns", "a");
  auto w = watch({.from_revision = 3});
  for (auto n : {"b", "c", "d"}) create("ns", n);
  EXPECT_THAT(describe(w->poll().value()), ElementsAre("ADDED ns/d@4"));
}

TEST_F(storage_watch_test, namespace_filter) {
  auto w = watch({.namespace_ = "b"});
  create("a", "1");
  create("b", "1");
  create("c", "1");
  create("b", "2");
  EXPECT_THAT(describe(w->poll().value()), ElementsAre("ADDED b/1@2", "ADDED b/2@4"));
  create("c", "2");
  EXPECT_TRUE(w->poll()->empty());
  EXPECT_EQ(w->cursor(), 5);  // skipped events still move the cursor
}

TEST_F(storage_watch_test, watch_older_than_history_is_expired) {
  for (int i = 0; i < 15; ++i) create("ns", "p" + std::to_string(i));
  // history = 5: revisions 11..15 are kept.
  auto r = s->watch("pods", {.from_revision = 5});
  ASSERT_TRUE(is_resource_expired(r));
  EXPECT_EQ(r.error().code(), 410);
  EXPECT_EQ(r.error().message(), "too old resource version: 5 (10)");
  EXPECT_TRUE(is_resource_expired(s->watch("pods", {.from_revision = 9})));
  auto w = watch({.from_revision = 10});
  EXPECT_EQ(w->poll()->size(), 5u);
}

TEST_F(storage_watch_test, slow_watcher_falls_off_the_ring_without_blocking_writers) {
  auto slow = watch();
  auto fast = watch();
  for (int i = 0; i < 5; ++i) create("ns", "p" + std::to_string(i));
  EXPECT_EQ(fast->poll()->size(), 5u);
  create("ns", "p5");  // evicts revision 1, which `slow` has not read
  EXPECT_EQ(fast->poll()->size(), 1u);
  auto r = slow->poll();
  ASSERT_TRUE(is_resource_expired(r));
  EXPECT_EQ(r.error().message(), "too old resource version: 0 (1)");
  // Done for good, even though the writes stop.
  EXPECT_TRUE(is_resource_expired(slow->poll()));
  EXPECT_TRUE(is_resource_expired(slow->wait_next(std::stop_token{})));
  // The consumer restarts from a fresh point.
  auto fresh = watch({.from_revision = fast->cursor()});
  create("ns", "p6");
  EXPECT_THAT(describe(fresh->poll().value()), ElementsAre("ADDED ns/p6@7"));
}

TEST_F(storage_watch_test, wait_next_returns_available_events_at_once) {
  auto w = watch();
  create("ns", "a");
  EXPECT_THAT(describe(w->wait_next(std::stop_token{}).value()), ElementsAre("ADDED ns/a@1"));
}

TEST_F(storage_watch_test, wait_next_wakes_on_a_write_from_another_thread) {
  auto w = watch();
  std::latch started(1);
  std::jthread writer([&] {
    started.wait();
    create("ns", "a");
  });
  started.count_down();
  auto evs = w->wait_next(std::stop_token{});
  ASSERT_TRUE(evs.ok());
  EXPECT_THAT(describe(*evs), ElementsAre("ADDED ns/a@1"));
}

TEST_F(storage_watch_test, wait_next_ignores_other_namespaces_while_waiting) {
  auto w = watch({.namespace_ = "b"});
  std::jthread writer([&] {
    create("a", "1");
    create("a", "2");
    create("b", "1");
  });
  auto evs = w->wait_next(std::stop_token{});
  EXPECT_THAT(describe(evs.value()), ElementsAre("ADDED b/1@3"));
}

TEST_F(storage_watch_test, wait_next_returns_empty_when_stopped) {
  auto w = watch();
  std::stop_source stop;
  std::jthread stopper([&] { stop.request_stop(); });
  auto r = w->wait_next(stop.get_token());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  stopper.join();
  // Already stopped: returns immediately.
  EXPECT_TRUE(w->wait_next(stop.get_token())->empty());
}

TEST_F(storage_watch_test, wait_next_returns_empty_at_the_deadline) {
  auto w = watch();
  auto r = w->wait_next(std::stop_token{}, std::chrono::steady_clock::now());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  auto soon = w->wait_next(std::stop_token{}, std::chrono::steady_clock::now() + std::chrono::milliseconds(5));
  EXPECT_TRUE(soon->empty());
}

TEST_F(storage_watch_test, notify_runs_after_a_drained_poll) {
  auto w = watch();
  std::atomic<int> calls = 0;
  w->set_notify([&] { ++calls; });
  create("ns", "a");
  EXPECT_EQ(calls, 1);
  create("ns", "b");
  EXPECT_EQ(calls, 1);  // not re-armed until the consumer drains
  EXPECT_EQ(w->poll(1)->size(), 1u);
  create("ns", "c");
  EXPECT_EQ(calls, 1);  // the poll did not drain
  EXPECT_EQ(w->poll()->size(), 2u);
  create("ns", "d");
  EXPECT_EQ(calls, 2);
  w->set_notify(nullptr);
  EXPECT_EQ(w->poll()->size(), 1u);
  create("ns", "e");
  EXPECT_EQ(calls, 2);
}

TEST_F(storage_watch_test, notify_skips_other_namespaces) {
  auto w = watch({.namespace_ = "b"});
  std::atomic<int> calls = 0;
  w->set_notify([&] { ++calls; });
  create("a", "1");
  EXPECT_EQ(calls, 0);
  create("b", "1");
  EXPECT_EQ(calls, 1);
}

TEST_F(storage_watch_test, notify_is_not_called_after_the_watcher_is_gone) {
  std::atomic<int> calls = 0;
  {
    auto w = watch();
    w->set_notify([&] { ++calls; });
  }
  create("ns", "a");
  EXPECT_EQ(calls, 0);
}

TEST_F(storage_watch_test, dropped_shard_delivers_what_is_left_then_gone) {
  auto w = watch();
  create("ns", "a");
  create("ns", "a2");
  s->drop_shard("pods");
  EXPECT_THAT(describe(w->poll().value()), ElementsAre("ADDED ns/a@1", "ADDED ns/a2@2"));
  create("ns", "b");  // in the recreated shard: not this watcher's
  auto end = w->poll();
  ASSERT_TRUE(is_gone(end));
  EXPECT_FALSE(is_resource_expired(end));
  EXPECT_TRUE(is_gone(w->wait_next(std::stop_token{}, std::chrono::steady_clock::now())));
  // A watch on the recreated shard resumes from the drop at the earliest.
  EXPECT_TRUE(is_resource_expired(s->watch("pods", {.from_revision = 1})));
  auto fresh = watch({.from_revision = 2});
  EXPECT_THAT(describe(fresh->poll().value()), ElementsAre("ADDED ns/b@3"));
}

TEST_F(storage_watch_test, watcher_outlives_the_storage) {
  auto w = watch();
  create("ns", "a");
  s.reset();
  EXPECT_THAT(describe(w->poll().value()), ElementsAre("ADDED ns/a@1"));
  EXPECT_TRUE(w->poll()->empty());
}

}  // namespace
}  // namespace ktk::apiserver::storage
