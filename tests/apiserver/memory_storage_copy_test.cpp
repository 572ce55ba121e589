// copy(): the new store holds the objects, revisions, event history and floors of the
// old one at the time of the copy, shares the stored objects, and from then on the two
// go their own ways — writes, watchers and dropped shards stay on their side.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "ktk/apiserver/storage/interface.hpp"
#include "storage_fixtures.hpp"

namespace ktk::apiserver::storage {
namespace {

using testing::pod;

std::vector<revision> revisions(const std::vector<event_ptr>& evs) {
  std::vector<revision> out;
  for (const auto& e : evs) out.push_back(e->rev);
  return out;
}

class MemoryStorageCopy : public ::testing::Test {
 protected:
  std::unique_ptr<interface> s = make_memory_storage({.history = 100});

  object_ptr create(std::string_view shard, std::string_view ns, std::string_view name, int gen = 0) {
    auto r = s->create(shard, {std::string(ns), std::string(name)}, pod(ns, name, gen));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : nullptr;
  }
};

TEST_F(MemoryStorageCopy, HoldsTheSameObjectsAndRevisionsSharingTheObjects) {
  auto a = create("pods", "default", "a");
  create("pods", "other", "b");
  create("apps/deployments", "default", "d");
  auto c = s->copy();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->current_revision(), 3);
  EXPECT_EQ(c->shard_revision("pods"), 2);
  EXPECT_EQ(c->shard_revision("apps/deployments"), 3);
  auto got = c->get("pods", {"default", "a"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->get(), a.get()) << "the stored object is shared, not copied";
  EXPECT_EQ(c->count("pods"), 2u);
  EXPECT_EQ(c->count("pods", "other"), 1u);
  auto listed = c->list("pods", {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->items.size(), 2u);
  EXPECT_EQ(listed->rev, 3);
}

TEST_F(MemoryStorageCopy, WritesOnEitherSideAreNotSeenOnTheOther) {
  create("pods", "default", "a");
  auto c = s->copy();
  ASSERT_TRUE(c->create("pods", {"default", "only-in-copy"}, pod("default", "only-in-copy")).ok());
  ASSERT_TRUE(c->update("pods", {"default", "a"}, pod("default", "a", 1), 0).ok());
  ASSERT_TRUE(s->remove("pods", {"default", "a"}, 0).ok());

  EXPECT_FALSE(s->get("pods", {"default", "only-in-copy"}).ok());
  auto in_copy = c->get("pods", {"default", "a"});
  ASSERT_TRUE(in_copy.ok()) << "removed from the original only";
  EXPECT_EQ((*in_copy)->data()["spec"]["gen"], 1);
  EXPECT_EQ(c->count("pods", "default"), 2u);
  EXPECT_EQ(s->count("pods", "default"), 0u);
  // Both went on from revision 1 on their own.
  EXPECT_EQ(c->current_revision(), 3);
  EXPECT_EQ(s->current_revision(), 2);
}

TEST_F(MemoryStorageCopy, WatchesOnTheCopyReplayTheHistoryFromAPastRevision) {
  create("pods", "default", "a");
  create("pods", "default", "b", 0);
  ASSERT_TRUE(s->update("pods", {"default", "a"}, pod("default", "a", 1), 0).ok());
  auto c = s->copy();
  auto w = c->watch("pods", {.from_revision = 1});
  ASSERT_TRUE(w.ok());
  auto evs = (*w)->poll();
  ASSERT_TRUE(evs.ok());
  EXPECT_THAT(revisions(*evs), ::testing::ElementsAre(2, 3));
  EXPECT_EQ((*evs)[1]->type, event_type::modified);
  ASSERT_TRUE((*evs)[1]->prev);
  EXPECT_EQ((*evs)[1]->prev->data()["spec"]["gen"], 0);
  // A write to the copy reaches the copy's watcher.
  ASSERT_TRUE(c->create("pods", {"default", "c"}, pod("default", "c")).ok());
  evs = (*w)->poll();
  ASSERT_TRUE(evs.ok());
  EXPECT_THAT(revisions(*evs), ::testing::ElementsAre(4));
}

TEST_F(MemoryStorageCopy, WatchersOfTheOriginalDoNotSeeTheCopysWrites) {
  create("pods", "default", "a");
  auto w = s->watch("pods", {});
  ASSERT_TRUE(w.ok());
  int calls = 0;
  (*w)->set_notify([&] { ++calls; });
  auto c = s->copy();
  ASSERT_TRUE(c->create("pods", {"default", "b"}, pod("default", "b")).ok());
  EXPECT_EQ(calls, 0);
  auto evs = (*w)->poll();
  ASSERT_TRUE(evs.ok());
  EXPECT_TRUE(evs->empty());
}

TEST_F(MemoryStorageCopy, KeepsTheHistoryBoundAndWhatWasEvicted) {
  s = make_memory_storage({.history = 2});
  for (int i = 0; i < 4; ++i) create("pods", "default", "p" + std::to_string(i));
  auto c = s->copy();
  auto old = c->watch("pods", {.from_revision = 1});
  ASSERT_FALSE(old.ok()) << "revision 2 was evicted before the copy";
  EXPECT_EQ(old.error().code(), 410);
  ASSERT_TRUE(c->create("pods", {"default", "p4"}, pod("default", "p4")).ok());
  auto evicted_since = c->watch("pods", {.from_revision = 2});
  ASSERT_FALSE(evicted_since.ok()) << "the copy's ring is bounded like the original's";
  EXPECT_TRUE(c->watch("pods", {.from_revision = 3}).ok());
}

TEST_F(MemoryStorageCopy, ADroppedShardsFloorIsKept) {
  create("example.com/widgets", "default", "w");
  create("pods", "default", "a");
  s->drop_shard("example.com/widgets");
  auto c = s->copy();
  EXPECT_EQ(c->count("example.com/widgets"), 0u);
  auto past = c->list("example.com/widgets", {.at = 1});
  ASSERT_FALSE(past.ok()) << "no history before the drop";
  EXPECT_EQ(past.error().code(), 410);
}

TEST_F(MemoryStorageCopy, CopiesTakenWhileWritersRunAreConsistent) {
  std::atomic<bool> stop{false};
  std::vector<std::jthread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        std::string name = "w" + std::to_string(t) + "-" + std::to_string(i % 50);
        if (!s->create(t == 0 ? "pods" : "configmaps", {"default", name}, pod("default", name)).ok()) {
          (void)s->remove(t == 0 ? "pods" : "configmaps", {"default", name}, 0);
        }
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    auto c = s->copy();
    // Every revision up to the copy's counter is in one of its rings, once.
    auto pods = c->watch("pods", {.from_revision = c->current_revision() > 90 ? c->current_revision() - 90 : 0});
    auto cms = c->watch("configmaps", {.from_revision = c->current_revision() > 90 ? c->current_revision() - 90 : 0});
    if (!pods.ok() || !cms.ok()) continue;  // history evicted under the writers: nothing to check
    auto a = (*pods)->poll(1000);
    auto b = (*cms)->poll(1000);
    ASSERT_TRUE(a.ok() && b.ok());
    std::vector<revision> all = revisions(*a);
    for (auto r : revisions(*b)) all.push_back(r);
    std::sort(all.begin(), all.end());
    if (c->current_revision() > 90) {
      ASSERT_EQ(all.size(), 90u);
      EXPECT_EQ(all.back(), c->current_revision());
      EXPECT_EQ(all.front(), c->current_revision() - 89);
    }
  }
  stop = true;
}

}  // namespace
}  // namespace ktk::apiserver::storage
