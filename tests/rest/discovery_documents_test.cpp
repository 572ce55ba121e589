// discovery_documents_test.cpp — reading /version, /api, /apis, resource lists and
// aggregated discovery.
#include "../../client/src/rest/detail/discovery_documents.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace ktk::client::rest::detail;
using ktk::core::json;

TEST(discovery_documents, version) {
  auto v = parse_version(json::parse(R"({"major":"1","minor":"31","gitVersion":"v1.31.0","platform":"linux/amd64"})"));
  EXPECT_EQ(v.major, "1");
  EXPECT_EQ(v.minor, "31");
  EXPECT_EQ(v.git_version, "v1.31.0");
  EXPECT_EQ(v.platform, "linux/amd64");
}

TEST(discovery_documents, core_versions_and_groups) {
  EXPECT_EQ(parse_core_versions(json::parse(R"({"kind":"APIVersions","versions":["v1"]})")),
            std::vector<std::string>{"v1"});
  auto groups = parse_group_list(json::parse(R"({"kind":"APIGroupList","groups":[
      {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],
       "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
      {"name":"x.io","versions":[{"version":"v1beta1"},{"version":"v1"}],"preferredVersion":{"version":"v1"}},
      {"versions":[]}]})"));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "apps");
  EXPECT_EQ(groups[0].versions, std::vector<std::string>{"v1"});
  EXPECT_EQ(groups[1].versions, (std::vector<std::string>{"v1", "v1beta1"}));
}

TEST(discovery_documents, resource_list_with_subresources) {
  auto rs = parse_resource_list(json::parse(R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
      {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",
       "verbs":["get","list"],"shortNames":["deploy"],"categories":["all"]},
      {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1",
       "kind":"Scale","verbs":["get","patch","update"]},
      {"name":"deployments/status","namespaced":true,"kind":"Deployment","verbs":["get"]},
      {"name":"things","namespaced":false,"kind":"Thing","verbs":[]}]})"),
                                {"apps", "v1"});
  ASSERT_EQ(rs.size(), 2u);
  const auto& d = rs[0];
  EXPECT_EQ(d.resource, (ktk::core::gvr{"apps", "v1", "deployments"}));
  EXPECT_EQ(d.kind, "Deployment");
  EXPECT_EQ(d.list_kind, "DeploymentList");
  EXPECT_EQ(d.singular, "deployment");
  EXPECT_TRUE(d.namespaced);
  EXPECT_EQ(d.short_names, std::vector<std::string>{"deploy"});
  EXPECT_EQ(d.categories, std::vector<std::string>{"all"});
  EXPECT_EQ(d.verbs, (std::vector<std::string>{"get", "list"}));
  EXPECT_EQ(d.subresources, (std::vector<std::string>{"scale", "status"}));
  EXPECT_FALSE(rs[1].namespaced);
  EXPECT_EQ(rs[1].singular, "thing");  // from the kind when the server gives none
}

TEST(discovery_documents, aggregated) {
  auto rs = parse_aggregated(json::parse(R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2",
    "items":[
      {"metadata":{"creationTimestamp":null},"versions":[{"version":"v1","resources":[
        {"resource":"namespaces","responseKind":{"group":"","version":"","kind":"Namespace"},"scope":"Cluster",
         "singularResource":"namespace","verbs":["get"],"shortNames":["ns"],
         "subresources":[{"subresource":"status","responseKind":{"kind":"Namespace"},"verbs":["get"]}]}]}]},
      {"metadata":{"name":"x.io"},"versions":[
        {"version":"v2","resources":[{"resource":"widgets","responseKind":{"group":"x.io","version":"v2","kind":"Widget"},
          "scope":"Namespaced","singularResource":"widget","verbs":["get"],"categories":["all"]}]},
        {"version":"v1","resources":[{"resource":"widgets","responseKind":{"kind":"Widget"},"scope":"Namespaced",
          "singularResource":"widget","verbs":["get"]}]}]}]})"));
  ASSERT_TRUE(rs);
  ASSERT_EQ(rs->size(), 3u);
  EXPECT_EQ((*rs)[0].resource, (ktk::core::gvr{"", "v1", "namespaces"}));
  EXPECT_FALSE((*rs)[0].namespaced);
  EXPECT_EQ((*rs)[0].kind, "Namespace");
  EXPECT_EQ((*rs)[0].short_names, std::vector<std::string>{"ns"});
  EXPECT_EQ((*rs)[0].subresources, std::vector<std::string>{"status"});
  EXPECT_EQ((*rs)[1].resource, (ktk::core::gvr{"x.io", "v2", "widgets"}));
  EXPECT_EQ((*rs)[1].categories, std::vector<std::string>{"all"});
  EXPECT_EQ((*rs)[2].resource.version, "v1");
}

TEST(discovery_documents, legacy_documents_are_not_aggregated) {
  EXPECT_FALSE(parse_aggregated(json::parse(R"({"kind":"APIGroupList","groups":[]})")));
  EXPECT_FALSE(parse_aggregated(json::parse(R"([1,2])")));
}

TEST(discovery_documents, mistyped_fields_read_as_empty) {
  auto rs = parse_resource_list(json::parse(R"({"resources":[{"name":"a","kind":3,"verbs":"get","namespaced":"yes"},7]})"),
                                {"", "v1"});
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, "");
  EXPECT_TRUE(rs[0].verbs.empty());
  EXPECT_TRUE(rs[0].namespaced);
}

}  // namespace
