// /openapi/v2 (Swagger 2.0): definitions and paths of every served group-version.
#include <gtest/gtest.h>

#include "http/openapi.hpp"
#include "openapi_test_util.hpp"

namespace ktk::apiserver::http {
namespace {

using core::json;
using namespace openapi_test;

TEST(OpenApiV2, HasDefinitionsAndPathsOfEveryGroup) {
  auto m = core::rest_mapper::with_builtins();
  json doc = openapi::v2(m, {});
  EXPECT_EQ(doc["swagger"], "2.0");
  EXPECT_EQ(doc["info"]["version"], "v1.31.0");
  const json& defs = doc["definitions"];
  for (const char* n : {"io.k8s.api.core.v1.Pod", "io.k8s.api.core.v1.PodList", "io.k8s.api.apps.v1.Deployment",
                        "io.k8s.api.batch.v1.CronJob", "io.k8s.api.coordination.v1.Lease",
                        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
                        "io.k8s.api.autoscaling.v1.Scale", "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
                        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"}) {
    EXPECT_TRUE(defs.contains(n)) << n;
  }
  EXPECT_EQ(defs["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"],
            json::parse(R"([{"group":"apps","kind":"Deployment","version":"v1"}])"));
  for (const char* p :
       {"/api/v1/namespaces/{namespace}/pods/{name}", "/apis/apps/v1/namespaces/{namespace}/deployments",
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "/api/v1/nodes/{name}/status",
        "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"}) {
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  }
  EXPECT_EQ(unresolved_refs(doc, "#/definitions/", defs), std::vector<std::string>{});
}

TEST(OpenApiV2, ReferencesAreSwaggerStyle) {
  auto m = core::rest_mapper::with_builtins();
  json doc = openapi::v2(m, {});
  const json& defs = doc["definitions"];
  const json& spec = defs["io.k8s.api.core.v1.Pod"]["properties"]["spec"];
  EXPECT_EQ(spec["$ref"], "#/definitions/io.k8s.api.core.v1.PodSpec");
  EXPECT_FALSE(spec.contains("allOf"));
  EXPECT_EQ(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["type"], "string");
  EXPECT_EQ(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"], "int-or-string");
  EXPECT_EQ(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"], "string");
  EXPECT_FALSE(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"].contains("oneOf"));
  EXPECT_EQ(defs["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]["x-kubernetes-patch-merge-key"], "name");
}

TEST(OpenApiV2, OperationsCarryBodyParametersAndKubeExtensions) {
  auto m = core::rest_mapper::with_builtins();
  json doc = openapi::v2(m, {});
  const json& item = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
  const json& patch = item["patch"];
  EXPECT_EQ(patch["operationId"], "patchAppsV1NamespacedDeployment");
  EXPECT_EQ(patch["x-kubernetes-action"], "patch");
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"],
            json::parse(R"({"group":"apps","kind":"Deployment","version":"v1"})"));
  EXPECT_EQ(param_names(patch),
            (std::vector<std::string>{"dryRun", "fieldManager", "fieldValidation", "force", "body"}));
  EXPECT_EQ(patch["parameters"][4]["in"], "body");
  EXPECT_EQ(patch["parameters"][4]["schema"]["$ref"], "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
  EXPECT_EQ(patch["parameters"][1]["type"], "string");
  EXPECT_FALSE(patch["parameters"][1].contains("schema"));
  EXPECT_NE(std::find(patch["consumes"].begin(), patch["consumes"].end(), "application/merge-patch+json"),
            patch["consumes"].end());
  EXPECT_EQ(patch["responses"]["200"]["schema"]["$ref"], "#/definitions/io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(item["put"]["parameters"].back()["schema"]["$ref"], "#/definitions/io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(item["put"]["parameters"].back()["required"], true);
  EXPECT_EQ(item["delete"]["parameters"].back()["required"], false);
  EXPECT_EQ(item["parameters"][0]["in"], "path");
  EXPECT_EQ(item["parameters"][0]["required"], true);
}

TEST(OpenApiV2, IncludesCrdsGivenAndOnlyThose) {
  auto m = core::rest_mapper::with_builtins();
  json with = openapi::v2(m, {crontab_crd()});
  EXPECT_TRUE(with["definitions"].contains("com.example.stable.v1.CronTab"));
  EXPECT_TRUE(with["paths"].contains("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status"));
  json without = openapi::v2(m, {});
  EXPECT_FALSE(without["definitions"].contains("com.example.stable.v1.CronTab"));
  EXPECT_EQ(with["definitions"]["io.k8s.api.core.v1.Pod"], without["definitions"]["io.k8s.api.core.v1.Pod"]);
}

}  // namespace
}  // namespace ktk::apiserver::http
