// Tests for ktk::core::object: apiVersion/kind, every metadata accessor and setter,
// labels/annotations/finalizers/ownerReferences/managedFields, field lookup, and
// robustness against malformed metadata.
#include "ktk/core/object.hpp"

#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ktk::core::json;
using ktk::core::object;
using ktk::core::owner_reference;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

object pod() { return object("v1", "Pod"); }

TEST(Object, DefaultIsEmptyJsonObject) {
  object o;
  EXPECT_EQ(o.data(), json::object());
  EXPECT_EQ(o.api_version(), "");
  EXPECT_EQ(o.kind(), "");
  EXPECT_EQ(o.name(), "");
  EXPECT_EQ(o.dump(), "{}");
}

TEST(Object, ConstructFromNonObjectJsonThrows) {
  EXPECT_THROW(object(json::array()), std::invalid_argument);
  EXPECT_THROW(object(json("pod")), std::invalid_argument);
  EXPECT_THROW(object(json(3)), std::invalid_argument);
  EXPECT_THROW(object(json(nullptr)), std::invalid_argument);
  EXPECT_NO_THROW(object(json::object()));
}

TEST(Object, ApiVersionAndKind) {
  object o("apps/v1", "Deployment");
  EXPECT_EQ(o.api_version(), "apps/v1");
  EXPECT_EQ(o.kind(), "Deployment");
  EXPECT_EQ(o.group_version_kind(), (ktk::core::gvk{"apps", "v1", "Deployment"}));
  o.set_group_version_kind({"", "v1", "ConfigMap"});
  EXPECT_EQ(o.data()["apiVersion"], "v1");
  EXPECT_EQ(o.data()["kind"], "ConfigMap");
  o.set_api_version("batch/v1");
  o.set_kind("Job");
  EXPECT_EQ(o.group_version_kind(), (ktk::core::gvk{"batch", "v1", "Job"}));
}

TEST(Object, NonStringApiVersionReadsAsEmpty) {
  object o(json{{"apiVersion", 1}, {"kind", json::array()}});
  EXPECT_EQ(o.api_version(), "");
  EXPECT_EQ(o.kind(), "");
}

TEST(Object, StringMetadataRoundTrip) {
  object o = pod();
  o.set_name("web");
  o.set_generate_name("web-");
  o.set_namespace("default");
  o.set_uid("1234");
  o.set_resource_version("42");
  o.set_creation_timestamp("2024-01-01T00:00:00Z");
  o.set_deletion_timestamp("2024-01-01T00:01:00Z");
  EXPECT_EQ(o.name(), "web");
  EXPECT_EQ(o.generate_name(), "web-");
  EXPECT_EQ(o.namespace_(), "default");
  EXPECT_EQ(o.uid(), "1234");
  EXPECT_EQ(o.resource_version(), "42");
  EXPECT_EQ(o.creation_timestamp(), "2024-01-01T00:00:00Z");
  EXPECT_EQ(o.deletion_timestamp(), "2024-01-01T00:01:00Z");
  EXPECT_EQ(o.key(), (ktk::core::object_key{"default", "web"}));
  const json& m = o.data()["metadata"];
  EXPECT_EQ(m["name"], "web");
  EXPECT_EQ(m["generateName"], "web-");
  EXPECT_EQ(m["namespace"], "default");
  EXPECT_EQ(m["uid"], "1234");
  EXPECT_EQ(m["resourceVersion"], "42");
  EXPECT_EQ(m["creationTimestamp"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(m["deletionTimestamp"], "2024-01-01T00:01:00Z");
}

TEST(Object, SettingEmptyStringRemovesTheField) {
  object o = pod();
  o.set_name("web");
  o.set_namespace("ns");
  o.set_resource_version("1");
  o.set_name("");
  o.set_resource_version("");
  EXPECT_FALSE(o.metadata().contains("name"));
  EXPECT_FALSE(o.metadata().contains("resourceVersion"));
  EXPECT_EQ(o.metadata(), (json{{"namespace", "ns"}}));
}

TEST(Object, AbsentMetadataReadsAsDefaults) {
  const object o = pod();
  EXPECT_EQ(o.name(), "");
  EXPECT_EQ(o.generation(), 0);
  EXPECT_EQ(o.deletion_grace_period_seconds(), std::nullopt);
  EXPECT_EQ(o.metadata(), json::object());
  // Reading did not create metadata.
  EXPECT_FALSE(o.data().contains("metadata"));
}

TEST(Object, Generation) {
  object o = pod();
  o.set_generation(3);
  EXPECT_EQ(o.generation(), 3);
  EXPECT_EQ(o.metadata()["generation"], 3);
  o.set_generation(0);
  EXPECT_FALSE(o.metadata().contains("generation"));
  EXPECT_EQ(o.generation(), 0);
}

TEST(Object, DeletionGracePeriodSeconds) {
  object o = pod();
  o.set_deletion_grace_period_seconds(30);
  EXPECT_EQ(o.deletion_grace_period_seconds(), 30);
  // Zero is a real value (immediate deletion), not absence.
  o.set_deletion_grace_period_seconds(0);
  EXPECT_EQ(o.deletion_grace_period_seconds(), 0);
  EXPECT_TRUE(o.metadata().contains("deletionGracePeriodSeconds"));
  o.set_deletion_grace_period_seconds(std::nullopt);
  EXPECT_EQ(o.deletion_grace_period_seconds(), std::nullopt);
  EXPECT_FALSE(o.metadata().contains("deletionGracePeriodSeconds"));
}

TEST(Object, Labels) {
  object o = pod();
  EXPECT_THAT(o.labels(), IsEmpty());
  EXPECT_EQ(o.label("app"), std::nullopt);
  o.set_label("app", "web");
  o.set_label("tier", "front");
  EXPECT_EQ(o.label("app"), "web");
  EXPECT_EQ(o.labels(), (std::map<std::string, std::string>{{"app", "web"}, {"tier", "front"}}));
  EXPECT_EQ(o.labels_json(), (json{{"app", "web"}, {"tier", "front"}}));
  o.set_label("app", "api");
  EXPECT_EQ(o.label("app"), "api");
  o.remove_label("app");
  EXPECT_EQ(o.label("app"), std::nullopt);
  EXPECT_TRUE(o.metadata().contains("labels"));
  o.remove_label("missing");  // no-op
  o.remove_label("tier");     // the last one drops the map
  EXPECT_FALSE(o.metadata().contains("labels"));
  EXPECT_EQ(o.labels_json(), json::object());
}

TEST(Object, SetLabelsReplacesAndEmptyRemoves) {
  object o = pod();
  o.set_label("old", "x");
  o.set_labels({{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(o.labels(), (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  o.set_labels({});
  EXPECT_FALSE(o.metadata().contains("labels"));
}

TEST(Object, Annotations) {
  object o = pod();
  EXPECT_THAT(o.annotations(), IsEmpty());
  o.set_annotation("note", "hello");
  o.set_annotation("other", "x");
  EXPECT_EQ(o.annotation("note"), "hello");
  EXPECT_EQ(o.annotations_json(), (json{{"note", "hello"}, {"other", "x"}}));
  o.remove_annotation("note");
  EXPECT_EQ(o.annotation("note"), std::nullopt);
  o.remove_annotation("other");
  EXPECT_FALSE(o.metadata().contains("annotations"));
  o.set_annotations({{"k", "v"}});
  EXPECT_EQ(o.annotations(), (std::map<std::string, std::string>{{"k", "v"}}));
  o.set_annotations({});
  EXPECT_FALSE(o.metadata().contains("annotations"));
}

TEST(Object, Finalizers) {
  object o = pod();
  EXPECT_THAT(o.finalizers(), IsEmpty());
  EXPECT_FALSE(o.has_finalizer("a"));
  EXPECT_TRUE(o.add_finalizer("a"));
  EXPECT_FALSE(o.add_finalizer("a"));  // idempotent
  EXPECT_TRUE(o.add_finalizer("b"));
  EXPECT_THAT(o.finalizers(), ElementsAre("a", "b"));
  EXPECT_TRUE(o.has_finalizer("b"));
  EXPECT_TRUE(o.remove_finalizer("a"));
  EXPECT_FALSE(o.remove_finalizer("a"));  // idempotent
  EXPECT_THAT(o.finalizers(), ElementsAre("b"));
  EXPECT_TRUE(o.remove_finalizer("b"));
  EXPECT_FALSE(o.metadata().contains("finalizers"));
  o.set_finalizers({"x", "y"});
  EXPECT_EQ(o.metadata()["finalizers"], (json{"x", "y"}));
  o.set_finalizers({});
  EXPECT_FALSE(o.metadata().contains("finalizers"));
}

TEST(Object, OwnerReferencesRoundTrip) {
  object o = pod();
  EXPECT_THAT(o.owner_references(), IsEmpty());
  EXPECT_EQ(o.controller_ref(), std::nullopt);
  owner_reference plain{"v1", "ConfigMap", "cfg", "u1", std::nullopt, std::nullopt};
  owner_reference ctrl{"apps/v1", "ReplicaSet", "rs", "u2", true, true};
  o.set_owner_references({plain, ctrl});
  EXPECT_THAT(o.owner_references(), ElementsAre(plain, ctrl));
  EXPECT_EQ(o.controller_ref(), ctrl);
  EXPECT_EQ(o.metadata()["ownerReferences"],
            json::parse(R"([{"apiVersion":"v1","kind":"ConfigMap","name":"cfg","uid":"u1"},
                            {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u2",
                             "controller":true,"blockOwnerDeletion":true}])"));
  o.set_owner_references({});
  EXPECT_FALSE(o.metadata().contains("ownerReferences"));
}

TEST(Object, OwnerReferencesJsonIsTheRawArray) {
  object o = pod();
  EXPECT_EQ(o.owner_references_json(), json::array());
  o.set_owner_references({{"v1", "A", "a", "1", true, std::nullopt}});
  EXPECT_EQ(&o.owner_references_json(), &o.metadata()["ownerReferences"]);  // not a copy
  o.metadata()["ownerReferences"] = "not a list";
  EXPECT_EQ(o.owner_references_json(), json::array());
}

TEST(Object, ControllerRefIgnoresControllerFalse) {
  object o = pod();
  o.set_owner_references({{"v1", "A", "a", "1", false, std::nullopt}});
  EXPECT_EQ(o.controller_ref(), std::nullopt);
  // Only a boolean true counts, wherever the controller's reference stands.
  const object p(json::parse(R"({"metadata":{"ownerReferences":[{"name":"s","controller":"yes"},
      {"name":"n","controller":null},{"apiVersion":"v1","kind":"B","name":"b","uid":"2","controller":true}]}})"));
  EXPECT_EQ(p.controller_ref(), (owner_reference{"v1", "B", "b", "2", true, std::nullopt}));
}

TEST(Object, OwnerReferenceJsonConversion) {
  owner_reference r = json::parse(R"({"apiVersion":"v1","kind":"K","name":"n","uid":"u","controller":"yes"})")
                          .get<owner_reference>();
  EXPECT_EQ(r.name, "n");
  EXPECT_EQ(r.controller, std::nullopt);  // not a boolean
  json j = owner_reference{"v1", "K", "n", "u", false, std::nullopt};
  EXPECT_EQ(j, json::parse(R"({"apiVersion":"v1","kind":"K","name":"n","uid":"u","controller":false})"));
}

TEST(Object, ManagedFields) {
  object o = pod();
  EXPECT_EQ(o.managed_fields(), json::array());
  json mf = json::parse(R"([{"manager":"kubectl","operation":"Apply","apiVersion":"v1"}])");
  o.set_managed_fields(mf);
  EXPECT_EQ(o.managed_fields(), mf);
  o.set_managed_fields(json::array());
  EXPECT_FALSE(o.metadata().contains("managedFields"));
  o.set_managed_fields(mf);
  o.set_managed_fields(nullptr);
  EXPECT_FALSE(o.metadata().contains("managedFields"));
}

TEST(Object, FieldAndAtPath) {
  object o(json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
                          "spec":{"nodeName":"n1","containers":[{"name":"c"}]},
                          "status":{"phase":"Running","a.b":1}})"));
  ASSERT_NE(o.field("spec"), nullptr);
  EXPECT_EQ((*o.field("spec"))["nodeName"], "n1");
  EXPECT_EQ(o.field("data"), nullptr);
  ASSERT_NE(o.at_path("spec.nodeName"), nullptr);
  EXPECT_EQ(*o.at_path("spec.nodeName"), "n1");
  EXPECT_EQ(*o.at_path("status.phase"), "Running");
  EXPECT_EQ(*o.at_path("metadata.name"), "p");
  EXPECT_EQ(o.at_path("spec.missing"), nullptr);
  EXPECT_EQ(o.at_path("spec.nodeName.deeper"), nullptr);  // through a string
  EXPECT_EQ(o.at_path("spec.containers.name"), nullptr);  // arrays are not indexed by name
  EXPECT_EQ(o.at_path("nothing"), nullptr);
}

TEST(Object, MalformedMetadataDoesNotCrash) {
  const object s(json{{"kind", "Pod"}, {"metadata", "oops"}});
  EXPECT_EQ(s.name(), "");
  EXPECT_EQ(s.generation(), 0);
  EXPECT_THAT(s.labels(), IsEmpty());
  EXPECT_THAT(s.finalizers(), IsEmpty());
  EXPECT_THAT(s.owner_references(), IsEmpty());
  EXPECT_EQ(s.managed_fields(), json::array());
  EXPECT_EQ(s.metadata(), json::object());

  // A mutable access replaces the malformed metadata with an object.
  object m = s;
  m.set_name("x");
  EXPECT_EQ(m.name(), "x");
  EXPECT_EQ(m.data()["metadata"], (json{{"name", "x"}}));
}

TEST(Object, MalformedMetadataFieldsDoNotCrash) {
  const object o(json::parse(R"({"metadata":{"name":5,"labels":["a"],"annotations":"x",
      "finalizers":{"a":1},"ownerReferences":"no","managedFields":{},"generation":"3",
      "deletionGracePeriodSeconds":1.5}})"));
  EXPECT_EQ(o.name(), "");
  EXPECT_THAT(o.labels(), IsEmpty());
  EXPECT_EQ(o.labels_json(), json::object());
  EXPECT_EQ(o.label("a"), std::nullopt);
  EXPECT_THAT(o.annotations(), IsEmpty());
  EXPECT_EQ(o.annotation("x"), std::nullopt);
  EXPECT_THAT(o.finalizers(), IsEmpty());
  EXPECT_FALSE(o.has_finalizer("a"));
  EXPECT_THAT(o.owner_references(), IsEmpty());
  EXPECT_EQ(o.controller_ref(), std::nullopt);
  EXPECT_EQ(o.managed_fields(), json::array());
  EXPECT_EQ(o.generation(), 0);
  EXPECT_EQ(o.deletion_grace_period_seconds(), std::nullopt);
}

TEST(Object, NonStringEntriesAreSkipped) {
  const object o(json::parse(R"({"metadata":{"labels":{"a":"1","b":2},
      "finalizers":["f",3],"ownerReferences":["x",{"name":"o","controller":true}]}})"));
  EXPECT_EQ(o.labels(), (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(o.label("b"), std::nullopt);
  EXPECT_THAT(o.finalizers(), ElementsAre("f"));
  ASSERT_EQ(o.owner_references().size(), 1u);
  EXPECT_EQ(o.controller_ref()->name, "o");
}

TEST(Object, MutatorsRepairMalformedContainers) {
  object o(json::parse(R"({"metadata":{"labels":["a"],"annotations":"x","finalizers":{"a":1}}})"));
  o.remove_label("a");       // no-op on a non-object
  o.remove_annotation("x");  // no-op on a non-object
  EXPECT_FALSE(o.remove_finalizer("a"));
  o.set_labels({{"k", "v"}});
  EXPECT_EQ(o.labels(), (std::map<std::string, std::string>{{"k", "v"}}));
  o.set_finalizers({"f"});
  EXPECT_THAT(o.finalizers(), ElementsAre("f"));
}

TEST(Object, SingleKeyMutatorsReplaceMalformedContainers) {
  object o(json::parse(R"({"metadata":{"labels":["a"],"annotations":"x","finalizers":{"a":1}}})"));
  o.set_label("k", "v");
  o.set_annotation("n", "m");
  EXPECT_TRUE(o.add_finalizer("f"));
  EXPECT_EQ(o.labels(), (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_EQ(o.annotations(), (std::map<std::string, std::string>{{"n", "m"}}));
  EXPECT_THAT(o.finalizers(), ElementsAre("f"));
}

TEST(Object, EqualityAndSnapshots) {
  object a = pod();
  a.set_name("x");
  object b = a;
  EXPECT_EQ(a, b);
  b.set_label("k", "v");
  EXPECT_FALSE(a == b);
  auto p = ktk::core::make_object_ptr(std::move(b));
  EXPECT_EQ(p->label("k"), "v");
}

}  // namespace

namespace {

TEST(ObjectJsonText, IsComputedOnceAndShared) {
  object o = pod();
  o.set_name("a");
  const object& c = o;
  const std::string& first = c.json_text();
  EXPECT_EQ(first, o.dump());
  EXPECT_EQ(&c.json_text(), &first);  // the same bytes, not a second serialisation
}

TEST(ObjectJsonText, AnyMutationForgetsIt) {
  object o = pod();
  EXPECT_EQ(std::as_const(o).json_text(), R"({"apiVersion":"v1","kind":"Pod"})");
  o.set_name("b");
  EXPECT_EQ(std::as_const(o).json_text(), R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}})");
  o.data()["spec"] = json::object();
  EXPECT_NE(std::as_const(o).json_text().find("spec"), std::string::npos);
  o.set_kind("Node");
  EXPECT_NE(std::as_const(o).json_text().find("Node"), std::string::npos);
}

TEST(ObjectJsonText, CopiesAndMovesKeepTheirOwnText) {
  object o = pod();
  (void)std::as_const(o).json_text();
  object copy = o;
  copy.set_name("c");
  EXPECT_EQ(std::as_const(o).json_text(), R"({"apiVersion":"v1","kind":"Pod"})");
  EXPECT_NE(std::as_const(copy).json_text().find("\"c\""), std::string::npos);
  object moved = std::move(copy);
  EXPECT_NE(std::as_const(moved).json_text().find("\"c\""), std::string::npos);
  object assigned;
  assigned = o;
  EXPECT_EQ(std::as_const(assigned).json_text(), std::as_const(o).json_text());
  assigned = std::move(moved);
  EXPECT_NE(std::as_const(assigned).json_text().find("\"c\""), std::string::npos);
}

TEST(ObjectJsonText, ConcurrentReadersAgree) {
  auto p = ktk::core::make_object_ptr(pod());
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i) ts.emplace_back([&, i] { seen[i] = &p->json_text(); });
  for (auto& t : ts) t.join();
  for (auto* s : seen) EXPECT_EQ(s, seen[0]);
}

}  // namespace
