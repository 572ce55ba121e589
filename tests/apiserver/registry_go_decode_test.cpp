// Bodies of built-in kinds that kube-apiserver's Go decoding refuses are 400 BadRequest
// with Go's wording: a JSON value of the wrong type for its field, numbers an int
// field cannot hold, []byte data that is not base64, and the custom decoders of
// Time, Quantity and IntOrString. null and custom resources pass. Fields a built-in's
// Go struct does not declare are dropped, with a warning (fieldValidation Warn, the
// default), silently (Ignore) or refused (Strict); server-side apply refuses them always.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

class RegistryGoDecode : public registry_test {
 protected:
  // The message of the 400 a create of `o` as `r` gets ("" when it is accepted).
  std::string refused(const gvr& r, object o) {
    auto got = reg.create(r, "default", std::move(o));
    if (got) return "";
    EXPECT_EQ(got.error().code(), 400) << got.error().message();
    EXPECT_EQ(got.error().reason(), "BadRequest");
    return got.error().message();
  }
  object pod_with(const std::string& path, json v) {
    object p = pod("p");
    p.data()[json::json_pointer(path)] = std::move(v);
    return p;
  }
};

TEST_F(RegistryGoDecode, ANumberInConfigMapDataIsRefusedAsKubeApiserverRefusesIt) {
  EXPECT_EQ(refused(configmaps, configmap("c", {{"port", 8080}})),
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go "
            "struct field ConfigMap.data of type string");
  EXPECT_EQ(refused(configmaps, configmap("c", {{"nested", {{"a", "b"}}}})),
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go "
            "struct field ConfigMap.data of type string");
  EXPECT_EQ(refused(configmaps, configmap("c", json::array())),
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go "
            "struct field ConfigMap.data of type map[string]string");
}

TEST_F(RegistryGoDecode, NamesTheInnermostStructTheWholePathAndTheGoType) {
  const std::string pfx = "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal ";
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/image", 5)),
            pfx + "number into Go struct field Container.spec.containers.image of type string");
  EXPECT_EQ(refused(pods, pod_with("/spec/restartPolicy", true)),
            pfx + "bool into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy");
  EXPECT_EQ(refused(pods, pod_with("/spec/containers", json::object())),
            pfx + "object into Go struct field PodSpec.spec.containers of type []v1.Container");
  EXPECT_EQ(refused(pods, pod_with("/spec/securityContext", "root")),
            pfx + "string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext");
  EXPECT_EQ(refused(pods, pod_with("/metadata/labels", {{"tier", 1}})),
            pfx + "number into Go struct field ObjectMeta.metadata.labels of type string");
  // A field of an embedded struct (Probe's ProbeHandler) is named after the outer one.
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/readinessProbe", {{"httpGet", "/healthz"}})),
            pfx + "string into Go struct field Probe.spec.containers.readinessProbe.httpGet of type v1.HTTPGetAction");
}

TEST_F(RegistryGoDecode, IntegersMustBeIntegersTheFieldCanHold) {
  const std::string pfx = "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal ";
  object d = deployment("web");
  d.data()["spec"]["replicas"] = "3";
  EXPECT_EQ(refused(deployments, d), pfx + "string into Go struct field DeploymentSpec.spec.replicas of type int32");
  d.data()["spec"]["replicas"] = 1.5;
  EXPECT_EQ(refused(deployments, d), pfx + "number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
  d.data()["spec"]["replicas"] = 3000000000LL;
  EXPECT_EQ(refused(deployments, d),
            pfx + "number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32");
  d.data()["spec"]["replicas"] = 3;
  d.data()["spec"]["progressDeadlineSeconds"] = 2147483647;
  EXPECT_EQ(refused(deployments, d), "");
}

TEST_F(RegistryGoDecode, BytesMustBeBase64) {
  object s("v1", "Secret");
  s.set_name("s");
  s.data()["data"] = {{"a", "hello world"}};
  EXPECT_EQ(refused({"", "v1", "secrets"}, s),
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 5");
  s.data()["data"] = {{"a", 1}};
  EXPECT_EQ(refused({"", "v1", "secrets"}, s),
            "Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal number into Go struct "
            "field Secret.data of type []uint8");
}

TEST_F(RegistryGoDecode, CustomDecodersAnswerInTheirOwnWords) {
  const std::string pfx = "Pod in version \"v1\" cannot be handled as a Pod: ";
  EXPECT_EQ(refused(pods, pod_with("/metadata/creationTimestamp", 12)),
            pfx + "json: cannot unmarshal number into Go value of type string");
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/resources", {{"requests", {{"cpu", json::object()}}}})),
            pfx + "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/readinessProbe", {{"httpGet", {{"port", true}}}})),
            pfx + "json: cannot unmarshal bool into Go value of type int32");
  // Numbers are Quantities and IntOrStrings too.
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/resources", {{"limits", {{"cpu", 2}}}})), "");
  EXPECT_EQ(refused({"", "v1", "pods"}, [&] {
              object p = pod_with("/spec/containers/0/readinessProbe", {{"httpGet", {{"port", "http"}}}});
              p.set_name("p2");
              return p;
            }()),
            "");
}

// The strings themselves are parsed as kube's decoders parse them (time.Parse,
// resource.ParseQuantity), before validation: a malformed quantity is 400, not 422.
TEST_F(RegistryGoDecode, TimesAndQuantitiesAreParsedNotOnlyTypeChecked) {
  const std::string pfx = "Pod in version \"v1\" cannot be handled as a Pod: ";
  EXPECT_EQ(refused(pods, pod_with("/metadata/creationTimestamp", "yesterday")),
            pfx + "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\"");
  EXPECT_EQ(refused(pods, pod_with("/metadata/deletionTimestamp", "2024-02-30T00:00:00Z")),
            pfx + "parsing time \"2024-02-30T00:00:00Z\": day out of range");
  EXPECT_EQ(refused(pods, pod_with("/status/conditions", {{{"type", "Ready"}, {"status", "True"},
                                                           {"lastTransitionTime", "2024-01-01T00:00:00"}}})),
            pfx + "parsing time \"2024-01-01T00:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as "
                  "\"Z07:00\"");
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/resources", {{"requests", {{"cpu", "1 core"}}}})),
            pfx + "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  EXPECT_EQ(refused(pods, pod_with("/spec/containers/0/resources", {{"limits", {{"memory", "512mi"}}}})),
            pfx + "unable to parse quantity's suffix");
  EXPECT_EQ(refused(pods, pod_with("/spec/overhead", {{"cpu", true}})),
            pfx + "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  // What Go reads is accepted, odd forms included ("1." and " 2 " are quantities;
  // a time may carry a fraction and an offset).
  object p = pod_with("/spec/containers/0/resources", {{"requests", {{"cpu", "1."}, {"memory", " 2Gi "}}}});
  p.data()["metadata"]["creationTimestamp"] = "2024-01-01T10:00:00.5+02:00";
  EXPECT_EQ(refused(pods, p), "");
  // A MicroTime (a Lease's renewTime) needs its six fraction digits.
  object l("coordination.k8s.io/v1", "Lease");
  l.set_name("l");
  l.data()["spec"] = {{"holderIdentity", "me"}, {"renewTime", "2024-01-01T00:00:00Z"}};
  EXPECT_EQ(refused({"coordination.k8s.io", "v1", "leases"}, l),
            "Lease in version \"v1\" cannot be handled as a Lease: parsing time \"2024-01-01T00:00:00Z\" as "
            "\"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"");
  l.data()["spec"]["renewTime"] = "2024-01-01T00:00:00.000000Z";
  EXPECT_EQ(refused({"coordination.k8s.io", "v1", "leases"}, l), "");
}

TEST_F(RegistryGoDecode, NullsUnknownFieldsAndCustomResourcesPass) {
  object c = configmap("nulls", {{"k", nullptr}});
  c.data()["metadata"]["labels"] = nullptr;
  EXPECT_EQ(refused(configmaps, c), "");
  EXPECT_EQ(refused(pods, pod_with("/spec/notAField", {{"x", 1}})), "");
  install_at_crd();
  EXPECT_EQ(refused(ats, at("a", {{"schedule", "2024-01-01T10:00:00Z"}, {"command", "x"}, {"extra", 1}})), "");
}

TEST_F(RegistryGoDecode, UpdatesAndStatusUpdatesAreDecodedToo) {
  auto live = must_create(pods, "default", pod("p"));
  object next = *live;
  next.data()["spec"]["activeDeadlineSeconds"] = "soon";
  auto got = reg.update(pods, next.key(), std::move(next));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), 400);
  EXPECT_EQ(got.error().message(),
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field "
            "PodSpec.spec.activeDeadlineSeconds of type int64");
  object status = *live;
  status.data()["status"] = {{"phase", "Running"}, {"containerStatuses", {{{"name", "c"}, {"restartCount", "1"}}}}};
  got = reg.update(pods, status.key(), std::move(status), {.subresource = "status"});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message(),
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field "
            "ContainerStatus.status.containerStatuses.restartCount of type int32");
}

TEST_F(RegistryGoDecode, APatchedDocumentThatDoesNotDecodeIs422OnThePatch) {
  must_create(configmaps, "default", configmap("c", {{"k", "v"}}));
  for (auto type : {core::patch_type::merge_patch, core::patch_type::strategic_merge}) {
    auto got = reg.patch(configmaps, {"default", "c"}, type, json{{"data", {{"port", 8080}}}});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code(), 422);
    EXPECT_EQ(got.error().reason(), "Invalid");
    const std::string& m = got.error().message();
    EXPECT_TRUE(m.starts_with(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"v1\\\",\\\"data\\\":{"))
        << m;
    EXPECT_TRUE(m.ends_with("\": json: cannot unmarshal number into Go struct field ConfigMap.data of type string")) << m;
    ASSERT_EQ(got.error().details().causes.size(), 1u);
    EXPECT_EQ(got.error().details().causes[0].field, "patch");
  }
  auto got = reg.patch(configmaps, {"default", "c"}, core::patch_type::json_patch,
                       json::array({{{"op", "add"}, {"path", "/data/port"}, {"value", true}}}));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), 422);
  EXPECT_TRUE(got.error().message().ends_with("cannot unmarshal bool into Go struct field ConfigMap.data of type string"));
  EXPECT_EQ((*must_get(configmaps, "default", "c")).data()["data"], json({{"k", "v"}})) << "nothing was stored";
}

const gvr services{"", "v1", "services"};

object service_with_bogus_port(const std::string& name) {
  return object(json{{"apiVersion", "v1"},
                     {"kind", "Service"},
                     {"metadata", {{"name", name}, {"colour", "red"}}},
                     {"spec", {{"ports", {{{"port", 80}, {"bogus", 1}}}}}},
                     {"bogus", true}});
}

TEST_F(RegistryGoDecode, UnknownFieldsAreDroppedWithAWarningEach) {
  std::vector<std::string> warnings;
  auto got = reg.create(services, "default", service_with_bogus_port("s"), {.warnings = &warnings});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(warnings, (std::vector<std::string>{"unknown field \"bogus\"", "unknown field \"metadata.colour\"",
                                                "unknown field \"spec.ports[0].bogus\""}));
  const object& s = **got;
  EXPECT_FALSE(s.data().contains("bogus"));
  EXPECT_FALSE(s.metadata().contains("colour"));
  EXPECT_EQ(s.data()["spec"]["ports"][0], json({{"port", 80}, {"protocol", "TCP"}, {"targetPort", 80}}));
  // managedFields do not name what was dropped.
  EXPECT_EQ(s.data()["metadata"]["managedFields"][0]["fieldsV1"].dump().find("bogus"), std::string::npos);
  EXPECT_EQ(must_get(services, "default", "s")->data()["spec"]["ports"][0].count("bogus"), 0u);

  warnings.clear();
  ASSERT_TRUE(reg.create(services, "default", service_with_bogus_port("quiet"),
                         {.validation = field_validation::ignore, .warnings = &warnings}));
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(must_get(services, "default", "quiet")->data().count("bogus"), 0u);
}

TEST_F(RegistryGoDecode, UnderStrictUnknownFieldsAreABadRequest) {
  auto got = reg.create(services, "default", service_with_bogus_port("s"), {.validation = field_validation::strict});
  EXPECT_TRUE(fails_with(got, 400, "BadRequest",
                         "Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown "
                         "field \"bogus\", unknown field \"metadata.colour\", unknown field \"spec.ports[0].bogus\""));
  EXPECT_FALSE(reg.get(services, {"default", "s"}));
  // A wrong type is named before unknown fields.
  object p = pod("p");
  p.data()["spec"]["activeDeadlineSeconds"] = "soon";
  p.data()["spec"]["notAField"] = 1;
  got = reg.create(pods, "default", std::move(p), {.validation = field_validation::strict});
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().message().starts_with("Pod in version \"v1\" cannot be handled as a Pod:"))
      << got.error().message();
}

TEST_F(RegistryGoDecode, UpdatesStatusUpdatesAndPatchesDropUnknownFieldsToo) {
  auto live = must_create(pods, "default", pod("p"));
  object next = *live;
  next.data()["spec"]["containers"][0]["colour"] = "red";
  std::vector<std::string> warnings;
  auto got = reg.update(pods, next.key(), std::move(next), {.warnings = &warnings});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(warnings, std::vector<std::string>{"unknown field \"spec.containers[0].colour\""});
  EXPECT_EQ((*got)->data()["spec"]["containers"][0].count("colour"), 0u);

  object status = **got;
  status.data()["status"] = {{"phase", "Running"}, {"mood", "fine"}};
  warnings.clear();
  got = reg.update(pods, status.key(), std::move(status), {.subresource = "status", .warnings = &warnings});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(warnings, std::vector<std::string>{"unknown field \"status.mood\""});
  EXPECT_EQ((*got)->data()["status"].count("mood"), 0u);

  must_create(configmaps, "default", configmap("c", {{"k", "v"}}));
  warnings.clear();
  got = reg.patch(configmaps, {"default", "c"}, core::patch_type::merge_patch, json{{"extra", {{"a", 1}}}},
                  {.warnings = &warnings});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(warnings, std::vector<std::string>{"unknown field \"extra\""});
  EXPECT_EQ((*got)->data().count("extra"), 0u);
  auto strict = reg.patch(configmaps, {"default", "c"}, core::patch_type::merge_patch, json{{"extra", 1}},
                          {.validation = field_validation::strict});
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code(), 422);
  EXPECT_TRUE(strict.error().message().starts_with(" \"\" is invalid: patch: Invalid value: \"{")) << strict.error().message();
  EXPECT_TRUE(strict.error().message().ends_with("\": strict decoding error: unknown field \"extra\""))
      << strict.error().message();
}

TEST_F(RegistryGoDecode, AnApplyNamingUndeclaredFieldsFailsAsTypedConversionDoes) {
  const json cfg = {{"apiVersion", "v1"},
                    {"kind", "Service"},
                    {"metadata", {{"name", "s"}, {"namespace", "default"}}},
                    {"spec", {{"ports", {{{"port", 80}, {"bogus", 1}}}}}}};
  for (auto mode : {field_validation::ignore, field_validation::warn, field_validation::strict}) {
    auto got = reg.patch(services, {"default", "s"}, core::patch_type::apply_yaml, cfg,
                         {.field_manager = "me", .validation = mode});
    EXPECT_TRUE(fails_with(got, 500, "",
                           "failed to create typed patch object (default/s; /v1, Kind=Service): "
                           ".spec.ports[port=80,protocol=\"TCP\"].bogus: field not declared in schema"));
  }
  json two = cfg;
  two["spec"]["colour"] = "red";
  two["metadata"]["labels"] = {{"app", "x"}};
  auto got = reg.patch(services, {"default", "s"}, core::patch_type::apply_yaml, two, {.field_manager = "me"});
  EXPECT_TRUE(fails_with(got, 500, "",
                         "failed to create typed patch object (default/s; /v1, Kind=Service): errors:\n"
                         "  .spec.colour: field not declared in schema\n"
                         "  .spec.ports[port=80,protocol=\"TCP\"].bogus: field not declared in schema"));
  EXPECT_FALSE(reg.get(services, {"default", "s"}));
  // An existing object: the same.
  must_create(deployments, "default", deployment("web"));
  const json d = json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
      "spec": {"template": {"spec": {"containers": [{"name": "web", "colour": "red"}]}}}})");
  got = reg.patch(deployments, {"default", "web"}, core::patch_type::apply_yaml, d, {.field_manager = "me"});
  EXPECT_TRUE(fails_with(got, 500, "",
                         "failed to create typed patch object (/web; apps/v1, Kind=Deployment): "
                         ".spec.template.spec.containers[name=\"web\"].colour: field not declared in schema"));
}

TEST_F(RegistryGoDecode, AnApplyWithAValueOfTheWrongTypeFailsInStructuredMergeDiffsWords) {
  auto apply = [&](const std::string& patch_json, bool force = false) {
    return reg.patch(deployments, {"default", "web"}, core::patch_type::apply_yaml, json::parse(patch_json),
                     {.field_manager = "me", .force = force});
  };
  const std::string pfx = "failed to create typed patch object (/web; apps/v1, Kind=Deployment): ";
  const std::string head = R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web")";
  // On create and on update alike.
  EXPECT_TRUE(fails_with(apply(head + R"(}, "spec": {"replicas": "3"}})"), 500, "",
                         pfx + ".spec.replicas: expected numeric (int or float), got string"));
  must_create(deployments, "default", deployment("web"));
  EXPECT_TRUE(fails_with(apply(head + R"(}, "spec": {"replicas": "3"}})"), 500, "",
                         pfx + ".spec.replicas: expected numeric (int or float), got string"));
  EXPECT_EQ(must_get(deployments, "default", "web")->data()["spec"]["replicas"], 1) << "nothing was stored";
  EXPECT_TRUE(fails_with(apply(head + R"(, "labels": {"version": 1}}})"), 500, "",
                         pfx + ".metadata.labels.version: expected string, got &value.valueUnstructured{Value:1}"));
  EXPECT_TRUE(fails_with(apply(head + R"(}, "spec": {"paused": "yes"}})"), 500, "",
                         pfx + ".spec.paused: expected boolean, got &{yes}"));
  EXPECT_TRUE(fails_with(apply(head + R"(}, "spec": {"template": {"spec": {"containers": "web"}}}})"), 500, "",
                         pfx + ".spec.template.spec.containers: expected list, got &{web}"));
  EXPECT_TRUE(fails_with(
      apply(head + R"(}, "spec": {"template": {"spec": {"containers": [{"name": "web", "image": 5}]}}}})"), 500, "",
      pfx + ".spec.template.spec.containers[name=\"web\"].image: expected string, got "
            "&value.valueUnstructured{Value:5}"));
  EXPECT_TRUE(fails_with(apply(head + R"(}, "spec": {"strategy": "fast"}})"), 500, "",
                         pfx + ".spec.strategy: expected map, got &{fast}"));
  EXPECT_TRUE(fails_with(apply(head + R"(}, "spec": {"replicas": "3", "paused": 1}})"), 500, "",
                         pfx + "errors:\n  .spec.paused: expected boolean, got &{1}\n"
                               "  .spec.replicas: expected numeric (int or float), got string"));
  // An apiVersion that is not a string is left to the checks that refuse it.
  auto odd = reg.patch(deployments, {"default", "web"}, core::patch_type::apply_yaml,
                       json{{"apiVersion", 5}, {"kind", "Deployment"}, {"metadata", {{"name", 7}}}},
                       {.field_manager = "me"});
  ASSERT_FALSE(odd);
  EXPECT_NE(odd.error().code(), 500) << odd.error().message();
  // Quantities and IntOrStrings take numbers or strings.
  auto ok = apply(head + R"(}, "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1",
      "resources": {"limits": {"cpu": 1, "memory": "64Mi"}}}]}},
      "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}}}})",
                  true);
  EXPECT_TRUE(ok) << ok.error().message();
}

}  // namespace
}  // namespace ktk::apiserver::testing
