// Informers over HTTP: a shared informer on the REST client against an embedded
// server, through the faults a real cluster has — a watch cut mid-stream by a
// server restart, and a restart after the watch history moved on (410 → re-list,
// with tombstones for what was deleted meanwhile).
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "cache_test_util.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/rest/rest_client.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;

// What one handler has heard, as a map key → value of data.k, plus the tombstones.
struct recorder {
  std::mutex mu;
  std::map<std::string, std::string> state;  // guarded by mu
  std::vector<std::string> tombstones;       // guarded by mu
  int events = 0;                            // guarded by mu

  cache::event_handler_funcs funcs() {
    auto put = [this](const object_ptr& o) {
      std::lock_guard lock(mu);
      ++events;
      state[cache::meta_namespace_key(*o)] = o->data()["data"].value("k", "");
    };
    return {.on_add = [put](const object_ptr& o, bool) { put(o); },
            .on_update = [put](const object_ptr&, const object_ptr& o) { put(o); },
            .on_delete =
                [this](const cache::deleted_object& d) {
                  std::lock_guard lock(mu);
                  ++events;
                  if (auto* t = std::get_if<cache::deleted_final_state_unknown>(&d)) tombstones.push_back(t->key);
                  state.erase(cache::meta_namespace_key(*cache::last_state(d)));
                }};
  }
  std::map<std::string, std::string> snapshot() {
    std::lock_guard lock(mu);
    return state;
  }
};

class HttpInformer : public ::testing::Test {
 protected:
  explicit HttpInformer(std::size_t history = 10000)
      : reg(std::make_shared<ktk::apiserver::registry>(ktk::apiserver::registry_options{.history = history})),
        seed(reg) {}
  void SetUp() override {
    srv = std::make_unique<ktk::apiserver::server>(*reg, ktk::apiserver::server_options{.port = 0});
    srv->start();
    port = srv->port();
    rc = std::make_unique<ktk::client::rest::rest_client>(ktk::client::rest::rest_config{.server = srv->url(), .qps = -1});
  }
  void TearDown() override {
    if (inf) inf->shutdown();
    if (srv) srv->stop();
  }
  void start_informer() {
    inf = std::make_unique<cache::shared_informer>(
        *rc, cm_kind,
        cache::informer_options{.reflector = {.backoff = {.initial = std::chrono::milliseconds(20),
                                                          .max = std::chrono::milliseconds(200)}}});
    reg_handle = inf->add_event_handler(rec.funcs());
    inf->start();
    ASSERT_TRUE(cache::wait_for_cache_sync(10s, {inf.get()}));
  }
  void restart_server() {
    srv = std::make_unique<ktk::apiserver::server>(*reg, ktk::apiserver::server_options{.port = port});
    srv->start();
  }
  // What the server holds, in the recorder's form.
  std::map<std::string, std::string> server_state() {
    std::map<std::string, std::string> out;
    auto l = seed.list(cm_kind);
    for (const auto& o : l->items) out[cache::meta_namespace_key(*o)] = o->data()["data"].value("k", "");
    return out;
  }
  void set(const std::string& name, const std::string& value) {
    auto r = seed.patch(cm_kind, {"default", name}, ktk::core::patch_type::merge_patch, json{{"data", {{"k", value}}}});
    ASSERT_TRUE(r) << r.error().message();
  }

  std::shared_ptr<ktk::apiserver::registry> reg;
  ktk::fakeclient::fake_client seed;  // writes straight to the registry, server up or down
  std::unique_ptr<ktk::apiserver::server> srv;
  std::uint16_t port = 0;
  std::unique_ptr<ktk::client::rest::rest_client> rc;
  recorder rec;
  std::unique_ptr<cache::shared_informer> inf;
  std::shared_ptr<cache::handler_registration> reg_handle;
};

TEST_F(HttpInformer, SyncsAndFollowsChanges) {
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(seed.create(config_map("default", "cm-" + std::to_string(i))));
  start_informer();
  EXPECT_EQ(inf->get_indexer().size(), server_state().size());
  set("cm-3", "changed");
  ASSERT_TRUE(seed.remove(cm_kind, {"default", "cm-4"}));
  ASSERT_TRUE(seed.create(config_map("default", "new")));
  ASSERT_TRUE(eventually([&] { return rec.snapshot() == server_state(); }));
  auto got = inf->get_lister().get("default", "cm-3");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->data()["data"]["k"], "changed");
}

TEST_F(HttpInformer, AServerRestartCutsTheWatchAndTheInformerCatchesUp) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(seed.create(config_map("default", "cm-" + std::to_string(i))));
  start_informer();
  srv->stop();  // the watch stream ends mid-way
  set("cm-1", "while-down");
  ASSERT_TRUE(seed.remove(cm_kind, {"default", "cm-2"}));
  restart_server();
  // The reflector re-watches from its last resourceVersion: the history still holds
  // those changes, so they arrive as events (a real delete, not a tombstone).
  ASSERT_TRUE(eventually([&] { return rec.snapshot() == server_state(); }));
  std::lock_guard lock(rec.mu);
  EXPECT_TRUE(rec.tombstones.empty());
}

class HttpInformerShortHistory : public HttpInformer {
 protected:
  HttpInformerShortHistory() : HttpInformer(4) {}
};

TEST_F(HttpInformerShortHistory, ARestartPastTheHistoryRelistsAndTombstonesTheGone) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(seed.create(config_map("default", "cm-" + std::to_string(i))));
  start_informer();
  srv->stop();
  ASSERT_TRUE(seed.remove(cm_kind, {"default", "cm-0"}));
  for (int i = 0; i < 10; ++i) set("cm-1", "v" + std::to_string(i));  // pushes the history past the informer
  ASSERT_TRUE(seed.create(config_map("default", "late")));
  restart_server();
  // The re-watch gets 410 Expired; the informer re-lists and diffs: cm-0 vanished
  // unseen, so its handlers get a tombstone.
  ASSERT_TRUE(eventually([&] { return rec.snapshot() == server_state(); }));
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(rec.tombstones, std::vector<std::string>{"default/cm-0"});
  EXPECT_EQ(rec.state["default/cm-1"], "v9");
}

}  // namespace
