#include "ktk/core/apply.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::apply_options;
using ktk::core::json;
using ktk::core::record_update;
using ktk::core::server_side_apply;

constexpr const char* t0 = "2024-01-01T00:00:00Z";
constexpr const char* t1 = "2024-01-01T00:01:00Z";

apply_options opts(const std::string& manager, bool force = false, const char* ts = t0) {
  return {.manager = manager, .force = force, .timestamp = ts, .gk = {"apps", "Deployment"}, .api_version = "apps/v1"};
}

json deployment(int replicas, const std::string& image = "nginx:1") {
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
    "spec":{"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},
        "spec":{"containers":[{"name":"nginx","ports":[{"containerPort":80}]}]}}}})");
  d["spec"]["replicas"] = replicas;
  d["spec"]["template"]["spec"]["containers"][0]["image"] = image;
  return d;
}

json apply_ok(const json& live, const json& applied, const apply_options& o) {
  auto r = server_side_apply(live, applied, o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : json();
}

const json* entry_of(const json& obj, const std::string& manager, const std::string& operation = "Apply") {
  for (const auto& e : obj["metadata"]["managedFields"]) {
    if (e["manager"] == manager && e["operation"] == operation) return &e;
  }
  return nullptr;
}

TEST(server_side_apply, create_records_fields_v1_like_kube) {
  json obj = apply_ok(nullptr, deployment(2), opts("kubectl"));
  EXPECT_EQ(obj["spec"]["replicas"], 2);
  ASSERT_EQ(obj["metadata"]["managedFields"].size(), 1u);
  const json& e = obj["metadata"]["managedFields"][0];
  EXPECT_EQ(e["manager"], "kubectl");
  EXPECT_EQ(e["operation"], "Apply");
  EXPECT_EQ(e["apiVersion"], "apps/v1");
  EXPECT_EQ(e["time"], t0);
  EXPECT_EQ(e["fieldsType"], "FieldsV1");
  EXPECT_EQ(e["fieldsV1"], json::parse(R"({
    "f:metadata":{"f:labels":{"f:app":{}}},
    "f:spec":{"f:replicas":{},"f:selector":{},
      "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
        "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},
          "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}})"));
}

TEST(server_side_apply, same_value_is_shared_ownership) {
  json obj = apply_ok(nullptr, deployment(2), opts("a"));
  json applied = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}})");
  obj = apply_ok(obj, applied, opts("b"));
  ASSERT_NE(entry_of(obj, "a"), nullptr);
  ASSERT_NE(entry_of(obj, "b"), nullptr);
  EXPECT_TRUE((*entry_of(obj, "a"))["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_EQ((*entry_of(obj, "b"))["fieldsV1"], json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  // a drops replicas from its config: b still owns it, so it stays.
  json a_config = deployment(2);
  a_config["spec"].erase("replicas");
  obj = apply_ok(obj, a_config, opts("a"));
  EXPECT_EQ(obj["spec"]["replicas"], 2);
  EXPECT_FALSE((*entry_of(obj, "a"))["fieldsV1"]["f:spec"].contains("f:replicas"));
}

TEST(server_side_apply, conflict_with_another_applier) {
  json obj = apply_ok(nullptr, deployment(2), opts("kubectl"));
  auto r = server_side_apply(obj, deployment(3), opts("other"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 409);
  EXPECT_EQ(r.error().reason(), "Conflict");
  EXPECT_EQ(r.error().message(), R"(Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas)");
  ASSERT_EQ(r.error().details().causes.size(), 1u);
  EXPECT_EQ(r.error().details().causes[0].reason, "FieldManagerConflict");
  EXPECT_EQ(r.error().details().causes[0].message, R"(conflict with "kubectl")");
  EXPECT_EQ(r.error().details().causes[0].field, ".spec.replicas");
}

TEST(server_side_apply, several_conflicts_grouped_by_manager) {
  json obj = apply_ok(nullptr, deployment(2), opts("a"));
  json label = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}}})");
  obj = apply_ok(obj, label, opts("b"));
  json change = deployment(5, "nginx:2");
  change["metadata"]["labels"]["app"] = "other";
  auto r = server_side_apply(obj, change, opts("c"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "Apply failed with 4 conflicts: conflicts with \"a\":\n"
            "- .metadata.labels.app\n"
            "- .spec.replicas\n"
            "- .spec.template.spec.containers[name=\"nginx\"].image\n"
            "conflicts with \"b\":\n"
            "- .metadata.labels.app");
  ASSERT_EQ(r.error().details().causes.size(), 4u);
  EXPECT_EQ(r.error().details().causes[2].field, ".spec.template.spec.containers[name=\"nginx\"].image");
  EXPECT_EQ(r.error().details().causes[3].message, R"(conflict with "b")");
}

TEST(server_side_apply, conflict_with_an_update_manager_names_its_version) {
  json created = record_update(nullptr, deployment(1), opts("kubectl-client-side-apply"));
  auto r = server_side_apply(created, deployment(4), opts("kubectl"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            R"(Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas)");
  EXPECT_EQ(r.error().details().causes[0].message, R"(conflict with "kubectl-client-side-apply" using apps/v1)");
}

TEST(server_side_apply, force_takes_ownership) {
  json obj = apply_ok(nullptr, deployment(2), opts("a"));
  json applied = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":7}})");
  obj = apply_ok(obj, applied, opts("b", true));
  EXPECT_EQ(obj["spec"]["replicas"], 7);
  EXPECT_FALSE((*entry_of(obj, "a"))["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_TRUE((*entry_of(obj, "b"))["fieldsV1"]["f:spec"].contains("f:replicas"));
  // a no longer owns replicas, so its next apply without replicas leaves b's value alone.
  json a_config = deployment(2);
  a_config["spec"].erase("replicas");
  obj = apply_ok(obj, a_config, opts("a"));
  EXPECT_EQ(obj["spec"]["replicas"], 7);
}

TEST(server_side_apply, fields_no_longer_applied_are_removed) {
  json two = deployment(2);
  two["spec"]["template"]["spec"]["containers"].push_back({{"name", "side"}, {"image", "s"}});
  two["spec"]["paused"] = true;
  json obj = apply_ok(nullptr, two, opts("a"));
  obj = apply_ok(obj, deployment(2), opts("a"));
  EXPECT_FALSE(obj["spec"].contains("paused"));
  ASSERT_EQ(obj["spec"]["template"]["spec"]["containers"].size(), 1u);
  EXPECT_EQ(obj["spec"]["template"]["spec"]["containers"][0]["name"], "nginx");
  EXPECT_EQ(obj["metadata"]["name"], "web");
}

TEST(server_side_apply, keyed_lists_merge_between_managers) {
  json obj = apply_ok(nullptr, deployment(2), opts("a"));
  json side = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"template":{"spec":{"containers":[{"name":"side","image":"s"}]}}}})");
  obj = apply_ok(obj, side, opts("b"));
  ASSERT_EQ(obj["spec"]["template"]["spec"]["containers"].size(), 2u);
  // a re-applies its own config: b's container survives.
  obj = apply_ok(obj, deployment(2), opts("a"));
  EXPECT_EQ(obj["spec"]["template"]["spec"]["containers"].size(), 2u);
}

TEST(server_side_apply, finalizers_and_owner_references_encoding) {
  json d = deployment(1);
  d["metadata"]["finalizers"] = {"x/y"};
  d["metadata"]["ownerReferences"] = json::parse(R"([{"apiVersion":"v1","kind":"ConfigMap","name":"c","uid":"u1"}])");
  json obj = apply_ok(nullptr, d, opts("a"));
  const json& meta = (*entry_of(obj, "a"))["fieldsV1"]["f:metadata"];
  EXPECT_EQ(meta["f:finalizers"], json::parse(R"({"v:\"x/y\"":{}})"));
  EXPECT_EQ(meta["f:ownerReferences"], json::parse(R"({"k:{\"uid\":\"u1\"}":{}})"));
}

TEST(server_side_apply, custom_resource_lists_follow_the_schema) {
  json schema = json::parse(R"({"type":"object","properties":{"spec":{"type":"object","properties":{
    "items":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
      "items":{"type":"object","properties":{"name":{"type":"string"},"v":{"type":"string"}}}},
    "tags":{"type":"array","items":{"type":"string"}}}}}})");
  apply_options a{.manager = "a", .timestamp = t0, .gk = {"example.com", "Widget"}, .api_version = "example.com/v1",
                  .schema = &schema};
  apply_options b = a;
  b.manager = "b";
  json w1 = json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
    "spec":{"items":[{"name":"one","v":"1"}],"tags":["t1"]}})");
  json w2 = json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
    "spec":{"items":[{"name":"two","v":"2"}]}})");
  json obj = apply_ok(nullptr, w1, a);
  obj = apply_ok(obj, w2, b);
  EXPECT_EQ(obj["spec"]["items"].size(), 2u);
  // "tags" has no list type: atomic, so another applier setting it conflicts.
  json w3 = json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"tags":["t2"]}})");
  auto r = server_side_apply(obj, w3, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), R"(Apply failed with 1 conflict: conflict with "a": .spec.tags)");
  // Without a schema every list of a custom resource is atomic.
  a.schema = nullptr;
  b.schema = nullptr;
  obj = apply_ok(nullptr, w1, a);
  EXPECT_FALSE(server_side_apply(obj, w2, b).ok());
}

TEST(server_side_apply, existing_untracked_fields_belong_to_before_first_apply) {
  json live = deployment(1);
  live["metadata"]["uid"] = "u";
  auto r = server_side_apply(live, deployment(3), opts("kubectl"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            R"(Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas)");
  json obj = apply_ok(live, deployment(1), opts("kubectl"));
  EXPECT_NE(entry_of(obj, "before-first-apply", "Update"), nullptr);
  EXPECT_NE(entry_of(obj, "kubectl"), nullptr);
}

TEST(server_side_apply, time_moves_only_when_the_object_changes) {
  json obj = apply_ok(nullptr, deployment(2), opts("a", false, t0));
  obj = apply_ok(obj, deployment(2), opts("a", false, t1));
  EXPECT_EQ((*entry_of(obj, "a"))["time"], t0);
  obj = apply_ok(obj, deployment(3), opts("a", false, t1));
  EXPECT_EQ((*entry_of(obj, "a"))["time"], t1);
}

TEST(server_side_apply, reset_fields_and_subresources) {
  apply_options o = opts("a");
  o.reset_fields = {"status"};
  json d = deployment(1);
  d["status"] = {{"replicas", 1}};
  json obj = apply_ok(nullptr, d, o);
  EXPECT_FALSE((*entry_of(obj, "a"))["fieldsV1"].contains("f:status"));

  apply_options s = opts("ctrl");
  s.subresource = "status";
  json st = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"status":{"replicas":2}})");
  obj = apply_ok(obj, st, s);
  EXPECT_EQ((*entry_of(obj, "ctrl"))["subresource"], "status");
  st["status"]["replicas"] = 3;
  s.manager = "other";
  auto r = server_side_apply(obj, st, s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), R"(Apply failed with 1 conflict: conflict with "ctrl" with subresource "status": .status.replicas)");
}

TEST(server_side_apply, bad_input) {
  auto r = server_side_apply(nullptr, deployment(1), opts(""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 422);
  EXPECT_EQ(r.error().reason(), "Invalid");
  ASSERT_EQ(r.error().details().causes.size(), 1u);
  EXPECT_EQ(r.error().details().causes[0].field, "fieldManager");
  EXPECT_EQ(r.error().details().kind, "PatchOptions");
  EXPECT_EQ(server_side_apply(nullptr, deployment(1), opts(std::string(129, 'm'))).error().code(), 422);

  json v1 = deployment(1);
  v1["apiVersion"] = "apps/v1beta1";
  r = server_side_apply(nullptr, v1, opts("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(),
            "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1");

  json with_mf = deployment(1);
  with_mf["metadata"]["managedFields"] = json::array();
  r = server_side_apply(nullptr, with_mf, opts("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "metadata.managedFields must be nil");

  r = server_side_apply(nullptr, json::array(), opts("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 400);

  json nameless = deployment(1);
  nameless["spec"]["template"]["spec"]["containers"][0].erase("name");
  r = server_side_apply(nullptr, nameless, opts("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 500);
  EXPECT_EQ(r.error().message(),
            "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
            ".spec.template.spec.containers: element 0: associative list with keys has an element that "
            "omits key field \"name\" (and doesn't have default value)");

  json broken = deployment(1);
  broken["metadata"]["managedFields"] = "nope";
  EXPECT_EQ(server_side_apply(broken, deployment(1), opts("a")).error().code(), 500);
}

}  // namespace

namespace {

using ktk::core::fields_of;

TEST(record_update, create_tracks_every_field_but_identity_metadata) {
  json pod = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"u",
    "resourceVersion":"5","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"x"}},
    "spec":{"containers":[{"name":"c","image":"i"}]}})");
  apply_options o{.manager = "kubectl-create", .timestamp = t0, .gk = {"", "Pod"}, .api_version = "v1"};
  json out = record_update(nullptr, pod, o);
  ASSERT_EQ(out["metadata"]["managedFields"].size(), 1u);
  const json& e = out["metadata"]["managedFields"][0];
  EXPECT_EQ(e["operation"], "Update");
  EXPECT_EQ(e["apiVersion"], "v1");
  EXPECT_EQ(e["time"], t0);
  EXPECT_EQ(e["fieldsV1"]["f:metadata"], json::parse(R"({"f:labels":{".":{},"f:app":{}}})"));
  // A map or list that an update adds is itself owned ("."), as for custom resources in
  // kube-apiserver (Go structs there hide some of these; see the report).
  EXPECT_EQ(e["fieldsV1"]["f:spec"]["f:containers"],
            json::parse(R"({".":{},"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}})"));
  EXPECT_FALSE(e["fieldsV1"].contains("f:apiVersion"));
  EXPECT_FALSE(e["fieldsV1"].contains("f:kind"));
  // The object itself is unchanged apart from managedFields.
  json stripped = out;
  stripped["metadata"].erase("managedFields");
  EXPECT_EQ(stripped, pod);
}

TEST(record_update, updater_takes_changed_fields_from_others) {
  json obj = apply_ok(nullptr, deployment(2), opts("a"));
  json changed = obj;
  changed["spec"]["replicas"] = 5;
  json out = record_update(obj, changed, opts("hpa"));
  EXPECT_EQ(out["spec"]["replicas"], 5);
  EXPECT_FALSE((*entry_of(out, "a"))["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_EQ((*entry_of(out, "hpa", "Update"))["fieldsV1"], json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  // Apply entries sort before Update entries.
  EXPECT_EQ(out["metadata"]["managedFields"][0]["operation"], "Apply");
  // The same manager through another apiVersion gets its own entry.
  json again = out;
  again["spec"]["paused"] = true;
  apply_options beta = opts("hpa");
  beta.api_version = "apps/v1beta2";
  again = record_update(out, again, beta);
  int hpa_entries = 0;
  for (const auto& e : again["metadata"]["managedFields"]) hpa_entries += e["manager"] == "hpa";
  EXPECT_EQ(hpa_entries, 2);
}

TEST(record_update, emptied_entries_are_dropped_and_no_change_adds_nothing) {
  json obj = record_update(nullptr, deployment(1), opts("creator"));
  json same = record_update(obj, obj, opts("noop"));
  EXPECT_EQ(entry_of(same, "noop", "Update"), nullptr);
  json one = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}})");
  json applied = apply_ok(nullptr, one, opts("a"));
  json changed = applied;
  changed["spec"]["replicas"] = 9;
  json out = record_update(applied, changed, opts("b"));
  EXPECT_EQ(entry_of(out, "a"), nullptr);
  ASSERT_EQ(out["metadata"]["managedFields"].size(), 1u);
  // Removing a field takes it from its owner too.
  json removed = out;
  removed["spec"].erase("replicas");
  json gone = record_update(out, removed, opts("c"));
  EXPECT_FALSE(gone["metadata"].contains("managedFields"));
}

TEST(record_update, managed_fields_in_the_request) {
  json obj = record_update(nullptr, deployment(1), opts("creator"));
  obj["metadata"]["uid"] = "u";
  json reset = obj;
  reset["metadata"]["managedFields"] = json::parse("[{}]");
  reset["spec"]["replicas"] = 2;
  json out = record_update(obj, reset, opts("x"));
  EXPECT_FALSE(out["metadata"].contains("managedFields"));
  // An existing object without managedFields stays untracked.
  json again = out;
  again["spec"]["replicas"] = 3;
  EXPECT_FALSE(record_update(out, again, opts("y"))["metadata"].contains("managedFields"));
  // Sent managedFields replace the live ones.
  json custom = obj;
  custom["metadata"]["managedFields"] = json::parse(
      R"([{"manager":"mine","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}])");
  custom["spec"]["paused"] = false;
  out = record_update(obj, custom, opts("z"));
  EXPECT_EQ(entry_of(out, "creator", "Update"), nullptr);
  ASSERT_NE(entry_of(out, "mine", "Update"), nullptr);
  EXPECT_NE(entry_of(out, "z", "Update"), nullptr);
  // No manager name: "unknown".
  json unnamed = record_update(nullptr, deployment(1), opts(""));
  EXPECT_NE(entry_of(unnamed, "unknown", "Update"), nullptr);
}

TEST(fields_of, applies_the_strip_rules) {
  json f = fields_of(deployment(1), {"apps", "Deployment"});
  EXPECT_FALSE(f.contains("f:apiVersion"));
  EXPECT_EQ(f["f:metadata"], json::parse(R"({"f:labels":{"f:app":{}}})"));
  EXPECT_TRUE(f["f:spec"].contains("f:replicas"));
}

}  // namespace

// Found by tests/fuzz (patch): an applied configuration whose metadata is not an object
// threw json::type_error out of server_side_apply; it is a 400 as in kube-apiserver.
TEST(server_side_apply, metadata_that_is_not_an_object_is_bad_request) {
  json live = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}}};
  for (json bad_meta : {json("x"), json::array({1}), json(3)}) {
    json applied = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", bad_meta}, {"data", {{"k", "v"}}}};
    for (const json& base : {live, json(nullptr)}) {
      auto r = server_side_apply(base, applied, {.manager = "m", .gk = {"", "ConfigMap"}, .api_version = "v1"});
      ASSERT_FALSE(r.ok()) << bad_meta.dump();
      EXPECT_EQ(r.error().code(), 400);
    }
  }
  // record_update leaves such an object without managedFields rather than throwing.
  json odd = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", "x"}};
  EXPECT_EQ(record_update(live, odd, {.manager = "m", .gk = {"", "ConfigMap"}, .api_version = "v1"})["metadata"], "x");
}
