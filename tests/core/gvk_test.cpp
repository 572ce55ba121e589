// Tests for ktk::core group/version/kind/resource names: parsing apiVersion and the
// string forms apimachinery prints.
#include "ktk/core/gvk.hpp"

#include <unordered_set>

#include <gtest/gtest.h>

namespace {

using ktk::core::group_version;
using ktk::core::gvk;
using ktk::core::gvr;

TEST(GroupVersion, Parse) {
  EXPECT_EQ(group_version::parse("v1"), (group_version{"", "v1"}));
  EXPECT_EQ(group_version::parse("apps/v1"), (group_version{"apps", "v1"}));
  EXPECT_EQ(group_version::parse("apiextensions.k8s.io/v1beta1"),
            (group_version{"apiextensions.k8s.io", "v1beta1"}));
  EXPECT_EQ(group_version::parse(""), (group_version{"", ""}));
}

TEST(GroupVersion, Str) {
  EXPECT_EQ((group_version{"", "v1"}).str(), "v1");
  EXPECT_EQ((group_version{"apps", "v1"}).str(), "apps/v1");
  for (const char* s : {"v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1"}) {
    EXPECT_EQ(group_version::parse(s).str(), s);
  }
}

TEST(Gvk, FromApiVersionAndBack) {
  auto k = gvk::from_api_version("apps/v1", "Deployment");
  EXPECT_EQ(k, (gvk{"apps", "v1", "Deployment"}));
  EXPECT_EQ(k.api_version(), "apps/v1");
  EXPECT_EQ(k.gv(), (group_version{"apps", "v1"}));
  EXPECT_EQ(gvk::from_api_version("v1", "Pod"), (gvk{"", "v1", "Pod"}));
  EXPECT_EQ((gvk{"", "v1", "Pod"}).api_version(), "v1");
}

TEST(Gvk, StrLikeApimachinery) {
  EXPECT_EQ((gvk{"apps", "v1", "Deployment"}).str(), "apps/v1, Kind=Deployment");
  EXPECT_EQ((gvk{"", "v1", "Pod"}).str(), "/v1, Kind=Pod");
}

TEST(Gvr, GroupResourceAndStr) {
  gvr d{"apps", "v1", "deployments"};
  EXPECT_EQ(d.group_resource(), "deployments.apps");
  EXPECT_EQ(d.str(), "apps/v1, Resource=deployments");
  EXPECT_EQ(d.gv(), (group_version{"apps", "v1"}));
  gvr p{"", "v1", "pods"};
  EXPECT_EQ(p.group_resource(), "pods");
  EXPECT_EQ(p.str(), "/v1, Resource=pods");
}

TEST(GroupResource, Str) {
  EXPECT_EQ((ktk::core::group_resource{"", "pods"}).str(), "pods");
  EXPECT_EQ((ktk::core::group_resource{"batch", "jobs"}).str(), "jobs.batch");
}

TEST(ObjectKey, StrAndHash) {
  EXPECT_EQ((ktk::core::object_key{"default", "web"}).str(), "default/web");
  EXPECT_EQ((ktk::core::object_key{"", "node-1"}).str(), "node-1");
  std::unordered_set<ktk::core::object_key> keys{{"a", "b"}, {"a", "b"}, {"b", "a"}};
  EXPECT_EQ(keys.size(), 2u);
  std::unordered_set<gvr> rs{{"", "v1", "pods"}, {"", "v1", "pods"}, {"apps", "v1", "pods"}};
  EXPECT_EQ(rs.size(), 2u);
}

TEST(Gvk, Ordering) {
  EXPECT_LT((gvk{"", "v1", "Pod"}), (gvk{"apps", "v1", "Deployment"}));
  EXPECT_NE((gvr{"", "v1", "pods"}), (gvr{"", "v2", "pods"}));
}

}  // namespace
