// registry patch: merge, JSON, strategic merge and server-side apply patches.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using core::patch_type;
using ::testing::HasSubstr;

class RegistryPatch : public registry_test {};

TEST_F(RegistryPatch, MergePatchSetsAndDeletesFields) {
  must_create(configmaps, "default", configmap("x", {{"a", "1"}, {"b", "2"}}));
  auto got = reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch,
                       json::parse(R"({"data":{"a":"9","b":null,"c":"3"},"metadata":{"labels":{"l":"v"}}})"));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["data"], json({{"a", "9"}, {"c", "3"}}));
  EXPECT_EQ((*got)->label("l"), "v");
  EXPECT_EQ(must_get(configmaps, "default", "x")->data()["data"], json({{"a", "9"}, {"c", "3"}}));
}

TEST_F(RegistryPatch, MergePatchThatChangesNothingKeepsResourceVersion) {
  auto created = must_create(configmaps, "default", configmap("x", {{"a", "1"}}));
  auto got = reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch, json::parse(R"({"data":{"a":"1"}})"));
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->resource_version(), created->resource_version());
}

TEST_F(RegistryPatch, JsonPatchAppliesOperations) {
  must_create(configmaps, "default", configmap("x", {{"a", "1"}}));
  auto got = reg.patch(configmaps, {"default", "x"}, patch_type::json_patch,
                       json::parse(R"([{"op":"test","path":"/data/a","value":"1"},
                                       {"op":"replace","path":"/data/a","value":"2"},
                                       {"op":"add","path":"/data/b","value":"3"}])"));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["data"], json({{"a", "2"}, {"b", "3"}}));
}

TEST_F(RegistryPatch, FailingJsonPatchTestIsInvalidAndChangesNothing) {
  auto created = must_create(configmaps, "default", configmap("x", {{"a", "1"}}));
  auto got = reg.patch(configmaps, {"default", "x"}, patch_type::json_patch,
                       json::parse(R"([{"op":"replace","path":"/data/a","value":"2"},
                                       {"op":"test","path":"/data/a","value":"1"}])"));
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(), HasSubstr("the server rejected our request due to an error in our request"));
  EXPECT_EQ(must_get(configmaps, "default", "x")->resource_version(), created->resource_version());
  // A document that is not a list of operations is a bad request.
  EXPECT_TRUE(fails_with(reg.patch(configmaps, {"default", "x"}, patch_type::json_patch, json::parse(R"({"op":"x"})")),
                         400, "BadRequest"));
}

TEST_F(RegistryPatch, StrategicMergeMergesContainersByName) {
  object d = deployment("web");
  d.data()["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "envoy:1"}});
  must_create(deployments, "default", std::move(d));
  auto got = reg.patch(deployments, {"default", "web"}, patch_type::strategic_merge,
                       json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}})"));
  ASSERT_TRUE(got) << got.error().message();
  const json& cs = (*got)->data()["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(cs.size(), 2u) << cs.dump();
  EXPECT_EQ(cs[0]["name"], "web");
  EXPECT_EQ(cs[0]["image"], "nginx:2");
  EXPECT_EQ(cs[1]["name"], "sidecar");
  EXPECT_EQ(cs[1]["image"], "envoy:1");
  EXPECT_EQ((*got)->generation(), 2);
  // A merge patch replaces the list instead.
  auto merged = reg.patch(deployments, {"default", "web"}, patch_type::merge_patch,
                          json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:3"}]}}}})"));
  ASSERT_TRUE(merged) << merged.error().message();
  EXPECT_EQ((*merged)->data()["spec"]["template"]["spec"]["containers"].size(), 1u);
}

TEST_F(RegistryPatch, StrategicMergeOnACustomResourceIsUnsupportedMediaType) {
  install_at_crd();
  must_create(ats, "default", at("a"));
  auto got = reg.patch(ats, {"default", "a"}, patch_type::strategic_merge, json::parse(R"({"spec":{"command":"x"}})"));
  EXPECT_TRUE(fails_with(got, 415, "UnsupportedMediaType"));
}

TEST_F(RegistryPatch, PatchedObjectIsValidated) {
  must_create(deployments, "default", deployment("web"));
  auto got = reg.patch(deployments, {"default", "web"}, patch_type::merge_patch,
                       json::parse(R"({"spec":{"replicas":-1}})"));
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_EQ(got.error().details().causes.at(0).field, "spec.replicas");
}

TEST_F(RegistryPatch, StaleResourceVersionInPatchIsConflict) {
  auto created = must_create(configmaps, "default", configmap("x"));
  ASSERT_TRUE(reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch, json::parse(R"({"data":{"a":"1"}})")));
  json p = {{"metadata", {{"resourceVersion", std::string(created->resource_version())}}}, {"data", {{"a", "2"}}}};
  EXPECT_TRUE(fails_with(reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch, p), 409, "Conflict",
                         R"(Operation cannot be fulfilled on configmaps "x": the object has been modified; )"
                         "please apply your changes to the latest version and try again"));
  // The current one is a satisfied precondition.
  p["metadata"]["resourceVersion"] = std::string(must_get(configmaps, "default", "x")->resource_version());
  EXPECT_TRUE(reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch, p));
}

TEST_F(RegistryPatch, PatchOfAMissingObjectIsNotFound) {
  EXPECT_TRUE(fails_with(reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch, json::parse(R"({"data":{}})")),
                         404, "NotFound", R"(configmaps "x" not found)"));
  EXPECT_TRUE(fails_with(reg.patch(configmaps, {"default", "x"}, patch_type::json_patch, json::array()), 404,
                         "NotFound"));
}

TEST_F(RegistryPatch, PatchThatRenamesIsBadRequest) {
  must_create(configmaps, "default", configmap("x"));
  EXPECT_TRUE(fails_with(reg.patch(configmaps, {"default", "x"}, patch_type::merge_patch,
                                   json::parse(R"({"metadata":{"name":"y"}})")),
                         400, "BadRequest"));
}

TEST_F(RegistryPatch, StatusPatchTouchesOnlyStatus) {
  must_create(deployments, "default", deployment("web"));
  auto got = reg.patch(deployments, {"default", "web"}, patch_type::merge_patch,
                       json::parse(R"({"spec":{"replicas":5},"status":{"replicas":1}})"), {.subresource = "status"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["status"]["replicas"], 1);
  EXPECT_EQ((*got)->data()["spec"]["replicas"], 1);
  EXPECT_EQ((*got)->generation(), 1);
  // And a main-resource patch cannot touch status.
  auto main = reg.patch(deployments, {"default", "web"}, patch_type::merge_patch,
                        json::parse(R"({"status":{"replicas":7}})"));
  ASSERT_TRUE(main);
  EXPECT_EQ((*main)->data()["status"]["replicas"], 1);
}

json apply_cm(const std::string& value) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}, {"data", {{"k", value}}}};
}

TEST_F(RegistryPatch, ApplyCreatesAMissingObjectAndRecordsTheManager) {
  auto got = reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("1"), {.field_manager = "mgr-a"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["data"]["k"], "1");
  EXPECT_FALSE((*got)->uid().empty());
  const json& mf = (*got)->managed_fields();
  ASSERT_EQ(mf.size(), 1u) << mf.dump();
  EXPECT_EQ(mf[0]["manager"], "mgr-a");
  EXPECT_EQ(mf[0]["operation"], "Apply");
  EXPECT_EQ(mf[0]["fieldsType"], "FieldsV1");
  EXPECT_TRUE(mf[0]["fieldsV1"].contains("f:data")) << mf.dump();
}

TEST_F(RegistryPatch, ApplyConflictBetweenManagersAndForce) {
  ASSERT_TRUE(reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("1"), {.field_manager = "mgr-a"}));
  // The same manager may change its own field.
  ASSERT_TRUE(reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("2"), {.field_manager = "mgr-a"}));
  auto conflict = reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("3"), {.field_manager = "mgr-b"});
  ASSERT_TRUE(fails_with(conflict, 409, "Conflict"));
  EXPECT_THAT(conflict.error().message(), HasSubstr(R"(conflict with "mgr-a")"));
  EXPECT_THAT(conflict.error().message(), HasSubstr(".data.k"));
  EXPECT_EQ(must_get(configmaps, "default", "x")->data()["data"]["k"], "2");

  auto forced = reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("3"),
                          {.field_manager = "mgr-b", .force = true});
  ASSERT_TRUE(forced) << forced.error().message();
  EXPECT_EQ((*forced)->data()["data"]["k"], "3");
  bool b_owns = false;
  for (const auto& e : (*forced)->managed_fields()) {
    if (e["manager"] == "mgr-b") b_owns = e["fieldsV1"].dump().find("f:k") != std::string::npos;
    if (e["manager"] == "mgr-a") {
      EXPECT_EQ(e["fieldsV1"].dump().find("f:k"), std::string::npos) << e.dump();
    }
  }
  EXPECT_TRUE(b_owns) << (*forced)->managed_fields().dump();
}

TEST_F(RegistryPatch, ApplyWithoutFieldManagerIsInvalid) {
  auto got = reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("1"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), 422) << got.error().message();
  EXPECT_THAT(got.error().message(), HasSubstr("fieldManager"));
}

TEST_F(RegistryPatch, ApplyCborIsUnsupportedMediaType) {
  must_create(configmaps, "default", configmap("x"));
  EXPECT_TRUE(fails_with(reg.patch(configmaps, {"default", "x"}, patch_type::apply_cbor, apply_cm("1"),
                                   {.field_manager = "m"}),
                         415, "UnsupportedMediaType"));
}

TEST_F(RegistryPatch, ReapplyingTheSameConfigurationChangesNothing) {
  auto first = reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("1"), {.field_manager = "mgr-a"});
  ASSERT_TRUE(first) << first.error().message();
  clk.advance(std::chrono::minutes(1));
  auto again = reg.patch(configmaps, {"default", "x"}, patch_type::apply_yaml, apply_cm("1"), {.field_manager = "mgr-a"});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ((*again)->resource_version(), (*first)->resource_version());
  EXPECT_EQ((*again)->managed_fields(), (*first)->managed_fields());
}

}  // namespace
}  // namespace ktk::apiserver::testing
