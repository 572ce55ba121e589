// /openapi/v3 index and group-version documents, read the way kubectl reads them.
#include "http/openapi.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "openapi_test_util.hpp"

namespace ktk::apiserver::http {
namespace {

using core::json;
using namespace openapi_test;

TEST(OpenApiV3Index, ListsEveryBuiltinGroupVersionWithAHashedUrl) {
  auto m = core::rest_mapper::with_builtins();
  json idx = openapi::v3_index(m, {});
  ASSERT_TRUE(idx["paths"].is_object());
  for (const char* k :
       {"api/v1", "apis/apps/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1", "apis/apiextensions.k8s.io/v1",
        "apis/admissionregistration.k8s.io/v1", "apis/rbac.authorization.k8s.io/v1", "apis/authorization.k8s.io/v1",
        "apis/authentication.k8s.io/v1"}) {
    ASSERT_TRUE(idx["paths"].contains(k)) << k;
    std::string url = idx["paths"][k]["serverRelativeURL"];
    EXPECT_TRUE(url.starts_with("/openapi/v3/" + std::string(k) + "?hash=")) << url;
    EXPECT_GT(url.size(), std::string("/openapi/v3/?hash=").size() + std::string(k).size() + 16);
  }
  EXPECT_EQ(idx["paths"].size(), 9u);
  EXPECT_EQ(idx, openapi::v3_index(m, {})) << "the hash is a function of the content";
}

TEST(OpenApiV3Index, ListsACrdGroupVersionAndItsHashFollowsTheSchema) {
  auto m = core::rest_mapper::with_builtins();
  auto crd = crontab_crd();
  json idx = openapi::v3_index(m, {crd});
  ASSERT_TRUE(idx["paths"].contains("apis/stable.example.com/v1"));
  EXPECT_FALSE(idx["paths"].contains("apis/stable.example.com/v2")) << "v2 is not served";
  json changed_doc = crd->data();
  changed_doc["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["extra"] = {
      {"type", "string"}};
  json idx2 = openapi::v3_index(m, {core::make_object_ptr(core::object(changed_doc))});
  EXPECT_NE(idx["paths"]["apis/stable.example.com/v1"], idx2["paths"]["apis/stable.example.com/v1"]);
  EXPECT_EQ(idx["paths"]["api/v1"], idx2["paths"]["api/v1"]);
  EXPECT_FALSE(openapi::v3_index(m, {})["paths"].contains("apis/stable.example.com/v1"));
}

TEST(OpenApiV3GroupVersion, UnknownGroupVersionIsNullopt) {
  auto m = core::rest_mapper::with_builtins();
  EXPECT_FALSE(openapi::v3_group_version(m, {}, {"nope.example.com", "v1"}));
  EXPECT_FALSE(openapi::v3_group_version(m, {}, {"", "v2"}));
  EXPECT_FALSE(openapi::v3_group_version(m, {}, {"apps", "v1beta1"}));
  EXPECT_FALSE(openapi::v3_group_version(m, {}, {"stable.example.com", "v1"})) << "no CRD given";
}

TEST(OpenApiV3GroupVersion, CoreDocumentHasPodWithItsGvkAndEveryRefResolves) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"", "v1"});
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["openapi"], "3.0.0");
  EXPECT_EQ((*doc)["info"]["title"], "Kubernetes");
  const json& schemas = (*doc)["components"]["schemas"];
  const json& pod = schemas["io.k8s.api.core.v1.Pod"];
  EXPECT_EQ(pod["x-kubernetes-group-version-kind"], json::parse(R"([{"group":"","kind":"Pod","version":"v1"}])"));
  EXPECT_EQ(pod["properties"]["spec"]["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.core.v1.PodSpec");
  EXPECT_TRUE(pod["properties"]["spec"].contains("description"));
  EXPECT_EQ(pod["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  EXPECT_TRUE(schemas.contains("io.k8s.api.core.v1.PodList"));
  EXPECT_TRUE(schemas.contains("io.k8s.api.core.v1.Container"));
  EXPECT_FALSE(schemas.contains("io.k8s.api.apps.v1.Deployment")) << "only what api/v1 references";
  EXPECT_EQ(unresolved_refs(*doc, "#/components/schemas/", schemas), std::vector<std::string>{});
  for (auto it = schemas.begin(); it != schemas.end(); ++it) {
    EXPECT_TRUE(it->contains("type") || it->contains("oneOf")) << it.key();
  }
}

TEST(OpenApiV3GroupVersion, ValueTypesAreShapedLikeKubes) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"", "v1"});
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"];
  EXPECT_EQ(s["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]["type"], "string");
  EXPECT_EQ(s["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]["format"], "date-time");
  EXPECT_EQ(s["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["x-kubernetes-int-or-string"], true);
  EXPECT_EQ(s["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"], "int-or-string");
  EXPECT_EQ(s["io.k8s.apimachinery.pkg.api.resource.Quantity"]["x-kubernetes-int-or-string"], true);
  EXPECT_EQ(s["io.k8s.api.core.v1.ResourceRequirements"]["properties"]["limits"]["additionalProperties"]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
}

TEST(OpenApiV3GroupVersion, ListItemsMergeByKubesKeys) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"", "v1"});
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"];
  auto expect_merge = [&](const char* type, const char* field, const char* key, const char* strategy) {
    const json& f = s["io.k8s.api.core.v1." + std::string(type)]["properties"][field];
    EXPECT_EQ(f["x-kubernetes-patch-merge-key"], key) << type << "." << field;
    EXPECT_EQ(f["x-kubernetes-patch-strategy"], strategy) << type << "." << field;
  };
  expect_merge("PodSpec", "containers", "name", "merge");
  expect_merge("PodSpec", "initContainers", "name", "merge");
  expect_merge("PodSpec", "volumes", "name", "merge,retainKeys");
  expect_merge("Container", "env", "name", "merge");
  expect_merge("Container", "ports", "containerPort", "merge");
  expect_merge("Container", "volumeMounts", "mountPath", "merge");
  expect_merge("PodStatus", "conditions", "type", "merge");
  expect_merge("ServiceSpec", "ports", "port", "merge");
  expect_merge("NodeStatus", "conditions", "type", "merge");
  EXPECT_EQ(s["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["ownerReferences"]
             ["x-kubernetes-patch-merge-key"],
            "uid");
  EXPECT_EQ(s["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]["items"]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.Container");
  EXPECT_EQ(s["io.k8s.api.core.v1.PodSpec"]["required"], json::array({"containers"}));
  auto apps = openapi::v3_group_version(m, {}, {"apps", "v1"});
  ASSERT_TRUE(apps);
  EXPECT_EQ((*apps)["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentStatus"]["properties"]["conditions"]
                   ["x-kubernetes-patch-merge-key"],
            "type");
}

// kubectl's queryParamVerifierV3: the first PATCH operation tagged with the GVK decides,
// and paths are visited in any order, so every such operation must carry the parameter.
TEST(OpenApiV3GroupVersion, EveryPatchOfAKindOffersFieldValidation) {
  auto m = core::rest_mapper::with_builtins();
  for (const auto& [gv, kinds] : std::vector<std::pair<core::group_version, std::vector<std::string>>>{
           {{"", "v1"}, {"Pod", "Namespace", "Service", "ConfigMap", "Node"}},
           {{"apps", "v1"}, {"Deployment", "StatefulSet"}},
           {{"batch", "v1"}, {"Job", "CronJob"}}}) {
    auto doc = openapi::v3_group_version(m, {}, gv);
    ASSERT_TRUE(doc);
    for (const auto& k : kinds) {
      core::gvk want{gv.group, gv.version, k};
      EXPECT_GE(patch_ops_with_param(*doc, want, "fieldValidation"), 1) << k;
      EXPECT_EQ(patch_ops_without_param(*doc, want, "fieldValidation"), 0) << k;
    }
  }
  auto apps = openapi::v3_group_version(m, {}, {"apps", "v1"});
  EXPECT_EQ(patch_ops_with_param(*apps, {"autoscaling", "v1", "Scale"}, "fieldValidation"), 3)
      << "deployments, replicasets, statefulsets /scale";
}

TEST(OpenApiV3GroupVersion, PodPathsLookLikeKubes) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"", "v1"});
  ASSERT_TRUE(doc);
  const json& paths = (*doc)["paths"];
  const json& item = paths["/api/v1/namespaces/{namespace}/pods/{name}"];
  for (const char* method : {"get", "put", "patch", "delete"}) ASSERT_TRUE(item.contains(method)) << method;
  EXPECT_EQ(item["patch"]["operationId"], "patchCoreV1NamespacedPod");
  EXPECT_EQ(item["patch"]["x-kubernetes-action"], "patch");
  EXPECT_EQ(item["patch"]["x-kubernetes-group-version-kind"],
            json::parse(R"({"group":"","kind":"Pod","version":"v1"})"));
  EXPECT_EQ(param_names(item["patch"]),
            (std::vector<std::string>{"dryRun", "fieldManager", "fieldValidation", "force"}));
  EXPECT_EQ(param_names(item), (std::vector<std::string>{"name", "namespace", "pretty"}));
  EXPECT_TRUE(item["patch"]["requestBody"]["content"].contains("application/merge-patch+json"));
  EXPECT_TRUE(item["patch"]["requestBody"]["content"].contains("application/apply-patch+yaml"));
  EXPECT_FALSE(item["patch"]["requestBody"]["content"].contains("application/strategic-merge-patch+json"))
      << "kubectl apply then uses its compiled-in patch metadata, not ktk's partial schemas";
  EXPECT_EQ(item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.Pod");
  const json& coll = paths["/api/v1/namespaces/{namespace}/pods"];
  EXPECT_EQ(coll["get"]["operationId"], "listCoreV1NamespacedPod");
  EXPECT_EQ(coll["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.PodList");
  EXPECT_EQ(coll["post"]["operationId"], "createCoreV1NamespacedPod");
  EXPECT_EQ(param_names(coll["post"]), (std::vector<std::string>{"dryRun", "fieldManager", "fieldValidation"}));
  EXPECT_EQ(coll["delete"]["operationId"], "deleteCoreV1CollectionNamespacedPod");
  EXPECT_EQ(coll["delete"]["x-kubernetes-action"], "deletecollection");
  EXPECT_EQ(paths["/api/v1/pods"]["get"]["operationId"], "listCoreV1PodForAllNamespaces");
  EXPECT_EQ(paths["/api/v1/namespaces/{namespace}/pods/{name}/status"]["patch"]["operationId"],
            "patchCoreV1NamespacedPodStatus");
  EXPECT_EQ(
      paths["/api/v1/namespaces/{namespace}/pods/{name}/binding"]["post"]["x-kubernetes-group-version-kind"]["kind"],
      "Binding");
  // Cluster-scoped: no namespace segment, no all-namespaces list.
  EXPECT_EQ(paths["/api/v1/nodes/{name}"]["patch"]["operationId"], "patchCoreV1Node");
  EXPECT_EQ(param_names(paths["/api/v1/nodes/{name}"]), (std::vector<std::string>{"name", "pretty"}));
  EXPECT_TRUE(paths.contains("/api/v1/namespaces/{name}/finalize"));
  EXPECT_FALSE(paths["/api/v1/namespaces"].contains("delete")) << "namespaces have no deletecollection";
  EXPECT_EQ(unresolved_refs(*doc, "#/components/schemas/", (*doc)["components"]["schemas"]),
            std::vector<std::string>{});
}

TEST(OpenApiV3GroupVersion, ExplainFindsEachResourceKindAndSchema) {
  auto m = core::rest_mapper::with_builtins();
  for (const auto& r : m.all()) {
    auto doc = openapi::v3_group_version(m, {}, r->resource.gv());
    ASSERT_TRUE(doc) << r->resource.str();
    auto gvk = explain_gvk(*doc, r->resource);
    ASSERT_TRUE(gvk) << r->resource.str();
    EXPECT_EQ(*gvk, r->group_version_kind());
    const json* s = explain_schema(*doc, *gvk);
    ASSERT_NE(s, nullptr) << r->resource.str();
    EXPECT_TRUE((*s)["properties"].contains("metadata")) << r->resource.str();
  }
}

TEST(OpenApiV3GroupVersion, ExplainFollowsFieldPathsThroughAllOf) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"apps", "v1"});
  ASSERT_TRUE(doc);
  const json* deploy = explain_schema(*doc, {"apps", "v1", "Deployment"});
  ASSERT_NE(deploy, nullptr);
  const json* c = explain_field(*doc, *deploy, {"spec", "template", "spec", "containers"});
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["type"], "array");
  const json* image = explain_field(*doc, *deploy, {"spec", "template", "spec", "containers", "image"});
  ASSERT_NE(image, nullptr);
  EXPECT_EQ((*image)["type"], "string");
  EXPECT_FALSE((*image)["description"].get<std::string>().empty());
  EXPECT_EQ(explain_field(*doc, *deploy, {"spec", "nope"}), nullptr);
}

}  // namespace
}  // namespace ktk::apiserver::http
