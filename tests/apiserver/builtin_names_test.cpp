// validate_name and validate_object_meta_fields: apimachinery's messages and field paths.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_fixtures.hpp"
#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver {
namespace {

using builtin_test::strs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

const std::string subdomain_msg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string label_msg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

object with_meta(json meta) { return object(json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", meta}}); }

TEST(ValidateName, SubdomainAcceptsDotsAndDashes) {
  EXPECT_TRUE(validate_name("web-1.example", name_rule::dns1123_subdomain).empty());
  EXPECT_TRUE(validate_name("0abc", name_rule::dns1123_subdomain).empty());
}

TEST(ValidateName, SubdomainRejectsUppercaseWithApimachineryMessage) {
  EXPECT_THAT(validate_name("Web", name_rule::dns1123_subdomain), ElementsAre(subdomain_msg));
  EXPECT_THAT(validate_name("web-", name_rule::dns1123_subdomain), ElementsAre(subdomain_msg));
  EXPECT_THAT(validate_name("a..b", name_rule::dns1123_subdomain), ElementsAre(subdomain_msg));
}

TEST(ValidateName, SubdomainLengthLimit) {
  EXPECT_TRUE(validate_name(std::string(253, 'a'), name_rule::dns1123_subdomain).empty());
  EXPECT_THAT(validate_name(std::string(254, 'a'), name_rule::dns1123_subdomain),
              ElementsAre("must be no more than 253 characters"));
}

TEST(ValidateName, LabelRejectsDotsAndLongNames) {
  EXPECT_TRUE(validate_name("kube-system", name_rule::dns1123_label).empty());
  EXPECT_THAT(validate_name("a.b", name_rule::dns1123_label), ElementsAre("must not contain dots"));
  EXPECT_THAT(validate_name(std::string(64, 'a'), name_rule::dns1123_label),
              ElementsAre("must be no more than 63 characters"));
  EXPECT_THAT(validate_name("Bad_Name", name_rule::dns1123_label), ElementsAre(label_msg));
}

TEST(ValidateName, PathSegment) {
  EXPECT_TRUE(validate_name("system:controller:Foo", name_rule::path_segment).empty());
  EXPECT_THAT(validate_name(".", name_rule::path_segment), ElementsAre("may not be '.'"));
  EXPECT_THAT(validate_name("..", name_rule::path_segment), ElementsAre("may not be '..'"));
  EXPECT_THAT(validate_name("a/b%c", name_rule::path_segment), ElementsAre("may not contain '/'", "may not contain '%'"));
  EXPECT_FALSE(validate_name("", name_rule::path_segment).empty());
}

TEST(ObjectMeta, ValidMetadataHasNoErrors) {
  auto obj = with_meta({{"name", "x"},
                        {"labels", {{"app.kubernetes.io/name", "web"}, {"tier", ""}}},
                        {"annotations", {{"Example.com/Note", "any value at all"}}},
                        {"finalizers", {"example.com/cleanup", "kubernetes"}}});
  EXPECT_TRUE(validate_object_meta_fields(obj).empty());
}

TEST(ObjectMeta, LabelKeyAndValueErrors) {
  auto obj = with_meta({{"labels", {{"bad key", "ok"}, {"k", "-bad-"}}}});
  EXPECT_THAT(
      strs(validate_object_meta_fields(obj)),
      ElementsAre(
          "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' "
          "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
          "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
          "metadata.labels: Invalid value: \"-bad-\": a valid label must be an empty string or consist of "
          "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
          "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
          "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
}

TEST(ObjectMeta, LabelValueTooLong) {
  auto obj = with_meta({{"labels", {{"k", std::string(64, 'a')}}}});
  auto errs = strs(validate_object_meta_fields(obj));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("must be no more than 63 characters"));
}

TEST(ObjectMeta, LabelKeyPrefixErrors) {
  auto obj = with_meta({{"labels", {{"/name", "v"}, {"a/b/c", "v"}}}});
  auto errs = strs(validate_object_meta_fields(obj));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0], "metadata.labels: Invalid value: \"/name\": prefix part must be non-empty");
  EXPECT_THAT(errs[1], HasSubstr("a valid label key must consist of alphanumeric characters"));
  EXPECT_THAT(errs[1], HasSubstr("with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
}

TEST(ObjectMeta, AnnotationKeysAreCaseInsensitiveButValidated) {
  auto obj = with_meta({{"annotations", {{"Has Space", "v"}}}});
  auto errs = strs(validate_object_meta_fields(obj));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("metadata.annotations: Invalid value: \"Has Space\": name part must consist"));
}

TEST(ObjectMeta, AnnotationsTotalSizeLimit) {
  auto ok = with_meta({{"annotations", {{"a", std::string(262143, 'x')}}}});
  EXPECT_TRUE(validate_object_meta_fields(ok).empty());
  auto big = with_meta({{"annotations", {{"a", std::string(262144, 'x')}}}});
  EXPECT_THAT(strs(validate_object_meta_fields(big)),
              ElementsAre("metadata.annotations: Too long: may not be more than 262144 bytes"));
}

TEST(ObjectMeta, FinalizerNamesAreQualifiedNames) {
  auto obj = with_meta({{"finalizers", {"ok", "a/b/c"}}});
  auto errs = strs(validate_object_meta_fields(obj));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("metadata.finalizers: Invalid value: \"a/b/c\": a valid label key"));
}

TEST(ObjectMeta, OrphanAndForegroundConflict) {
  auto obj = with_meta({{"finalizers", {"orphan", "foregroundDeletion"}}});
  auto errs = strs(validate_object_meta_fields(obj));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("finalizer orphan and foregroundDeletion cannot be both set"));
}

TEST(ObjectMeta, OwnerReferenceRequiredFields) {
  auto obj = with_meta({{"ownerReferences", json::array({json::object()})}});
  EXPECT_THAT(strs(validate_object_meta_fields(obj)),
              ElementsAre("metadata.ownerReferences[0].apiVersion: Required value: must not be empty",
                          "metadata.ownerReferences[0].kind: Required value: must not be empty",
                          "metadata.ownerReferences[0].name: Required value: must not be empty",
                          "metadata.ownerReferences[0].uid: Required value: must not be empty"));
}

TEST(ObjectMeta, OwnerReferenceBadApiVersion) {
  auto obj = with_meta(
      {{"ownerReferences", {{{"apiVersion", "a/b/c"}, {"kind", "K"}, {"name", "n"}, {"uid", "u"}}}}});
  EXPECT_THAT(strs(validate_object_meta_fields(obj)),
              ElementsAre("metadata.ownerReferences[0].apiVersion: Invalid value: \"a/b/c\": must be "
                          "<group>/<version> or <version>"));
}

TEST(ObjectMeta, OnlyOneControllerReference) {
  json ref1 = {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "a"}, {"uid", "1"}, {"controller", true}};
  json ref2 = {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "b"}, {"uid", "2"}, {"controller", true}};
  auto errs = validate_object_meta_fields(with_meta({{"ownerReferences", {ref1, ref2}}}));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "metadata.ownerReferences");
  EXPECT_THAT(errs[0].detail, HasSubstr("Only one reference can have Controller set to true. Found \"true\" in "
                                        "references for ReplicaSet/a and ReplicaSet/b"));
}

TEST(ObjectMeta, EventsCannotOwn) {
  json ref = {{"apiVersion", "v1"}, {"kind", "Event"}, {"name", "e"}, {"uid", "1"}};
  auto errs = validate_object_meta_fields(with_meta({{"ownerReferences", {ref}}}));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "metadata.ownerReferences[0]");
  EXPECT_THAT(errs[0].detail, HasSubstr("is disallowed from being an owner"));
}

TEST(BuiltinStrategy, LookupAndFallback) {
  auto pods = builtin_strategy({"", "pods"});
  EXPECT_EQ(pods, builtin_strategy({"", "pods"}));  // shared singleton
  EXPECT_TRUE(pods->generation_fields().empty());
  EXPECT_EQ(builtin_strategy({"", "namespaces"})->names(), name_rule::dns1123_label);
  EXPECT_EQ(builtin_strategy({"", "services"})->names(), name_rule::dns1123_label);
  EXPECT_EQ(builtin_strategy({"apps", "deployments"})->generation_fields(), std::vector<std::string>{"spec"});
  EXPECT_EQ(builtin_strategy({"apiextensions.k8s.io", "customresourcedefinitions"})->generation_fields(),
            std::vector<std::string>{"spec"});
  EXPECT_EQ(builtin_strategy({"rbac.authorization.k8s.io", "clusterroles"})->names(), name_rule::path_segment);
  auto unknown = builtin_strategy({"example.com", "widgets"});
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->names(), name_rule::dns1123_subdomain);
  EXPECT_TRUE(unknown->generation_fields().empty());
  object o(json{{"metadata", {{"name", "x"}}}, {"spec", {{"a", 1}}}});
  object before = o;
  unknown->prepare_for_create(o);
  unknown->apply_defaults(o);
  EXPECT_EQ(o, before);
  EXPECT_TRUE(unknown->validate_create(o).empty());
}

}  // namespace
}  // namespace ktk::apiserver
