// registry create: names, system fields, namespaces, dry run, validation and errors.
#include <regex>
#include <set>

#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::HasSubstr;

class RegistryCreate : public registry_test {};

TEST_F(RegistryCreate, GenerateNameAppendsFiveCharactersFromKubeAlphabet) {
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    object o("v1", "ConfigMap");
    o.set_generate_name("web-");
    auto got = must_create(configmaps, "default", std::move(o));
    std::string name(got->name());
    ASSERT_EQ(name.size(), 9u) << name;
    EXPECT_EQ(name.substr(0, 4), "web-");
    EXPECT_EQ(name.substr(4).find_first_not_of("bcdfghjklmnpqrstvwxz2456789"), std::string::npos) << name;
    EXPECT_EQ(got->generate_name(), "web-");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 20u);
}

TEST_F(RegistryCreate, GenerateNameIsDeterministicForASeed) {
  auto first = [&](registry& r) {
    object o("v1", "ConfigMap");
    o.set_generate_name("x-");
    return std::string(r.create(configmaps, "default", std::move(o)).value()->name());
  };
  core::fake_clock c2;
  registry other(registry_options{.clock = &c2, .seed = 42});
  EXPECT_EQ(first(reg), first(other));
}

// With a seed, a generated name and a uid depend on what asks for them and how often
// it asked — not on other objects created in between (concurrent controllers of a
// simulation get the same names whatever order they ran in).
TEST_F(RegistryCreate, SeededNamesAndUidsDoNotDependOnOtherCreates) {
  auto make = [](registry& r, const std::string& prefix) {
    object o("v1", "ConfigMap");
    o.set_generate_name(prefix);
    auto got = r.create(configmaps, "default", std::move(o)).value();
    return std::string(got->name()) + " " + std::string(got->uid());
  };
  core::fake_clock c2, c3;
  registry one(registry_options{.clock = &c2, .seed = 9});
  registry two(registry_options{.clock = &c3, .seed = 9});
  std::string a1 = make(one, "a-"), b1 = make(one, "b-"), a2 = make(one, "a-");
  std::string b1_two = make(two, "b-"), a1_two = make(two, "a-"), a2_two = make(two, "a-");
  EXPECT_EQ(a1, a1_two);
  EXPECT_EQ(b1, b1_two);
  EXPECT_EQ(a2, a2_two);
  EXPECT_NE(a1, a2);
  // Another seed, other names.
  core::fake_clock c4;
  registry three(registry_options{.clock = &c4, .seed = 10});
  EXPECT_NE(make(three, "a-"), a1);
}

TEST_F(RegistryCreate, UidIsUuidV4AndUnique) {
  static const std::regex uuid4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  auto a = must_create(configmaps, "default", configmap("a"));
  auto b = must_create(configmaps, "default", configmap("b"));
  EXPECT_TRUE(std::regex_match(std::string(a->uid()), uuid4)) << a->uid();
  EXPECT_TRUE(std::regex_match(std::string(b->uid()), uuid4)) << b->uid();
  EXPECT_NE(a->uid(), b->uid());
}

TEST_F(RegistryCreate, SystemFieldsComeFromTheServerNotTheBody) {
  clk.advance(std::chrono::seconds(90));
  object o = configmap("a");
  o.set_uid("client-uid");
  o.set_creation_timestamp("2000-01-01T00:00:00Z");
  o.set_generation(7);
  auto got = must_create(configmaps, "default", std::move(o));
  EXPECT_NE(got->uid(), "client-uid");
  EXPECT_EQ(got->creation_timestamp(), "2024-01-01T00:01:30Z");
  EXPECT_FALSE(got->metadata().contains("generation"));
  EXPECT_EQ(got->namespace_(), "default");
}

TEST_F(RegistryCreate, GenerationIsOneForKindsThatTrackIt) {
  auto d = must_create(deployments, "default", deployment("web"));
  EXPECT_EQ(d->generation(), 1);
  auto cm = must_create(configmaps, "default", configmap("c"));
  EXPECT_FALSE(cm->metadata().contains("generation"));
}

TEST_F(RegistryCreate, ResourceVersionIsOneGlobalIncreasingCounter) {
  auto a = must_create(configmaps, "default", configmap("a"));
  auto p = must_create(pods, "default", pod("p"));
  auto b = must_create(configmaps, "default", configmap("b"));
  auto d = must_create(deployments, "default", deployment("d"));
  EXPECT_LT(rv(a), rv(p));
  EXPECT_LT(rv(p), rv(b));
  EXPECT_LT(rv(b), rv(d));
  EXPECT_EQ(reg.current_revision(), rv(d));
  EXPECT_EQ(must_get(configmaps, "default", "a")->resource_version(), a->resource_version());
}

TEST_F(RegistryCreate, DryRunReturnsTheObjectAndStoresNothing) {
  auto before = reg.current_revision();
  auto got = reg.create(configmaps, "default", configmap("a"), {.dry_run = true});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->name(), "a");
  EXPECT_FALSE((*got)->uid().empty());
  EXPECT_FALSE((*got)->creation_timestamp().empty());
  EXPECT_TRUE(is_not_found(reg.get(configmaps, {"default", "a"})));
  EXPECT_EQ(reg.current_revision(), before);
  // Dry run still validates.
  EXPECT_TRUE(fails_with(reg.create(configmaps, "default", configmap("Bad"), {.dry_run = true}), 422, "Invalid"));
}

TEST_F(RegistryCreate, MissingNamespaceIsNotFound) {
  auto got = reg.create(configmaps, "nope", configmap("a"));
  EXPECT_TRUE(fails_with(got, 404, "NotFound", R"(namespaces "nope" not found)"));
  EXPECT_EQ(got.error().details().kind, "namespaces");
  EXPECT_EQ(got.error().details().name, "nope");
}

TEST_F(RegistryCreate, TerminatingNamespaceIsForbidden) {
  object ns("v1", "Namespace");
  ns.set_name("doomed");
  must_create(namespaces, "", std::move(ns));
  object held = configmap("held");
  held.set_finalizers({"example.com/hold"});
  must_create(configmaps, "doomed", std::move(held));
  ASSERT_TRUE(reg.remove(namespaces, {"", "doomed"}));
  auto got = reg.create(configmaps, "doomed", configmap("a"));
  EXPECT_TRUE(fails_with(got, 403, "Forbidden",
                         R"(configmaps "a" is forbidden: unable to create new content in namespace doomed )"
                         "because it is being terminated"));
}

TEST_F(RegistryCreate, NameOrGenerateNameIsRequired) {
  auto got = reg.create(configmaps, "default", object("v1", "ConfigMap"));
  EXPECT_TRUE(fails_with(got, 422, "Invalid",
                         R"(ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required)"));
  ASSERT_EQ(got.error().details().causes.size(), 1u);
  EXPECT_EQ(got.error().details().causes[0].field, "metadata.name");
  EXPECT_EQ(got.error().details().causes[0].reason, "FieldValueRequired");
}

TEST_F(RegistryCreate, InvalidNameIsUnprocessableWithCause) {
  auto got = reg.create(configmaps, "default", configmap("Bad_Name"));
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(), HasSubstr(R"(ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain)"));
  EXPECT_EQ(got.error().details().kind, "ConfigMap");
  ASSERT_FALSE(got.error().details().causes.empty());
  EXPECT_EQ(got.error().details().causes[0].field, "metadata.name");
  EXPECT_EQ(got.error().details().causes[0].reason, "FieldValueInvalid");
  // Namespaces are labels: no dots.
  object ns("v1", "Namespace");
  ns.set_name("a.b");
  EXPECT_TRUE(fails_with(reg.create(namespaces, "", std::move(ns)), 422, "Invalid"));
}

TEST_F(RegistryCreate, AlreadyExistsIsConflict) {
  must_create(configmaps, "default", configmap("x"));
  auto got = reg.create(configmaps, "default", configmap("x"));
  EXPECT_TRUE(fails_with(got, 409, "AlreadyExists", R"(configmaps "x" already exists)"));
  EXPECT_EQ(got.error().details().name, "x");
  // Same name in another namespace is fine.
  EXPECT_TRUE(reg.create(configmaps, "kube-system", configmap("x")));
  auto d = reg.create(deployments, "default", deployment("web"));
  ASSERT_TRUE(d);
  EXPECT_TRUE(fails_with(reg.create(deployments, "default", deployment("web")), 409, "AlreadyExists",
                         R"(deployments.apps "web" already exists)"));
}

TEST_F(RegistryCreate, BodyOfAnotherTypeIsBadRequest) {
  object wrong_kind = configmap("a");
  wrong_kind.set_kind("Secret");
  EXPECT_TRUE(fails_with(reg.create(configmaps, "default", std::move(wrong_kind)), 400, "BadRequest"));
  object wrong_version = configmap("a");
  wrong_version.set_api_version("apps/v1");
  EXPECT_TRUE(fails_with(reg.create(configmaps, "default", std::move(wrong_version)), 400, "BadRequest"));
  // Missing apiVersion/kind are filled in.
  object bare;
  bare.set_name("bare");
  auto got = must_create(configmaps, "default", std::move(bare));
  EXPECT_EQ(got->api_version(), "v1");
  EXPECT_EQ(got->kind(), "ConfigMap");
}

TEST_F(RegistryCreate, ResourceVersionOnCreateIsAnUnknownServerError) {
  // kube-apiserver's etcd store answers with a plain error, which becomes a 500 with no reason.
  object o = configmap("a");
  o.set_resource_version("5");
  EXPECT_TRUE(fails_with(reg.create(configmaps, "default", std::move(o)), 500, "",
                         "resourceVersion should not be set on objects to be created"));
}

TEST_F(RegistryCreate, NamespaceOfBodyMustMatchRequest) {
  object o = configmap("a");
  o.set_namespace("kube-system");
  EXPECT_TRUE(fails_with(reg.create(configmaps, "default", std::move(o)), 400, "BadRequest",
                         "the namespace of the provided object does not match the namespace sent on the request"));
  // The body's namespace is used when the request names none.
  object p = configmap("b");
  p.set_namespace("kube-system");
  EXPECT_EQ(must_create(configmaps, "", std::move(p))->namespace_(), "kube-system");
}

TEST_F(RegistryCreate, ClusterScopedObjectsHaveNoNamespace) {
  object ns("v1", "Namespace");
  ns.set_name("team-a");
  auto got = must_create(namespaces, "", std::move(ns));
  EXPECT_EQ(got->namespace_(), "");
  EXPECT_EQ(must_get(namespaces, "", "team-a")->name(), "team-a");
}

TEST_F(RegistryCreate, PodDefaultsAreApplied) {
  auto got = must_create(pods, "default", pod("p"));
  const json& spec = got->data()["spec"];
  EXPECT_EQ(spec["restartPolicy"], "Always");
  EXPECT_EQ(spec["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(spec["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(spec["schedulerName"], "default-scheduler");
  EXPECT_EQ(spec["containers"][0]["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(got->data()["status"]["phase"], "Pending");
}

TEST_F(RegistryCreate, DeploymentSelectorMustMatchTemplate) {
  object d = deployment("web");
  d.data()["spec"]["selector"]["matchLabels"]["app"] = "other";
  auto got = reg.create(deployments, "default", std::move(d));
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(), HasSubstr(R"(Deployment.apps "web" is invalid)"));
  bool found = false;
  for (const auto& c : got.error().details().causes) found |= c.field == "spec.template.metadata.labels";
  EXPECT_TRUE(found) << got.error().message();
}

TEST_F(RegistryCreate, UnknownResourceIsNotFound) {
  EXPECT_TRUE(fails_with(reg.create({"example.com", "v1", "widgets"}, "default", configmap("a")), 404, "NotFound",
                         "the server could not find the requested resource"));
  EXPECT_TRUE(fails_with(reg.get({"", "v2", "configmaps"}, {"default", "a"}), 404, "NotFound",
                         "the server could not find the requested resource"));
}

TEST_F(RegistryCreate, ManagedFieldsRecordTheManager) {
  auto got = must_create(configmaps, "default", configmap("a", {{"k", "v"}}), {.field_manager = "kubectl-create"});
  const json& mf = got->managed_fields();
  ASSERT_EQ(mf.size(), 1u) << mf.dump();
  EXPECT_EQ(mf[0]["manager"], "kubectl-create");
  EXPECT_EQ(mf[0]["operation"], "Update");
  EXPECT_EQ(mf[0]["apiVersion"], "v1");
  EXPECT_EQ(mf[0]["time"], "2024-01-01T00:00:00Z");
}

}  // namespace
}  // namespace ktk::apiserver::testing

namespace ktk::apiserver::testing {
namespace {

TEST_F(RegistryCreate, ADryRunCreateOfATakenNameIsAlreadyExists) {
  must_create(configmaps, "default", configmap("a"));
  EXPECT_TRUE(fails_with(reg.create(configmaps, "default", configmap("a"), {.dry_run = true}), 409, "AlreadyExists"));
  object gen = configmap("");
  gen.set_generate_name("a");
  EXPECT_TRUE(reg.create(configmaps, "default", std::move(gen), {.dry_run = true}));
}

TEST_F(RegistryCreate, EmptiedMetadataMapsAndListsAreNotStored) {
  object o = configmap("a");
  o.data()["metadata"]["labels"] = json::object();
  o.data()["metadata"]["annotations"] = json::object();
  o.data()["metadata"]["finalizers"] = json::array();
  auto c = must_create(configmaps, "default", std::move(o));
  EXPECT_FALSE(c->metadata().contains("labels"));
  EXPECT_FALSE(c->metadata().contains("annotations"));
  EXPECT_FALSE(c->metadata().contains("finalizers"));
  auto labelled = reg.patch(configmaps, {"default", "a"}, core::patch_type::merge_patch,
                            json::parse(R"({"metadata":{"labels":{"x":"1"}}})"));
  ASSERT_TRUE(labelled);
  auto cleared = reg.patch(configmaps, {"default", "a"}, core::patch_type::merge_patch,
                           json::parse(R"({"metadata":{"labels":{"x":null}}})"));
  ASSERT_TRUE(cleared);
  EXPECT_FALSE((*cleared)->metadata().contains("labels"));
}

}  // namespace
}  // namespace ktk::apiserver::testing
