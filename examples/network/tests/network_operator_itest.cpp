// network_operator_itest.cpp — the Network controller against a real-behaving API
// server over HTTP: the control plane a ctest fixture started (once embedded, once on
// etcd) with crd/ installed, found through KUBECONFIG. Each test runs its own
// controller, scoped to a namespace of its own, since the tests share the server.
// The test and the operator have a client each, as two processes would: the
// test's polling must not eat into the operator's client-side rate limit.
//
//   ctest -R example.network.embedded     # ctest starts and stops the fixture
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "eventually.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "network_controller.hpp"
#include "network_types.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
using network_test::eventually;
namespace net = ktk::examples::network;

class NetworkOperator : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* kubeconfig = std::getenv("KUBECONFIG");
    ASSERT_NE(kubeconfig, nullptr) << "run by ctest: the fixture sets KUBECONFIG";
    auto cfg = ktk::client::rest::load_kubeconfig({.kubeconfig_path = kubeconfig}).config;
    cfg.qps = -1;  // no client-side rate limit, as load_default_config() gives network-operator
    client = std::make_unique<ktk::client::rest::rest_client>(cfg);
    operator_client = std::make_unique<ktk::client::rest::rest_client>(cfg);

    auto ns = client->create(object(json{{"apiVersion", "v1"},
                                         {"kind", "Namespace"},
                                         {"metadata", {{"generateName", "test-"}}}}));
    ASSERT_TRUE(ns) << ns.error().message();
    namespace_ = (*ns)->name();

    // The operator as main.cpp runs it, but seeing only this test's namespace.
    informers = std::make_unique<ktk::client::cache::shared_informer_factory>(
        *operator_client, ktk::client::cache::informer_options{.namespace_ = namespace_});
    controller = std::make_unique<net::network_controller>(*operator_client, *informers);
    informers->start(stop.get_token());
    worker = std::jthread([this] { controller->run(2, stop.get_token()); });
  }

  void TearDown() override {
    stop.request_stop();
    if (worker.joinable()) worker.join();
    controller.reset();
    if (informers) informers->shutdown();
    if (client && !namespace_.empty()) (void)client->remove({"", "v1", "Namespace"}, {"", namespace_});
  }

  object network(const std::string& name, const std::string& cidr, const std::string& gateway) const {
    return object(json{{"apiVersion", "samplecrd.k8s.io/v1"},
                       {"kind", "Network"},
                       {"metadata", {{"namespace", namespace_}, {"name", name}}},
                       {"spec", {{"cidr", cidr}, {"gateway", gateway}}}});
  }
  object_ptr get(const ktk::core::gvk& kind, const std::string& name) {
    auto r = client->get(kind, {namespace_, name});
    return r ? *r : nullptr;
  }
  // The ConfigMap's data, or null when there is no ConfigMap.
  json config_map_data(const std::string& name) {
    auto cm = get(net::config_map_kind, name);
    return cm && cm->field("data") ? *cm->field("data") : json();
  }

  std::unique_ptr<ktk::client::rest::rest_client> client;           // the test's
  std::unique_ptr<ktk::client::rest::rest_client> operator_client;  // the operator's
  std::string namespace_;
  std::unique_ptr<ktk::client::cache::shared_informer_factory> informers;
  std::unique_ptr<net::network_controller> controller;
  std::stop_source stop;
  std::jthread worker;
};

TEST_F(NetworkOperator, ANetworkGetsItsConfigMap) {
  auto made = client->create(network("example-network", "192.168.0.0/16", "192.168.0.1"));
  ASSERT_TRUE(made) << made.error().message();

  const json want = {{"cidr", "192.168.0.0/16"}, {"gateway", "192.168.0.1"}};
  ASSERT_TRUE(eventually([&] { return config_map_data("example-network-config") == want; }));
  // ktk's API server, like kube-apiserver, leaves deleting dependents to a garbage
  // collector (in a cluster, kube-controller-manager's). This reference is what it
  // goes by: the Network's uid, controller=true, blockOwnerDeletion=true.
  auto ref = get(net::config_map_kind, "example-network-config")->controller_ref();
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->kind, "Network");
  EXPECT_EQ(ref->uid, (*made)->uid());
  EXPECT_EQ(ref->block_owner_deletion, true);

  ASSERT_TRUE(eventually([&] {
    auto n = get(net::network_kind, "example-network");
    return n && net::status_of(*n).observed_generation == 1;
  }));
  EXPECT_EQ(net::status_of(*get(net::network_kind, "example-network")).config_map, "example-network-config");
}

TEST_F(NetworkOperator, TheConfigMapFollowsSpecUpdates) {
  ASSERT_TRUE(client->create(network("net-b", "10.0.0.0/24", "10.0.0.1")));
  ASSERT_TRUE(eventually([&] { return !config_map_data("net-b-config").is_null(); }));

  // A merge patch of the spec: no resourceVersion, so no conflict with the
  // controller's status writes.
  auto patched = client->patch(net::network_kind, {namespace_, "net-b"}, ktk::core::patch_type::merge_patch,
                               json{{"spec", {{"cidr", "10.8.0.0/16"}, {"gateway", "10.8.0.1"}}}});
  ASSERT_TRUE(patched) << patched.error().message();
  EXPECT_EQ((*patched)->generation(), 2);

  const json want = {{"cidr", "10.8.0.0/16"}, {"gateway", "10.8.0.1"}};
  ASSERT_TRUE(eventually([&] { return config_map_data("net-b-config") == want; }));
  ASSERT_TRUE(eventually([&] { return net::status_of(*get(net::network_kind, "net-b")).observed_generation == 2; }));
}

TEST_F(NetworkOperator, TheServerRejectsABadCidr) {
  // The CRD's schema does this, before any controller could see the object.
  auto r = client->create(network("bad", "192.168.0.0", "192.168.0.1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 422);
  EXPECT_TRUE(ktk::is_invalid(r.error())) << r.error().reason();
  ASSERT_FALSE(r.error().details().causes.empty()) << r.error().message();
  EXPECT_EQ(r.error().details().causes[0].field, "spec.cidr") << r.error().message();

  auto gw = client->create(network("bad", "192.168.0.0/16", "192.168.0"));
  ASSERT_FALSE(gw);
  EXPECT_TRUE(ktk::is_invalid(gw.error())) << gw.error().message();
  ASSERT_FALSE(gw.error().details().causes.empty()) << gw.error().message();
  EXPECT_EQ(gw.error().details().causes[0].field, "spec.gateway") << gw.error().message();
  EXPECT_EQ(get(net::network_kind, "bad"), nullptr);
}

}  // namespace
