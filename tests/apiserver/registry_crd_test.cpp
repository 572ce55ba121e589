// registry CRDs: serving, conditions, schema validation / defaulting / pruning of
// custom resources, their status and scale subresources, and CRD deletion.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RegistryCrd : public registry_test {
 protected:
  void SetUp() override { install_at_crd(); }
  const json* condition(const object& crd, const std::string& type) {
    const json* conds = crd.at_path("status.conditions");
    if (!conds) return nullptr;
    for (const auto& c : *conds) {
      if (c.value("type", "") == type) return &c;
    }
    return nullptr;
  }
  // A CRD like `At` without subresources: kind Plain, example.com/v1 plains.
  void install_plain_crd() {
    object plain = at_crd();
    plain.set_name("plains.example.com");
    plain.data()["spec"]["group"] = "example.com";
    plain.data()["spec"]["names"] = {{"plural", "plains"}, {"kind", "Plain"}};
    plain.data()["spec"]["versions"][0].erase("subresources");
    plain.data()["spec"]["versions"][0]["name"] = "v1";
    auto got = reg.create(crds, "", std::move(plain));
    ASSERT_TRUE(got) << got.error().message();
  }
  std::vector<std::string> cause_fields(const api_error& e) {
    std::vector<std::string> out;
    for (const auto& c : e.details().causes) out.push_back(c.field);
    return out;
  }
};

TEST_F(RegistryCrd, CreatedCrdIsServedAtOnceAndEstablished) {
  auto info = reg.mapper().by_kind({"cnat.programming-kubernetes.info", "v1alpha1", "At"});
  ASSERT_TRUE(info);
  EXPECT_EQ(info->resource, ats);
  EXPECT_EQ(info->list_kind, "AtList");
  EXPECT_TRUE(info->namespaced);
  EXPECT_TRUE(info->has_subresource("status"));
  EXPECT_TRUE(info->has_subresource("scale"));

  auto crd = must_get(crds, "", "ats.cnat.programming-kubernetes.info");
  EXPECT_EQ(crd->data()["spec"]["names"]["listKind"], "AtList");
  EXPECT_EQ(crd->data()["status"]["acceptedNames"]["kind"], "At");
  const json* accepted = condition(*crd, "NamesAccepted");
  const json* established = condition(*crd, "Established");
  ASSERT_TRUE(accepted && established) << crd->dump();
  EXPECT_EQ((*accepted)["status"], "True");
  EXPECT_EQ((*established)["status"], "True");
  EXPECT_EQ(crd->data()["status"]["storedVersions"], json({"v1alpha1"}));
  EXPECT_TRUE(crd->has_finalizer("customresourcecleanup.apiextensions.k8s.io"));
}

TEST_F(RegistryCrd, CustomResourceGetsGenerationDefaultsAndNoStatusOnCreate) {
  object a = at("a");
  a.data()["status"] = {{"phase", "Done"}};
  auto got = must_create(ats, "default", std::move(a));
  EXPECT_EQ(got->generation(), 1);
  EXPECT_EQ(got->api_version(), "cnat.programming-kubernetes.info/v1alpha1");
  EXPECT_EQ(got->data()["spec"]["command"], "echo hello");
  EXPECT_FALSE(got->data().contains("status"));
}

TEST_F(RegistryCrd, SchemaViolationsAreInvalidWithFieldPaths) {
  auto missing = reg.create(ats, "default", at("bad", {{"replicas", -1}}));
  ASSERT_TRUE(fails_with(missing, 422, "Invalid"));
  EXPECT_THAT(missing.error().message(), HasSubstr(R"(At.cnat.programming-kubernetes.info "bad" is invalid: )"));
  EXPECT_THAT(cause_fields(missing.error()), Contains("spec.schedule"));
  EXPECT_THAT(cause_fields(missing.error()), Contains("spec.replicas"));
  auto pattern = reg.create(ats, "default", at("bad", {{"schedule", "tomorrow"}}));
  ASSERT_TRUE(fails_with(pattern, 422, "Invalid"));
  EXPECT_THAT(cause_fields(pattern.error()), ElementsAre("spec.schedule"));
}

TEST_F(RegistryCrd, UnknownFieldsArePrunedWithAWarning) {
  std::vector<std::string> warnings;
  auto got = reg.create(ats, "default", at("a", {{"schedule", "2024-01-01T10:00:00Z"}, {"foo", 1}}),
                        {.warnings = &warnings});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_FALSE((*got)->data()["spec"].contains("foo"));
  EXPECT_THAT(warnings, ElementsAre(R"(unknown field "spec.foo")"));
}

TEST_F(RegistryCrd, StrictFieldValidationRejectsUnknownFields) {
  auto got = reg.create(ats, "default", at("a", {{"schedule", "2024-01-01T10:00:00Z"}, {"foo", 1}}),
                        {.validation = field_validation::strict});
  ASSERT_TRUE(fails_with(got, 400, "BadRequest",
                         R"(At in version "v1alpha1" cannot be handled as a At: strict decoding error: unknown field "spec.foo")"));
  EXPECT_TRUE(is_not_found(reg.get(ats, {"default", "a"})));
}

TEST_F(RegistryCrd, AStrictPatchNamingUnknownFieldsIs422OnThePatch) {
  ASSERT_TRUE(reg.create(ats, "default", at("a", {{"schedule", "2024-01-01T10:00:00Z"}})));
  auto got = reg.patch(ats, {"default", "a"}, core::patch_type::merge_patch, json{{"spec", {{"foo", 1}}}},
                       {.validation = field_validation::strict});
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(), HasSubstr(R"(": strict decoding error: unknown field "spec.foo")"));
  EXPECT_FALSE(reg.get(ats, {"default", "a"}).value()->data()["spec"].contains("foo"));
  std::vector<std::string> warnings;
  ASSERT_TRUE(reg.patch(ats, {"default", "a"}, core::patch_type::merge_patch, json{{"spec", {{"foo", 1}}}},
                        {.warnings = &warnings}));
  EXPECT_THAT(warnings, ElementsAre(R"(unknown field "spec.foo")"));
}

TEST_F(RegistryCrd, AnApplyNamingFieldsTheSchemaLacksFailsWhateverTheValidation) {
  const json cfg = {{"apiVersion", "cnat.programming-kubernetes.info/v1alpha1"},
                    {"kind", "At"},
                    {"metadata", {{"name", "a"}, {"namespace", "default"}}},
                    {"spec", {{"schedule", "2024-01-01T10:00:00Z"}, {"foo", 1}}}};
  for (auto mode : {field_validation::ignore, field_validation::warn, field_validation::strict}) {
    auto got = reg.patch(ats, {"default", "a"}, core::patch_type::apply_yaml, cfg, {.field_manager = "me", .validation = mode});
    EXPECT_TRUE(fails_with(got, 500, "",
                           "failed to create typed patch object (default/a; cnat.programming-kubernetes.info/v1alpha1, "
                           "Kind=At): .spec.foo: field not declared in schema"));
  }
  json ok = cfg;
  ok["spec"].erase("foo");
  EXPECT_TRUE(reg.patch(ats, {"default", "a"}, core::patch_type::apply_yaml, ok, {.field_manager = "me"}));
}

TEST_F(RegistryCrd, IgnoreFieldValidationPrunesSilently) {
  std::vector<std::string> warnings;
  auto got = reg.create(ats, "default", at("a", {{"schedule", "2024-01-01T10:00:00Z"}, {"foo", 1}}),
                        {.validation = field_validation::ignore, .warnings = &warnings});
  ASSERT_TRUE(got);
  EXPECT_FALSE((*got)->data()["spec"].contains("foo"));
  EXPECT_THAT(warnings, IsEmpty());
}

TEST_F(RegistryCrd, GenerationMovesOnSpecButNotMetadataOrStatus) {
  must_create(ats, "default", at("a"));
  object labelled = *must_get(ats, "default", "a");
  labelled.set_label("x", "y");
  EXPECT_EQ(reg.update(ats, {"default", "a"}, std::move(labelled)).value()->generation(), 1);
  object st = *must_get(ats, "default", "a");
  st.data()["status"] = {{"phase", "Pending"}};
  auto s = reg.update(ats, {"default", "a"}, std::move(st), {.subresource = "status"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->generation(), 1);
  EXPECT_EQ((*s)->data()["status"]["phase"], "Pending");
  object spec = *must_get(ats, "default", "a");
  spec.data()["spec"]["command"] = "date";
  spec.data()["status"]["phase"] = "Done";  // ignored: status subresource is on
  auto m = reg.update(ats, {"default", "a"}, std::move(spec));
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)->generation(), 2);
  EXPECT_EQ((*m)->data()["status"]["phase"], "Pending");
}

TEST_F(RegistryCrd, StatusIsNotFoundWhenTheCrdDoesNotEnableIt) {
  install_plain_crd();
  gvr plains{"example.com", "v1", "plains"};
  object p("example.com/v1", "Plain");
  p.set_name("p");
  p.data()["spec"] = {{"schedule", "2024-01-01T10:00:00Z"}};
  p.data()["status"] = {{"phase", "kept"}};
  auto created = must_create(plains, "default", std::move(p));
  EXPECT_EQ(created->data()["status"]["phase"], "kept");  // status is an ordinary field here
  EXPECT_TRUE(fails_with(reg.update(plains, {"default", "p"}, object(*created), {.subresource = "status"}), 404,
                         "NotFound"));
  EXPECT_TRUE(fails_with(reg.get(plains, {"default", "p"}, {}, "status"), 404, "NotFound"));
  EXPECT_TRUE(fails_with(reg.get(plains, {"default", "p"}, {}, "scale"), 404, "NotFound"));
}

TEST_F(RegistryCrd, ScaleSubresourceOfACustomResource) {
  must_create(ats, "default", at("a", {{"schedule", "2024-01-01T10:00:00Z"}, {"replicas", 2}}));
  object st = *must_get(ats, "default", "a");
  st.data()["status"] = {{"replicas", 1}, {"selector", "app=a"}};
  ASSERT_TRUE(reg.update(ats, {"default", "a"}, std::move(st), {.subresource = "status"}));
  auto scale = reg.get(ats, {"default", "a"}, {}, "scale");
  ASSERT_TRUE(scale) << scale.error().message();
  EXPECT_EQ((*scale)->api_version(), "autoscaling/v1");
  EXPECT_EQ((*scale)->kind(), "Scale");
  EXPECT_EQ((*scale)->data()["spec"]["replicas"], 2);
  EXPECT_EQ((*scale)->data()["status"]["replicas"], 1);
  EXPECT_EQ((*scale)->data()["status"]["selector"], "app=a");

  object s("autoscaling/v1", "Scale");
  s.set_name("a");
  s.data()["spec"] = {{"replicas", 5}};
  auto updated = reg.update(ats, {"default", "a"}, std::move(s), {.subresource = "scale"});
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ((*updated)->data()["spec"]["replicas"], 5);
  auto cr = must_get(ats, "default", "a");
  EXPECT_EQ(cr->data()["spec"]["replicas"], 5);
  EXPECT_EQ(cr->generation(), 2);
}

TEST_F(RegistryCrd, DeletingTheCrdDeletesItsResourcesAndUnservesThem) {
  must_create(ats, "default", at("a"));
  must_create(ats, "kube-system", at("b"));
  auto d = reg.remove(crds, {"", "ats.cnat.programming-kubernetes.info"});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_TRUE(d->deleted);
  EXPECT_TRUE(is_not_found(reg.get(crds, {"", "ats.cnat.programming-kubernetes.info"})));
  EXPECT_TRUE(fails_with(reg.get(ats, {"default", "a"}), 404, "NotFound",
                         "the server could not find the requested resource"));
  EXPECT_FALSE(reg.mapper().by_kind({"cnat.programming-kubernetes.info", "v1alpha1", "At"}));
  // Re-creating the CRD serves an empty resource.
  install_at_crd();
  EXPECT_THAT(reg.list(ats, "").value().items, IsEmpty());
}

TEST_F(RegistryCrd, AFinalizedResourceKeepsTheCrdTerminating) {
  object a = at("a");
  a.set_finalizers({"example.com/hold"});
  must_create(ats, "default", std::move(a));
  auto d = reg.remove(crds, {"", "ats.cnat.programming-kubernetes.info"});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_FALSE(d->deleted);
  auto crd = must_get(crds, "", "ats.cnat.programming-kubernetes.info");
  EXPECT_FALSE(crd->deletion_timestamp().empty());
  auto cr = must_get(ats, "default", "a");
  EXPECT_FALSE(cr->deletion_timestamp().empty());
  EXPECT_TRUE(fails_with(reg.create(ats, "default", at("new")), 405, "MethodNotAllowed"));

  object release = *cr;
  release.set_finalizers({});
  ASSERT_TRUE(reg.update(ats, {"default", "a"}, std::move(release)));
  EXPECT_TRUE(is_not_found(reg.get(crds, {"", "ats.cnat.programming-kubernetes.info"})));
  EXPECT_TRUE(fails_with(reg.get(ats, {"default", "a"}), 404, "NotFound",
                         "the server could not find the requested resource"));
}

TEST_F(RegistryCrd, InvalidCrdIsInvalid) {
  object bad = at_crd();
  bad.set_name("widgets.example.com");
  bad.data()["spec"]["group"] = "example.com";
  bad.data()["spec"]["names"] = {{"plural", "widgets"}, {"kind", "Widget"}};
  bad.data()["spec"]["versions"][0]["storage"] = false;
  auto got = reg.create(crds, "", std::move(bad));
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(), HasSubstr(R"(CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid)"));
  EXPECT_FALSE(reg.mapper().by_kind({"example.com", "v1alpha1", "Widget"}));

  object misnamed = at_crd();
  misnamed.set_name("wrong.name.example.com");
  auto m = reg.create(crds, "", std::move(misnamed));
  ASSERT_TRUE(fails_with(m, 422, "Invalid"));
  EXPECT_THAT(cause_fields(m.error()), Contains("metadata.name"));
}

TEST_F(RegistryCrd, UpdatingTheCrdSchemaTakesEffect) {
  object crd = *must_get(crds, "", "ats.cnat.programming-kubernetes.info");
  crd.data()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["extra"] = {
      {"type", "string"}};
  auto updated = reg.update(crds, {"", "ats.cnat.programming-kubernetes.info"}, std::move(crd));
  ASSERT_TRUE(updated) << updated.error().message();
  auto got = must_create(ats, "default", at("a", {{"schedule", "2024-01-01T10:00:00Z"}, {"extra", "kept"}}));
  EXPECT_EQ(got->data()["spec"]["extra"], "kept");
}

// customResourceStrategy.PrepareForUpdate: without the status subresource every
// change outside metadata, status included, moves the generation.
TEST_F(RegistryCrd, WithoutStatusSubresourceAStatusChangeBumpsGeneration) {
  install_plain_crd();
  gvr plains{"example.com", "v1", "plains"};
  object p("example.com/v1", "Plain");
  p.set_name("p");
  p.data()["spec"] = {{"schedule", "2024-01-01T10:00:00Z"}};
  auto created = must_create(plains, "default", std::move(p));
  EXPECT_EQ(created->generation(), 1);
  object next = *created;
  next.data()["status"] = {{"phase", "Done"}};
  auto got = reg.update(plains, {"default", "p"}, std::move(next));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["status"]["phase"], "Done");
  EXPECT_EQ((*got)->generation(), 2);
}

}  // namespace
}  // namespace ktk::apiserver::testing
