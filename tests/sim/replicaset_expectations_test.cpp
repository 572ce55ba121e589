// The ReplicaSet controller's expectations (kube's ControllerExpectations).
#include "../../sim/src/replicaset/expectations.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using ktk::sim::detail::expectations;

TEST(ReplicaSetExpectations, SatisfiedWithoutARecord) {
  expectations e;
  ktk::core::fake_clock clk;
  EXPECT_TRUE(e.check("default/web", "u1", clk.now()).satisfied);
}

TEST(ReplicaSetExpectations, CreationsBlockUntilObserved) {
  expectations e;
  ktk::core::fake_clock clk;
  e.expect_creations("default/web", "u1", 2, clk.now());
  auto s = e.check("default/web", "u1", clk.now());
  EXPECT_FALSE(s.satisfied);
  EXPECT_EQ(s.expires_in, std::chrono::duration_cast<ktk::core::clock::duration>(5min));
  e.creation_observed("default/web", "u1");
  EXPECT_FALSE(e.check("default/web", "u1", clk.now()).satisfied);
  e.creation_observed("default/web", "other-uid");  // another ReplicaSet's Pod
  EXPECT_FALSE(e.check("default/web", "u1", clk.now()).satisfied);
  e.creation_observed("default/web", "u1");
  EXPECT_TRUE(e.check("default/web", "u1", clk.now()).satisfied);
}

TEST(ReplicaSetExpectations, DeletionsCountOncePerPod) {
  expectations e;
  ktk::core::fake_clock clk;
  e.expect_deletions("default/web", "u1", {"default/a", "default/b"}, clk.now());
  e.deletion_observed("default/web", "u1", "default/a");
  e.deletion_observed("default/web", "u1", "default/a");  // marked, then removed
  e.deletion_observed("default/web", "u1", "default/c");  // not one we deleted
  EXPECT_FALSE(e.check("default/web", "u1", clk.now()).satisfied);
  e.deletion_observed("default/web", "u1", "default/b");
  EXPECT_TRUE(e.check("default/web", "u1", clk.now()).satisfied);
}

TEST(ReplicaSetExpectations, ExpireAfterFiveMinutes) {
  expectations e;
  ktk::core::fake_clock clk;
  e.expect_creations("default/web", "u1", 1, clk.now());
  clk.advance(4min + 59s);
  auto s = e.check("default/web", "u1", clk.now());
  EXPECT_FALSE(s.satisfied);
  EXPECT_EQ(s.expires_in, std::chrono::duration_cast<ktk::core::clock::duration>(1s));
  clk.advance(1s);
  EXPECT_TRUE(e.check("default/web", "u1", clk.now()).satisfied);
}

TEST(ReplicaSetExpectations, ARecreatedReplicaSetDropsTheOldRecord) {
  expectations e;
  ktk::core::fake_clock clk;
  e.expect_creations("default/web", "old", 3, clk.now());
  EXPECT_TRUE(e.check("default/web", "new", clk.now()).satisfied);
  EXPECT_EQ(e.size(), 0u);
  e.expect_creations("default/web", "new", 1, clk.now());
  e.forget("default/web");
  EXPECT_TRUE(e.check("default/web", "new", clk.now()).satisfied);
}

}  // namespace
