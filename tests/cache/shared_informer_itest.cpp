#include "ktk/client/cache/shared_informer.hpp"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <set>
#include <thread>

#include "cache_test_util.hpp"
#include "ktk/apiserver/registry.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;
namespace kc = ktk::client;
using ktk::core::api_error;

class Informer : public ::testing::Test {
 protected:
  void TearDown() override {
    if (inf) inf->shutdown();
  }

  void build(ktk::fakeclient::builder& b) { fc = b.with_clock(clk).build(); }
  void build(ktk::fakeclient::builder&& b) { build(b); }

  cache::informer_options options(cache::informer_options o = {}) {
    o.clock = &clk;
    o.reflector.seed = 1;
    o.on_handler_error = [this](const std::string& what) {
      std::lock_guard lock(mu);
      reported.push_back(what);
    };
    return o;
  }
  void make(cache::informer_options o = {}) { inf = std::make_unique<cache::shared_informer>(*fc, cm_kind, options(std::move(o))); }

  void start_and_sync() {
    inf->start();
    ASSERT_TRUE(cache::wait_for_cache_sync(10s, {inf.get()}));
  }

  std::string rv_of(const ktk::result<object_ptr>& r) { return std::string(r.value()->resource_version()); }

  std::size_t reported_count() {
    std::lock_guard lock(mu);
    return reported.size();
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc;
  std::unique_ptr<cache::shared_informer> inf;
  std::mutex mu;
  std::vector<std::string> reported;  // guarded by mu
};

TEST_F(Informer, HandlersSeeAddsUpdatesAndDeletesInOrder) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  auto rec = std::make_shared<recorder>();
  auto reg = inf->add_event_handler(rec);
  start_and_sync();
  auto y1 = fc->create(config_map("a", "y"));
  auto y2 = fc->update(config_map("a", "y", {}, "changed"));
  ASSERT_TRUE(fc->remove(cm_kind, {"a", "y"}));
  ASSERT_TRUE(fc->remove(cm_kind, {"a", "x"}));
  ASSERT_TRUE(rec->wait_for(5));
  EXPECT_EQ(rec->lines(), (std::vector<std::string>{"add a/x initial", "add a/y",
                                                    "update a/y " + rv_of(y1) + "->" + rv_of(y2), "delete a/y",
                                                    "delete a/x"}));
  EXPECT_TRUE(reg->has_synced());
  EXPECT_TRUE(inf->get_indexer().list().empty());
  EXPECT_FALSE(inf->last_sync_resource_version().empty());
}

TEST_F(Informer, TheCacheHoldsTheWatchedPointer) {
  build(ktk::fakeclient::builder().with_object(namespace_object("a")));
  make();
  start_and_sync();
  auto created = fc->create(config_map("a", "x"));
  ASSERT_TRUE(created);
  ASSERT_TRUE(eventually([&] { return inf->get_lister().get("a", "x").ok(); }));
  EXPECT_EQ(*inf->get_lister().get("a", "x"), *created);
  auto missing = inf->get_lister().get("a", "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "configmaps \"nope\" not found");
}

TEST_F(Informer, ALateHandlerGetsTheCacheReplayed) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), config_map("a", "y"), config_map("b", "z")}));
  make();
  start_and_sync();
  auto rec = std::make_shared<recorder>();
  auto reg = inf->add_event_handler(rec);
  ASSERT_TRUE(rec->wait_for(3));
  EXPECT_TRUE(eventually([&] { return reg->has_synced(); }));
  auto lines = rec->lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"add a/x initial", "add a/y initial", "add b/z initial"}));
  ASSERT_TRUE(fc->create(config_map("a", "new")));
  ASSERT_TRUE(rec->wait_for(4));
  EXPECT_EQ(rec->lines().back(), "add a/new");
}

TEST_F(Informer, AHandlerIsSyncedOnceItWentThroughItsInitialList) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), config_map("a", "y")}));
  make();
  std::latch release(1);
  std::atomic<int> adds{0};
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  auto reg = inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool initial) {
    EXPECT_TRUE(initial);
    if (adds++ == 0) release.wait();
  }});
  start_and_sync();
  EXPECT_TRUE(inf->has_synced());
  EXPECT_FALSE(reg->has_synced());  // still in its first add
  release.count_down();
  EXPECT_TRUE(eventually([&] { return reg->has_synced(); }));
  EXPECT_EQ(adds.load(), 2);
}

TEST_F(Informer, AReListTellsWhatChangedAndTombstonesWhatVanished) {
  build(ktk::fakeclient::builder().with_watch_history(5).with_objects(
      {config_map("a", "keep"), config_map("a", "gone"), config_map("a", "change")}));
  auto gone_before = fc->get(cm_kind, {"a", "gone"});
  ASSERT_TRUE(gone_before);
  auto lw = cache::make_list_watch(*fc, cm_kind);
  std::atomic<bool> once{false};
  std::string changed_rv;
  cache::list_watch gap{lw.list, [&, lw](const kc::watch_options& o) {
                          if (!once.exchange(true)) {
                            // Changes while no watch is open, and enough of them that the
                            // watch cannot catch up: a 410, then a re-list.
                            EXPECT_TRUE(fc->remove(cm_kind, {"a", "gone"}));
                            changed_rv = rv_of(fc->update(config_map("a", "change", {}, "v2")));
                            for (int i = 0; i < 6; ++i) EXPECT_TRUE(fc->create(config_map("a", "filler-" + std::to_string(i))));
                          }
                          return lw.watch(o);
                        }};
  inf = std::make_unique<cache::shared_informer>(gap, options());
  auto rec = std::make_shared<recorder>();
  std::mutex tmu;
  std::optional<cache::deleted_final_state_unknown> tombstone;
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  inf->add_event_handler(rec);
  inf->add_event_handler(cache::event_handler_funcs{.on_delete = [&](const cache::deleted_object& d) {
    std::lock_guard lock(tmu);
    if (auto* t = std::get_if<cache::deleted_final_state_unknown>(&d)) tombstone = *t;
  }});
  inf->start();
  ASSERT_TRUE(rec->wait_for(3 + 1 + 1 + 6));
  auto lines = rec->lines();
  std::vector<std::string> initial(lines.begin(), lines.begin() + 3), relist(lines.begin() + 3, lines.end());
  std::sort(initial.begin(), initial.end());
  std::sort(relist.begin(), relist.end());
  EXPECT_EQ(initial, (std::vector<std::string>{"add a/change initial", "add a/gone initial", "add a/keep initial"}));
  ASSERT_EQ(relist.size(), 8u);
  EXPECT_EQ(relist[0], "add a/filler-0");
  EXPECT_EQ(relist[6], "delete a/gone tombstone");
  EXPECT_TRUE(relist[7].starts_with("update a/change ")) << relist[7];
  EXPECT_TRUE(relist[7].ends_with("->" + changed_rv)) << relist[7];
  ASSERT_TRUE(eventually([&] {  // the other handler runs on its own thread
    std::lock_guard lock(tmu);
    return tombstone.has_value();
  }));
  std::lock_guard lock(tmu);
  EXPECT_EQ(tombstone->key, "a/gone");
  EXPECT_EQ(tombstone->last_object->resource_version(), (*gone_before)->resource_version());
}

TEST_F(Informer, TransformRunsBeforeTheCache) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  std::mutex tm;
  std::vector<std::string> seen;
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  inf->add_event_handler(cache::event_handler_funcs{
      .on_add = [&](const object_ptr& o, bool) {
        std::lock_guard lock(tm);
        seen.push_back(o->annotation("transformed").value_or("no"));
      },
      .on_delete = [&](const cache::deleted_object& d) {
        std::lock_guard lock(tm);
        seen.push_back(cache::last_state(d)->annotation("transformed").value_or("no"));
      }});
  inf->set_transform([](object_ptr o) {
    object copy = *o;
    copy.data().erase("data");
    copy.set_annotation("transformed", "yes");
    return ktk::core::make_object_ptr(std::move(copy));
  });
  start_and_sync();
  EXPECT_THROW(inf->set_transform({}), std::logic_error);
  ASSERT_TRUE(fc->remove(cm_kind, {"a", "x"}));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(tm);
    return seen.size() == 2;
  }));
  EXPECT_EQ(seen, (std::vector<std::string>{"yes", "yes"}));
  ASSERT_TRUE(fc->create(config_map("a", "y")));
  ASSERT_TRUE(eventually([&] { return inf->get_lister().get("a", "y").ok(); }));
  auto y = *inf->get_lister().get("a", "y");
  EXPECT_EQ(y->field("data"), nullptr);
  EXPECT_EQ(y->annotation("transformed"), "yes");
}

TEST_F(Informer, ATransformThatThrowsOrDropsSkipsTheObject) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "bad"), config_map("a", "drop"), config_map("a", "ok")}));
  make({.transform = [](object_ptr o) -> object_ptr {
    if (o->name().starts_with("bad")) throw std::runtime_error("no");
    if (o->name() == "drop") return nullptr;
    return o;
  }});
  start_and_sync();
  ASSERT_TRUE(fc->create(config_map("a", "bad2")));
  ASSERT_TRUE(fc->create(config_map("a", "ok2")));
  ASSERT_TRUE(eventually([&] { return inf->get_indexer().size() == 2; }));
  auto keys = inf->get_indexer().list_keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"a/ok", "a/ok2"}));
  std::lock_guard lock(mu);
  ASSERT_EQ(reported.size(), 2u);  // "bad" in the list, "bad2" from the watch
  EXPECT_EQ(reported[0], "transform or index function threw: no");
}

TEST_F(Informer, ASelectorScopedInformerSeesOnlyMatches) {
  build(ktk::fakeclient::builder().with_objects(
      {config_map("a", "web-1", {{"app", "web"}}), config_map("a", "db-1", {{"app", "db"}}),
       config_map("b", "web-9", {{"app", "web"}})}));
  make({.namespace_ = "a", .label_selector = "app=web"});
  auto rec = std::make_shared<recorder>();
  inf->add_event_handler(rec);
  start_and_sync();
  ASSERT_TRUE(rec->wait_for(1));
  EXPECT_EQ(rec->lines(), (std::vector<std::string>{"add a/web-1 initial"}));
  ASSERT_TRUE(fc->update(config_map("a", "web-1", {{"app", "db"}})));  // leaves the selector
  ASSERT_TRUE(fc->update(config_map("a", "db-1", {{"app", "web"}})));   // enters it
  ASSERT_TRUE(fc->create(config_map("b", "web-10", {{"app", "web"}})));  // other namespace
  ASSERT_TRUE(fc->create(config_map("a", "web-2", {{"app", "web"}})));
  ASSERT_TRUE(rec->wait_for(4));
  EXPECT_EQ(rec->lines(),
            (std::vector<std::string>{"add a/web-1 initial", "delete a/web-1", "add a/db-1", "add a/web-2"}));
  auto keys = inf->get_indexer().list_keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"a/db-1", "a/web-2"}));
}

TEST_F(Informer, AFieldSelectorScopedInformer) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), config_map("a", "y")}));
  make({.field_selector = "metadata.name=y"});
  start_and_sync();
  EXPECT_EQ(inf->get_indexer().list_keys(), (std::vector<std::string>{"a/y"}));
}

TEST_F(Informer, ResyncTellsHandlersTheCacheAgain) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), config_map("a", "y")}));
  make({.resync_period = 30s});
  auto every30 = std::make_shared<recorder>();
  auto never = std::make_shared<recorder>();
  auto every60 = std::make_shared<recorder>();
  inf->add_event_handler(every30);
  inf->add_event_handler(never, {.resync_period = 0ms});
  inf->add_event_handler(every60, {.resync_period = 60s});
  start_and_sync();
  ASSERT_TRUE(every30->wait_for(2) && never->wait_for(2) && every60->wait_for(2));
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 1; }));  // the resync timer
  clk.advance(30s);
  ASSERT_TRUE(every30->wait_for(4));
  for (int i = 2; i < 4; ++i) EXPECT_TRUE(every30->lines()[i].ends_with(" sync")) << every30->lines()[i];
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 1; }));
  clk.advance(30s);
  ASSERT_TRUE(every30->wait_for(6));
  ASSERT_TRUE(every60->wait_for(4));
  // A later event proves the others' queues hold no sync before it.
  ASSERT_TRUE(fc->create(config_map("a", "z")));
  ASSERT_TRUE(never->wait_for(3));
  ASSERT_TRUE(every60->wait_for(5));
  EXPECT_EQ(never->lines().back(), "add a/z");
  EXPECT_EQ(every60->lines().size(), 5u);  // one resync (at 60 s), not two
  for (const auto& l : never->lines()) EXPECT_FALSE(l.ends_with(" sync")) << l;
}

TEST_F(Informer, WaitForCacheSyncTimesOutOnTheClock) {
  build(ktk::fakeclient::builder());
  fc->add_reactor("list", "configmaps", ktk::fakeclient::fail(api_error::internal("down")));
  make({.reflector = {.on_error = [](const api_error&) {}}});
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  inf->start();
  auto waiting = std::async(std::launch::async, [&] { return cache::wait_for_cache_sync(5s, {inf.get()}, &clk); });
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 2; }));  // the backoff and the timeout
  clk.advance(5s);
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(waiting.get());
  // With the real clock, and with a stop token.
  EXPECT_FALSE(cache::wait_for_cache_sync(20ms, {inf.get()}));
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(cache::wait_for_cache_sync(stop.get_token(), {inf.get()}));
  EXPECT_FALSE(inf->has_synced());
}

TEST_F(Informer, AThrowingHandlerDoesNotStopTheOthers) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), config_map("a", "y")}));
  make();
  auto bad = inf->add_event_handler(cache::event_handler_funcs{.on_add = [](const object_ptr&, bool) {
    throw std::runtime_error("bad handler");
  }},
                                    {.name = "bad"});
  auto thrower = inf->add_event_handler(cache::event_handler_funcs{.on_add = [](const object_ptr&, bool) { throw 42; }});
  auto rec = std::make_shared<recorder>();
  auto good = inf->add_event_handler(rec);
  start_and_sync();
  ASSERT_TRUE(fc->create(config_map("a", "z")));
  ASSERT_TRUE(rec->wait_for(3));
  ASSERT_TRUE(eventually([&] { return bad->handler_errors() == 3 && thrower->handler_errors() == 3; }));
  EXPECT_TRUE(eventually([&] { return bad->has_synced() && good->has_synced(); }));
  EXPECT_EQ(good->handler_errors(), 0u);
  ASSERT_TRUE(eventually([&] { return reported_count() == 6; }));
  std::lock_guard lock(mu);
  EXPECT_EQ(std::count(reported.begin(), reported.end(), "handler bad threw: bad handler"), 3);
}

TEST_F(Informer, ASlowHandlerDoesNotHoldUpTheOthers) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  std::latch release(1);
  auto slow = std::make_shared<recorder>();
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr& o, bool initial) {
    release.wait();
    slow->on_add(o, initial);
  }});
  auto fast = std::make_shared<recorder>();
  inf->add_event_handler(fast);
  start_and_sync();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(fc->create(config_map("a", "n" + std::to_string(i))));
  EXPECT_TRUE(fast->wait_for(21));
  EXPECT_EQ(slow->size(), 0u);
  release.count_down();
  EXPECT_TRUE(slow->wait_for(21));
}

TEST_F(Informer, RemovedHandlersHearNoMore) {
  build(ktk::fakeclient::builder().with_object(namespace_object("a")));
  make();
  auto rec = std::make_shared<recorder>();
  auto reg = inf->add_event_handler(rec);
  // A handler that removes itself from its own callback.
  std::shared_ptr<cache::handler_registration> self;
  std::mutex smu;
  std::atomic<int> self_calls{0};
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  {
    std::lock_guard lock(smu);
    self = inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool) {
      ++self_calls;
      std::lock_guard l(smu);
      inf->remove_event_handler(self);
    }});
  }
  start_and_sync();
  ASSERT_TRUE(fc->create(config_map("a", "x")));
  ASSERT_TRUE(rec->wait_for(1));
  ASSERT_TRUE(eventually([&] { return self_calls.load() == 1; }));
  inf->remove_event_handler(reg);
  inf->remove_event_handler(reg);  // twice is harmless
  ASSERT_TRUE(fc->create(config_map("a", "y")));
  auto probe = std::make_shared<recorder>();
  inf->add_event_handler(probe);
  ASSERT_TRUE(fc->create(config_map("a", "z")));
  ASSERT_TRUE(probe->wait_for(3));  // x, y replayed; z
  EXPECT_EQ(rec->lines(), (std::vector<std::string>{"add a/x"}));
  EXPECT_EQ(self_calls.load(), 1);
}

TEST_F(Informer, ShutdownWaitsForTheCallbackInFlightAndNoMore) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), config_map("a", "y")}));
  make();
  std::latch entered(1), release(1);
  std::atomic<int> calls{0};
  at_exit stop_first{[&] { if (inf) inf->shutdown(); }};
  inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool) {
    if (calls++ == 0) {
      entered.count_down();
      release.wait();
    }
  }});
  start_and_sync();
  entered.wait();
  auto down = std::async(std::launch::async, [&] { inf->shutdown(); });
  ASSERT_TRUE(eventually([&] { return inf->is_stopped(); }));
  EXPECT_EQ(down.wait_for(20ms), std::future_status::timeout);  // held by the callback
  release.count_down();
  ASSERT_EQ(down.wait_for(10s), std::future_status::ready);
  EXPECT_LE(calls.load(), 2);  // the queued one is normally dropped
  EXPECT_THROW(inf->add_event_handler(std::make_shared<recorder>()), std::logic_error);
  inf->shutdown();  // idempotent
}

TEST_F(Informer, AHandlerMayShutTheInformerDown) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool) { inf->shutdown(); }});
  inf->start();
  EXPECT_TRUE(eventually([&] { return inf->is_stopped(); }));
  inf->shutdown();
}

TEST_F(Informer, RunOnTheCallersThread) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  auto rec = std::make_shared<recorder>();
  inf->add_event_handler(rec);
  std::atomic<bool> returned{false};
  std::jthread t([&](std::stop_token st) {
    inf->run(st);
    returned = true;
  });
  std::stop_source never;
  ASSERT_TRUE(cache::wait_for_cache_sync(never.get_token(), {inf.get()}));
  ASSERT_TRUE(rec->wait_for(1));
  EXPECT_THROW(inf->run(), std::logic_error);
  inf->start();  // does nothing: it runs already
  t.request_stop();
  ASSERT_TRUE(eventually([&] { return returned.load(); }));
  EXPECT_TRUE(inf->is_stopped());
  std::stop_source s;
  EXPECT_TRUE(inf->wait_for_sync(s.get_token()));
}

// on_informer_thread: the callbacks run as the cache changes, on the thread that
// changes it (the reflector's), or on the caller's for a late handler's replay.
TEST_F(Informer, AnInformerThreadHandlerSeesEveryChangeInOrderOnTheReflectorsThread) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  auto rec = std::make_shared<recorder>();
  std::mutex tmu;
  std::set<std::thread::id> threads;
  auto note_thread = [&] {
    std::lock_guard lock(tmu);
    threads.insert(std::this_thread::get_id());
  };
  auto reg = inf->add_event_handler(
      cache::event_handler_funcs{
          .on_add =
              [&](const object_ptr& o, bool initial) {
                note_thread();
                rec->on_add(o, initial);
              },
          .on_update =
              [&](const object_ptr& a, const object_ptr& b) {
                note_thread();
                rec->on_update(a, b);
              },
          .on_delete =
              [&](const cache::deleted_object& d) {
                note_thread();
                rec->on_delete(d);
              }},
      {.on_informer_thread = true});
  std::jthread runner([&](std::stop_token st) { inf->run(st); });
  ASSERT_TRUE(cache::wait_for_cache_sync(10s, {inf.get()}));
  // The initial list was handled before the informer said it synced.
  EXPECT_TRUE(reg->has_synced());
  auto y1 = fc->create(config_map("a", "y"));
  auto y2 = fc->update(config_map("a", "y", {}, "changed"));
  ASSERT_TRUE(fc->remove(cm_kind, {"a", "y"}));
  ASSERT_TRUE(rec->wait_for(4));
  EXPECT_EQ(rec->lines(), (std::vector<std::string>{"add a/x initial", "add a/y",
                                                    "update a/y " + rv_of(y1) + "->" + rv_of(y2), "delete a/y"}));
  {
    std::lock_guard lock(tmu);
    EXPECT_EQ(threads, (std::set<std::thread::id>{runner.get_id()}));
  }
  // A late one gets its replay on the caller's thread, done when add returns.
  auto late = std::make_shared<recorder>();
  auto late_reg = inf->add_event_handler(late, {.on_informer_thread = true});
  EXPECT_EQ(late->lines(), (std::vector<std::string>{"add a/x initial"}));
  EXPECT_TRUE(late_reg->has_synced());
  runner.request_stop();
}

TEST_F(Informer, AnInformerThreadHandlerMayReadItsInformerButNotChangeItsHandlers) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  std::atomic<int> calls{0};
  std::atomic<bool> idle_inside{true};
  std::string rv_inside;
  std::shared_ptr<cache::handler_registration> other = inf->add_event_handler(std::make_shared<recorder>());
  inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool initial) {
                           if (initial) return;
                           idle_inside = inf->handlers_idle();
                           rv_inside = inf->last_sync_resource_version();
                           ++calls;
                           try {
                             inf->remove_event_handler(other);
                           } catch (const std::logic_error&) {
                             ++calls;
                           }
                           inf->add_event_handler(std::make_shared<recorder>());  // throws: reported
                         }},
                         {.name = "inline", .on_informer_thread = true});
  start_and_sync();
  ASSERT_TRUE(fc->create(config_map("a", "y")));
  ASSERT_TRUE(eventually([&] { return reported_count() == 1; }));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_FALSE(idle_inside.load());
  EXPECT_FALSE(rv_inside.empty());
  std::lock_guard lock(mu);
  EXPECT_EQ(reported[0],
            "handler inline threw: ktk::client::cache::shared_informer: add_event_handler from a callback of one of "
            "its own on_informer_thread handlers");
}

TEST_F(Informer, AnInformerThreadHandlerThatThrowsIsReportedAndTheOthersGoOn) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  auto bad = inf->add_event_handler(
      cache::event_handler_funcs{.on_add = [](const object_ptr&, bool) { throw std::runtime_error("no"); }},
      {.name = "bad", .on_informer_thread = true});
  auto rec = std::make_shared<recorder>();
  inf->add_event_handler(rec, {.on_informer_thread = true});
  start_and_sync();
  ASSERT_TRUE(fc->create(config_map("a", "y")));
  ASSERT_TRUE(rec->wait_for(2));
  EXPECT_EQ(bad->handler_errors(), 2u);
  EXPECT_TRUE(bad->has_synced());
  std::lock_guard lock(mu);
  EXPECT_EQ(reported, (std::vector<std::string>{"handler bad threw: no", "handler bad threw: no"}));
}

TEST_F(Informer, AnInformerThreadHandlerRemovedHearsNothingAfterRemoveReturns) {
  build(ktk::fakeclient::builder().with_object(namespace_object("a")));
  make();
  std::atomic<bool> removed{false};
  std::atomic<int> after{0};
  auto reg = inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool) {
                                      if (removed) ++after;
                                    }},
                                    {.on_informer_thread = true});
  start_and_sync();
  std::jthread writer([&](std::stop_token st) {
    for (int i = 0; !st.stop_requested() && i < 2000; ++i) (void)fc->create(config_map("a", "w" + std::to_string(i)));
  });
  ASSERT_TRUE(eventually([&] { return inf->get_indexer().size() > 10; }));
  inf->remove_event_handler(reg);
  removed = true;
  writer.request_stop();
  writer.join();
  const auto written = fc->list(cm_kind, {.namespace_ = "a"}).value().items.size();
  ASSERT_TRUE(eventually([&] { return inf->get_indexer().size() == written; }));  // every write seen
  EXPECT_EQ(after.load(), 0);
}

TEST_F(Informer, AnInformerThreadHandlerMayShutTheInformerDown) {
  build(ktk::fakeclient::builder().with_object(config_map("a", "x")));
  make();
  inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool) { inf->shutdown(); }},
                         {.on_informer_thread = true});
  inf->start();
  EXPECT_TRUE(eventually([&] { return inf->is_stopped(); }));
  inf->shutdown();
}

TEST_F(Informer, NeverStartedInformersShutDown) {
  build(ktk::fakeclient::builder());
  make();
  inf->add_event_handler(std::make_shared<recorder>());
  inf.reset();
  SUCCEED();
}

TEST_F(Informer, MoreIndexesWhileRunning) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x", {{"tier", "fe"}}), config_map("b", "y", {{"tier", "be"}})}));
  make({.indexes = {{"by-tier", [](const object& o) {
          auto t = o.label("tier");
          return t ? std::vector<std::string>{*t} : std::vector<std::string>{};
        }}}});
  start_and_sync();
  EXPECT_EQ(inf->get_indexer().index_keys("by-tier", "fe"), (std::vector<std::string>{"a/x"}));
  inf->add_indexers({{"by-ns-name", [](const object& o) { return std::vector<std::string>{std::string(o.name())}; }}});
  EXPECT_EQ(inf->get_indexer().index_keys("by-ns-name", "y"), (std::vector<std::string>{"b/y"}));
  ASSERT_TRUE(fc->create(config_map("a", "z", {{"tier", "fe"}})));
  ASSERT_TRUE(eventually([&] { return inf->get_lister().by_index("by-tier", "fe").size() == 2; }));
  EXPECT_EQ(inf->get_lister().list("a").size(), 2u);
}

}  // namespace

// What the simulator's virtual clock relies on: once the informer has seen the last
// write to its resource, its handlers report idle only after handling it.
TEST_F(Informer, HandlersIdleOnlyOnceEveryEventIsHandled) {
  build(ktk::fakeclient::builder());
  make();
  std::mutex gate;
  std::unique_lock hold(gate);
  std::atomic<int> seen = 0;
  inf->add_event_handler(cache::event_handler_funcs{.on_add = [&](const object_ptr&, bool) {
    std::lock_guard pass(gate);
    ++seen;
  }});
  start_and_sync();
  EXPECT_TRUE(eventually([&] { return inf->handlers_idle(); }));
  ASSERT_TRUE(fc->create(config_map("default", "x")));
  // The handler is blocked in its callback: not idle, however long we look.
  ASSERT_TRUE(eventually([&] { return !inf->last_sync_resource_version().empty() &&
                                      std::stoll(inf->last_sync_resource_version()) >=
                                          static_cast<long long>(fc->registry().current_revision()); }));
  EXPECT_FALSE(inf->handlers_idle());
  hold.unlock();
  EXPECT_TRUE(eventually([&] { return inf->handlers_idle(); }));
  EXPECT_EQ(seen.load(), 1);
}
