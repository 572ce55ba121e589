// builder::build_snapshot: every client() holds what build() would have made — the
// same objects, uids, resourceVersions and CRDs — and is its own from then on: a test's
// writes, reactors and recorded actions never reach the next test's client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/fakeclient/fake_client.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;
namespace fc = ktk::fakeclient;

const ktk::core::gvk cm_kind{"", "v1", "ConfigMap"};
const ktk::core::gvk at_kind{"cnat.programming-kubernetes.info", "v1alpha1", "At"};

object config_map(const std::string& ns, const std::string& name) {
  object o("v1", "ConfigMap");
  o.set_namespace(ns);
  o.set_name(name);
  o.data()["data"] = {{"k", "v"}};
  return o;
}

object at(const std::string& name, json spec) {
  object o("cnat.programming-kubernetes.info/v1alpha1", "At");
  o.set_namespace("default");
  o.set_name(name);
  o.data()["spec"] = std::move(spec);
  return o;
}

std::filesystem::path testdata(const char* f) { return std::filesystem::path(KTK_TESTDATA_DIR) / f; }

fc::snapshot seeded() {
  std::vector<object> objs;
  for (int i = 0; i < 20; ++i) objs.push_back(config_map("team-" + std::to_string(i % 2), "cm-" + std::to_string(i)));
  objs.push_back(at("at-1", {{"schedule", "2026-11-22T10:00:00Z"}, {"command", "echo hi"}}));
  return fc::builder().with_crd_files({testdata("at_crd.yaml")}).with_objects(std::move(objs)).with_seed(3).build_snapshot();
}

TEST(FakeClientSnapshot, EveryClientHoldsTheSeededObjectsAsTheyWereMade) {
  const auto snap = seeded();
  auto a = snap.client();
  auto b = snap.client();
  auto in_a = a->get(cm_kind, {"team-1", "cm-7"});
  auto in_b = b->get(cm_kind, {"team-1", "cm-7"});
  ASSERT_TRUE(in_a && in_b);
  EXPECT_FALSE((*in_a)->uid().empty());
  EXPECT_EQ((*in_a)->data(), (*in_b)->data()) << "same uid, resourceVersion, timestamps and managedFields";
  auto listed = a->list(cm_kind, {.namespace_ = "team-0"});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->items.size(), 10u);
  EXPECT_TRUE(a->get(at_kind, {"default", "at-1"})) << "the CRD is served and its object is there";
}

TEST(FakeClientSnapshot, ATestsWritesStayInItsClient) {
  const auto snap = seeded();
  auto first = snap.client();
  ASSERT_TRUE(first->remove(cm_kind, {"team-0", "cm-0"}));
  ASSERT_TRUE(first->create(config_map("team-0", "extra")));
  auto changed = *first->get(cm_kind, {"team-1", "cm-1"}).value();
  changed.data()["data"]["k"] = "changed";
  ASSERT_TRUE(first->update(std::move(changed)));

  auto next = snap.client();
  EXPECT_TRUE(next->actions().empty()) << "recorded actions belong to the client that made them";
  EXPECT_TRUE(next->get(cm_kind, {"team-0", "cm-0"}));
  EXPECT_TRUE(ktk::is_not_found(next->get(cm_kind, {"team-0", "extra"})));
  EXPECT_EQ((*next->get(cm_kind, {"team-1", "cm-1"}).value()).data()["data"]["k"], "v");
}

TEST(FakeClientSnapshot, ClientsKeepTheServerSemantics) {
  const auto snap = seeded();
  auto c = snap.client();
  auto stale = *c->get(cm_kind, {"team-0", "cm-2"}).value();
  auto fresh = stale;
  fresh.data()["data"]["k"] = "1";
  ASSERT_TRUE(c->update(std::move(fresh)));
  stale.data()["data"]["k"] = "2";
  EXPECT_TRUE(ktk::is_conflict(c->update(std::move(stale))));
  auto bad = c->create(at("at-2", {{"schedule", "2026-11-22T10:00:00Z"}}));
  ASSERT_FALSE(bad) << "the CRD's schema (command is required) holds in a copy";
  EXPECT_EQ(bad.error().code(), 422);
}

TEST(FakeClientSnapshot, AWatchFromASeededResourceVersionReplaysWhatCameAfter) {
  const auto snap = seeded();
  auto c = snap.client();
  auto cm = c->get(cm_kind, {"team-1", "cm-17"});
  ASSERT_TRUE(cm);
  auto w = c->watch(cm_kind, {.namespace_ = "team-1", .resource_version = std::string((*cm)->resource_version())});
  ASSERT_TRUE(w) << w.error().message();
  auto evs = (*w)->next({}, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, ktk::client::event_type::added);
  EXPECT_EQ(evs[0].object->name(), "cm-19");
}

TEST(FakeClientSnapshot, TakesAClockPerClient) {
  const auto snap = seeded();
  ktk::core::fake_clock clk(ktk::core::fake_clock().now() + std::chrono::hours(48));
  auto c = snap.client(clk);
  auto made = c->create(config_map("team-0", "later"));
  ASSERT_TRUE(made);
  EXPECT_EQ((*made)->creation_timestamp(), "2024-01-03T00:00:00Z");
}

TEST(FakeClientSnapshot, ARejectedSeedObjectFailsTheSnapshotAsItFailsBuild) {
  object bad("v1", "ConfigMap");
  bad.set_namespace("default");
  bad.set_name("Not_A_Name");
  EXPECT_THROW((void)fc::builder().with_object(bad).build_snapshot(), std::runtime_error);
}

TEST(FakeClientSnapshot, ClientsMayBeTakenFromSeveralThreadsAtOnce) {
  const auto snap = seeded();
  std::vector<std::jthread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto c = snap.client();
        bool good = c->get(cm_kind, {"team-0", "cm-0"}).ok() &&
                    c->create(config_map("team-0", "t" + std::to_string(t))).ok();
        if (good) ++ok;
      }
    });
  }
  threads.clear();
  EXPECT_EQ(ok.load(), 40);
}

}  // namespace
