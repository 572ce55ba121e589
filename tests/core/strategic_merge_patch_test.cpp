#include "ktk/core/patch.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::apply_strategic_merge_patch;
using ktk::core::group_kind;
using ktk::core::json;

const group_kind pod{"", "Pod"};
const group_kind deployment{"apps", "Deployment"};

json smp(const json& original, const char* patch, const group_kind& gk = pod) {
  auto r = apply_strategic_merge_patch(original, json::parse(patch), gk);
  EXPECT_TRUE(r.ok()) << patch << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : json();
}

ktk::core::api_error smp_error(const json& original, const char* patch, const group_kind& gk = pod) {
  auto r = apply_strategic_merge_patch(original, json::parse(patch), gk);
  EXPECT_FALSE(r.ok()) << patch;
  return r.ok() ? ktk::core::api_error(0, "", "") : r.error();
}

json a_pod() {
  return json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a","b"],
    "ownerReferences":[{"uid":"u1","name":"o1","kind":"ReplicaSet","apiVersion":"apps/v1"}]},
    "spec":{"containers":[
      {"name":"app","image":"app:1","ports":[{"containerPort":80},{"containerPort":443}],
       "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"volumeMounts":[{"mountPath":"/d","name":"data"}]},
      {"name":"side","image":"side:1"}],
     "volumes":[{"name":"data","emptyDir":{}}],
     "tolerations":[{"key":"k1","operator":"Exists"}]},
    "status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Scheduled","status":"True"}]}})");
}

const json& containers(const json& p) { return p["spec"]["containers"]; }

TEST(strategic_merge_patch, containers_merge_by_name) {
  json r = smp(a_pod(), R"({"spec":{"containers":[{"name":"app","image":"app:2"},{"name":"new","image":"n"}]}})");
  ASSERT_EQ(containers(r).size(), 3u);
  EXPECT_EQ(containers(r)[0]["image"], "app:2");
  EXPECT_EQ(containers(r)[0]["env"].size(), 2u);  // untouched fields survive
  EXPECT_EQ(containers(r)[1]["name"], "new");     // patch order first, then server-only items
  EXPECT_EQ(containers(r)[2]["name"], "side");
}

TEST(strategic_merge_patch, nested_lists_merge_by_their_keys) {
  json r = smp(a_pod(), R"({"spec":{"containers":[{"name":"app",
      "ports":[{"containerPort":8080}],
      "env":[{"name":"B","value":"x"},{"name":"C","value":"3"}],
      "volumeMounts":[{"mountPath":"/e","name":"extra"}]}],
    "volumes":[{"name":"extra","emptyDir":{}}]}})");
  const json& app = containers(r)[0];
  // strategicpatch's mergeSortedSlice puts patch items the live list does not order first.
  EXPECT_EQ(app["ports"], json::parse(R"([{"containerPort":8080},{"containerPort":80},{"containerPort":443}])"));
  EXPECT_EQ(app["env"], json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"x"},{"name":"C","value":"3"}])"));
  EXPECT_EQ(app["volumeMounts"].size(), 2u);
  EXPECT_EQ(r["spec"]["volumes"].size(), 2u);
}

TEST(strategic_merge_patch, lists_without_merge_strategy_are_replaced) {
  json r = smp(a_pod(), R"({"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}})");
  EXPECT_EQ(r["spec"]["tolerations"], json::parse(R"([{"key":"k2","operator":"Exists"}])"));
  r = smp(a_pod(), R"({"spec":{"containers":[{"name":"app","command":["x"]}]}})");
  EXPECT_EQ(containers(r)[0]["command"], json::parse(R"(["x"])"));
}

TEST(strategic_merge_patch, status_conditions_merge_by_type) {
  json r = smp(a_pod(), R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})");
  EXPECT_EQ(r["status"]["conditions"],
            json::parse(R"([{"type":"Ready","status":"True"},{"type":"Scheduled","status":"True"}])"));
}

TEST(strategic_merge_patch, metadata_finalizers_and_owner_references) {
  json r = smp(a_pod(), R"({"metadata":{"finalizers":["b","c"],
    "ownerReferences":[{"uid":"u2","name":"o2","kind":"ReplicaSet","apiVersion":"apps/v1"}]}})");
  EXPECT_EQ(r["metadata"]["finalizers"], json::parse(R"(["a","b","c"])"));
  EXPECT_EQ(r["metadata"]["ownerReferences"].size(), 2u);
  r = smp(a_pod(), R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})");
  EXPECT_EQ(r["metadata"]["finalizers"], json::parse(R"(["b"])"));
  // Deleting from a list the object does not have is a no-op.
  r = smp(json::parse(R"({"metadata":{}})"), R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})");
  EXPECT_FALSE(r["metadata"].contains("finalizers"));
}

TEST(strategic_merge_patch, null_deletes_and_maps_merge) {
  json r = smp(a_pod(), R"({"metadata":{"labels":{"x":"1"}},"spec":{"volumes":null},"status":null})");
  EXPECT_FALSE(r["spec"].contains("volumes"));
  EXPECT_FALSE(r.contains("status"));
  EXPECT_EQ(r["metadata"]["labels"], json::parse(R"({"x":"1"})"));
  r = smp(a_pod(), R"({"spec":{"containers":[{"name":"app","image":null}]}})");
  EXPECT_FALSE(containers(r)[0].contains("image"));
  // Nulls inside values the original does not have are dropped.
  r = smp(a_pod(), R"({"spec":{"nodeSelector":{"a":"1","b":null}}})");
  EXPECT_EQ(r["spec"]["nodeSelector"], json::parse(R"({"a":"1"})"));
}

TEST(strategic_merge_patch, patch_directives_in_lists) {
  json r = smp(a_pod(), R"({"spec":{"containers":[{"name":"side","$patch":"delete"}]}})");
  ASSERT_EQ(containers(r).size(), 1u);
  EXPECT_EQ(containers(r)[0]["name"], "app");
  r = smp(a_pod(), R"({"spec":{"containers":[{"name":"only","image":"o"},{"$patch":"replace"}]}})");
  EXPECT_EQ(containers(r), json::parse(R"([{"name":"only","image":"o"}])"));
  r = smp(a_pod(), R"({"status":{"conditions":[{"$patch":"replace"}]}})");
  EXPECT_EQ(r["status"]["conditions"], json::array());
}

TEST(strategic_merge_patch, patch_directives_on_maps) {
  // Inside a list, an element with `$patch: replace` replaces the whole list (strategicpatch).
  json r = smp(a_pod(), R"({"spec":{"containers":[{"name":"app","$patch":"replace","image":"r"}]}})");
  EXPECT_EQ(containers(r), json::array());
  r = smp(a_pod(), R"({"spec":{"containers":[{"name":"app","resources":{"limits":{"cpu":"1"}}}]}})");
  r = smp(r, R"({"spec":{"containers":[{"name":"app","resources":{"$patch":"replace","requests":{"cpu":"2"}}}]}})");
  EXPECT_EQ(containers(r)[0]["resources"], json::parse(R"({"requests":{"cpu":"2"}})"));
  r = smp(a_pod(), R"({"status":{"$patch":"replace","phase":"Running"}})");
  EXPECT_EQ(r["status"], json::parse(R"({"phase":"Running"})"));
  r = smp(a_pod(), R"({"status":{"$patch":"delete"}})");
  EXPECT_EQ(r["status"], json::object());
  // A $patch map the original does not have leaves nothing behind.
  r = smp(json::parse(R"({"spec":{}})"), R"({"spec":{"affinity":{"$patch":"delete"}}})");
  EXPECT_FALSE(r["spec"].contains("affinity"));
}

TEST(strategic_merge_patch, retain_keys_clears_unlisted_fields) {
  json d = json::parse(R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})");
  json r = smp(d, R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})", deployment);
  EXPECT_EQ(r["spec"]["strategy"], json::parse(R"({"type":"Recreate"})"));
  auto e = smp_error(d, R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}})", deployment);
  EXPECT_EQ(e.code(), 400);
  EXPECT_EQ(e.message(), "invalid patch format of retainKeys");
  e = smp_error(d, R"({"spec":{"strategy":{"$retainKeys":"type"}}})", deployment);
  EXPECT_EQ(e.code(), 400);
}

TEST(strategic_merge_patch, set_element_order) {
  json r = smp(a_pod(), R"({"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"app"}],
    "containers":[{"name":"app","image":"app:3"}]}})");
  ASSERT_EQ(containers(r).size(), 2u);
  EXPECT_EQ(containers(r)[0]["name"], "side");
  EXPECT_EQ(containers(r)[1]["image"], "app:3");
  r = smp(a_pod(), R"({"metadata":{"$setElementOrder/finalizers":["b","a"]}})");
  EXPECT_EQ(r["metadata"]["finalizers"], json::parse(R"(["b","a"])"));
  auto e = smp_error(a_pod(), R"({"spec":{"$setElementOrder/containers":[{"name":"side"}],
    "containers":[{"name":"app","image":"x"}]}})");
  EXPECT_EQ(e.code(), 500);
  EXPECT_NE(e.message().find("doesn't match $setElementOrder list"), std::string::npos);
  e = smp_error(a_pod(), R"({"spec":{"$setElementOrder":[]}})");
  EXPECT_EQ(e.code(), 400);
  EXPECT_EQ(e.message(), "invalid patch format of setElementOrder list");
}

TEST(strategic_merge_patch, pod_template_inside_workloads) {
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},
    "template":{"spec":{"containers":[{"name":"c","image":"1","env":[{"name":"X","value":"1"}]}]}}}})");
  json r = smp(d, R"({"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"Y","value":"2"}]}]}}}})",
               deployment);
  EXPECT_EQ(r["spec"]["template"]["spec"]["containers"][0]["env"].size(), 2u);
  EXPECT_EQ(r["spec"]["template"]["spec"]["containers"][0]["image"], "1");
  json cj = json::parse(R"({"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"1"}]}}}}}})");
  r = smp(cj, R"({"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"d","image":"2"}]}}}}}})",
          {"batch", "CronJob"});
  EXPECT_EQ(r["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"].size(), 2u);
}

TEST(strategic_merge_patch, service_and_node_keys) {
  json svc = json::parse(R"({"spec":{"ports":[{"port":80,"targetPort":8080}]}})");
  json r = smp(svc, R"({"spec":{"ports":[{"port":80,"targetPort":9090},{"port":443}]}})", {"", "Service"});
  EXPECT_EQ(r["spec"]["ports"], json::parse(R"([{"port":80,"targetPort":9090},{"port":443}])"));
  json node = json::parse(R"({"spec":{"taints":[{"key":"a","effect":"NoSchedule"}]},
    "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"}],"conditions":[{"type":"Ready","status":"True"}]}})");
  r = smp(node, R"({"spec":{"taints":[{"key":"b","effect":"NoSchedule"}]},
    "status":{"addresses":[{"type":"Hostname","address":"n1"}]}})", {"", "Node"});
  EXPECT_EQ(r["spec"]["taints"], json::parse(R"([{"key":"b","effect":"NoSchedule"}])"));
  EXPECT_EQ(r["status"]["addresses"].size(), 2u);
}

TEST(strategic_merge_patch, replace_strategy_maps_are_not_merged) {
  json pdb = json::parse(R"({"spec":{"selector":{"matchLabels":{"a":"1"}}}})");
  const group_kind gk{"policy", "PodDisruptionBudget"};
  json r = smp(pdb, R"({"spec":{"selector":{"matchExpressions":[]}}})", gk);
  EXPECT_EQ(r["spec"]["selector"], json::parse(R"({"matchExpressions":[]})"));
  r = smp(pdb, R"({"spec":{"selector":{"$patch":"delete"}}})", gk);
  EXPECT_FALSE(r["spec"].contains("selector"));
}

TEST(strategic_merge_patch, custom_resources_are_unsupported_media_type) {
  EXPECT_FALSE(ktk::core::supports_strategic_merge({"example.com", "Widget"}));
  EXPECT_TRUE(ktk::core::supports_strategic_merge({"", "ConfigMap"}));
  EXPECT_TRUE(ktk::core::supports_strategic_merge({"apps", "Deployment"}));
  auto e = smp_error(json::object(), "{}", {"example.com", "Widget"});
  EXPECT_EQ(e.code(), 415);
  EXPECT_EQ(e.reason(), "UnsupportedMediaType");
  EXPECT_EQ(e.message(),
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
}

TEST(strategic_merge_patch, unknown_built_in_kind_merges_maps_and_replaces_lists) {
  json cm = json::parse(R"({"data":{"a":"1"},"metadata":{"finalizers":["x"]}})");
  json r = smp(cm, R"({"data":{"b":"2"},"metadata":{"finalizers":["y"]}})", {"", "ConfigMap"});
  EXPECT_EQ(r["data"], json::parse(R"({"a":"1","b":"2"})"));
  // ObjectMeta rules apply to every kind; new items come first, as mergeSortedSlice orders them.
  EXPECT_EQ(r["metadata"]["finalizers"], json::parse(R"(["y","x"])"));
}

TEST(strategic_merge_patch, malformed_patches) {
  auto e = smp_error(a_pod(), "[1]");
  EXPECT_EQ(e.code(), 400);
  EXPECT_EQ(e.message(), "json: cannot unmarshal array into Go value of type map[string]interface {}");
  EXPECT_EQ(smp(a_pod(), "null"), a_pod());

  e = smp_error(a_pod(), R"({"spec":{"containers":[{"image":"nameless"}]}})");
  EXPECT_EQ(e.code(), 500);
  EXPECT_EQ(e.message(), "map: map[image:nameless] does not contain declared merge key: name");

  e = smp_error(a_pod(), R"({"spec":{"containers":[{"name":"app","$patch":"merge"}]}})");
  EXPECT_EQ(e.code(), 500);
  EXPECT_EQ(e.message(), "merging lists cannot yet be specified in the patch");

  e = smp_error(a_pod(), R"({"status":{"$patch":"merge"}})");
  EXPECT_EQ(e.code(), 500);
  EXPECT_EQ(e.message(), "unknown patch type: merge in map: map[$patch:merge]");

  e = smp_error(a_pod(), R"({"metadata":{"$deleteFromPrimitiveList":["a"]}})");
  EXPECT_EQ(e.code(), 400);
  EXPECT_EQ(e.message(), "invalid patch format of primitive list");

  e = smp_error(json::parse(R"({"metadata":{"finalizers":[["a"]]}})"), R"({"metadata":{"finalizers":[["x"]]}})");
  EXPECT_EQ(e.code(), 422);
  EXPECT_EQ(e.reason(), "Invalid");

  e = smp_error(a_pod(), R"({"metadata":{"finalizers":[1]}})");
  EXPECT_EQ(e.code(), 500);
  EXPECT_EQ(e.message().rfind("list element types are not identical", 0), 0u);
}

TEST(strategic_merge_patch, type_changes_replace_the_value) {
  json r = smp(a_pod(), R"({"spec":{"containers":"oops"}})");
  EXPECT_EQ(r["spec"]["containers"], "oops");  // validation, not the patch, rejects it
}

}  // namespace
