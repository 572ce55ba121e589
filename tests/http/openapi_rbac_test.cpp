// OpenAPI of rbac.authorization.k8s.io/v1 and of the review kinds of
// authorization.k8s.io/v1 and authentication.k8s.io/v1: kinds with their GVK, required
// fields and list / map types as k8s.io/api v0.31 declares them, the paths kubectl
// reads, and references that resolve, in v3 and v2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/openapi.hpp"
#include "openapi_test_util.hpp"

namespace ktk::apiserver::http {
namespace {

using core::json;
using namespace openapi_test;
using ::testing::IsSupersetOf;

const std::string rbac = "io.k8s.api.rbac.v1.";
const std::string authz = "io.k8s.api.authorization.v1.";
const std::string authn = "io.k8s.api.authentication.v1.";

std::vector<std::string> keys(const json& o) {
  std::vector<std::string> out;
  for (auto it = o.begin(); it != o.end(); ++it) out.push_back(it.key());
  return out;
}

TEST(OpenApiRbac, V3DocumentHasTheKindsAndTheirShapes) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"rbac.authorization.k8s.io", "v1"});
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"];
  for (const char* k : {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}) {
    EXPECT_EQ(s[rbac + k]["x-kubernetes-group-version-kind"],
              json::array({gvk_object({"rbac.authorization.k8s.io", "v1", k})}))
        << k;
    EXPECT_EQ(s[rbac + k + "List"]["x-kubernetes-group-version-kind"][0]["kind"], std::string(k) + "List");
  }
  EXPECT_EQ(s[rbac + "Role"]["properties"]["rules"]["x-kubernetes-list-type"], "atomic");
  EXPECT_EQ(s[rbac + "Role"]["properties"]["rules"]["items"]["$ref"], "#/components/schemas/" + rbac + "PolicyRule");
  EXPECT_FALSE(s[rbac + "Role"].contains("required"));
  EXPECT_EQ(s[rbac + "ClusterRole"]["properties"]["aggregationRule"]["allOf"][0]["$ref"],
            "#/components/schemas/" + rbac + "AggregationRule");
  EXPECT_EQ(s[rbac + "PolicyRule"]["required"], json::array({"verbs"}));
  EXPECT_THAT(keys(s[rbac + "PolicyRule"]["properties"]),
              IsSupersetOf({"apiGroups", "nonResourceURLs", "resourceNames", "resources", "verbs"}));
  EXPECT_EQ(s[rbac + "PolicyRule"]["properties"]["verbs"]["x-kubernetes-list-type"], "atomic");
  for (const char* k : {"RoleBinding", "ClusterRoleBinding"}) {
    EXPECT_EQ(s[rbac + k]["required"], json::array({"roleRef"})) << k;
    EXPECT_EQ(s[rbac + k]["properties"]["subjects"]["x-kubernetes-list-type"], "atomic") << k;
    EXPECT_FALSE(s[rbac + k]["properties"]["subjects"].contains("x-kubernetes-patch-merge-key"))
        << "subjects are replaced whole by a strategic merge patch";
  }
  EXPECT_EQ(s[rbac + "RoleRef"]["required"], json::parse(R"(["apiGroup","kind","name"])"));
  EXPECT_EQ(s[rbac + "RoleRef"]["x-kubernetes-map-type"], "atomic");
  EXPECT_EQ(s[rbac + "Subject"]["required"], json::parse(R"(["kind","name"])"));
  EXPECT_EQ(s[rbac + "Subject"]["x-kubernetes-map-type"], "atomic");
  EXPECT_TRUE(s.contains("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")) << "aggregationRule's selectors";
  EXPECT_EQ(unresolved_refs(*doc, "#/components/schemas/", s), std::vector<std::string>{});

  const json& paths = (*doc)["paths"];
  EXPECT_EQ(paths["/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles/{name}"]["patch"]["operationId"],
            "patchRbacAuthorizationV1NamespacedRole");
  EXPECT_TRUE(paths.contains("/apis/rbac.authorization.k8s.io/v1/roles")) << "roles of all namespaces";
  EXPECT_TRUE(paths.contains("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{name}"));
  EXPECT_GE(patch_ops_with_param(*doc, {"rbac.authorization.k8s.io", "v1", "RoleBinding"}, "fieldValidation"), 1);
}

TEST(OpenApiRbac, ReviewsArePostOnly) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"authorization.k8s.io", "v1"});
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"];
  for (const char* k : {"SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview",
                        "SelfSubjectRulesReview"}) {
    EXPECT_EQ(s[authz + k]["x-kubernetes-group-version-kind"],
              json::array({gvk_object({"authorization.k8s.io", "v1", k})}))
        << k;
    EXPECT_EQ(s[authz + k]["required"], json::array({"spec"})) << k;
  }
  EXPECT_EQ(s[authz + "SelfSubjectAccessReview"]["properties"]["spec"]["allOf"][0]["$ref"],
            "#/components/schemas/" + authz + "SelfSubjectAccessReviewSpec");
  EXPECT_EQ(s[authz + "SubjectAccessReviewStatus"]["required"], json::array({"allowed"}));
  EXPECT_EQ(s[authz + "SubjectRulesReviewStatus"]["required"],
            json::parse(R"(["resourceRules","nonResourceRules","incomplete"])"));
  EXPECT_EQ(s[authz + "SubjectAccessReviewSpec"]["properties"]["extra"]["additionalProperties"]["items"]["type"],
            "string");
  EXPECT_THAT(keys(s[authz + "ResourceAttributes"]["properties"]),
              IsSupersetOf({"group", "name", "namespace", "resource", "subresource", "verb", "version"}));
  EXPECT_EQ(unresolved_refs(*doc, "#/components/schemas/", s), std::vector<std::string>{});

  const json& paths = (*doc)["paths"];
  const json& sar = paths["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"];
  EXPECT_EQ(keys(sar), (std::vector<std::string>{"parameters", "post"}));
  EXPECT_EQ(sar["post"]["operationId"], "createAuthorizationV1SelfSubjectAccessReview");
  EXPECT_EQ(paths["/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews"]["post"]
                 ["operationId"],
            "createAuthorizationV1NamespacedLocalSubjectAccessReview");
  EXPECT_FALSE(paths.contains("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/{name}"));
  EXPECT_FALSE(paths.contains("/apis/authorization.k8s.io/v1/localsubjectaccessreviews")) << "no list";
}

TEST(OpenApiRbac, AuthenticationReviews) {
  auto m = core::rest_mapper::with_builtins();
  auto doc = openapi::v3_group_version(m, {}, {"authentication.k8s.io", "v1"});
  ASSERT_TRUE(doc);
  const json& s = (*doc)["components"]["schemas"];
  EXPECT_EQ(s[authn + "SelfSubjectReview"]["x-kubernetes-group-version-kind"][0]["kind"], "SelfSubjectReview");
  EXPECT_FALSE(s[authn + "SelfSubjectReview"].contains("required"));
  EXPECT_EQ(s[authn + "TokenReview"]["required"], json::array({"spec"}));
  EXPECT_EQ(s[authn + "UserInfo"]["properties"]["groups"]["x-kubernetes-list-type"], "atomic");
  EXPECT_TRUE(s.contains(authn + "TokenReviewStatus"));
  EXPECT_EQ(unresolved_refs(*doc, "#/components/schemas/", s), std::vector<std::string>{});
  EXPECT_TRUE((*doc)["paths"]["/apis/authentication.k8s.io/v1/tokenreviews"].contains("post"));
}

TEST(OpenApiRbac, V2HasTheDefinitions) {
  auto m = core::rest_mapper::with_builtins();
  json doc = openapi::v2(m, {});
  const json& defs = doc["definitions"];
  for (const std::string& n :
       {rbac + "Role", rbac + "RoleList", rbac + "ClusterRole", rbac + "ClusterRoleList", rbac + "RoleBinding",
        rbac + "RoleBindingList", rbac + "ClusterRoleBinding", rbac + "ClusterRoleBindingList", rbac + "PolicyRule",
        rbac + "RoleRef", rbac + "Subject", rbac + "AggregationRule", authz + "SelfSubjectAccessReview",
        authz + "SelfSubjectAccessReviewSpec", authz + "SubjectAccessReview", authz + "SubjectAccessReviewSpec",
        authz + "SubjectAccessReviewStatus", authz + "LocalSubjectAccessReview", authz + "ResourceAttributes",
        authz + "NonResourceAttributes", authz + "SelfSubjectRulesReview", authz + "SelfSubjectRulesReviewSpec",
        authz + "SubjectRulesReviewStatus", authz + "ResourceRule", authz + "NonResourceRule",
        authn + "SelfSubjectReview", authn + "SelfSubjectReviewStatus", authn + "UserInfo", authn + "TokenReview",
        authn + "TokenReviewSpec", authn + "TokenReviewStatus"}) {
    EXPECT_TRUE(defs.contains(n)) << n;
  }
  EXPECT_EQ(defs[rbac + "RoleBinding"]["properties"]["roleRef"]["$ref"], "#/definitions/" + rbac + "RoleRef");
  EXPECT_EQ(unresolved_refs(doc, "#/definitions/", defs), std::vector<std::string>{});
}

}  // namespace
}  // namespace ktk::apiserver::http
