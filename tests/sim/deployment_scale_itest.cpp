// The Deployment controller with 1,000 Deployments: how long it takes to give each
// its ReplicaSet, to report them complete once the test marks every Pod available,
// and to start a rollout of all of them. Prints the figures; asserts only that it
// gets there (bounded waits), never how fast.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "deployment_test_env.hpp"

namespace {

using namespace deploy_test;

constexpr int count = 1000;

std::string name_of(int i) { return "web-" + std::to_string(i); }

template <class Pred>
bool all_deployments(env& e, Pred p) {
  std::this_thread::sleep_for(5ms);  // polls gently: a list of 1,000 competes with the controller
  auto l = e.fc->list(ktk::sim::deployment_kind, {.namespace_ = "default"});
  if (!l || l->items.size() != static_cast<std::size_t>(count)) return false;
  for (const auto& d : l->items) {
    if (!p(*d)) return false;
  }
  return true;
}

std::size_t replicaset_count(env& e) {
  std::this_thread::sleep_for(5ms);
  auto l = e.fc->list(ktk::sim::replicaset_kind, {.namespace_ = "default"});
  return l ? l->items.size() : 0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(DeploymentScale, AThousandDeployments) {
  env e;
  e.start();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) ASSERT_TRUE(e.fc->create(deployment(name_of(i), 10)));
  double created = seconds_since(t0);
  ASSERT_TRUE(eventually(
      [&] {
        return replicaset_count(e) == count && all_deployments(e, [](const object& d) {
                 return condition(d, "Available").value("reason", "") == "MinimumReplicasUnavailable" &&
                        d.annotation(revision_key) == "1";
               });
      },
      60s));
  double synced = seconds_since(t0);
  auto writes = e.fc->actions().size();

  // Every Pod available (the test stands in for the ReplicaSet controller).
  auto t1 = std::chrono::steady_clock::now();
  auto l = e.fc->list(ktk::sim::replicaset_kind, {.namespace_ = "default"});
  ASSERT_TRUE(l);
  for (const auto& rs : l->items) {
    object o = *rs;
    o.data()["status"] = {{"replicas", 10}, {"readyReplicas", 10}, {"availableReplicas", 10},
                          {"observedGeneration", o.generation()}};
    ASSERT_TRUE(e.fc->status().update(std::move(o)));
  }
  ASSERT_TRUE(eventually(
      [&] {
        return all_deployments(e, [](const object& d) {
          return condition(d, "Progressing").value("reason", "") == "NewReplicaSetAvailable";
        });
      },
      60s));
  double completed = seconds_since(t1);

  // A new template for all: each gets its second ReplicaSet.
  auto t2 = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    e.modify_deploy([](object& o) { o.data()["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"; },
                    name_of(i));
  }
  ASSERT_TRUE(eventually([&] { return replicaset_count(e) == 2 * count; }, 60s));
  double rolled = seconds_since(t2);
  e.settle();

  std::cout << "[ figures ] " << count << " Deployments: created in " << created << " s, each with its ReplicaSet and status in "
            << synced << " s (" << writes << " API calls by then); reported complete " << completed
            << " s after all Pods were available; a rollout of all started in " << rolled << " s; "
            << e.ctrl->stats().reconciles << " reconciles, " << e.ctrl->stats().errors << " retried errors\n";
}

}  // namespace
