// Watches on the etcd storage: rings fed by etcd's watch, 410s, drop_shard, several
// stores on one etcd, and a feed that loses etcd for a while.
#include <gtest/gtest.h>

#include <atomic>

#include "etcd_fixture.hpp"
#include "ktk/core/clock.hpp"
#include "tcp_proxy.hpp"

namespace ktk::test {
namespace {

using storage::event_type;

class EtcdWatch : public ::testing::Test {
 protected:
  void SetUp() override { url_ = fresh_etcd_url(); }
  std::unique_ptr<storage::interface> make(std::size_t history = 10000, std::string url = {}) {
    auto o = options_for(url.empty() ? url_ : url);
    o.history = history;
    return storage::make_etcd_storage(o);
  }
  std::string url_;
};

TEST_F(EtcdWatch, FromNowSeesLaterWritesWithTheirPreviousStates) {
  auto s = make();
  ASSERT_TRUE(s->create("configmaps", {"default", "before"}, make_obj("default", "before")));
  auto w = s->watch("configmaps", {}).value();
  auto c = s->create("configmaps", {"default", "b"}, make_obj("default", "b", {{"data", {{"v", "1"}}}}));
  auto u = s->update("configmaps", {"default", "b"}, make_obj("default", "b", {{"data", {{"v", "2"}}}}), rv(*c));
  auto d = s->remove("configmaps", {"default", "b"}, 0);
  ASSERT_TRUE(c && u && d);
  auto evs = read_events(*w, 3);
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0]->type, event_type::added);
  EXPECT_EQ(evs[0]->rev, rv(*c));
  EXPECT_EQ(evs[0]->object->data(), (*c)->data());
  EXPECT_EQ(evs[0]->prev, nullptr);
  EXPECT_EQ(evs[1]->type, event_type::modified);
  EXPECT_EQ(evs[1]->object->data(), (*u)->data());
  EXPECT_EQ(evs[1]->prev->data(), (*c)->data());
  EXPECT_EQ(evs[2]->type, event_type::deleted);
  EXPECT_EQ(evs[2]->rev, rv(*d));
  EXPECT_EQ(evs[2]->object->data(), (*d)->data());  // the last state at the deletion revision
  EXPECT_EQ(evs[2]->prev->data(), (*u)->data());
  EXPECT_EQ(w->cursor(), rv(*d));
  EXPECT_TRUE(w->poll()->empty());
  EXPECT_EQ(s->shard_revision("configmaps"), rv(*d));
}

TEST_F(EtcdWatch, FromARevisionReplaysAndFiltersByNamespace) {
  auto s = make();
  auto a = s->create("configmaps", {"one", "a"}, make_obj("one", "a")).value();
  ASSERT_TRUE(s->create("configmaps", {"two", "b"}, make_obj("two", "b")));
  auto c = s->create("configmaps", {"one", "c"}, make_obj("one", "c")).value();
  auto w = s->watch("configmaps", {.namespace_ = "one", .from_revision = rv(a) - 1}).value();
  auto evs = read_events(*w, 2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0]->object->name(), "a");
  EXPECT_EQ(evs[1]->object->name(), "c");
  EXPECT_EQ(evs[1]->rev, rv(c));
}

TEST_F(EtcdWatch, OlderThanTheRingIsExpired) {
  auto s = make(3);
  std::vector<core::object_ptr> made;
  for (int i = 0; i < 5; ++i) {
    std::string n = "cm" + std::to_string(i);
    made.push_back(s->create("configmaps", {"default", n}, make_obj("default", n)).value());
  }
  ASSERT_TRUE(eventually([&] { return s->shard_revision("configmaps") == rv(made.back()); }));
  auto old = s->watch("configmaps", {.from_revision = rv(made[0])});
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code(), 410);
  EXPECT_EQ(old.error().reason(), "Expired");
  EXPECT_EQ(old.error().message(), "too old resource version: " + std::to_string(rv(made[0])) + " (" +
                                       std::to_string(rv(made[2]) - 1) + ")");
  auto ok = s->watch("configmaps", {.from_revision = rv(made[1])});
  ASSERT_TRUE(ok);
  EXPECT_EQ(read_events(**ok, 3).size(), 3u);
}

TEST_F(EtcdWatch, AWatcherThatFallsOffTheRingIsExpired) {
  auto s = make(2);
  auto w = s->watch("configmaps", {}).value();
  core::object_ptr last;
  for (int i = 0; i < 4; ++i) {
    std::string n = "cm" + std::to_string(i);
    last = s->create("configmaps", {"default", n}, make_obj("default", n)).value();
  }
  ASSERT_TRUE(eventually([&] { return s->shard_revision("configmaps") == rv(last); }));
  auto r = w->poll();
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_resource_expired(r.error()));
}

TEST_F(EtcdWatch, EventsFromBeforeTheShardWasFirstNamedAreNotKept) {
  etcd_witness etcd(url_);
  auto s = make();
  auto early = etcd.put(test_prefix() + "/secrets/default/x", R"({"metadata":{"name":"x","namespace":"default"}})");
  ASSERT_TRUE(eventually([&] { return s->current_revision() >= early; }));  // the feed saw it go by
  auto w = s->watch("secrets", {.from_revision = early - 1});
  ASSERT_FALSE(w);
  EXPECT_TRUE(is_resource_expired(w.error()));
  // From the shard's first use on, everything is kept.
  auto later = etcd.put(test_prefix() + "/secrets/default/y", R"({"metadata":{"name":"y","namespace":"default"}})");
  auto w2 = s->watch("secrets", {.from_revision = early}).value();
  auto evs = read_events(*w2, 1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]->rev, later);
  EXPECT_EQ(evs[0]->object->name(), "y");
}

TEST_F(EtcdWatch, ConcurrentCompareAndSwapWritersAndAWatcherAgree) {
  auto s = make();
  auto first = s->create("configmaps", {"default", "counter"}, make_obj("default", "counter", {{"data", {{"n", 0}}}})).value();
  auto w = s->watch("configmaps", {.from_revision = rv(first)}).value();
  constexpr int threads = 4, each = 25;
  {
    std::vector<std::jthread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = 0; i < each;) {
          auto cur = s->get("configmaps", {"default", "counter"}).value();
          int n = cur->data()["data"]["n"].get<int>();
          auto next = make_obj("default", "counter", {{"data", {{"n", n + 1}}}});
          auto r = s->update("configmaps", {"default", "counter"}, std::move(next), rv(cur));
          if (r) {
            ++i;
          } else {
            ASSERT_TRUE(is_conflict(r.error())) << r.error().message();
          }
        }
      });
    }
  }
  auto evs = read_events(*w, threads * each);
  ASSERT_EQ(evs.size(), static_cast<std::size_t>(threads * each));
  for (std::size_t i = 0; i < evs.size(); ++i) {
    EXPECT_EQ(evs[i]->type, event_type::modified);
    EXPECT_EQ(evs[i]->object->data()["data"]["n"], static_cast<int>(i + 1));
    EXPECT_EQ(evs[i]->prev->data()["data"]["n"], static_cast<int>(i));
    if (i > 0) {
      EXPECT_GT(evs[i]->rev, evs[i - 1]->rev);
    }
  }
}

TEST_F(EtcdWatch, NotifyRunsWhenEventsArrive) {
  auto s = make();
  auto w = s->watch("configmaps", {}).value();
  std::atomic<int> calls{0};
  w->set_notify([&] { ++calls; });
  ASSERT_TRUE(w->poll()->empty());
  ASSERT_TRUE(s->create("configmaps", {"default", "a"}, make_obj("default", "a")));
  EXPECT_TRUE(eventually([&] { return calls.load() >= 1; }));
  EXPECT_EQ(w->poll()->size(), 1u);
  w->set_notify(nullptr);
}

TEST_F(EtcdWatch, WaitNextEndsAtTheDeadlineOrTheStop) {
  auto s = make();
  auto w = s->watch("configmaps", {}).value();
  auto r = w->wait_next(std::stop_token{}, std::chrono::steady_clock::now() + 20ms);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
  std::stop_source stop;
  std::jthread stopper([&] { stop.request_stop(); });
  auto r2 = w->wait_next(stop.get_token());
  ASSERT_TRUE(r2);
  EXPECT_TRUE(r2->empty());
}

TEST_F(EtcdWatch, DropShardDeletesItsKeysAndEndsItsWatchersWithGone) {
  auto s = make();
  auto w = s->watch("example.com/widgets", {}).value();
  auto a = s->create("example.com/widgets", {"default", "a"}, make_obj("default", "a")).value();
  ASSERT_TRUE(s->create("configmaps", {"default", "keep"}, make_obj("default", "keep")));
  ASSERT_TRUE(eventually([&] { return s->shard_revision("example.com/widgets") == rv(a); }));
  s->drop_shard("example.com/widgets");
  auto evs = read_events(*w, 1);
  ASSERT_EQ(evs.size(), 1u);  // what it had not read
  auto end = read_error(*w);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->code(), 410);
  EXPECT_EQ(end->reason(), "Gone");
  etcd_witness etcd(url_);
  EXPECT_TRUE(etcd.keys(test_prefix() + "/example.com/widgets/").empty());
  EXPECT_EQ(etcd.keys(test_prefix() + "/configmaps/").size(), 1u);
  // The shard can be used again, from scratch.
  auto w2 = s->watch("example.com/widgets", {}).value();
  auto b = s->create("example.com/widgets", {"default", "b"}, make_obj("default", "b")).value();
  auto evs2 = read_events(*w2, 1);
  ASSERT_EQ(evs2.size(), 1u);
  EXPECT_EQ(evs2[0]->object->name(), "b");
  EXPECT_EQ(s->list("example.com/widgets", {})->items.size(), 1u);
}

TEST_F(EtcdWatch, TwoStoresOnOneEtcdSeeEachOthersWritesAndEvents) {
  auto s1 = make();
  auto s2 = make();
  auto w2 = s2->watch("configmaps", {}).value();
  auto c = s1->create("configmaps", {"default", "a"}, make_obj("default", "a")).value();
  auto evs = read_events(*w2, 1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]->rev, rv(c));
  EXPECT_EQ(rv(s2->get("configmaps", {"default", "a"}).value()), rv(c));
  auto u = s2->update("configmaps", {"default", "a"}, make_obj("default", "a", {{"data", {{"by", "s2"}}}}), rv(c));
  ASSERT_TRUE(u);
  auto stale = s1->update("configmaps", {"default", "a"}, make_obj("default", "a"), rv(c));
  ASSERT_FALSE(stale);
  EXPECT_TRUE(is_conflict(stale.error()));
  EXPECT_TRUE(is_already_exists(s2->create("configmaps", {"default", "a"}, make_obj("default", "a"))));
  EXPECT_TRUE(eventually([&] { return s1->current_revision() >= rv(*u); }));
}

TEST_F(EtcdWatch, TheFeedResumesWhereItWasAfterLosingEtcd) {
  tcp_proxy proxy(url_);
  auto s = make(10000, proxy.url());
  auto w = s->watch("configmaps", {}).value();
  proxy.set_mode(tcp_proxy::mode::refuse);
  proxy.cut();
  etcd_witness etcd(url_);
  auto r1 = etcd.put(test_prefix() + "/configmaps/default/a", R"({"metadata":{"name":"a","namespace":"default"}})");
  auto r2 = etcd.put(test_prefix() + "/configmaps/default/a", R"({"metadata":{"name":"a","namespace":"default"},"data":{"v":"2"}})");
  auto down = s->get("configmaps", {"default", "a"});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), 503);
  proxy.set_mode(tcp_proxy::mode::forward);
  auto evs = read_events(*w, 2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0]->rev, r1);
  EXPECT_EQ(evs[0]->type, event_type::added);
  EXPECT_EQ(evs[1]->rev, r2);
  EXPECT_EQ(evs[1]->type, event_type::modified);
}

TEST_F(EtcdWatch, CompactionWhileTheFeedIsAwayExpiresEveryWatcher) {
  tcp_proxy proxy(url_);
  auto s = make(10000, proxy.url());
  auto w1 = s->watch("configmaps", {}).value();
  auto w2 = s->watch("secrets", {.namespace_ = "x"}).value();
  proxy.set_mode(tcp_proxy::mode::refuse);
  proxy.cut();
  etcd_witness etcd(url_);
  etcd.put(test_prefix() + "/configmaps/default/a", R"({"metadata":{"name":"a","namespace":"default"}})");
  auto r = etcd.put(test_prefix() + "/configmaps/default/b", R"({"metadata":{"name":"b","namespace":"default"}})");
  etcd.compact(r);
  proxy.set_mode(tcp_proxy::mode::forward);
  for (auto* w : {w1.get(), w2.get()}) {
    auto e = read_error(*w);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code(), 410);
    EXPECT_EQ(e->reason(), "Expired");
  }
  // The rings start again: a new watch follows what comes next.
  auto w3 = s->watch("configmaps", {}).value();
  auto c = s->create("configmaps", {"default", "c"}, make_obj("default", "c")).value();
  auto evs = read_events(*w3, 1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]->rev, rv(c));
}

TEST_F(EtcdWatch, CompactionIntervalCompactsToTheRevisionOneIntervalEarlier) {
  core::fake_clock clock;
  auto o = options_for(url_);
  o.compaction_interval = std::chrono::minutes(5);
  o.clock = &clock;
  auto s = storage::make_etcd_storage(o);
  auto a = s->create("configmaps", {"default", "a"}, make_obj("default", "a")).value();
  // Steps the clock to the compactor's next wake-up and waits until it sleeps again.
  auto step = [&] {
    std::optional<core::clock::time_point> next;
    ASSERT_TRUE(eventually([&] { return (next = clock.next_wakeup()).has_value(); }));
    clock.set(*next);
    ASSERT_TRUE(eventually([&] {
      auto again = clock.next_wakeup();
      return again && *again > *next;
    }));
  };
  step();  // notes the current revision
  ASSERT_TRUE(s->create("configmaps", {"default", "b"}, make_obj("default", "b")));
  EXPECT_TRUE(s->list("configmaps", {.at = rv(a)}));
  step();  // compacts to the revision noted one interval ago
  auto past = s->list("configmaps", {.at = rv(a) - 1});
  ASSERT_FALSE(past);
  EXPECT_TRUE(is_resource_expired(past.error()));
  EXPECT_TRUE(s->list("configmaps", {.at = s->current_revision()}));
}

}  // namespace
}  // namespace ktk::test
