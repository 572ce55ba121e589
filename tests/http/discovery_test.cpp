// Tests for the discovery documents: /api, /apis, /apis/{g}, resource lists, the
// aggregated v2/v2beta1 lists, Accept negotiation and /version, for the built-ins and
// for CRDs added to and removed from the mapper. Expected values come from
// kube-apiserver 1.31 (hashes are sha256-based and match a real cluster's).
#include "http/discovery.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/discovery_detail.hpp"

namespace {

namespace discovery = ktk::apiserver::http::discovery;
using ktk::core::json;
using ktk::core::resource_info;
using ktk::core::rest_mapper;
using ::testing::ElementsAre;

const std::vector<std::string> crd_verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};

resource_info crontab(std::string version = "v1") {
  resource_info r;
  r.resource = {"stable.example.com", std::move(version), "crontabs"};
  r.kind = "CronTab";
  r.list_kind = "CronTabList";
  r.singular = "crontab";
  r.namespaced = true;
  r.short_names = {"ct"};
  r.categories = {"all", "cron"};
  r.verbs = crd_verbs;
  r.subresources = {"scale", "status"};  // order as given must not matter
  return r;
}

resource_info network() {
  resource_info r;
  r.resource = {"net.example.com", "v1", "networks"};
  r.kind = "Network";
  r.list_kind = "NetworkList";
  r.singular = "network";
  r.namespaced = false;
  r.verbs = crd_verbs;
  return r;
}

std::vector<std::string> names(const json& arr, const char* key) {
  std::vector<std::string> out;
  for (const auto& e : arr) out.push_back(e.at(key).get<std::string>());
  return out;
}

const json& entry(const json& arr, const char* key, const std::string& value) {
  for (const auto& e : arr) {
    if (e.at(key) == value) return e;
  }
  static const json none;
  ADD_FAILURE() << "no entry with " << key << "=" << value << " in " << arr.dump();
  return none;
}

std::vector<std::string> group_names(const json& list) {
  std::vector<std::string> out;
  for (const auto& g : list.at("groups")) out.push_back(g.at("name").get<std::string>());
  return out;
}

// The built-in groups in kube's priority order (/apis has no core group), then `crd_groups`.
const std::vector<std::string> builtin_groups = {"apps",
                                                 "authentication.k8s.io",
                                                 "authorization.k8s.io",
                                                 "batch",
                                                 "rbac.authorization.k8s.io",
                                                 "admissionregistration.k8s.io",
                                                 "apiextensions.k8s.io",
                                                 "coordination.k8s.io"};
std::vector<std::string> groups_then(std::vector<std::string> crd_groups) {
  std::vector<std::string> out = builtin_groups;
  out.insert(out.end(), crd_groups.begin(), crd_groups.end());
  return out;
}
// The index of a group in the /apis and aggregated lists.
std::size_t index_of(const std::string& group, const std::vector<std::string>& groups) {
  return static_cast<std::size_t>(std::find(groups.begin(), groups.end(), group) - groups.begin());
}

std::vector<std::string> item_names(const json& list) {
  std::vector<std::string> out;
  for (const auto& i : list.at("items")) out.push_back(i.at("metadata").value("name", ""));
  return out;
}

// --- /api and /apis ---------------------------------------------------------------------

TEST(DiscoveryTest, CoreVersions) {
  EXPECT_EQ(discovery::core_versions("127.0.0.1:6443"),
            json::parse(R"({"kind":"APIVersions","versions":["v1"],
              "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]})"));
}

TEST(DiscoveryTest, GroupListOfBuiltinsIsInKubePriorityOrderWithoutCore) {
  auto m = rest_mapper::with_builtins();
  json l = discovery::group_list(m);
  EXPECT_EQ(l.at("kind"), "APIGroupList");
  EXPECT_EQ(l.at("apiVersion"), "v1");
  EXPECT_EQ(group_names(l), builtin_groups);
  EXPECT_EQ(l["groups"][0], json::parse(R"({"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],
              "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}})"));
}

TEST(DiscoveryTest, GroupListPutsCrdGroupsLastByNameAndOrdersVersionsKubeAware) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab("v1alpha1"));
  m.add(network());
  m.add(crontab("v1beta1"));
  m.add(crontab("v1"));
  m.add(crontab("v2beta1"));
  json l = discovery::group_list(m);
  const auto want = groups_then({"net.example.com", "stable.example.com"});
  EXPECT_EQ(group_names(l), want);
  const json& g = l["groups"][index_of("stable.example.com", want)];
  EXPECT_THAT(names(g["versions"], "version"), ElementsAre("v1", "v2beta1", "v1beta1", "v1alpha1"));
  EXPECT_EQ(g["versions"][0]["groupVersion"], "stable.example.com/v1");
  EXPECT_EQ(g["preferredVersion"], json::parse(R"({"groupVersion":"stable.example.com/v1","version":"v1"})"));
}

TEST(DiscoveryTest, EmptyMapperServesEmptyLists) {
  rest_mapper m;
  EXPECT_EQ(discovery::group_list(m)["groups"], json::array());
  EXPECT_EQ(discovery::aggregated(m, false, "v2")["items"], json::array());
  EXPECT_EQ(discovery::aggregated(m, true, "v2")["items"], json::array());
}

// --- /apis/{group} ----------------------------------------------------------------------

TEST(DiscoveryTest, GroupDocument) {
  auto m = rest_mapper::with_builtins();
  auto g = discovery::group(m, "batch");
  ASSERT_TRUE(g);
  EXPECT_EQ(*g, json::parse(R"({"kind":"APIGroup","apiVersion":"v1","name":"batch",
              "versions":[{"groupVersion":"batch/v1","version":"v1"}],
              "preferredVersion":{"groupVersion":"batch/v1","version":"v1"}})"));
}

TEST(DiscoveryTest, GroupUnknownOrCoreIsNotServed) {
  auto m = rest_mapper::with_builtins();
  EXPECT_FALSE(discovery::group(m, "nope.example.com"));
  EXPECT_FALSE(discovery::group(m, ""));
  EXPECT_FALSE(discovery::group(m, "stable.example.com"));
}

TEST(DiscoveryTest, CrdGroupPrefersHighestKubeAwareVersion) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab("v1beta1"));
  m.add(crontab("v1"));
  auto g = discovery::group(m, "stable.example.com");
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)["preferredVersion"]["version"], "v1");
  EXPECT_THAT(names((*g)["versions"], "groupVersion"), ElementsAre("stable.example.com/v1", "stable.example.com/v1beta1"));
}

// --- /api/v1 and /apis/{group}/{version} ------------------------------------------------

TEST(DiscoveryTest, CoreResourceListIsSortedByPathWithSubresourceEntries) {
  auto m = rest_mapper::with_builtins();
  auto l = discovery::resource_list(m, {"", "v1"});
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)["kind"], "APIResourceList");
  EXPECT_EQ((*l)["apiVersion"], "v1");
  EXPECT_EQ((*l)["groupVersion"], "v1");
  EXPECT_THAT(names((*l)["resources"], "name"),
              ElementsAre("configmaps", "endpoints", "events", "namespaces", "namespaces/finalize", "namespaces/status",
                          "nodes", "nodes/status", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                          "pods/binding", "pods/ephemeralcontainers", "pods/status", "secrets", "serviceaccounts",
                          "services", "services/status"));
}

TEST(DiscoveryTest, CoreResourceEntries) {
  auto m = rest_mapper::with_builtins();
  const json res = (*discovery::resource_list(m, {"", "v1"}))["resources"];
  EXPECT_EQ(entry(res, "name", "pods"), json::parse(R"({"name":"pods","singularName":"pod","namespaced":true,
              "kind":"Pod","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],
              "shortNames":["po"],"categories":["all"],"storageVersionHash":"xPOwRZ+Yhw8="})"));
  EXPECT_EQ(entry(res, "name", "pods/binding"), json::parse(R"({"name":"pods/binding","singularName":"",
              "namespaced":true,"kind":"Binding","verbs":["create"]})"));
  EXPECT_EQ(entry(res, "name", "pods/status"), json::parse(R"({"name":"pods/status","singularName":"",
              "namespaced":true,"kind":"Pod","verbs":["get","patch","update"]})"));
  EXPECT_EQ(entry(res, "name", "namespaces/finalize"), json::parse(R"({"name":"namespaces/finalize",
              "singularName":"","namespaced":false,"kind":"Namespace","verbs":["update"]})"));
  const json& ns = entry(res, "name", "namespaces");
  EXPECT_EQ(ns["namespaced"], false);
  EXPECT_EQ(ns["storageVersionHash"], "Q3oi5N2YM8M=");
  // Empty shortNames and categories are omitted, as Go's omitempty does.
  const json& secrets = entry(res, "name", "secrets");
  EXPECT_FALSE(secrets.contains("shortNames"));
  EXPECT_FALSE(secrets.contains("categories"));
  EXPECT_FALSE(secrets.contains("group"));
  EXPECT_EQ(secrets["singularName"], "secret");
}

TEST(DiscoveryTest, AppsResourceListWithScaleInAutoscaling) {
  auto m = rest_mapper::with_builtins();
  auto l = discovery::resource_list(m, {"apps", "v1"});
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)["groupVersion"], "apps/v1");
  const json& res = (*l)["resources"];
  EXPECT_THAT(names(res, "name"),
              ElementsAre("daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                          "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                          "statefulsets/scale", "statefulsets/status"));
  const json& d = entry(res, "name", "deployments");
  EXPECT_EQ(d["storageVersionHash"], "8aSe+NMegvE=");
  EXPECT_EQ(d["shortNames"], json::array({"deploy"}));
  EXPECT_EQ(d["categories"], json::array({"all"}));
  EXPECT_EQ(entry(res, "name", "deployments/scale"), json::parse(R"({"name":"deployments/scale","singularName":"",
              "namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]})"));
  EXPECT_EQ(entry(res, "name", "deployments/status"), json::parse(R"({"name":"deployments/status","singularName":"",
              "namespaced":true,"kind":"Deployment","verbs":["get","patch","update"]})"));
}

TEST(DiscoveryTest, RbacResourceList) {
  auto m = rest_mapper::with_builtins();
  auto l = discovery::resource_list(m, {"rbac.authorization.k8s.io", "v1"});
  ASSERT_TRUE(l);
  const json& res = (*l)["resources"];
  EXPECT_THAT(names(res, "name"), ElementsAre("clusterrolebindings", "clusterroles", "rolebindings", "roles"));
  EXPECT_EQ(entry(res, "name", "roles"), json::parse(R"({"name":"roles","singularName":"role","namespaced":true,
              "kind":"Role","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],
              "storageVersionHash":"7FuwZcIIItM="})"));
  EXPECT_EQ(entry(res, "name", "clusterrolebindings")["storageVersionHash"], "48tpQ8gZHFc=");
  EXPECT_EQ(entry(res, "name", "clusterrolebindings")["namespaced"], false);
  EXPECT_EQ(entry(res, "name", "clusterroles")["storageVersionHash"], "bYE5ZWDrJ44=");
  EXPECT_EQ(entry(res, "name", "rolebindings")["storageVersionHash"], "eGsCzGH6b1g=");
}

// The review resources take only a POST and are not stored: no storage version hash.
TEST(DiscoveryTest, ReviewResourceListsAreCreateOnly) {
  auto m = rest_mapper::with_builtins();
  auto authz = discovery::resource_list(m, {"authorization.k8s.io", "v1"});
  ASSERT_TRUE(authz);
  const json& res = (*authz)["resources"];
  EXPECT_THAT(names(res, "name"), ElementsAre("localsubjectaccessreviews", "selfsubjectaccessreviews",
                                              "selfsubjectrulesreviews", "subjectaccessreviews"));
  EXPECT_EQ(entry(res, "name", "localsubjectaccessreviews"),
            json::parse(R"({"name":"localsubjectaccessreviews","singularName":"localsubjectaccessreview",
              "namespaced":true,"kind":"LocalSubjectAccessReview","verbs":["create"]})"));
  EXPECT_EQ(entry(res, "name", "selfsubjectaccessreviews"),
            json::parse(R"({"name":"selfsubjectaccessreviews","singularName":"selfsubjectaccessreview",
              "namespaced":false,"kind":"SelfSubjectAccessReview","verbs":["create"]})"));
  auto authn = discovery::resource_list(m, {"authentication.k8s.io", "v1"});
  ASSERT_TRUE(authn);
  EXPECT_EQ((*authn)["resources"], json::parse(R"([
      {"name":"selfsubjectreviews","singularName":"selfsubjectreview","namespaced":false,"kind":"SelfSubjectReview",
       "verbs":["create"]},
      {"name":"tokenreviews","singularName":"tokenreview","namespaced":false,"kind":"TokenReview",
       "verbs":["create"]}])"));

  json d = discovery::aggregated(m, false, "v2");
  const json& versions = d["items"][index_of("authorization.k8s.io", builtin_groups)]["versions"];
  EXPECT_EQ(entry(versions[0]["resources"], "resource", "subjectaccessreviews"),
            json::parse(R"({"resource":"subjectaccessreviews",
              "responseKind":{"group":"","version":"","kind":"SubjectAccessReview"},"scope":"Cluster",
              "singularResource":"subjectaccessreview","verbs":["create"]})"));
}

TEST(DiscoveryTest, ResourceListUnknownGroupVersionIsNotServed) {
  auto m = rest_mapper::with_builtins();
  EXPECT_FALSE(discovery::resource_list(m, {"apps", "v2"}));
  EXPECT_FALSE(discovery::resource_list(m, {"nope.example.com", "v1"}));
  EXPECT_FALSE(discovery::resource_list(m, {"", "v2"}));
}

TEST(DiscoveryTest, CrdResourceListListsStatusThenScale) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab());
  auto l = discovery::resource_list(m, {"stable.example.com", "v1"});
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)["groupVersion"], "stable.example.com/v1");
  const json& res = (*l)["resources"];
  ASSERT_EQ(res.size(), 3u);
  EXPECT_EQ(res[0], json::parse(R"({"name":"crontabs","singularName":"crontab","namespaced":true,"kind":"CronTab",
              "verbs":["delete","deletecollection","get","list","patch","create","update","watch"],
              "shortNames":["ct"],"categories":["all","cron"],"storageVersionHash":"EdX2FP+L0js="})"));
  EXPECT_EQ(res[1], json::parse(R"({"name":"crontabs/status","singularName":"","namespaced":true,"kind":"CronTab",
              "verbs":["get","patch","update"]})"));
  EXPECT_EQ(res[2], json::parse(R"({"name":"crontabs/scale","singularName":"","namespaced":true,
              "group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]})"));
}

TEST(DiscoveryTest, ClusterScopedCrdResourceList) {
  auto m = rest_mapper::with_builtins();
  m.add(network());
  auto l = discovery::resource_list(m, {"net.example.com", "v1"});
  ASSERT_TRUE(l);
  ASSERT_EQ((*l)["resources"].size(), 1u);
  EXPECT_EQ((*l)["resources"][0], json::parse(R"({"name":"networks","singularName":"network","namespaced":false,
              "kind":"Network","verbs":["delete","deletecollection","get","list","patch","create","update","watch"],
              "storageVersionHash":"9oGV0wF2Cbs="})"));
}

TEST(DiscoveryTest, RemovedCrdDisappearsEverywhere) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab());
  m.add(network());
  ASSERT_TRUE(discovery::group(m, "stable.example.com"));
  ASSERT_TRUE(m.remove({"stable.example.com", "v1", "crontabs"}));
  EXPECT_FALSE(discovery::group(m, "stable.example.com"));
  EXPECT_FALSE(discovery::resource_list(m, {"stable.example.com", "v1"}));
  EXPECT_EQ(group_names(discovery::group_list(m)), groups_then({"net.example.com"}));
  EXPECT_EQ(item_names(discovery::aggregated(m, false, "v2")), groups_then({"net.example.com"}));
}

TEST(DiscoveryTest, RemovingOneVersionKeepsTheOthers) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab("v1"));
  m.add(crontab("v1beta1"));
  m.remove({"stable.example.com", "v1", "crontabs"});
  auto g = discovery::group(m, "stable.example.com");
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)["preferredVersion"]["version"], "v1beta1");
  EXPECT_FALSE(discovery::resource_list(m, {"stable.example.com", "v1"}));
  EXPECT_TRUE(discovery::resource_list(m, {"stable.example.com", "v1beta1"}));
}

// --- aggregated -------------------------------------------------------------------------

TEST(DiscoveryTest, AggregatedCoreHasOnlyTheLegacyGroup) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab());
  json d = discovery::aggregated(m, true, "v2");
  EXPECT_EQ(d["kind"], "APIGroupDiscoveryList");
  EXPECT_EQ(d["apiVersion"], "apidiscovery.k8s.io/v2");
  EXPECT_EQ(d["metadata"], json::object());
  ASSERT_EQ(d["items"].size(), 1u);
  const json& item = d["items"][0];
  // Go's ObjectMeta: empty name omitted, zero creationTimestamp as null.
  EXPECT_EQ(item["metadata"], json::parse(R"({"creationTimestamp":null})"));
  ASSERT_EQ(item["versions"].size(), 1u);
  const json& v1 = item["versions"][0];
  EXPECT_EQ(v1["version"], "v1");
  EXPECT_EQ(v1["freshness"], "Current");
  EXPECT_THAT(names(v1["resources"], "resource"),
              ElementsAre("configmaps", "endpoints", "events", "namespaces", "nodes", "persistentvolumeclaims", "pods",
                          "secrets", "serviceaccounts", "services"));
  EXPECT_EQ(entry(v1["resources"], "resource", "pods"), json::parse(R"({"resource":"pods",
      "responseKind":{"group":"","version":"","kind":"Pod"},"scope":"Namespaced","singularResource":"pod",
      "verbs":["create","delete","deletecollection","get","list","patch","update","watch"],
      "shortNames":["po"],"categories":["all"],
      "subresources":[
        {"subresource":"binding","responseKind":{"group":"","version":"","kind":"Binding"},"verbs":["create"]},
        {"subresource":"ephemeralcontainers","responseKind":{"group":"","version":"","kind":"Pod"},"verbs":["get","patch","update"]},
        {"subresource":"status","responseKind":{"group":"","version":"","kind":"Pod"},"verbs":["get","patch","update"]}]})"));
  const json& secrets = entry(v1["resources"], "resource", "secrets");
  EXPECT_EQ(secrets["scope"], "Namespaced");
  EXPECT_FALSE(secrets.contains("subresources"));
  EXPECT_FALSE(secrets.contains("shortNames"));
  EXPECT_FALSE(secrets.contains("categories"));
  EXPECT_EQ(entry(v1["resources"], "resource", "nodes")["scope"], "Cluster");
}

TEST(DiscoveryTest, AggregatedApisListsNamedGroupsInOrder) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab());
  m.add(network());
  json d = discovery::aggregated(m, false, "v2");
  const auto want = groups_then({"net.example.com", "stable.example.com"});
  EXPECT_EQ(item_names(d), want);
  EXPECT_EQ(d["items"][0]["metadata"], json::parse(R"({"name":"apps","creationTimestamp":null})"));
  const json& apps = d["items"][0]["versions"][0];
  EXPECT_EQ(apps["version"], "v1");
  EXPECT_EQ(apps["freshness"], "Current");
  const json& dep = entry(apps["resources"], "resource", "deployments");
  EXPECT_EQ(dep["responseKind"], json::parse(R"({"group":"","version":"","kind":"Deployment"})"));
  EXPECT_EQ(dep["subresources"], json::parse(R"([
      {"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]},
      {"subresource":"status","responseKind":{"group":"","version":"","kind":"Deployment"},"verbs":["get","patch","update"]}])"));
  const json& crd = entry(d["items"][index_of("apiextensions.k8s.io", want)]["versions"][0]["resources"], "resource",
                          "customresourcedefinitions");
  EXPECT_EQ(crd["scope"], "Cluster");
  EXPECT_EQ(crd["shortNames"], json::array({"crd", "crds"}));
  EXPECT_EQ(crd["categories"], json::array({"api-extensions"}));
}

TEST(DiscoveryTest, AggregatedCrdsCarryTheirGroupVersion) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab());
  m.add(network());
  json d = discovery::aggregated(m, false, "v2beta1");
  EXPECT_EQ(d["apiVersion"], "apidiscovery.k8s.io/v2beta1");
  const auto groups = groups_then({"net.example.com", "stable.example.com"});
  ASSERT_EQ(item_names(d), groups);
  EXPECT_EQ(d["items"][index_of("stable.example.com", groups)]["versions"][0]["resources"][0], json::parse(R"({"resource":"crontabs",
      "responseKind":{"group":"stable.example.com","version":"v1","kind":"CronTab"},"scope":"Namespaced",
      "singularResource":"crontab","verbs":["delete","deletecollection","get","list","patch","create","update","watch"],
      "shortNames":["ct"],"categories":["all","cron"],
      "subresources":[
        {"subresource":"status","responseKind":{"group":"stable.example.com","version":"v1","kind":"CronTab"},"verbs":["get","patch","update"]},
        {"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]}]})"));
  EXPECT_EQ(d["items"][index_of("net.example.com", groups)]["versions"][0]["resources"][0],
            json::parse(R"({"resource":"networks",
      "responseKind":{"group":"net.example.com","version":"v1","kind":"Network"},"scope":"Cluster",
      "singularResource":"network","verbs":["delete","deletecollection","get","list","patch","create","update","watch"]})"));
}

TEST(DiscoveryTest, AggregatedVersionsArePreferredFirst) {
  auto m = rest_mapper::with_builtins();
  m.add(crontab("v1beta1"));
  m.add(crontab("v1"));
  json d = discovery::aggregated(m, false, "v2");
  const json& g = d["items"].back();
  EXPECT_EQ(g["metadata"]["name"], "stable.example.com");
  EXPECT_THAT(names(g["versions"], "version"), ElementsAre("v1", "v1beta1"));
  EXPECT_EQ(g["versions"][1]["resources"][0]["responseKind"]["version"], "v1beta1");
}

// --- Accept -----------------------------------------------------------------------------

TEST(DiscoveryAcceptTest, KubectlHeaderPicksV2) {
  EXPECT_EQ(discovery::wants_aggregated(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"),
            "v2");
}

TEST(DiscoveryAcceptTest, V2beta1Only) {
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"),
            "v2beta1");
}

TEST(DiscoveryAcceptTest, LegacyClients) {
  EXPECT_EQ(discovery::wants_aggregated(""), std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json"), std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("*/*"), std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json, */*"), std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"), std::nullopt);
}

TEST(DiscoveryAcceptTest, SpacesAroundSeparators) {
  EXPECT_EQ(discovery::wants_aggregated(
                " application/json ; g=apidiscovery.k8s.io ; v=v2beta1 ; as=APIGroupDiscoveryList , application/json"),
            "v2beta1");
}

TEST(DiscoveryAcceptTest, QValuesOrderTheRanges) {
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,"
                                        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList;q=0.9"),
            "v2beta1");
  // q=0 means "not acceptable".
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,"
                                        "application/json"),
            std::nullopt);
}

// kube-apiserver's discovery endpoint skips ranges without as/g/v, so a plain
// application/json listed first does not stop a later aggregated range.
TEST(DiscoveryAcceptTest, PlainJsonFirstStillGetsAggregatedLikeKube) {
  EXPECT_EQ(discovery::wants_aggregated(
                "application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
            "v2");
}

TEST(DiscoveryAcceptTest, UnservableRangesAreSkipped) {
  // Protobuf is not served: the client's JSON fallback decides.
  EXPECT_EQ(discovery::wants_aggregated("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;"
                                        "as=APIGroupDiscoveryList,"
                                        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"),
            "v2beta1");
  EXPECT_EQ(discovery::wants_aggregated("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;"
                                        "as=APIGroupDiscoveryList,application/json"),
            std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v1;as=APIGroupDiscoveryList"),
            std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=other.k8s.io;v=v2;as=APIGroupDiscoveryList"), std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupList"), std::nullopt);
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2"), std::nullopt);
  // The discovery endpoint refuses a server version (sv).
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;sv=v1"),
            std::nullopt);
}

TEST(DiscoveryAcceptTest, WildcardsAndCaseOfTheMediaType) {
  EXPECT_EQ(discovery::wants_aggregated("application/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"), "v2");
  EXPECT_EQ(discovery::wants_aggregated("*/*;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"), "v2beta1");
  EXPECT_EQ(discovery::wants_aggregated("Application/JSON;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"), "v2");
  // A concrete type outranks a wildcard of the same q.
  EXPECT_EQ(discovery::wants_aggregated("*/*;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                                        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
            "v2");
}

TEST(DiscoveryAcceptTest, MalformedRangesAreIgnored) {
  EXPECT_EQ(discovery::wants_aggregated(",;,garbage,a/b/c,/json,application/json;novalue;g=apidiscovery.k8s.io;"
                                        "v=v2;as=APIGroupDiscoveryList"),
            "v2");
  EXPECT_EQ(discovery::wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=abc"),
            std::nullopt);
}

// --- /version ---------------------------------------------------------------------------

TEST(DiscoveryTest, VersionInfo) {
  json v = discovery::version_info();
  EXPECT_EQ(v["major"], "1");
  EXPECT_EQ(v["minor"], "31");
  EXPECT_EQ(v["gitVersion"], "v1.31.0");
  EXPECT_EQ(v["gitTreeState"], "clean");
  EXPECT_EQ(v["goVersion"], "go1.22.5");
  EXPECT_EQ(v["compiler"], "gc");
  EXPECT_EQ(v["platform"], "linux/amd64");
  EXPECT_EQ(v["gitCommit"].get<std::string>().size(), 40u);
  EXPECT_FALSE(v["buildDate"].get<std::string>().empty());
  EXPECT_EQ(v["ktkVersion"], "0.1.0");
}

// --- helpers ----------------------------------------------------------------------------

TEST(DiscoveryDetailTest, KubeAwareVersionOrder) {
  std::vector<std::string> v = {"foo10", "v1",       "v11alpha2", "v10beta3", "v2",  "foo1",
                                "v3beta1", "v12alpha1", "v11beta2", "v10",      "v1x"};
  std::stable_sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) {
    return discovery::detail::compare_kube_aware_versions(a, b) > 0;
  });
  EXPECT_THAT(v, ElementsAre("v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "foo1",
                             "foo10", "v1x"));
  EXPECT_EQ(discovery::detail::compare_kube_aware_versions("v1", "v1"), 0);
}

TEST(DiscoveryDetailTest, Sha256KnownVectors) {
  auto hex = [](const std::string& s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
      out.push_back(d[c >> 4]);
      out.push_back(d[c & 15]);
    }
    return out;
  };
  EXPECT_EQ(hex(discovery::detail::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(discovery::detail::sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(discovery::detail::sha256(std::string(1000, 'a'))),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

}  // namespace
