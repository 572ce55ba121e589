// requests_test.cpp — paths, query parameters and bodies of the verbs.
#include "../../client/src/rest/detail/requests.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace ktk::client::rest::detail;
using ktk::core::json;
using ktk::core::resource_info;

resource_info pods() { return {.resource = {"", "v1", "pods"}, .kind = "Pod", .namespaced = true}; }
resource_info deployments() { return {.resource = {"apps", "v1", "deployments"}, .kind = "Deployment", .namespaced = true}; }
resource_info namespaces() { return {.resource = {"", "v1", "namespaces"}, .kind = "Namespace", .namespaced = false}; }

TEST(requests, core_group_paths) {
  EXPECT_EQ(resource_path(pods(), "default", "web"), "/api/v1/namespaces/default/pods/web");
  EXPECT_EQ(resource_path(pods(), "default", "web", "status"), "/api/v1/namespaces/default/pods/web/status");
  EXPECT_EQ(resource_path(pods(), "default"), "/api/v1/namespaces/default/pods");
  EXPECT_EQ(resource_path(pods(), ""), "/api/v1/pods");
}

TEST(requests, named_group_paths) {
  EXPECT_EQ(resource_path(deployments(), "ns", "d", "scale"), "/apis/apps/v1/namespaces/ns/deployments/d/scale");
}

TEST(requests, cluster_scoped_paths_ignore_the_namespace) {
  EXPECT_EQ(resource_path(namespaces(), "default", "team-a"), "/api/v1/namespaces/team-a");
  EXPECT_EQ(resource_path(namespaces(), ""), "/api/v1/namespaces");
}

TEST(requests, names_are_escaped) {
  EXPECT_EQ(resource_path(pods(), "default", "a b"), "/api/v1/namespaces/default/pods/a%20b");
}

TEST(requests, list_query) {
  EXPECT_EQ(list_query({}).str(), "");
  EXPECT_EQ(list_query({.label_selector = "app=web,tier!=db",
                        .field_selector = "metadata.name=x",
                        .limit = 2,
                        .continue_token = "abc=",
                        .resource_version = "10",
                        .resource_version_match = "NotOlderThan"})
                .str(),
            "?limit=2&continue=abc%3D&resourceVersion=10&resourceVersionMatch=NotOlderThan"
            "&labelSelector=app%3Dweb%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Dx");
}

TEST(requests, watch_query) {
  EXPECT_EQ(watch_query({}).str(), "?watch=true");
  EXPECT_EQ(watch_query({.label_selector = "a=b",
                         .resource_version = "5",
                         .resource_version_match = "NotOlderThan",
                         .allow_bookmarks = true,
                         .send_initial_events = true,
                         .timeout = std::chrono::seconds(30)})
                .str(),
            "?watch=true&allowWatchBookmarks=true&resourceVersion=5&resourceVersionMatch=NotOlderThan"
            "&sendInitialEvents=true&timeoutSeconds=30&labelSelector=a%3Db");
  EXPECT_EQ(watch_query({.send_initial_events = false}).str(), "?watch=true&sendInitialEvents=false");
}

TEST(requests, write_query) {
  EXPECT_EQ(write_query(false, "", "").str(), "");
  EXPECT_EQ(write_query(true, "ctrl", "Strict", true).str(), "?dryRun=All&fieldManager=ctrl&fieldValidation=Strict&force=true");
}

TEST(requests, get_query) {
  EXPECT_EQ(get_query({.resource_version = "0"}).str(), "?resourceVersion=0");
}

TEST(requests, delete_body) {
  EXPECT_EQ(delete_body({}), json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1"})"));
  EXPECT_EQ(delete_body({.dry_run = true,
                         .grace_period_seconds = 0,
                         .propagation_policy = "Foreground",
                         .precondition_uid = "u1",
                         .precondition_resource_version = "7"}),
            json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,
                            "propagationPolicy":"Foreground","preconditions":{"uid":"u1","resourceVersion":"7"},
                            "dryRun":["All"]})"));
}

TEST(requests, scale_body) {
  EXPECT_EQ(scale_body({"default", "web"}, 3),
            json::parse(R"({"apiVersion":"autoscaling/v1","kind":"Scale",
                            "metadata":{"name":"web","namespace":"default"},"spec":{"replicas":3}})"));
}

}  // namespace
