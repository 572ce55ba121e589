// discovery_itest.cpp — the discovery client against the embedded server: version,
// groups, resources with subresources, aggregated and legacy discovery agreeing, and
// CRDs appearing.
#include "ktk/client/rest/discovery.hpp"

#include <gmock/gmock.h>

#include <set>

#include "rest_fixture.hpp"

namespace {

using namespace ktk::client::rest::testing;
using ktk::client::rest::discovery_client;
using ::testing::Contains;

class discovery_test : public rest_test {
 protected:
  discovery_client legacy() { return discovery_client(config(), {.aggregated = false}); }
  discovery_client aggregated() { return discovery_client(config(), {.aggregated = true}); }
};

// Everything discovery says about a resource, comparable.
std::string describe(const ktk::core::resource_info& r) {
  std::string s = r.resource.str() + " " + r.kind + " " + r.list_kind + " " + r.singular +
                  (r.namespaced ? " namespaced" : " cluster");
  for (const auto* v : {&r.verbs, &r.short_names, &r.categories, &r.subresources}) {
    s += " [";
    for (const auto& x : *v) s += x + ",";
    s += "]";
  }
  return s;
}

TEST_F(discovery_test, server_version) {
  auto v = legacy().server_version();
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->major, "1");
  EXPECT_EQ(v->git_version, "v1.31.0");
  EXPECT_FALSE(v->platform.empty());
}

TEST_F(discovery_test, server_groups_start_with_the_core_group) {
  auto g = legacy().server_groups();
  ASSERT_TRUE(g) << g.error().message();
  ASSERT_FALSE(g->empty());
  EXPECT_EQ((*g)[0].name, "");
  EXPECT_EQ((*g)[0].versions, std::vector<std::string>{"v1"});
  std::vector<std::string> names;
  for (const auto& x : *g) names.push_back(x.name);
  EXPECT_THAT(names, Contains("apps"));
  EXPECT_THAT(names, Contains("apiextensions.k8s.io"));
}

TEST_F(discovery_test, resources_of_a_group_version_with_subresources) {
  auto rs = legacy().server_resources({"apps", "v1"});
  ASSERT_TRUE(rs) << rs.error().message();
  auto it = std::find_if(rs->begin(), rs->end(), [](const auto& r) { return r.resource.resource == "deployments"; });
  ASSERT_NE(it, rs->end());
  EXPECT_EQ(it->kind, "Deployment");
  EXPECT_EQ(it->singular, "deployment");
  EXPECT_TRUE(it->namespaced);
  EXPECT_TRUE(it->has_subresource("status"));
  EXPECT_TRUE(it->has_subresource("scale"));
  EXPECT_THAT(it->short_names, Contains("deploy"));
  EXPECT_TRUE(it->has_verb("watch"));
  auto pods = legacy().server_resources({"", "v1"});
  ASSERT_TRUE(pods);
  auto p = std::find_if(pods->begin(), pods->end(), [](const auto& r) { return r.resource.resource == "pods"; });
  ASSERT_NE(p, pods->end());
  EXPECT_TRUE(p->has_subresource("status"));
}

TEST_F(discovery_test, an_unknown_group_version_is_not_found) {
  auto rs = legacy().server_resources({"nope.io", "v1"});
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code(), 404);
}

TEST_F(discovery_test, aggregated_and_legacy_discovery_agree) {
  ASSERT_TRUE(c().create(at_crd()));
  auto a = aggregated().server_groups_and_resources();
  auto l = legacy().server_groups_and_resources();
  ASSERT_TRUE(a) << a.error().message();
  ASSERT_TRUE(l) << l.error().message();
  std::set<std::string> as, ls;
  for (const auto& r : *a) as.insert(describe(r));
  for (const auto& r : *l) ls.insert(describe(r));
  EXPECT_EQ(as, ls);
  EXPECT_GT(as.size(), 15u);
}

TEST_F(discovery_test, a_crd_shows_up) {
  auto before = aggregated().rest_mapper();
  ASSERT_TRUE(before);
  EXPECT_FALSE(before->by_kind(at_kind));
  ASSERT_TRUE(c().create(at_crd()));
  auto after = aggregated().rest_mapper();
  ASSERT_TRUE(after);
  auto at = after->resolve("ats");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->kind, "At");
  EXPECT_TRUE(at->has_subresource("status"));
  EXPECT_TRUE(at->has_subresource("scale"));
}

TEST_F(discovery_test, the_mapper_resolves_short_names) {
  auto m = c().discovery().rest_mapper();
  ASSERT_TRUE(m);
  auto po = m->resolve("po");
  ASSERT_TRUE(po);
  EXPECT_EQ(po->resource.resource, "pods");
  auto ns = m->resolve("ns");
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->namespaced);
}

}  // namespace
