#include "ktk/client/cache/reflector.hpp"

#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/client/cache/indexer.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;
namespace kc = ktk::client;
using ktk::core::api_error;

// The options each list and watch call got, recorded by a wrapping list_watch.
struct recorded {
  std::mutex mu;
  std::vector<kc::list_options> lists;
  std::vector<kc::watch_options> watches;
  std::size_t list_calls() {
    std::lock_guard lock(mu);
    return lists.size();
  }
  std::size_t watch_calls() {
    std::lock_guard lock(mu);
    return watches.size();
  }
};

class Reflector : public ::testing::Test {
 protected:
  void TearDown() override { stop(); }

  void build(ktk::fakeclient::builder& b) { fc = b.with_clock(clk).build(); }
  void build(ktk::fakeclient::builder&& b) { build(b); }

  // Records the calls, then goes to the fake client.
  cache::list_watch recording(cache::scope s = {}) {
    auto inner = cache::make_list_watch(*fc, cm_kind, s);
    return {[this, inner](const kc::list_options& o) {
              {
                std::lock_guard lock(rec.mu);
                rec.lists.push_back(o);
              }
              return inner.list(o);
            },
            [this, inner](const kc::watch_options& o) {
              {
                std::lock_guard lock(rec.mu);
                rec.watches.push_back(o);
              }
              return inner.watch(o);
            }};
  }

  void start(cache::list_watch lw, cache::reflector_options o = {}) {
    o.clock = &clk;
    o.seed = 1;
    if (!o.on_error) {
      o.on_error = [this](const api_error& e) {
        std::lock_guard lock(rec.mu);
        errors.push_back(e.code());
      };
    }
    r = std::make_unique<cache::reflector>(std::move(lw), store, std::move(o));
    t = std::jthread([this](std::stop_token st) {
      r->run(st);
      finished = true;
    });
  }

  void stop() {
    if (!t.joinable()) return;
    t.request_stop();
    ASSERT_TRUE(eventually([&] { return finished.load(); })) << "run() did not return after stop";
    t.join();
  }

  std::size_t error_count() {
    std::lock_guard lock(rec.mu);
    return errors.size();
  }

  // Steps the fake clock by `step` whenever someone sleeps on it, until done() holds.
  template <class Pred>
  bool step_until(Pred done, ktk::core::clock::duration step) {
    return eventually([&] {
      if (done()) return true;
      if (clk.sleepers() > 0) clk.advance(step);
      return false;
    });
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc;
  cache::indexer store;
  recorded rec;
  std::vector<int> errors;  // guarded by rec.mu
  std::unique_ptr<cache::reflector> r;
  std::atomic<bool> finished{false};
  std::jthread t;
};

std::vector<object> config_maps(const std::string& ns, int n, const std::string& prefix = "cm-") {
  std::vector<object> out;
  for (int i = 0; i < n; ++i) out.push_back(config_map(ns, prefix + std::to_string(i)));
  return out;
}

TEST_F(Reflector, ListsInPagesThenWatches) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 25)));
  start(recording(), {.page_size = 10});
  ASSERT_TRUE(eventually([&] { return r->list_count() == 1 && rec.watch_calls() == 1; }));
  EXPECT_EQ(store.size(), 25u);
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 3u);
  std::lock_guard lock(rec.mu);
  ASSERT_EQ(rec.lists.size(), 3u);
  EXPECT_EQ(rec.lists[0].resource_version, "0");
  EXPECT_TRUE(rec.lists[0].continue_token.empty());
  for (const auto& l : rec.lists) EXPECT_EQ(l.limit, 10);
  EXPECT_FALSE(rec.lists[1].continue_token.empty());
  EXPECT_TRUE(rec.lists[1].resource_version.empty());  // a continue token carries its revision
  EXPECT_FALSE(rec.lists[2].continue_token.empty());
  // The watch starts where the list ended, with bookmarks and a jittered timeout.
  EXPECT_EQ(rec.watches[0].resource_version, store.resource_version());
  EXPECT_EQ(r->last_sync_resource_version(), store.resource_version());
  EXPECT_TRUE(rec.watches[0].allow_bookmarks);
  ASSERT_TRUE(rec.watches[0].timeout);
  EXPECT_GE(*rec.watches[0].timeout, std::chrono::seconds(300));
  EXPECT_LT(*rec.watches[0].timeout, std::chrono::seconds(600));
}

TEST_F(Reflector, WatchEventsReachTheStore) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 2)));
  start(recording());
  ASSERT_TRUE(eventually([&] { return rec.watch_calls() == 1; }));
  auto added = fc->create(config_map("a", "new"));
  ASSERT_TRUE(added);
  ASSERT_TRUE(fc->remove(cm_kind, {"a", "cm-0"}));
  auto changed = fc->update(config_map("a", "cm-1", {{"x", "y"}}));
  ASSERT_TRUE(changed);
  ASSERT_TRUE(eventually([&] { return store.get_by_key("a/cm-1") == *changed; }));
  EXPECT_EQ(store.get_by_key("a/new"), *added);  // the pointer the watch delivered
  EXPECT_EQ(store.get_by_key("a/cm-0"), nullptr);
  EXPECT_EQ(r->last_sync_resource_version(), (*changed)->resource_version());
}

TEST_F(Reflector, AnExpiredContinueTokenFallsBackToAFullList) {
  build(ktk::fakeclient::builder().with_watch_history(5).with_objects(config_maps("a", 30)));
  auto inner = recording();
  bool wrote = false;
  cache::list_watch lw{[&, inner](const kc::list_options& o) {
                         if (!o.continue_token.empty() && !wrote) {
                           wrote = true;  // the history moves on past the first page's revision
                           for (auto& cm : config_maps("a", 10, "late-")) EXPECT_TRUE(fc->create(std::move(cm)));
                         }
                         return inner.list(o);
                       },
                       inner.watch};
  at_exit stop_first{[&] { stop(); }};
  start(lw, {.page_size = 10});
  ASSERT_TRUE(eventually([&] { return r->list_count() == 1; }));
  EXPECT_EQ(store.size(), 40u);
  std::lock_guard lock(rec.mu);
  ASSERT_EQ(rec.lists.size(), 3u);
  EXPECT_EQ(rec.lists[2].limit, 0);  // the full list
  EXPECT_TRUE(rec.lists[2].continue_token.empty());
  EXPECT_TRUE(errors.empty());
}

TEST_F(Reflector, ReWatchesFromTheLastEventWhenAWatchEnds) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 1)));
  auto inner = recording();
  cache::list_watch lw{inner.list, [inner](const kc::watch_options& o) -> ktk::result<std::unique_ptr<kc::watch_stream>> {
                         auto w = inner.watch(o);
                         if (!w) return w.error();
                         return std::unique_ptr<kc::watch_stream>(std::make_unique<ending_watch>(std::move(*w), 2));
                       }};
  start(lw);
  ASSERT_TRUE(eventually([&] { return rec.watch_calls() == 1; }));
  const auto list_rv = store.resource_version();
  std::vector<std::string> rvs;
  for (int i = 0; i < 5; ++i) rvs.emplace_back((*fc->create(config_map("a", "n" + std::to_string(i))))->resource_version());
  ASSERT_TRUE(eventually([&] { return store.size() == 6 && rec.watch_calls() == 3; }));
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 1u);  // no re-list
  std::lock_guard lock(rec.mu);
  ASSERT_EQ(rec.watches.size(), 3u);
  EXPECT_EQ(rec.watches[0].resource_version, list_rv);
  EXPECT_EQ(rec.watches[1].resource_version, rvs[1]);
  EXPECT_EQ(rec.watches[2].resource_version, rvs[3]);
}

TEST_F(Reflector, BookmarksAdvanceTheResourceVersion) {
  auto reg = std::make_shared<ktk::apiserver::registry>(
      ktk::apiserver::registry_options{.clock = &clk, .bookmark_interval = std::chrono::milliseconds(20)});
  fc = std::make_unique<ktk::fakeclient::fake_client>(reg);
  ASSERT_TRUE(fc->create(ktk::core::object(json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "a"}}}})));
  ASSERT_TRUE(fc->create(config_map("a", "web", {{"app", "web"}})));
  start(recording({.label_selector = "app=web"}));
  ASSERT_TRUE(eventually([&] { return rec.watch_calls() == 1; }));
  // A change the selector filters out still moves the watch's revision; a bookmark tells us.
  auto other = fc->create(config_map("a", "other", {{"app", "other"}}));
  ASSERT_TRUE(other);
  EXPECT_TRUE(eventually([&] { return r->last_sync_resource_version() == (*other)->resource_version(); }));
  EXPECT_EQ(store.size(), 1u);
}

TEST_F(Reflector, TheNextWatchStartsAtTheBookmark) {
  std::atomic<int> watches{0};
  std::mutex mu;
  std::vector<std::string> rvs;
  cache::list_watch lw{[](const kc::list_options&) -> ktk::result<kc::object_list> {
                         return kc::object_list{.items = {obj("a", "x", "10")}, .resource_version = "10"};
                       },
                       [&](const kc::watch_options& o) -> ktk::result<std::unique_ptr<kc::watch_stream>> {
                         {
                           std::lock_guard lock(mu);
                           rvs.push_back(o.resource_version);
                         }
                         if (watches++ == 0) {
                           object b("v1", "ConfigMap");
                           b.set_resource_version("15");
                           return std::unique_ptr<kc::watch_stream>(std::make_unique<scripted_watch>(
                               std::deque<std::vector<kc::watch_event>>{
                                   {{kc::event_type::bookmark, ktk::core::make_object_ptr(std::move(b))}}}));
                         }
                         return std::unique_ptr<kc::watch_stream>(std::make_unique<scripted_watch>(
                             std::deque<std::vector<kc::watch_event>>{}, true));
                       }};
  at_exit stop_first{[&] { stop(); }};
  start(lw);
  ASSERT_TRUE(eventually([&] { return watches.load() == 2; }));
  std::lock_guard lock(mu);
  EXPECT_EQ(rvs, (std::vector<std::string>{"10", "15"}));
  EXPECT_EQ(r->last_sync_resource_version(), "15");
  EXPECT_EQ(store.size(), 1u);
}

TEST_F(Reflector, ReListsWhenTheWatcherFellOffTheHistory) {
  build(ktk::fakeclient::builder().with_watch_history(5).with_objects(config_maps("a", 3)));
  auto inner = recording();
  std::atomic<bool> wrote{false};
  cache::list_watch lw{inner.list, [&, inner](const kc::watch_options& o) {
                         if (!wrote.exchange(true)) {
                           // Ten writes before the watch opens: its revision is out of the ring.
                           for (auto& cm : config_maps("a", 10, "late-")) EXPECT_TRUE(fc->create(std::move(cm)));
                         }
                         return inner.watch(o);
                       }};
  at_exit stop_first{[&] { stop(); }};
  start(lw);
  ASSERT_TRUE(eventually([&] { return r->list_count() == 2 && rec.watch_calls() == 2; }));
  EXPECT_EQ(store.size(), 13u);
  EXPECT_EQ(error_count(), 0u);  // a 410 is routine
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(rec.lists[1].resource_version, rec.watches[0].resource_version);  // not older than what was seen
}

TEST_F(Reflector, ReListsOnA410FromWatch) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 3)));
  fc->add_reactor("watch", "configmaps", ktk::fakeclient::fail_times(1, api_error::resource_expired("too old")));
  start(recording());
  ASSERT_TRUE(eventually([&] { return r->list_count() == 2 && rec.watch_calls() == 2; }));
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 2u);
  EXPECT_EQ(store.size(), 3u);
}

TEST_F(Reflector, ReListsOnA410ErrorEvent) {
  std::atomic<int> lists{0}, watches{0};
  cache::list_watch lw{[&](const kc::list_options&) -> ktk::result<kc::object_list> {
                         ++lists;
                         return kc::object_list{.items = {obj("a", "x", "10")}, .resource_version = "10"};
                       },
                       [&](const kc::watch_options&) -> ktk::result<std::unique_ptr<kc::watch_stream>> {
                         if (watches++ == 0) {
                           auto status = api_error(410, "Gone", "gone").to_status();
                           return std::unique_ptr<kc::watch_stream>(
                               std::make_unique<scripted_watch>(std::deque<std::vector<kc::watch_event>>{
                                   {{kc::event_type::added, obj("a", "y", "11")},
                                    {kc::event_type::error, ktk::core::make_object_ptr(object(status))}}}));
                         }
                         return std::unique_ptr<kc::watch_stream>(
                             std::make_unique<scripted_watch>(std::deque<std::vector<kc::watch_event>>{}, true));
                       }};
  at_exit stop_first{[&] { stop(); }};
  start(lw);
  ASSERT_TRUE(eventually([&] { return lists.load() == 2 && watches.load() == 2; }));
  EXPECT_EQ(store.size(), 1u);  // the second list's state
  EXPECT_EQ(error_count(), 0u);
}

// The list calls' times on the fake clock, failing the first `failures` with e.
struct timed_failures {
  ktk::core::fake_clock& clk;
  std::size_t failures;
  api_error error;
  std::mutex mu{};
  std::vector<ktk::core::clock::time_point> at{};

  ktk::fakeclient::reactor reactor() {
    return [this](const ktk::fakeclient::action&) -> std::optional<ktk::fakeclient::reaction> {
      std::lock_guard lock(mu);
      at.push_back(clk.now());
      if (at.size() <= failures) return ktk::fakeclient::reaction{.error = error};
      return std::nullopt;
    };
  }
  std::size_t calls() {
    std::lock_guard lock(mu);
    return at.size();
  }
};

TEST_F(Reflector, ListErrorsAreRetriedWithGrowingBackoff) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 2)));
  timed_failures lists{clk, 3, api_error::internal("boom")};
  fc->add_reactor("list", "configmaps", lists.reactor());
  at_exit stop_first{[&] { stop(); }};
  start(recording(), {.backoff = {.jitter = 0}});
  const std::chrono::milliseconds want[] = {800ms, 1600ms, 3200ms};
  for (std::size_t i = 0; i < 3; ++i) {
    // Once the reflector sleeps after call i+1: 1 ms short of the step, then the rest.
    ASSERT_TRUE(eventually([&] { return lists.calls() == i + 1 && clk.sleepers() == 1; })) << i;
    clk.advance(want[i] - 1ms);
    clk.advance(1ms);
  }
  ASSERT_TRUE(eventually([&] { return r->list_count() == 1; }));
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(error_count(), 3u);
  std::lock_guard lock(lists.mu);
  ASSERT_EQ(lists.at.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lists.at[i + 1] - lists.at[i], want[i]) << i;
}

TEST_F(Reflector, JitteredBackoffStaysWithinDoubleTheStep) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 1)));
  timed_failures lists{clk, 1, api_error::service_unavailable("down")};
  fc->add_reactor("list", "configmaps", lists.reactor());
  at_exit stop_first{[&] { stop(); }};
  start(recording());
  ASSERT_TRUE(eventually([&] { return lists.calls() == 1 && clk.sleepers() == 1; }));
  clk.advance(799ms);  // short of any jittered delay in [800 ms, 1600 ms)
  clk.advance(801ms);  // past all of them
  ASSERT_TRUE(eventually([&] { return r->list_count() == 1; }));
  std::lock_guard lock(lists.mu);
  ASSERT_EQ(lists.at.size(), 2u);
  EXPECT_EQ(lists.at[1] - lists.at[0], 1600ms);  // woken by the second step, not the first
}

TEST_F(Reflector, WatchThrottlingRetriesTheWatchNotTheList) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 1)));
  fc->add_reactor("watch", "configmaps", ktk::fakeclient::fail_times(2, api_error::too_many_requests("slow down", 1)));
  start(recording());
  ASSERT_TRUE(step_until([&] { return count_actions(*fc, "watch", "configmaps") == 3; }, std::chrono::seconds(1)));
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 1u);
  EXPECT_EQ(error_count(), 2u);
}

TEST_F(Reflector, OtherWatchFailuresReListAfterABackoff) {
  build(ktk::fakeclient::builder().with_objects(config_maps("a", 1)));
  fc->add_reactor("watch", "configmaps",
                  ktk::fakeclient::fail_times(1, api_error::forbidden({"", "configmaps"}, "", "no")));
  start(recording());
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 1; }));
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 1u);  // waiting, not spinning
  ASSERT_TRUE(step_until([&] { return r->list_count() == 2 && rec.watch_calls() == 2; }, std::chrono::seconds(1)));
}

TEST_F(Reflector, AWatchEndingAtOnceEmptyHandedBacksOff) {
  std::atomic<int> watches{0};
  cache::list_watch lw{[](const kc::list_options&) -> ktk::result<kc::object_list> {
                         return kc::object_list{.resource_version = "10"};
                       },
                       [&](const kc::watch_options&) -> ktk::result<std::unique_ptr<kc::watch_stream>> {
                         ++watches;
                         return std::unique_ptr<kc::watch_stream>(
                             std::make_unique<scripted_watch>(std::deque<std::vector<kc::watch_event>>{}));
                       }};
  at_exit stop_first{[&] { stop(); }};
  start(lw);
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 1; }));
  EXPECT_EQ(watches.load(), 1);
  clk.advance(2s);
  EXPECT_TRUE(eventually([&] { return watches.load() == 2; }));
}

TEST_F(Reflector, ResyncsTheStoreOnItsPeriod) {
  struct counting : cache::reflector_store {
    std::atomic<int> resyncs{0};
    std::atomic<int> replaces{0};
    void add(object_ptr) override {}
    void update(object_ptr) override {}
    void remove(object_ptr) override {}
    void replace(std::vector<object_ptr>, std::string) override { ++replaces; }
    void resync() override { ++resyncs; }
  } counts;
  build(ktk::fakeclient::builder());
  cache::reflector_options o{.resync_period = 30s, .clock = &clk, .seed = 1};
  cache::reflector rr(cache::make_list_watch(*fc, cm_kind), counts, o);
  std::jthread run([&](std::stop_token st) { rr.run(st); });
  ASSERT_TRUE(eventually([&] { return counts.replaces.load() == 1 && clk.sleepers() == 1; }));
  clk.advance(29s);
  clk.advance(1s);
  ASSERT_TRUE(eventually([&] { return counts.resyncs.load() == 1; }));
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 1; }));
  clk.advance(30s);
  EXPECT_TRUE(eventually([&] { return counts.resyncs.load() == 2; }));
}

TEST_F(Reflector, StopsDuringABackoff) {
  build(ktk::fakeclient::builder());
  fc->add_reactor("list", "configmaps", ktk::fakeclient::fail(api_error::internal("down")));
  start(recording());
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 1; }));
  stop();
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(r->list_count(), 0u);
}

}  // namespace
