// The registry on the etcd storage: kube-apiserver's request semantics over a real etcd.
#include <gtest/gtest.h>

#include "etcd_fixture.hpp"
#include "ktk/apiserver/registry.hpp"

namespace ktk::test {
namespace {

using apiserver::registry;
using apiserver::watch_event_type;

const core::gvr configmaps{"", "v1", "configmaps"};
const core::gvr deployments{"apps", "v1", "deployments"};

core::object configmap(const std::string& name, json data = json::object()) {
  core::object o("v1", "ConfigMap");
  o.set_name(name);
  o.data()["data"] = std::move(data);
  return o;
}

// Reads watch events until n arrived (bookmarks and all) or 10 s passed.
std::vector<apiserver::watch_event> next_events(apiserver::watch_stream& w, std::size_t n) {
  std::vector<apiserver::watch_event> out;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (out.size() < n && !w.done() && std::chrono::steady_clock::now() < deadline) {
    auto got = w.next(std::stop_token{}, deadline);
    out.insert(out.end(), got.begin(), got.end());
  }
  return out;
}

class EtcdRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = fresh_etcd_url();
    reg_ = std::make_unique<registry>(apiserver::registry_options{.storage = storage::make_etcd_storage(options_for(url_))});
  }
  std::string url_;
  std::unique_ptr<registry> reg_;
};

TEST_F(EtcdRegistry, CreatesUnderKubeKeysWithEtcdRevisions) {
  auto made = reg_->create(configmaps, "default", configmap("a", {{"k", "v"}}));
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(std::to_string(reg_->current_revision()), (*made)->resource_version());
  etcd_witness etcd(url_);
  auto raw = etcd.value(test_prefix() + "/configmaps/default/a");
  ASSERT_TRUE(raw);
  auto stored = json::parse(*raw);
  EXPECT_EQ(stored["data"]["k"], "v");
  EXPECT_EQ(stored["metadata"]["uid"], (*made)->uid());
  EXPECT_FALSE(stored["metadata"].contains("resourceVersion"));
  EXPECT_TRUE(etcd.value(test_prefix() + "/namespaces/default"));
}

TEST_F(EtcdRegistry, UpdateWithAStaleResourceVersionIsAConflict) {
  auto made = reg_->create(configmaps, "default", configmap("a")).value();
  auto next = core::object(*made);
  next.data()["data"] = {{"v", "2"}};
  auto updated = reg_->update(configmaps, {"default", "a"}, std::move(next));
  ASSERT_TRUE(updated) << updated.error().message();
  auto stale = core::object(*made);
  stale.data()["data"] = {{"v", "3"}};
  auto r = reg_->update(configmaps, {"default", "a"}, std::move(stale));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 409);
  EXPECT_EQ(r.error().message(),
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your "
            "changes to the latest version and try again");
  auto dup = reg_->create(configmaps, "default", configmap("a"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), 409);
  EXPECT_EQ(dup.error().reason(), "AlreadyExists");
  EXPECT_TRUE(is_not_found(reg_->create(configmaps, "nowhere", configmap("b"))));
}

TEST_F(EtcdRegistry, ListsInPagesAndWatchesFromTheListsRevision) {
  for (auto n : {"a", "b", "c"}) ASSERT_TRUE(reg_->create(configmaps, "default", configmap(n)));
  auto p1 = reg_->list(configmaps, "default", {.limit = 2}).value();
  ASSERT_EQ(p1.items.size(), 2u);
  EXPECT_EQ(p1.remaining_item_count, 1);
  ASSERT_FALSE(p1.continue_token.empty());
  auto p2 = reg_->list(configmaps, "default", {.limit = 2, .continue_token = p1.continue_token}).value();
  ASSERT_EQ(p2.items.size(), 1u);
  EXPECT_EQ(p2.items[0]->name(), "c");
  EXPECT_TRUE(p2.continue_token.empty());

  auto w = reg_->watch(configmaps, "default", {.resource_version = p1.resource_version}).value();
  auto a = reg_->get(configmaps, {"default", "a"}).value();
  auto next = core::object(*a);
  next.data()["data"] = {{"v", "2"}};
  ASSERT_TRUE(reg_->update(configmaps, {"default", "a"}, std::move(next)));
  ASSERT_TRUE(reg_->remove(configmaps, {"default", "b"}));
  auto evs = next_events(*w, 2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].type, watch_event_type::modified);
  EXPECT_EQ(evs[0].object->name(), "a");
  EXPECT_EQ(evs[1].type, watch_event_type::deleted);
  EXPECT_EQ(evs[1].object->name(), "b");
  EXPECT_TRUE(is_not_found(reg_->get(configmaps, {"default", "b"})));
}

TEST_F(EtcdRegistry, LabelSelectedListsAndWatches) {
  auto labelled = [](const std::string& n, const std::string& app) {
    auto o = configmap(n);
    o.set_label("app", app);
    return o;
  };
  const auto start = std::to_string(reg_->current_revision());
  auto w = reg_->watch(configmaps, "", {.label_selector = "app=web", .resource_version = start}).value();
  ASSERT_TRUE(reg_->create(configmaps, "default", labelled("one", "web")));
  ASSERT_TRUE(reg_->create(configmaps, "default", labelled("two", "db")));
  ASSERT_TRUE(reg_->create(configmaps, "default", labelled("three", "web")));
  auto l = reg_->list(configmaps, "", {.label_selector = "app=web", .limit = 1}).value();
  ASSERT_EQ(l.items.size(), 1u);
  EXPECT_FALSE(l.continue_token.empty());
  EXPECT_FALSE(l.remaining_item_count);
  auto evs = next_events(*w, 2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].object->name(), "one");
  EXPECT_EQ(evs[1].object->name(), "three");
}

TEST_F(EtcdRegistry, ADeploymentIsStoredUnderItsGroupsShard) {
  core::json tmpl = {{"metadata", {{"labels", {{"app", "web"}}}}},
                     {"spec", {{"containers", {{{"name", "web"}, {"image", "nginx:1"}}}}}}};
  core::object d(json{{"apiVersion", "apps/v1"},
                      {"kind", "Deployment"},
                      {"metadata", {{"name", "web"}}},
                      {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", tmpl}}}});
  auto made = reg_->create(deployments, "default", std::move(d));
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_TRUE(etcd_witness(url_).value(test_prefix() + "/apps/deployments/default/web"));
  EXPECT_EQ(reg_->list(deployments, "").value().items.size(), 1u);
}

TEST_F(EtcdRegistry, ASecondRegistryOnTheSameEtcdSeesTheFirstsWrites) {
  registry other({.storage = storage::make_etcd_storage(options_for(url_)), .create_default_namespaces = false});
  auto w = other.watch(configmaps, "default", {.resource_version = std::to_string(reg_->current_revision())}).value();
  auto made = reg_->create(configmaps, "default", configmap("shared")).value();
  auto got = other.get(configmaps, {"default", "shared"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->resource_version(), made->resource_version());
  auto evs = next_events(*w, 1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, watch_event_type::added);
  EXPECT_EQ(evs[0].object->resource_version(), made->resource_version());
}

}  // namespace
}  // namespace ktk::test
