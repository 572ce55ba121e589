// The Pod strategy: defaults, admission-like fields, status, validation and update rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_fixtures.hpp"
#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver {
namespace {

using builtin_test::strs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

class PodStrategy : public ::testing::Test {
 protected:
  strategy_ptr s = builtin_strategy({"", "pods"});

  static object pod(json spec) {
    return object(json{{"apiVersion", "v1"},
                       {"kind", "Pod"},
                       {"metadata", {{"name", "p"}, {"namespace", "default"}}},
                       {"spec", std::move(spec)}});
  }
  static json one_container(json c = {{"name", "app"}, {"image", "nginx:1.25"}}) {
    return {{"containers", json::array({std::move(c)})}};
  }
  // The registry's create order: prepare, defaults, then validation.
  object created(json spec) const {
    object o = pod(std::move(spec));
    s->prepare_for_create(o);
    s->apply_defaults(o);
    return o;
  }
  std::vector<std::string> create_errors(json spec) const { return strs(s->validate_create(created(std::move(spec)))); }
  std::vector<std::string> update_errors(const object& old, json new_spec) const {
    object o = pod(std::move(new_spec));
    s->prepare_for_update(o, old);
    s->apply_defaults(o);
    return strs(s->validate_update(o, old));
  }
};

TEST_F(PodStrategy, SpecDefaults) {
  object o = created(one_container());
  const json& spec = o.data()["spec"];
  EXPECT_EQ(spec["restartPolicy"], "Always");
  EXPECT_EQ(spec["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(spec["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(spec["schedulerName"], "default-scheduler");
  EXPECT_EQ(spec["securityContext"], json::object());
  EXPECT_EQ(spec["enableServiceLinks"], true);
  EXPECT_EQ(spec["preemptionPolicy"], "PreemptLowerPriority");
  EXPECT_EQ(spec["priority"], 0);
  EXPECT_EQ(spec["serviceAccountName"], "default");
  EXPECT_EQ(spec["serviceAccount"], "default");
  const json& c = spec["containers"][0];
  EXPECT_EQ(c["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(c["terminationMessagePolicy"], "File");
  EXPECT_EQ(c["resources"], json::object());
  EXPECT_TRUE(s->validate_create(o).empty());
}

TEST_F(PodStrategy, ImagePullPolicyFollowsTheTag) {
  auto policy = [&](const std::string& image) {
    object o = created(one_container({{"name", "a"}, {"image", image}}));
    return o.data()["spec"]["containers"][0]["imagePullPolicy"].get<std::string>();
  };
  EXPECT_EQ(policy("nginx"), "Always");
  EXPECT_EQ(policy("nginx:latest"), "Always");
  EXPECT_EQ(policy("localhost:5000/nginx"), "Always");
  EXPECT_EQ(policy("localhost:5000/nginx:1.0"), "IfNotPresent");
  EXPECT_EQ(policy("nginx@sha256:abcd"), "IfNotPresent");
  object o = created(one_container({{"name", "a"}, {"image", "nginx"}, {"imagePullPolicy", "Never"}}));
  EXPECT_EQ(o.data()["spec"]["containers"][0]["imagePullPolicy"], "Never");
}

TEST_F(PodStrategy, ContainerPortProbeAndVolumeDefaults) {
  json c = {{"name", "a"},
            {"image", "x:1"},
            {"ports", {{{"containerPort", 80}}}},
            {"livenessProbe", {{"httpGet", {{"port", 80}}}}}};
  json spec = one_container(c);
  spec["volumes"] = {{{"name", "scratch"}}, {{"name", "cfg"}, {"configMap", {{"name", "c"}}}}};
  object o = created(spec);
  const json& out = o.data()["spec"];
  EXPECT_EQ(out["containers"][0]["ports"][0]["protocol"], "TCP");
  const json& probe = out["containers"][0]["livenessProbe"];
  EXPECT_EQ(probe["timeoutSeconds"], 1);
  EXPECT_EQ(probe["periodSeconds"], 10);
  EXPECT_EQ(probe["successThreshold"], 1);
  EXPECT_EQ(probe["failureThreshold"], 3);
  EXPECT_EQ(probe["httpGet"]["path"], "/");
  EXPECT_EQ(probe["httpGet"]["scheme"], "HTTP");
  EXPECT_EQ(out["volumes"][0]["emptyDir"], json::object());
  EXPECT_EQ(out["volumes"][1]["configMap"]["defaultMode"], 420);
}

TEST_F(PodStrategy, DefaultTolerationsAreAddedOnce) {
  object o = created(one_container());
  const json& tols = o.data()["spec"]["tolerations"];
  ASSERT_EQ(tols.size(), 2u);
  EXPECT_EQ(tols[0], json({{"key", "node.kubernetes.io/not-ready"},
                           {"operator", "Exists"},
                           {"effect", "NoExecute"},
                           {"tolerationSeconds", 300}}));
  EXPECT_EQ(tols[1]["key"], "node.kubernetes.io/unreachable");

  json spec = one_container();
  spec["tolerations"] = {{{"key", "node.kubernetes.io/not-ready"}, {"operator", "Exists"}, {"effect", "NoExecute"}}};
  object o2 = created(spec);
  ASSERT_EQ(o2.data()["spec"]["tolerations"].size(), 2u);
  EXPECT_FALSE(o2.data()["spec"]["tolerations"][0].contains("tolerationSeconds"));
}

TEST_F(PodStrategy, StatusOnCreateIsPendingWithQosClass) {
  object o = pod(one_container());
  o.data()["status"] = {{"phase", "Running"}};
  s->prepare_for_create(o);
  EXPECT_EQ(o.data()["status"], json({{"phase", "Pending"}, {"qosClass", "BestEffort"}}));
}

TEST_F(PodStrategy, QosClasses) {
  auto qos = [&](json resources) {
    object o = created(one_container({{"name", "a"}, {"image", "x:1"}, {"resources", resources}}));
    return o.data()["status"]["qosClass"].get<std::string>();
  };
  EXPECT_EQ(qos(json::object()), "BestEffort");
  EXPECT_EQ(qos({{"requests", {{"cpu", "100m"}}}}), "Burstable");
  EXPECT_EQ(qos({{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}), "Guaranteed");
  EXPECT_EQ(qos({{"requests", {{"cpu", "1000m"}, {"memory", "1Gi"}}}, {"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}),
            "Guaranteed");
  EXPECT_EQ(qos({{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}}, {"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}),
            "Burstable");
}

TEST_F(PodStrategy, RequestsDefaultToLimits) {
  object o = created(one_container({{"name", "a"}, {"image", "x:1"}, {"resources", {{"limits", {{"cpu", "2"}}}}}}));
  EXPECT_EQ(o.data()["spec"]["containers"][0]["resources"]["requests"], json({{"cpu", "2"}}));
}

TEST_F(PodStrategy, ContainersRequired) {
  EXPECT_THAT(create_errors(json::object()), ElementsAre("spec.containers: Required value"));
}

TEST_F(PodStrategy, ContainerNameAndImage) {
  json spec = {{"containers", {{{"image", "x"}}, {{"name", "Bad_Name"}, {"image", "x"}}, {{"name", "a"}}}}};
  spec["containers"].push_back({{"name", "a"}, {"image", "y"}});
  EXPECT_THAT(create_errors(spec),
              ElementsAre("spec.containers[0].name: Required value",
                          "spec.containers[1].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must "
                          "consist of lower case alphanumeric characters or '-', and must start and end with an "
                          "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                          "spec.containers[2].image: Required value",
                          "spec.containers[3].name: Duplicate value: \"a\""));
}

TEST_F(PodStrategy, RestartPolicyAndDnsPolicyEnums) {
  json spec = one_container();
  spec["restartPolicy"] = "Sometimes";
  spec["dnsPolicy"] = "Nope";
  EXPECT_THAT(create_errors(spec),
              ElementsAre("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
                          "\"OnFailure\", \"Never\"",
                          "spec.dnsPolicy: Unsupported value: \"Nope\": supported values: "
                          "\"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""));
}

TEST_F(PodStrategy, ContainerPorts) {
  json c = {{"name", "a"},
            {"image", "x"},
            {"ports", {{{"containerPort", 70000}}, {{"containerPort", 0}}, {{"containerPort", 80}, {"protocol", "ICMP"}}}}};
  EXPECT_THAT(create_errors(one_container(c)),
              ElementsAre("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
                          "65535, inclusive",
                          "spec.containers[0].ports[1].containerPort: Required value",
                          "spec.containers[0].ports[2].protocol: Unsupported value: \"ICMP\": supported values: "
                          "\"SCTP\", \"TCP\", \"UDP\""));
}

TEST_F(PodStrategy, VolumeMountsMustReferToVolumes) {
  json c = {{"name", "a"}, {"image", "x"}, {"volumeMounts", {{{"name", "data"}, {"mountPath", "/d"}}}}};
  EXPECT_THAT(create_errors(one_container(c)),
              ElementsAre("spec.containers[0].volumeMounts[0].name: Not found: \"data\""));
}

TEST_F(PodStrategy, EnvNames) {
  json c = {{"name", "a"}, {"image", "x"}, {"env", {{{"value", "v"}}, {{"name", "1BAD"}}}}};
  auto errs = create_errors(one_container(c));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0], "spec.containers[0].env[0].name: Required value");
  EXPECT_THAT(errs[1], HasSubstr("spec.containers[0].env[1].name: Invalid value: \"1BAD\": a valid environment "
                                 "variable name must consist of"));
}

TEST_F(PodStrategy, RequestsMayNotExceedLimits) {
  json c = {{"name", "a"}, {"image", "x"}, {"resources", {{"requests", {{"cpu", "2"}}}, {"limits", {{"cpu", "1"}}}}}};
  EXPECT_THAT(create_errors(one_container(c)),
              ElementsAre("spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal "
                          "to cpu limit of 1"));
}

TEST_F(PodStrategy, TolerationRules) {
  json spec = one_container();
  spec["tolerations"] = {{{"key", "k"}, {"operator", "Exists"}, {"value", "v"}},
                         {{"key", "k"}, {"effect", "NoSchedule"}, {"tolerationSeconds", 5}}};
  auto errs = create_errors(spec);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_THAT(errs[0], HasSubstr("spec.tolerations[0].operator: Invalid value: "));
  EXPECT_THAT(errs[0], HasSubstr("value must be empty when `operator` is 'Exists'"));
  EXPECT_EQ(errs[1], "spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
                     "`tolerationSeconds` is set");
}

TEST_F(PodStrategy, ImageWhitespace) {
  EXPECT_THAT(create_errors(one_container({{"name", "a"}, {"image", " nginx"}})),
              ElementsAre("spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing "
                          "whitespace"));
}

TEST_F(PodStrategy, UpdateMayChangeImage) {
  object old = created(one_container());
  json spec = old.data()["spec"];
  spec["containers"][0]["image"] = "nginx:1.26";
  EXPECT_THAT(update_errors(old, spec), IsEmpty());
}

TEST_F(PodStrategy, UpdateKeepsStatusAndPriority) {
  object old = created(one_container());
  old.data()["status"]["phase"] = "Running";
  json spec = old.data()["spec"];
  spec.erase("priority");
  object o = pod(spec);
  o.data()["status"] = {{"phase", "Failed"}};
  s->prepare_for_update(o, old);
  EXPECT_EQ(o.data()["status"]["phase"], "Running");
  EXPECT_EQ(o.data()["spec"]["priority"], 0);
}

TEST_F(PodStrategy, UpdateForbidsOtherSpecChanges) {
  object old = created(one_container());
  json spec = old.data()["spec"];
  spec["restartPolicy"] = "Never";
  auto errs = update_errors(old, spec);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("spec: Forbidden: pod updates may not change fields other than "
                                 "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec."
                                 "activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
                                 "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
                                 "was previously negative)\n"));
  EXPECT_THAT(errs[0], HasSubstr("restartPolicy"));
}

TEST_F(PodStrategy, NodeNameIsImmutableOnUpdate) {
  json spec = one_container();
  spec["nodeName"] = "node-a";
  object old = created(spec);
  json changed = old.data()["spec"];
  changed["nodeName"] = "node-b";
  EXPECT_THAT(update_errors(old, changed), Contains(HasSubstr("spec: Forbidden: pod updates may not change")));
}

TEST_F(PodStrategy, UpdateMayNotAddContainers) {
  object old = created(one_container());
  json spec = old.data()["spec"];
  spec["containers"].push_back({{"name", "b"}, {"image", "x:1"}});
  EXPECT_THAT(update_errors(old, spec),
              ElementsAre("spec.containers: Forbidden: pod updates may not add or remove containers"));
}

TEST_F(PodStrategy, UpdateTolerationsOnlyAdditions) {
  object old = created(one_container());
  json spec = old.data()["spec"];
  spec["tolerations"].push_back({{"key", "extra"}, {"operator", "Exists"}});
  EXPECT_THAT(update_errors(old, spec), IsEmpty());
  json removed = old.data()["spec"];
  removed["tolerations"].erase(0);
  EXPECT_THAT(update_errors(old, removed),
              Contains("spec.tolerations: Forbidden: existing toleration can not be modified except its "
                       "tolerationSeconds"));
}

TEST_F(PodStrategy, UpdateActiveDeadlineSeconds) {
  json spec = one_container();
  spec["activeDeadlineSeconds"] = 100;
  object old = created(spec);
  json lower = old.data()["spec"];
  lower["activeDeadlineSeconds"] = 50;
  EXPECT_THAT(update_errors(old, lower), IsEmpty());
  json higher = old.data()["spec"];
  higher["activeDeadlineSeconds"] = 200;
  EXPECT_THAT(update_errors(old, higher),
              ElementsAre("spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous "
                          "value"));
}

}  // namespace
}  // namespace ktk::apiserver
