// route_test.cpp — API path and URL parsing.
#include "http/route.hpp"

#include <gtest/gtest.h>

namespace {

using ktk::apiserver::http::parse_resource_path;
using ktk::apiserver::http::parse_target;
using ktk::apiserver::http::percent_decode;

TEST(route, namespaced_paths_name_every_part) {
  auto p = parse_resource_path("/apis/apps/v1/namespaces/default/deployments/web/scale");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->gv.group, "apps");
  EXPECT_EQ(p->gv.version, "v1");
  EXPECT_TRUE(p->has_namespace);
  EXPECT_EQ(p->namespace_, "default");
  EXPECT_EQ(p->resource, "deployments");
  EXPECT_EQ(p->name, "web");
  EXPECT_EQ(p->subresource, "scale");
}

TEST(route, core_and_cluster_scoped_paths) {
  auto nodes = parse_resource_path("/api/v1/nodes/n1");
  ASSERT_TRUE(nodes);
  EXPECT_EQ(nodes->gv.group, "");
  EXPECT_FALSE(nodes->has_namespace);
  EXPECT_EQ(nodes->resource, "nodes");
  EXPECT_EQ(nodes->name, "n1");
  auto all_pods = parse_resource_path("/api/v1/pods");
  ASSERT_TRUE(all_pods);
  EXPECT_EQ(all_pods->resource, "pods");
  EXPECT_TRUE(all_pods->name.empty());
}

TEST(route, a_namespace_and_its_own_subresources_are_not_a_namespaced_path) {
  auto ns = parse_resource_path("/api/v1/namespaces/web");
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->has_namespace);
  EXPECT_EQ(ns->resource, "namespaces");
  EXPECT_EQ(ns->name, "web");
  auto status = parse_resource_path("/api/v1/namespaces/web/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->resource, "namespaces");
  EXPECT_EQ(status->subresource, "status");
  auto fin = parse_resource_path("/api/v1/namespaces/web/finalize");
  ASSERT_TRUE(fin);
  EXPECT_EQ(fin->subresource, "finalize");
  auto pods = parse_resource_path("/api/v1/namespaces/web/pods");
  ASSERT_TRUE(pods);
  EXPECT_TRUE(pods->has_namespace);
  EXPECT_EQ(pods->resource, "pods");
}

TEST(route, the_legacy_watch_prefix_is_recognised) {
  auto p = parse_resource_path("/api/v1/watch/namespaces/default/pods");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->legacy_watch);
  EXPECT_EQ(p->namespace_, "default");
  EXPECT_EQ(p->resource, "pods");
}

TEST(route, paths_outside_the_api_or_too_deep_are_rejected) {
  EXPECT_FALSE(parse_resource_path("/api/v2/pods"));
  EXPECT_FALSE(parse_resource_path("/api/v1"));
  EXPECT_FALSE(parse_resource_path("/apis/apps"));
  EXPECT_FALSE(parse_resource_path("/foo/v1/pods"));
  EXPECT_FALSE(parse_resource_path("/api/v1/namespaces/a/pods/b/status/extra"));
}

TEST(route, percent_decoding) {
  EXPECT_EQ(percent_decode("a%3Db%2Cc", false), "a=b,c");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("abc%2", false));
  EXPECT_FALSE(percent_decode("abc%", false));
}

TEST(route, targets_split_into_path_and_decoded_query) {
  auto t = parse_target("/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+(a)&watch&limit=5");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/pods");
  ASSERT_EQ(t->query.size(), 3u);
  EXPECT_EQ(t->query[0].first, "labelSelector");
  EXPECT_EQ(t->query[0].second, "app=web,tier in (a)");
  EXPECT_EQ(t->query[1].first, "watch");
  EXPECT_EQ(t->query[1].second, "");
  EXPECT_EQ(t->query[2].second, "5");
  EXPECT_FALSE(parse_target("/api/v1/pods?x=%g0"));
}

}  // namespace
