#include "ktk/core/field_selector.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ktk::core {
namespace {

field_selector must_parse(std::string_view s) {
  auto r = field_selector::parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : field_selector();
}

std::string parse_error(std::string_view s) {
  auto r = field_selector::parse(s);
  if (r.ok()) return "<parsed: " + r->str() + ">";
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().reason(), "BadRequest");
  return r.error().message();
}

object obj(const char* text) { return object(nlohmann::json::parse(text)); }

std::string validate_error(std::string_view sel, const group_kind& gk, bool custom = false) {
  auto r = validate_field_selector(must_parse(sel), gk, custom);
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().code(), 400);
  return r.error().message();
}

TEST(FieldSelectorParse, OperatorsAndCanonicalForm) {
  auto s = must_parse("spec.nodeName!=n1,metadata.name==web");
  ASSERT_EQ(s.requirements().size(), 2u);
  EXPECT_EQ(s.requirements()[0], (field_requirement{"metadata.name", false, "web"}));
  EXPECT_EQ(s.requirements()[1], (field_requirement{"spec.nodeName", true, "n1"}));
  EXPECT_EQ(s.str(), "metadata.name=web,spec.nodeName!=n1");
  EXPECT_EQ(must_parse("b=1,a=2").str(), "a=2,b=1");
}

TEST(FieldSelectorParse, EmptyAndDegenerateTerms) {
  for (const char* text : {"", ",", ",,", "=", "!="}) {
    auto s = must_parse(text);
    EXPECT_TRUE(s.empty()) << text;
    EXPECT_TRUE(s.matches(obj(R"({"kind":"Pod"})")));
  }
  EXPECT_EQ(must_parse("a=").requirements()[0], (field_requirement{"a", false, ""}));
  EXPECT_EQ(must_parse("=x").requirements()[0], (field_requirement{"", false, "x"}));
  EXPECT_EQ(must_parse("a=!b").requirements()[0], (field_requirement{"a", false, "!b"}));
}

TEST(FieldSelectorParse, BackslashEscapes) {
  auto s = must_parse(R"(metadata.name=a\,b\=c\\d,x=y)");
  ASSERT_EQ(s.requirements().size(), 2u);
  EXPECT_EQ(s.requirements()[0].value, R"(a,b=c\d)");
  EXPECT_EQ(s.str(), R"(metadata.name=a\,b\=c\\d,x=y)");
}

TEST(FieldSelectorParse, ErrorsUseApimachineryWording) {
  EXPECT_EQ(parse_error("abc"), "invalid selector: 'abc'; can't understand 'abc'");
  EXPECT_EQ(parse_error("a=b,c"), "invalid selector: 'a=b,c'; can't understand 'c'");
  EXPECT_EQ(parse_error("a=b=c"), "invalid field selector: unescaped character in value: 61");
  EXPECT_EQ(parse_error("a==b,c"), "invalid selector: 'a==b,c'; can't understand 'c'");
  EXPECT_EQ(parse_error(R"(a=b\x)"), R"(invalid field selector: invalid escape sequence: \x)");
  EXPECT_EQ(parse_error(R"(a=\!)"), R"(invalid field selector: invalid escape sequence: \!)");
  EXPECT_EQ(parse_error("a=\\\xC3\xA9"), "invalid field selector: invalid escape sequence: \\\xC3\xA9");
  EXPECT_EQ(parse_error(R"(a=b\)"), R"(invalid field selector: invalid escape sequence: \)");
}

TEST(FieldSelectorParse, RequiredValue) {
  auto s = must_parse("metadata.name=web,spec.nodeName!=n1");
  EXPECT_EQ(s.required_value("metadata.name"), "web");
  EXPECT_EQ(s.required_value("spec.nodeName"), std::nullopt);
  EXPECT_EQ(s.required_value("status.phase"), std::nullopt);
}

TEST(FieldSelectorMatch, ComparesStringsAndAbsentIsEmpty) {
  auto pod = obj(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"ns"},
                     "spec":{"nodeName":"n1"},"status":{"phase":"Running"}})");
  auto pending = obj(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"db","namespace":"ns"}})");
  EXPECT_TRUE(must_parse("spec.nodeName=n1").matches(pod));
  EXPECT_FALSE(must_parse("spec.nodeName=n1").matches(pending));
  EXPECT_TRUE(must_parse("spec.nodeName=").matches(pending));
  EXPECT_FALSE(must_parse("spec.nodeName=").matches(pod));
  EXPECT_TRUE(must_parse("spec.nodeName!=").matches(pod));
  EXPECT_TRUE(must_parse("metadata.namespace=ns,status.phase!=Pending").matches(pod));
  EXPECT_FALSE(must_parse("metadata.name=web,status.phase=Pending").matches(pod));
  EXPECT_TRUE(must_parse("spec.hostNetwork=false").matches(pod));
  EXPECT_TRUE(field_selector().matches(pod));
}

TEST(FieldValue, PodFields) {
  auto pod = obj(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
                     "spec":{"nodeName":"n1","hostNetwork":true},
                     "status":{"podIP":"10.0.0.9","podIPs":[{"ip":"10.0.0.1"},{"ip":"fd00::1"}]}})");
  EXPECT_EQ(field_value(pod, "metadata.name"), "p");
  EXPECT_EQ(field_value(pod, "metadata.namespace"), "");
  EXPECT_EQ(field_value(pod, "spec.host"), "n1");
  EXPECT_EQ(field_value(pod, "spec.hostNetwork"), "true");
  EXPECT_EQ(field_value(pod, "status.podIP"), "10.0.0.1");
  EXPECT_EQ(field_value(pod, "status.podIPs"), "");
  EXPECT_EQ(field_value(pod, "spec.restartPolicy"), "");
  auto bare = obj(R"({"apiVersion":"v1","kind":"Pod","status":{"podIP":"10.0.0.9"}})");
  EXPECT_EQ(field_value(bare, "spec.hostNetwork"), "false");
  EXPECT_EQ(field_value(bare, "status.podIP"), "10.0.0.9");
}

TEST(FieldValue, DefaultsOfOtherKinds) {
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"v1","kind":"Node"})"), "spec.unschedulable"), "false");
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"v1","kind":"Node","spec":{"unschedulable":true}})"),
                        "spec.unschedulable"),
            "true");
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"v1","kind":"ReplicationController"})"), "status.replicas"), "0");
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"v1","kind":"ReplicationController","status":{"replicas":3}})"),
                        "status.replicas"),
            "3");
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"batch/v1","kind":"Job","status":{"succeeded":2}})"),
                        "status.successful"),
            "2");
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"batch/v1","kind":"Job"})"), "status.successful"), "0");
  EXPECT_EQ(field_value(obj(R"({"apiVersion":"v1","kind":"Secret","type":"Opaque"})"), "type"), "Opaque");
}

TEST(FieldValue, EventsOfBothApis) {
  auto core_event = obj(R"({"apiVersion":"v1","kind":"Event","reason":"Started","type":"Normal",
      "involvedObject":{"kind":"Pod","name":"web","uid":"u1"},"source":{"component":"kubelet"},
      "reportingComponent":"kubelet-rc"})");
  EXPECT_EQ(field_value(core_event, "involvedObject.name"), "web");
  EXPECT_EQ(field_value(core_event, "involvedObject.uid"), "u1");
  EXPECT_EQ(field_value(core_event, "involvedObject.namespace"), "");
  EXPECT_EQ(field_value(core_event, "source"), "kubelet");
  EXPECT_EQ(field_value(core_event, "reportingComponent"), "kubelet-rc");
  EXPECT_EQ(field_value(core_event, "reason"), "Started");
  EXPECT_TRUE(must_parse("involvedObject.kind=Pod,type=Normal,source=kubelet").matches(core_event));

  auto no_source = obj(R"({"apiVersion":"v1","kind":"Event","reportingComponent":"ctrl"})");
  EXPECT_EQ(field_value(no_source, "source"), "ctrl");

  auto new_event = obj(R"({"apiVersion":"events.k8s.io/v1","kind":"Event","reason":"Scaled",
      "regarding":{"kind":"Deployment","name":"web"},"reportingController":"deployment-controller"})");
  EXPECT_EQ(field_value(new_event, "regarding.kind"), "Deployment");
  EXPECT_EQ(field_value(new_event, "involvedObject.name"), "web");
  EXPECT_EQ(field_value(new_event, "reportingController"), "deployment-controller");
  EXPECT_EQ(field_value(new_event, "source"), "deployment-controller");
  auto with_deprecated = obj(R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
      "deprecatedSource":{"component":"old"},"reportingController":"new"})");
  EXPECT_EQ(field_value(with_deprecated, "source"), "old");
}

TEST(FieldValue, GenericPathsAndTypes) {
  auto o = obj(R"({"apiVersion":"example.com/v1","kind":"At","metadata":{"name":"a"},
      "spec":{"flag":false,"count":42,"ratio":2.0,"half":0.5,"nested":{"x":1},"list":[1]}})");
  EXPECT_EQ(field_value(o, "spec.flag"), "false");
  EXPECT_EQ(field_value(o, "spec.count"), "42");
  EXPECT_EQ(field_value(o, "spec.ratio"), "2");
  EXPECT_EQ(field_value(o, "spec.half"), "0.5");
  EXPECT_EQ(field_value(o, "spec.missing.deeper"), "");
  EXPECT_EQ(field_value(o, "spec.nested"), std::nullopt);
  EXPECT_EQ(field_value(o, "spec.list"), std::nullopt);
  EXPECT_EQ(field_value(o, ""), std::nullopt);
  EXPECT_TRUE(must_parse("spec.count=42,spec.flag=false").matches(o));
}

TEST(SelectableFields, PerKind) {
  auto pod = selectable_fields({"", "Pod"}, false);
  for (const char* f : {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
                        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                        "status.podIP", "status.podIPs", "status.nominatedNodeName"})
    EXPECT_NE(std::find(pod.begin(), pod.end(), f), pod.end()) << f;
  EXPECT_EQ(selectable_fields({"", "Node"}, false),
            (std::vector<std::string>{"metadata.name", "spec.unschedulable"}));
  EXPECT_EQ(selectable_fields({"", "Namespace"}, false),
            (std::vector<std::string>{"status.phase", "metadata.name"}));
  EXPECT_EQ(selectable_fields({"certificates.k8s.io", "CertificateSigningRequest"}, false),
            (std::vector<std::string>{"metadata.name", "spec.signerName"}));
  const std::vector<std::string> meta{"metadata.name", "metadata.namespace"};
  EXPECT_EQ(selectable_fields({"apps", "Deployment"}, false), meta);
  EXPECT_EQ(selectable_fields({"example.com", "Pod"}, true), meta);
  EXPECT_EQ(selectable_fields({"", "Pod"}, true), meta);
}

TEST(ValidateFieldSelector, AcceptsSupportedFields) {
  EXPECT_EQ(validate_error("spec.nodeName=n1,status.phase=Running,spec.host=x", {"", "Pod"}), "<ok>");
  EXPECT_EQ(validate_error("spec.clusterIP=None,spec.type=ClusterIP", {"", "Service"}), "<ok>");
  EXPECT_EQ(validate_error("involvedObject.name=web,source=kubelet", {"", "Event"}), "<ok>");
  EXPECT_EQ(validate_error("regarding.name=web,reportingController=x", {"events.k8s.io", "Event"}), "<ok>");
  EXPECT_EQ(validate_error("status.successful=1", {"batch", "Job"}), "<ok>");
  EXPECT_EQ(validate_error("metadata.name=a,metadata.namespace=b", {"apps", "Deployment"}), "<ok>");
  EXPECT_EQ(validate_error("metadata.name=a", {"example.com", "At"}, true), "<ok>");
  EXPECT_EQ(validate_error("", {"", "Node"}), "<ok>");
}

TEST(ValidateFieldSelector, RejectsWithKubeApiserversWording) {
  EXPECT_EQ(validate_error("spec.foo=x", {"", "Pod"}), "field label not supported: spec.foo");
  EXPECT_EQ(validate_error("metadata.namespace=x", {"", "Node"}),
            "field label not supported: metadata.namespace");
  EXPECT_EQ(validate_error("spec.replicas=1", {"apps", "Deployment"}),
            "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  // kube-apiserver registers no conversion for apps/v1 ReplicaSet (kubernetes#135136).
  EXPECT_EQ(validate_error("status.replicas=1", {"apps", "ReplicaSet"}),
            "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  EXPECT_EQ(validate_error("status.phase=x", {"example.com", "At"}, true),
            "field label not supported: status.phase");
  EXPECT_EQ(validate_error("status.active=1", {"batch", "Job"}),
            "field label \"status.active\" not supported for batchv1.Job");
  EXPECT_EQ(validate_error("spec.pool=x", {"resource.k8s.io", "ResourceSlice"}),
            "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: spec.pool");
  EXPECT_EQ(validate_error("a=1,b=2", {"", "Secret"}), "field label not supported: a");
}

}  // namespace
}  // namespace ktk::core
