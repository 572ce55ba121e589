#include "ktk/client/controller/handler.hpp"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

namespace {

namespace ctl = ktk::client::controller;
using ktk::core::json;
using ktk::core::object;

ktk::core::object_ptr pod(const std::string& ns, const std::string& name, json owners = json::array()) {
  return std::make_shared<const object>(
      json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"namespace", ns}, {"name", name}, {"ownerReferences", owners}}}});
}

json ref(const std::string& api_version, const std::string& kind, const std::string& name, bool controller) {
  return {{"apiVersion", api_version}, {"kind", kind}, {"name", name}, {"uid", "u-" + name}, {"controller", controller}};
}

// Everything queued so far, in order.
std::vector<ctl::request> drain(ctl::work_queue& q) {
  std::vector<ctl::request> out;
  while (q.len() > 0) {
    auto r = q.get();
    out.push_back(*r);
    q.done(*r);
  }
  return out;
}

TEST(Handler, ForObjectQueuesTheObjectsKey) {
  ctl::work_queue q;
  auto h = ctl::enqueue_request_for_object();
  h->create({.object = pod("ns", "a")}, q);
  h->update({.object_old = pod("ns", "b-old"), .object_new = pod("ns", "b")}, q);
  h->update({.object_old = pod("ns", "c"), .object_new = nullptr}, q);
  h->delete_({.object = pod("ns", "d")}, q);
  h->generic({.object = pod("ns", "e")}, q);
  h->create({.object = nullptr}, q);
  EXPECT_EQ(drain(q), (std::vector<ctl::request>{{"ns", "a"}, {"ns", "b"}, {"ns", "c"}, {"ns", "d"}, {"ns", "e"}}));
}

TEST(Handler, ForOwnerQueuesTheControllerOwnerOfTheKind) {
  ctl::work_queue q;
  auto h = ctl::enqueue_request_for_owner({"apps", "ReplicaSet"});
  h->create({.object = pod("ns", "p1", {ref("apps/v1", "ReplicaSet", "rs-1", true)})}, q);
  h->create({.object = pod("ns", "p2", {ref("apps/v1", "ReplicaSet", "rs-2", false)})}, q);     // not the controller
  h->create({.object = pod("ns", "p3", {ref("apps/v1", "Deployment", "d", true)})}, q);         // another kind
  h->create({.object = pod("ns", "p4", {ref("extensions/v1beta1", "ReplicaSet", "x", true)})}, q);  // another group
  h->create({.object = pod("ns", "p5")}, q);
  EXPECT_EQ(drain(q), (std::vector<ctl::request>{{"ns", "rs-1"}}));

  auto any = ctl::enqueue_request_for_owner({"apps", "ReplicaSet"}, {.only_controller = false});
  any->create({.object = pod("ns", "p2", {ref("apps/v1", "ReplicaSet", "rs-2", false)})}, q);
  EXPECT_EQ(drain(q), (std::vector<ctl::request>{{"ns", "rs-2"}}));
}

TEST(Handler, ForOwnerUpdatesQueueOldAndNewOwners) {
  ctl::work_queue q;
  auto h = ctl::enqueue_request_for_owner({"apps", "ReplicaSet"});
  h->update({.object_old = pod("ns", "p", {ref("apps/v1", "ReplicaSet", "old", true)}),
             .object_new = pod("ns", "p", {ref("apps/v1", "ReplicaSet", "new", true)})},
            q);
  EXPECT_EQ(drain(q), (std::vector<ctl::request>{{"ns", "old"}, {"ns", "new"}}));
}

TEST(Handler, ACoreGroupOwnerAndAClusterScopedOwner) {
  ctl::work_queue q;
  auto core_owner = ctl::enqueue_request_for_owner({"", "ConfigMap"});
  core_owner->create({.object = pod("ns", "p", {ref("v1", "ConfigMap", "cm", true)})}, q);
  EXPECT_EQ(drain(q), (std::vector<ctl::request>{{"ns", "cm"}}));

  auto mapper = ktk::core::rest_mapper::with_builtins();
  auto node_owner = ctl::enqueue_request_for_owner({"", "Node"}, {.mapper = &mapper});
  node_owner->create({.object = pod("ns", "p", {ref("v1", "Node", "node-1", true)})}, q);
  EXPECT_EQ(drain(q), (std::vector<ctl::request>{{"", "node-1"}}));
}

TEST(Handler, MapFuncQueuesWhatItReturns) {
  ctl::work_queue q;
  auto h = ctl::enqueue_requests_from_map_func([](const object& o) -> std::vector<ctl::request> {
    return {{"other", std::string(o.name()) + "-1"}, {"other", std::string(o.name()) + "-2"}};
  });
  h->create({.object = pod("ns", "a")}, q);
  h->update({.object_old = pod("ns", "a"), .object_new = pod("ns", "b")}, q);
  auto got = drain(q);
  EXPECT_EQ(got, (std::vector<ctl::request>{{"other", "a-1"}, {"other", "a-2"}, {"other", "b-1"}, {"other", "b-2"}}));
}

TEST(Handler, TheEnqueueHandlersAreQuickAMapFuncWhenItSaysSo) {
  EXPECT_TRUE(ctl::enqueue_request_for_object()->quick());
  EXPECT_TRUE(ctl::enqueue_request_for_owner({"apps", "ReplicaSet"})->quick());
  auto none = [](const object&) { return std::vector<ctl::request>{}; };
  EXPECT_FALSE(ctl::enqueue_requests_from_map_func(none)->quick());
  EXPECT_TRUE(ctl::enqueue_requests_from_map_func(none, {.quick = true})->quick());
}

}  // namespace
