// Custom resources in /openapi/v3 and /openapi/v2: their CRD's schema under kube's
// reversed-group name, with the paths kubectl looks for.
#include <gtest/gtest.h>

#include "http/openapi.hpp"
#include "openapi_test_util.hpp"

namespace ktk::apiserver::http {
namespace {

using core::json;
using namespace openapi_test;

const core::group_version stable_v1{"stable.example.com", "v1"};
const std::string crontab = "com.example.stable.v1.CronTab";

core::resource_info crontab_info(bool namespaced = true) {
  core::resource_info r;
  r.resource = {"stable.example.com", "v1", "crontabs"};
  r.kind = "CronTab";
  r.list_kind = "CronTabList";
  r.singular = "crontab";
  r.namespaced = namespaced;
  r.verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  r.subresources = {"status", "scale"};
  return r;
}

TEST(OpenApiCrd, SchemaIsTheCrdsWithTypeMetaAndObjectMetaAdded) {
  auto m = core::rest_mapper::with_builtins();
  m.add(crontab_info());
  auto doc = openapi::v3_group_version(m, {crontab_crd()}, stable_v1);
  ASSERT_TRUE(doc);
  const json& schemas = (*doc)["components"]["schemas"];
  ASSERT_TRUE(schemas.contains(crontab));
  const json& s = schemas[crontab];
  EXPECT_EQ(s["x-kubernetes-group-version-kind"],
            json::parse(R"([{"group":"stable.example.com","kind":"CronTab","version":"v1"}])"));
  EXPECT_EQ(s["description"], "A cron tab.");
  EXPECT_EQ(s["properties"]["spec"]["properties"]["cronSpec"]["description"], "The schedule.");
  EXPECT_EQ(s["properties"]["spec"]["required"], json::array({"cronSpec"}));
  EXPECT_EQ(s["properties"]["apiVersion"]["type"], "string");
  EXPECT_EQ(s["properties"]["kind"]["type"], "string");
  EXPECT_EQ(s["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  EXPECT_EQ(s["properties"]["spec"]["properties"]["image"]["default"], "busybox") << "v3 keeps the CRD as written";
  const json& list = schemas["com.example.stable.v1.CronTabList"];
  EXPECT_EQ(list["x-kubernetes-group-version-kind"][0]["kind"], "CronTabList");
  EXPECT_EQ(list["properties"]["items"]["items"]["$ref"], "#/components/schemas/" + crontab);
  EXPECT_TRUE(schemas.contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  EXPECT_TRUE(schemas.contains("io.k8s.apimachinery.pkg.apis.meta.v1.Status"));
  EXPECT_TRUE(schemas.contains("io.k8s.api.autoscaling.v1.Scale"));
  EXPECT_FALSE(schemas.contains("io.k8s.api.core.v1.Pod"));
  EXPECT_EQ(unresolved_refs(*doc, "#/components/schemas/", schemas), std::vector<std::string>{});
}

TEST(OpenApiCrd, ExplainAndFieldValidationFindTheCustomKind) {
  auto m = core::rest_mapper::with_builtins();
  m.add(crontab_info());
  auto doc = openapi::v3_group_version(m, {crontab_crd()}, stable_v1);
  ASSERT_TRUE(doc);
  core::gvk k{"stable.example.com", "v1", "CronTab"};
  auto found = explain_gvk(*doc, {"stable.example.com", "v1", "crontabs"});
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, k);
  const json* s = explain_schema(*doc, k);
  ASSERT_NE(s, nullptr);
  const json* f = explain_field(*doc, *s, {"spec", "cronSpec"});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["type"], "string");
  ASSERT_NE(explain_field(*doc, *s, {"metadata", "labels"}), nullptr);
  EXPECT_EQ(patch_ops_with_param(*doc, k, "fieldValidation"), 2) << "item and /status";
  EXPECT_EQ(patch_ops_without_param(*doc, k, "fieldValidation"), 0);
  const json& paths = (*doc)["paths"];
  const json& item = paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"];
  EXPECT_EQ(item["patch"]["operationId"], "patchStableExampleComV1NamespacedCronTab");
  EXPECT_EQ(item["patch"]["tags"], json::array({"stableExampleCom_v1"}));
  EXPECT_FALSE(item["patch"]["requestBody"]["content"].contains("application/strategic-merge-patch+json"))
      << "custom resources take no strategic merge patch";
  EXPECT_EQ(paths["/apis/stable.example.com/v1/crontabs"]["get"]["operationId"],
            "listStableExampleComV1CronTabForAllNamespaces");
  EXPECT_EQ(paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale"]["patch"]
                 ["x-kubernetes-group-version-kind"]["kind"],
            "Scale");
}

TEST(OpenApiCrd, ClusterScopedCrdHasNoNamespaceSegment) {
  auto m = core::rest_mapper::with_builtins();
  m.add(crontab_info(false));
  auto doc = openapi::v3_group_version(m, {crontab_crd("Cluster")}, stable_v1);
  ASSERT_TRUE(doc);
  EXPECT_TRUE((*doc)["paths"].contains("/apis/stable.example.com/v1/crontabs/{name}"));
  EXPECT_EQ((*doc)["paths"]["/apis/stable.example.com/v1/crontabs/{name}"]["patch"]["operationId"],
            "patchStableExampleComV1CronTab");
  for (const auto& [p, item] : (*doc)["paths"].items()) EXPECT_EQ(p.find("{namespace}"), std::string::npos) << p;
}

TEST(OpenApiCrd, CrdNotYetInTheMapperIsPublishedFromItsSpec) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {crontab_crd()}, stable_v1);
  ASSERT_TRUE(doc);
  EXPECT_TRUE((*doc)["components"]["schemas"].contains(crontab));
  EXPECT_TRUE((*doc)["paths"].contains("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status"));
  EXPECT_TRUE((*doc)["paths"].contains("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale"));
  EXPECT_FALSE(openapi::v3_group_version(m, {crontab_crd()}, {"stable.example.com", "v2"})) << "not served";
}

TEST(OpenApiCrd, DisappearsWithTheCrd) {
  auto m = core::rest_mapper::with_builtins();
  EXPECT_FALSE(openapi::v3_group_version(m, {}, stable_v1));
  EXPECT_FALSE(openapi::v2(m, {})["definitions"].contains(crontab));
  EXPECT_FALSE(openapi::v2(m, {})["paths"].contains("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs"));
  // A mapper entry left behind without its CRD still gets paths, but no CRD schema.
  m.add(crontab_info());
  auto doc = openapi::v3_group_version(m, {}, stable_v1);
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"][crontab];
  EXPECT_FALSE(s.contains("properties"));
  EXPECT_EQ(s["x-kubernetes-preserve-unknown-fields"], true);
}

TEST(OpenApiCrd, CrdWithoutSchemaIsAPermissiveObject) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {crontab_crd("Namespaced", false)}, stable_v1);
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"][crontab];
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["x-kubernetes-preserve-unknown-fields"], true);
  EXPECT_EQ(s["x-kubernetes-group-version-kind"][0]["kind"], "CronTab");
}

TEST(OpenApiCrd, MalformedCrdsAreSkipped) {
  auto m = core::rest_mapper::with_builtins();
  std::vector<core::object_ptr> bad = {
      nullptr,
      core::make_object_ptr(core::object(json::parse(R"({"kind":"CustomResourceDefinition"})"))),
      core::make_object_ptr(core::object(json::parse(R"({"spec":{"group":"a.io","versions":"v1"}})"))),
      core::make_object_ptr(
          core::object(json::parse(R"({"spec":{"group":"a.io","versions":[{"name":"v1","served":true}]}})"))),
      core::make_object_ptr(core::object(json::parse(
          R"({"spec":{"group":"b.io","names":{"plural":"bs","kind":"B"},"versions":[{"name":"v1","served":false}]}})"))),
      core::make_object_ptr(core::object(json::parse(
          R"({"spec":{"group":"c.io","names":{"plural":"cs","kind":"C"},"versions":[{"name":"v1","served":true,"schema":"x"}]}})"))),
  };
  json idx;
  ASSERT_NO_THROW(idx = openapi::v3_index(m, bad));
  EXPECT_FALSE(idx["paths"].contains("apis/b.io/v1"));
  EXPECT_FALSE(idx["paths"].contains("apis/a.io/v1")) << "no names: nothing to serve";
  ASSERT_TRUE(idx["paths"].contains("apis/c.io/v1"));
  auto c = openapi::v3_group_version(m, bad, {"c.io", "v1"});
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)["components"]["schemas"]["io.c.v1.C"]["x-kubernetes-preserve-unknown-fields"], true);
  ASSERT_NO_THROW(openapi::v2(m, bad));
}

TEST(OpenApiCrdV2, SchemaDropsWhatKubectlsV2ParserCannotTake) {
  auto m = core::rest_mapper::with_builtins();
  m.add(crontab_info());
  json doc = openapi::v2(m, {crontab_crd()});
  ASSERT_TRUE(doc["definitions"].contains(crontab));
  const json& s = doc["definitions"][crontab];
  EXPECT_EQ(s["x-kubernetes-group-version-kind"][0]["group"], "stable.example.com");
  EXPECT_EQ(s["properties"]["metadata"]["$ref"], "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  const json& spec = s["properties"]["spec"];
  EXPECT_FALSE(spec["properties"]["port"].contains("anyOf"));
  EXPECT_FALSE(spec["properties"]["image"].contains("type")) << "nullable: untyped in v2";
  EXPECT_FALSE(spec["properties"]["image"].contains("default"));
  EXPECT_FALSE(spec["properties"]["extra"].contains("properties"));
  EXPECT_FALSE(spec["properties"]["extra"].contains("type"));
  EXPECT_EQ(spec["properties"]["replicas"]["minimum"], 0);
  EXPECT_EQ(doc["definitions"]["com.example.stable.v1.CronTabList"]["properties"]["items"]["items"]["$ref"],
            "#/definitions/" + crontab);
  const json& patch = doc["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "CronTab");
  auto names = param_names(patch);
  EXPECT_NE(std::find(names.begin(), names.end(), "fieldValidation"), names.end());
}

TEST(OpenApiCrdV2, PreserveUnknownFieldsAtTheRootPublishesABareObject) {
  auto m = core::rest_mapper::with_builtins();
  json crd = crontab_crd()->data();
  crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["x-kubernetes-preserve-unknown-fields"] = true;
  json doc = openapi::v2(m, {core::make_object_ptr(core::object(crd))});
  const json& s = doc["definitions"][crontab];
  EXPECT_EQ(s["type"], "object");
  EXPECT_FALSE(s.contains("properties"));
  EXPECT_EQ(s["x-kubernetes-group-version-kind"][0]["kind"], "CronTab");
}

}  // namespace
}  // namespace ktk::apiserver::http
