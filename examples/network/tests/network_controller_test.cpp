// network_controller_test.cpp — the Network controller on the fake client: real
// informers and a real work queue, the API in-process, the queue's retries timed by
// a fake clock that the tests step.
#include "network_controller.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "eventually.hpp"
#include "ktk/fakeclient/fake_client.hpp"
#include "network_types.hpp"

namespace {

using namespace std::chrono_literals;
using ktk::core::api_error;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
using network_test::eventually;
namespace net = ktk::examples::network;

object network(const std::string& name, const std::string& cidr, const std::string& gateway) {
  return object(json{{"apiVersion", "samplecrd.k8s.io/v1"},
                     {"kind", "Network"},
                     {"metadata", {{"namespace", "default"}, {"name", name}}},
                     {"spec", {{"cidr", cidr}, {"gateway", gateway}}}});
}

object config_map(const std::string& name, json data) {
  object cm("v1", "ConfigMap");
  cm.set_namespace("default");
  cm.set_name(name);
  cm.data()["data"] = std::move(data);
  return cm;
}

class NetworkController : public ::testing::Test {
 protected:
  // The fake API server with the example's CRD and `objects`; the controller is
  // started separately (start()), so that a test can add reactors first.
  void build(std::vector<object> objects = {}) {
    fc = ktk::fakeclient::builder()
             .with_crd_files({EXAMPLE_DIR "/crd"})
             .with_objects(std::move(objects))
             .with_clock(clk)
             .with_seed(1)
             .build();
  }

  void start() {
    informers = std::make_unique<ktk::client::cache::shared_informer_factory>(
        *fc, ktk::client::cache::informer_options{.clock = &clk});
    controller = std::make_unique<net::network_controller>(
        *fc, *informers,
        net::controller_options{.clock = &clk, .on_error = [this](const std::string& key, const api_error& e) {
                                  std::lock_guard lock(mu);
                                  errors.push_back({key, e});
                                }});
    informers->start(stop.get_token());
    worker = std::jthread([this] { controller->run(2, stop.get_token()); });
  }

  void TearDown() override {
    stop.request_stop();
    if (worker.joinable()) worker.join();
    controller.reset();
    if (informers) informers->shutdown();
  }

  object_ptr get_config_map(const std::string& name) {
    auto r = fc->get(net::config_map_kind, {"default", name});
    return r ? *r : nullptr;
  }
  object_ptr get_network(const std::string& name) { return fc->get(net::network_kind, {"default", name}).value(); }

  std::size_t error_count() {
    std::lock_guard lock(mu);
    return errors.size();
  }
  std::pair<std::string, api_error> error(std::size_t i) {
    std::lock_guard lock(mu);
    return errors.at(i);
  }

  // The delay the work queue waits for before its next retry (once it waits).
  std::optional<ktk::core::clock::duration> next_retry_in() {
    if (!eventually([&] { return clk.next_wakeup().has_value(); })) return std::nullopt;
    return *clk.next_wakeup() - clk.now();
  }
  // eventually(p), stepping the fake clock to every retry the queue waits for. For
  // outcomes that may take a retry: a sync that reads a cache one step behind the
  // server (a 409, an AlreadyExists) fails and is retried, as in sample-controller;
  // whether one does is a matter of thread timing.
  template <class Pred>
  bool eventually_with_retries(Pred p) {
    return eventually([&] {
      if (auto at = clk.next_wakeup()) clk.set(*at);
      return p();
    });
  }
  std::size_t count_actions(const std::string& verb, const std::string& resource) {
    std::size_t n = 0;
    for (const auto& a : fc->actions()) n += a.verb == verb && a.resource.resource == resource && a.subresource.empty();
    return n;
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc;
  std::unique_ptr<ktk::client::cache::shared_informer_factory> informers;
  std::unique_ptr<net::network_controller> controller;
  std::mutex mu;
  std::vector<std::pair<std::string, api_error>> errors;  // guarded by mu
  std::stop_source stop;
  std::jthread worker;
};

TEST_F(NetworkController, CreatesAConfigMapOwnedByTheNetwork) {
  build({network("net-a", "192.168.0.0/16", "192.168.0.1")});
  start();
  ASSERT_TRUE(eventually([&] { return get_config_map("net-a-config") != nullptr; }));
  auto cm = get_config_map("net-a-config");
  EXPECT_EQ(cm->data()["data"], (json{{"cidr", "192.168.0.0/16"}, {"gateway", "192.168.0.1"}}));

  // The API server does not delete dependents; Kubernetes' garbage collector does,
  // when it finds this reference to a Network that is gone. So the reference, with
  // the Network's uid, controller=true and blockOwnerDeletion=true, is what makes
  // "delete the Network, lose its ConfigMap" work.
  auto owner = get_network("net-a");
  auto refs = cm->owner_references();
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].api_version, "samplecrd.k8s.io/v1");
  EXPECT_EQ(refs[0].kind, "Network");
  EXPECT_EQ(refs[0].name, "net-a");
  EXPECT_EQ(refs[0].uid, owner->uid());
  EXPECT_EQ(refs[0].controller, true);
  EXPECT_EQ(refs[0].block_owner_deletion, true);
}

TEST_F(NetworkController, WritesObservedGenerationToStatus) {
  build({network("net-a", "10.0.0.0/24", "10.0.0.1")});
  start();
  ASSERT_TRUE(eventually([&] { return net::status_of(*get_network("net-a")).observed_generation == 1; }));
  auto status = net::status_of(*get_network("net-a"));
  EXPECT_EQ(status.config_map, "net-a-config");
  EXPECT_EQ(status.message, "");
  EXPECT_EQ(error_count(), 0u);  // the happy path has nothing to retry
}

TEST_F(NetworkController, FollowsSpecChanges) {
  build({network("net-a", "10.0.0.0/24", "10.0.0.1")});
  start();
  ASSERT_TRUE(eventually([&] { return net::status_of(*get_network("net-a")).observed_generation == 1; }));

  object changed = *get_network("net-a");
  changed.data()["spec"] = {{"cidr", "10.1.0.0/16"}, {"gateway", "10.1.0.254"}};
  auto updated = fc->update(std::move(changed));
  ASSERT_TRUE(updated) << updated.error().message();
  ASSERT_EQ((*updated)->generation(), 2);

  ASSERT_TRUE(eventually_with_retries([&] { return net::status_of(*get_network("net-a")).observed_generation == 2; }));
  EXPECT_EQ(get_config_map("net-a-config")->data()["data"], (json{{"cidr", "10.1.0.0/16"}, {"gateway", "10.1.0.254"}}));
}

TEST_F(NetworkController, LeavesAForeignConfigMapAloneAndSaysSo) {
  build({config_map("net-a-config", {{"owner", "someone else"}}), network("net-a", "10.0.0.0/24", "10.0.0.1")});
  start();
  ASSERT_TRUE(eventually([&] { return error_count() >= 1; }));
  auto [key, err] = error(0);
  EXPECT_EQ(key, "default/net-a");
  EXPECT_TRUE(ktk::is_already_exists(err)) << err.message();
  EXPECT_EQ(err.message(), "Resource \"net-a-config\" already exists and is not managed by Network");
  ASSERT_TRUE(eventually([&] { return !net::status_of(*get_network("net-a")).message.empty(); }));
  EXPECT_EQ(net::status_of(*get_network("net-a")).message, err.message());

  auto cm = get_config_map("net-a-config");
  EXPECT_EQ(cm->data()["data"], (json{{"owner", "someone else"}}));
  EXPECT_TRUE(cm->owner_references().empty());
  EXPECT_EQ(count_actions("create", "configmaps"), 0u);
  EXPECT_EQ(count_actions("update", "configmaps"), 0u);
  EXPECT_EQ(count_actions("patch", "configmaps"), 0u);

  // Once its owner deletes it, a retry (the clock stepped to it) makes the Network's own.
  ASSERT_TRUE(fc->remove(net::config_map_kind, {"default", "net-a-config"}));
  ASSERT_TRUE(eventually_with_retries([&] {
    auto mine = get_config_map("net-a-config");
    return mine && mine->controller_ref().has_value();
  }));
  EXPECT_TRUE(eventually_with_retries([&] { return net::status_of(*get_network("net-a")).message.empty(); }));
}

TEST_F(NetworkController, ServerErrorsAreRetriedWithBackoff) {
  build({network("net-a", "10.0.0.0/24", "10.0.0.1")});
  fc->add_reactor("create", "configmaps", ktk::fakeclient::fail_times(2, api_error::internal("etcd is down")));
  start();

  ASSERT_TRUE(eventually([&] { return error_count() == 1; }));
  EXPECT_TRUE(ktk::is_internal_error(error(0).second));
  // The key waits in the queue on the fake clock: nothing happens until it moves.
  EXPECT_EQ(next_retry_in(), std::optional<ktk::core::clock::duration>(5ms));
  EXPECT_EQ(get_config_map("net-a-config"), nullptr);
  clk.advance(5ms);

  ASSERT_TRUE(eventually([&] { return error_count() == 2; }));
  EXPECT_EQ(next_retry_in(), std::optional<ktk::core::clock::duration>(10ms));  // backing off
  clk.advance(10ms);

  ASSERT_TRUE(eventually([&] { return net::status_of(*get_network("net-a")).observed_generation == 1; }));
  EXPECT_NE(get_config_map("net-a-config"), nullptr);
  EXPECT_GE(count_actions("create", "configmaps"), 3u);
}

TEST_F(NetworkController, AConflictIsRetriedAndEndsRight) {
  // A Network whose ConfigMap holds an old spec, made before the controller runs.
  build({network("net-a", "10.9.0.0/16", "10.9.0.1")});
  auto owner = get_network("net-a");
  object stale = config_map("net-a-config", {{"cidr", "10.0.0.0/24"}, {"gateway", "10.0.0.1"}});
  stale.set_owner_references({{.api_version = "samplecrd.k8s.io/v1", .kind = "Network", .name = "net-a",
                               .uid = std::string(owner->uid()), .controller = true, .block_owner_deletion = true}});
  ASSERT_TRUE(fc->create(std::move(stale)));
  // As if someone wrote the ConfigMap after the controller's cache read it.
  fc->add_reactor("update", "configmaps",
                  ktk::fakeclient::fail_times(1, api_error::stale_resource_version({"", "configmaps"}, "net-a-config")));
  start();

  ASSERT_TRUE(eventually([&] { return error_count() == 1; }));
  EXPECT_TRUE(ktk::is_conflict(error(0).second));
  EXPECT_EQ(next_retry_in(), std::optional<ktk::core::clock::duration>(5ms));
  EXPECT_EQ(get_config_map("net-a-config")->data()["data"]["cidr"], "10.0.0.0/24");
  clk.advance(5ms);

  ASSERT_TRUE(eventually([&] { return net::status_of(*get_network("net-a")).observed_generation == 1; }));
  EXPECT_EQ(get_config_map("net-a-config")->data()["data"], (json{{"cidr", "10.9.0.0/16"}, {"gateway", "10.9.0.1"}}));
}

TEST_F(NetworkController, RecreatesADeletedConfigMap) {
  build({network("net-a", "10.0.0.0/24", "10.0.0.1")});
  start();
  ASSERT_TRUE(eventually([&] { return net::status_of(*get_network("net-a")).observed_generation == 1; }));
  const std::string first_uid(get_config_map("net-a-config")->uid());

  // The ConfigMap informer hears of the delete and queues the owner: no clock step.
  ASSERT_TRUE(fc->remove(net::config_map_kind, {"default", "net-a-config"}));
  ASSERT_TRUE(eventually([&] {
    auto cm = get_config_map("net-a-config");
    return cm && cm->uid() != first_uid;
  }));
  EXPECT_EQ(get_config_map("net-a-config")->data()["data"], (json{{"cidr", "10.0.0.0/24"}, {"gateway", "10.0.0.1"}}));
  EXPECT_GE(count_actions("create", "configmaps"), 2u);
}

TEST_F(NetworkController, SyncOfAGoneNetworkIsANoOp) {
  build();
  start();
  EXPECT_TRUE(controller->sync("default/no-such-network"));
  EXPECT_EQ(count_actions("create", "configmaps"), 0u);
}

}  // namespace
