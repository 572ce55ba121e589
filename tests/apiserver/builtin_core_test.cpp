// Core kinds: namespaces, services, configmaps, secrets, nodes, PVCs, events, leases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_fixtures.hpp"
#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver {
namespace {

using builtin_test::strs;
using builtin_test::created;
using builtin_test::updated;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

object make(const std::string& kind, json body, const std::string& name = "x", const std::string& ns = "default") {
  json j = {{"apiVersion", "v1"}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) j["metadata"]["namespace"] = ns;
  j.update(body);
  return object(std::move(j));
}

TEST(Namespace, CreateSetsFinalizerPhaseAndNameLabel) {
  auto s = builtin_strategy({"", "namespaces"});
  object o = created(s, make("Namespace", {{"spec", {{"finalizers", {"example.com/x"}}}}}, "team-a", ""));
  EXPECT_EQ(o.data()["spec"]["finalizers"], json({"example.com/x", "kubernetes"}));
  EXPECT_EQ(o.data()["status"], json({{"phase", "Active"}}));
  EXPECT_EQ(o.label("kubernetes.io/metadata.name"), "team-a");
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
}

TEST(Namespace, UpdateKeepsSpecFinalizers) {
  auto s = builtin_strategy({"", "namespaces"});
  object old = created(s, make("Namespace", json::object(), "team-a", ""));
  object o = updated(s, make("Namespace", {{"spec", {{"finalizers", json::array()}}}}, "team-a", ""), old);
  EXPECT_EQ(o.data()["spec"]["finalizers"], json({"kubernetes"}));
  EXPECT_EQ(o.data()["status"]["phase"], "Active");
}

TEST(Namespace, FinalizerMustBeStandardOrQualified) {
  auto s = builtin_strategy({"", "namespaces"});
  object o = created(s, make("Namespace", {{"spec", {{"finalizers", {"custom"}}}}}, "n", ""));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor "
                          "is it fully qualified"));
}

TEST(Service, DefaultsAndAllocation) {
  auto s = builtin_strategy({"", "services"});
  object o = created(s, make("Service", {{"spec", {{"selector", {{"app", "web"}}}, {"ports", {{{"port", 80}}}}}}}, "web"));
  const json& spec = o.data()["spec"];
  EXPECT_EQ(spec["type"], "ClusterIP");
  EXPECT_EQ(spec["sessionAffinity"], "None");
  EXPECT_EQ(spec["ports"][0], json({{"port", 80}, {"protocol", "TCP"}, {"targetPort", 80}}));
  EXPECT_EQ(spec["ipFamilies"], json({"IPv4"}));
  EXPECT_EQ(spec["ipFamilyPolicy"], "SingleStack");
  EXPECT_EQ(spec["internalTrafficPolicy"], "Cluster");
  std::string ip = spec["clusterIP"];
  EXPECT_TRUE(ip.starts_with("10.9") || ip.starts_with("10.10") || ip.starts_with("10.11")) << ip;
  EXPECT_EQ(spec["clusterIPs"], json({ip}));
  EXPECT_EQ(o.data()["status"], json({{"loadBalancer", json::object()}}));
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());

  object other = created(s, make("Service", {{"spec", {{"ports", {{{"port", 80}}}}}}}, "other"));
  EXPECT_NE(other.data()["spec"]["clusterIP"], ip);
  object kubernetes = created(s, make("Service", {{"spec", {{"ports", {{{"port", 443}}}}}}}, "kubernetes"));
  EXPECT_EQ(kubernetes.data()["spec"]["clusterIP"], "10.96.0.1");
}

TEST(Service, HeadlessExternalNameAndNodePort) {
  auto s = builtin_strategy({"", "services"});
  object headless = created(s, make("Service", {{"spec", {{"clusterIP", "None"}}}}, "h"));
  EXPECT_EQ(headless.data()["spec"]["clusterIPs"], json({"None"}));
  EXPECT_EQ(headless.data()["spec"]["ipFamilyPolicy"], "RequireDualStack");
  EXPECT_THAT(strs(s->validate_create(headless)), IsEmpty());

  object ext = created(s, make("Service", {{"spec", {{"type", "ExternalName"}, {"externalName", "example.com"}}}}, "e"));
  EXPECT_FALSE(ext.data()["spec"].contains("clusterIP"));
  EXPECT_THAT(strs(s->validate_create(ext)), IsEmpty());

  object np = created(s, make("Service", {{"spec", {{"type", "NodePort"}, {"ports", {{{"port", 80}}}}}}}, "np"));
  int node_port = np.data()["spec"]["ports"][0]["nodePort"];
  EXPECT_GE(node_port, 30000);
  EXPECT_LE(node_port, 32767);
  EXPECT_EQ(np.data()["spec"]["externalTrafficPolicy"], "Cluster");
}

TEST(Service, Validation) {
  auto s = builtin_strategy({"", "services"});
  auto errors = [&](json spec, const std::string& name = "svc") {
    return strs(s->validate_create(created(s, make("Service", {{"spec", spec}}, name))));
  };
  EXPECT_THAT(errors(json::object()), ElementsAre("spec.ports: Required value"));
  EXPECT_THAT(errors({{"ports", {{{"port", 0}}}}}),
              ElementsAre("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                          "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"));
  EXPECT_THAT(errors({{"ports", {{{"port", 80}}, {{"port", 81}, {"name", "b"}}}}}),
              ElementsAre("spec.ports[0].name: Required value"));
  EXPECT_THAT(errors({{"type", "ExternalName"}}), ElementsAre("spec.externalName: Required value"));
  EXPECT_THAT(errors({{"type", "Weird"}, {"ports", {{{"port", 80}}}}}),
              ElementsAre("spec.type: Unsupported value: \"Weird\": supported values: \"ClusterIP\", "
                          "\"ExternalName\", \"LoadBalancer\", \"NodePort\""));
  EXPECT_THAT(errors({{"ports", {{{"port", 80}}}}}, "1abc"),
              ElementsAre("metadata.name: Invalid value: \"1abc\": a DNS-1035 label must consist of lower case "
                          "alphanumeric characters or '-', start with an alphabetic character, and end with an "
                          "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                          "'[a-z]([-a-z0-9]*[a-z0-9])?')"));
}

TEST(Service, UpdateKeepsAllocatedValuesAndForbidsIpChange) {
  auto s = builtin_strategy({"", "services"});
  object old = created(s, make("Service", {{"spec", {{"type", "NodePort"}, {"ports", {{{"port", 80}}}}}}}, "keep"));
  object o = updated(s, make("Service", {{"spec", {{"type", "NodePort"}, {"ports", {{{"port", 80}}}}}}}, "keep"), old);
  EXPECT_EQ(o.data()["spec"]["clusterIP"], old.data()["spec"]["clusterIP"]);
  EXPECT_EQ(o.data()["spec"]["ports"][0]["nodePort"], old.data()["spec"]["ports"][0]["nodePort"]);
  EXPECT_THAT(strs(s->validate_update(o, old)), IsEmpty());
  object moved = updated(s,
                         make("Service", {{"spec", {{"type", "NodePort"},
                                                    {"clusterIP", "10.96.200.200"},
                                                    {"clusterIPs", {"10.96.200.200"}},
                                                    {"ports", {{{"port", 80}}}}}}},
                              "keep"),
                         old);
  EXPECT_THAT(strs(s->validate_update(moved, old)),
              ElementsAre("spec.clusterIPs[0]: Invalid value: []string{\"10.96.200.200\"}: may not change once set"));
}

TEST(ConfigMap, KeysAndImmutability) {
  auto s = builtin_strategy({"", "configmaps"});
  object ok = created(s, make("ConfigMap", {{"data", {{"app.properties", "a=b"}}}}));
  EXPECT_THAT(strs(s->validate_create(ok)), IsEmpty());
  object bad = created(s, make("ConfigMap", {{"data", {{"a b", "v"}, {"k", "v"}}}, {"binaryData", {{"k", "AA=="}}}}));
  EXPECT_THAT(strs(s->validate_create(bad)),
              ElementsAre("data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric "
                          "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
                          "for validation is '[-._a-zA-Z0-9]+')",
                          "data[k]: Invalid value: \"k\": duplicate of key present in binaryData"));
  object frozen = created(s, make("ConfigMap", {{"data", {{"k", "v"}}}, {"immutable", true}}));
  object changed = updated(s, make("ConfigMap", {{"data", {{"k", "w"}}}, {"immutable", true}}), frozen);
  EXPECT_THAT(strs(s->validate_update(changed, frozen)),
              ElementsAre("data: Forbidden: field is immutable when `immutable` is set"));
}

TEST(Secret, StringDataMergedTypeDefaultedBase64Checked) {
  auto s = builtin_strategy({"", "secrets"});
  object o = created(s, make("Secret", {{"data", {{"a", "eA=="}}}, {"stringData", {{"b", "hello"}}}}));
  EXPECT_EQ(o.data()["data"], json({{"a", "eA=="}, {"b", "aGVsbG8="}}));
  EXPECT_FALSE(o.data().contains("stringData"));
  EXPECT_EQ(o.data()["type"], "Opaque");
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
  object bad = created(s, make("Secret", {{"data", {{"a", "hello world"}, {"b", "YWJ"}}}}));
  auto errs = s->validate_create(bad);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].field, "data[a]");
  EXPECT_EQ(errs[0].detail, "illegal base64 data at input byte 5");
  EXPECT_EQ(errs[1].detail, "illegal base64 data at input byte 0");
}

TEST(Secret, TypedSecretsNeedTheirKeysAndTypeIsImmutable) {
  auto s = builtin_strategy({"", "secrets"});
  object tls = created(s, make("Secret", {{"type", "kubernetes.io/tls"}}));
  EXPECT_THAT(strs(s->validate_create(tls)), ElementsAre("data[tls.key]: Required value", "data[tls.crt]: Required value"));
  object old = created(s, make("Secret", json::object()));
  object retyped = updated(s, make("Secret", {{"type", "example.com/x"}}), old);
  EXPECT_THAT(strs(s->validate_update(retyped, old)),
              ElementsAre("type: Invalid value: \"example.com/x\": field is immutable"));
}

TEST(PersistentVolumeClaim, StatusDefaultsAndValidation) {
  auto s = builtin_strategy({"", "persistentvolumeclaims"});
  object o = created(s, make("PersistentVolumeClaim", {{"spec", json::object()}}));
  EXPECT_EQ(o.data()["status"], json({{"phase", "Pending"}}));
  EXPECT_EQ(o.data()["spec"]["volumeMode"], "Filesystem");
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.accessModes: Required value: at least 1 access mode is required",
                          "spec.resources[storage]: Required value"));
  object good = created(s, make("PersistentVolumeClaim", {{"spec", {{"accessModes", {"ReadWriteOnce"}},
                                                                     {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}}));
  EXPECT_THAT(strs(s->validate_create(good)), IsEmpty());
  object changed = good;
  changed.data()["spec"]["accessModes"] = {"ReadWriteMany"};
  changed = updated(s, changed, good);
  EXPECT_THAT(strs(s->validate_update(changed, good)),
              Contains("spec: Forbidden: spec is immutable after creation except resources.requests for bound claims"));
}

TEST(Node, TaintsAndProviderId) {
  auto s = builtin_strategy({"", "nodes"});
  object o = created(s, make("Node", {{"spec", {{"taints", {{{"key", "k"}, {"effect", "Sometimes"}}}}}}}, "n1", ""));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: "
                          "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""));
  object old = created(s, make("Node", {{"spec", {{"providerID", "kind://a"}}}}, "n1", ""));
  object moved = updated(s, make("Node", {{"spec", {{"providerID", "kind://b"}}}}, "n1", ""), old);
  EXPECT_THAT(strs(s->validate_update(moved, old)),
              ElementsAre("spec.providerID: Forbidden: node updates may not change providerID except from \"\" to "
                          "valid"));
}

TEST(Event, InvolvedObjectNamespaceMustMatch) {
  auto s = builtin_strategy({"", "events"});
  object o = created(s, make("Event", {{"involvedObject", {{"kind", "Pod"}, {"namespace", "other"}}}}, "p.17a"));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"));
  EXPECT_TRUE(validate_name("p.17a8b9c0d1e2f3", s->names()).empty());
}

TEST(Lease, DurationMustBePositive) {
  auto s = builtin_strategy({"coordination.k8s.io", "leases"});
  object o = created(s, make("Lease", {{"spec", {{"leaseDurationSeconds", 0}}}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"));
}

}  // namespace
}  // namespace ktk::apiserver
