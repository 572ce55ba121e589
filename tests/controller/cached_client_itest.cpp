#include "ktk/client/controller/cached_client.hpp"

#include <gtest/gtest.h>

#include "controller_test_util.hpp"
#include "ktk/client/controller/manager.hpp"

namespace {

using namespace controller_test;
namespace ctl = ktk::client::controller;

class CachedClient : public ::testing::Test {
 protected:
  void start() {
    runner = std::jthread([this] { (void)mgr->start(stop.get_token()); });
    ASSERT_TRUE(eventually([&] { return mgr->start_cache(); }));  // running
  }
  void TearDown() override {
    stop.request_stop();
    if (runner.joinable()) runner.join();
  }
  std::unique_ptr<ktk::fakeclient::fake_client> fc = ktk::fakeclient::builder().build();
  std::unique_ptr<ctl::manager> mgr = std::make_unique<ctl::manager>(
      *fc, ctl::manager_options{.cached = {.uncached = {secret_kind}}});
  std::stop_source stop;
  std::jthread runner;
};

TEST_F(CachedClient, ReadsBeforeTheManagerStartsAreRefused) {
  auto r = mgr->get_client().get(cm_kind, {"default", "x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 503);
  EXPECT_EQ(r.error().message(), "the cache is not started, can not read objects");
  EXPECT_TRUE(is_not_found(mgr->get_api_reader().get(cm_kind, {"default", "x"})));
}

TEST_F(CachedClient, ReadsComeFromTheCacheWritesGoToTheServer) {
  ASSERT_TRUE(fc->create(config_map("b")));
  start();
  auto& c = mgr->get_client();
  auto got = c.get(cm_kind, {"default", "b"});  // the first read waits for the informer's sync
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->name(), "b");

  auto a = config_map("a");
  a.set_label("tier", "front");
  ASSERT_TRUE(c.create(std::move(a)));
  ASSERT_TRUE(fc->create(config_map("c", "v", "kube-system")));
  ASSERT_TRUE(eventually([&] {
    auto l = c.list(cm_kind);
    return l && l->items.size() >= 3;
  }));
  auto all = c.list({"", "v1", "ConfigMapList"});
  ASSERT_TRUE(all);
  std::vector<std::string> names;
  for (const auto& o : all->items) names.push_back(std::string(o->namespace_()) + "/" + std::string(o->name()));
  // kube-root-ca.crt style objects aside, ours come sorted by namespace then name.
  EXPECT_NE(std::find(names.begin(), names.end(), "default/a"), names.end());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_FALSE(all->resource_version.empty());

  auto front = c.list(cm_kind, {.namespace_ = "default", .label_selector = "tier=front"});
  ASSERT_TRUE(front);
  ASSERT_EQ(front->items.size(), 1u);
  EXPECT_EQ(front->items[0]->name(), "a");
  auto in_ns = c.list(cm_kind, {.namespace_ = "kube-system"});
  ASSERT_TRUE(in_ns);
  ASSERT_EQ(in_ns->items.size(), 1u);
  auto limited = c.list(cm_kind, {.limit = 1});
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->items.size(), 1u);

  auto bad = c.list(cm_kind, {.label_selector = "a in (("});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), 400);
  EXPECT_TRUE(is_not_found(c.get(cm_kind, {"default", "nope"})));

  // A field selector needs the server.
  auto by_field = c.list(cm_kind, {.field_selector = "metadata.name=b"});
  ASSERT_TRUE(by_field);
  ASSERT_EQ(by_field->items.size(), 1u);
  EXPECT_EQ(by_field->items[0]->name(), "b");
}

TEST_F(CachedClient, UncachedKindsAreReadFromTheServer) {
  start();
  object s("v1", "Secret");
  s.set_namespace("default");
  s.set_name("token");
  ASSERT_TRUE(fc->create(std::move(s)));
  auto got = mgr->get_client().get(secret_kind, {"default", "token"});  // at once: no cache lag
  ASSERT_TRUE(got);
  auto actions = fc->actions();
  bool watched_secrets = false;
  for (const auto& a : actions) watched_secrets |= a.verb == "watch" && a.resource.resource == "secrets";
  EXPECT_FALSE(watched_secrets);
}

}  // namespace
