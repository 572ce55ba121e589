#include "ktk/client/cache/informer_factory.hpp"

#include <gtest/gtest.h>

#include <future>

#include "cache_test_util.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;
using ktk::core::api_error;

const ktk::core::gvk secret_kind{"", "v1", "Secret"};

class Factory : public ::testing::Test {
 protected:
  void build(ktk::fakeclient::builder& b) {
    fc = b.with_clock(clk).build();
    f = std::make_unique<cache::shared_informer_factory>(*fc, cache::informer_options{.clock = &clk});
  }
  void build(ktk::fakeclient::builder&& b) { build(b); }
  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc;
  std::unique_ptr<cache::shared_informer_factory> f;
};

TEST_F(Factory, OneInformerPerKindAndScope) {
  build(ktk::fakeclient::builder());
  auto a = f->informer_for(cm_kind);
  EXPECT_EQ(f->informer_for(cm_kind), a);
  EXPECT_NE(f->informer_for(pod_kind), a);
  auto scoped = f->informer_for(cm_kind, {.namespace_ = "a", .clock = &clk});
  EXPECT_NE(scoped, a);
  EXPECT_EQ(f->informer_for(cm_kind, {.namespace_ = "a"}), scoped);
  EXPECT_NE(f->informer_for(cm_kind, {.namespace_ = "a", .label_selector = "x=y", .clock = &clk}), scoped);
  EXPECT_EQ((cache::informer_key{cm_kind, {.namespace_ = "a"}}), (cache::informer_key{cm_kind, {.namespace_ = "a"}}));
}

TEST_F(Factory, OneListAndOneWatchPerResourceHoweverManyAsk) {
  build(ktk::fakeclient::builder().with_objects({config_map("a", "x"), pod("a", "p")}));
  std::vector<std::shared_ptr<cache::shared_informer>> users;
  std::vector<std::shared_ptr<recorder>> recs;
  for (int i = 0; i < 3; ++i) {
    users.push_back(f->informer_for(cm_kind));
    recs.push_back(std::make_shared<recorder>());
    users.back()->add_event_handler(recs.back());
  }
  auto pods = f->informer_for(pod_kind);
  f->start();
  ASSERT_TRUE(f->wait_for_cache_sync(std::chrono::seconds(10)));
  std::stop_source never;
  EXPECT_TRUE(f->wait_for_cache_sync(never.get_token()));
  for (auto& r : recs) ASSERT_TRUE(r->wait_for(1));
  EXPECT_TRUE(eventually([&] { return count_actions(*fc, "watch", "configmaps") == 1 && count_actions(*fc, "watch", "pods") == 1; }));
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 1u);
  EXPECT_EQ(count_actions(*fc, "list", "pods"), 1u);
  EXPECT_EQ(pods->get_lister().get("a", "p").value()->name(), "p");
  ASSERT_TRUE(fc->create(config_map("a", "y")));
  for (auto& r : recs) EXPECT_TRUE(r->wait_for(2));
}

TEST_F(Factory, StartAgainForInformersAskedForLater) {
  build(ktk::fakeclient::builder());
  auto cms = f->informer_for(cm_kind);
  f->start();
  ASSERT_TRUE(f->wait_for_cache_sync(std::chrono::seconds(10)));
  auto secrets = f->informer_for(secret_kind);
  EXPECT_EQ(count_actions(*fc, "list", "secrets"), 0u);
  f->start();
  ASSERT_TRUE(f->wait_for_cache_sync(std::chrono::seconds(10)));
  EXPECT_TRUE(secrets->has_synced());
  EXPECT_EQ(count_actions(*fc, "list", "configmaps"), 1u);
}

TEST_F(Factory, WaitForCacheSyncTimesOut) {
  build(ktk::fakeclient::builder());
  fc->add_reactor("list", "secrets", ktk::fakeclient::fail(api_error::internal("down")));
  f = std::make_unique<cache::shared_informer_factory>(
      *fc, cache::informer_options{.clock = &clk, .reflector = {.on_error = [](const api_error&) {}}});
  f->informer_for(cm_kind);
  f->informer_for(secret_kind);
  f->start();
  ASSERT_TRUE(eventually([&] { return f->informer_for(cm_kind)->has_synced(); }));
  auto waiting = std::async(std::launch::async, [&] { return f->wait_for_cache_sync(std::chrono::seconds(30)); });
  ASSERT_TRUE(eventually([&] { return clk.sleepers() == 2; }));  // the secrets' backoff and the timeout
  clk.advance(std::chrono::seconds(30));
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(waiting.get());
  EXPECT_FALSE(f->informer_for(secret_kind)->has_synced());
}

TEST_F(Factory, ShutdownStopsEverything) {
  build(ktk::fakeclient::builder());
  auto cms = f->informer_for(cm_kind);
  auto pods = f->informer_for(pod_kind);
  std::stop_source stop;
  f->start(stop.get_token());
  ASSERT_TRUE(f->wait_for_cache_sync(std::chrono::seconds(10)));
  f->shutdown();
  EXPECT_TRUE(cms->is_stopped());
  EXPECT_TRUE(pods->is_stopped());
  auto late = f->informer_for(secret_kind);
  f->start();
  EXPECT_FALSE(late->has_synced());
  f->shutdown();
  f.reset();
}

TEST_F(Factory, TheStopTokenStopsTheInformers) {
  build(ktk::fakeclient::builder());
  auto cms = f->informer_for(cm_kind);
  std::stop_source stop;
  f->start(stop.get_token());
  ASSERT_TRUE(f->wait_for_cache_sync(std::chrono::seconds(10)));
  stop.request_stop();
  EXPECT_TRUE(eventually([&] { return cms->is_stopped(); }));
}

}  // namespace

TEST_F(Factory, InformersListsEveryInformerWithItsKey) {
  build(ktk::fakeclient::builder());
  EXPECT_TRUE(f->informers().empty());
  auto a = f->informer_for(cm_kind);
  auto b = f->informer_for(pod_kind, {.namespace_ = "x"});
  auto all = f->informers();
  ASSERT_EQ(all.size(), 2u);
  bool saw_a = false, saw_b = false;
  for (const auto& [key, inf] : all) {
    if (inf == a) saw_a = key.kind == cm_kind && key.scope.namespace_.empty();
    if (inf == b) saw_b = key.kind == pod_kind && key.scope.namespace_ == "x";
  }
  EXPECT_TRUE(saw_a);
  EXPECT_TRUE(saw_b);
}
