// record_update's fast paths (a create built in one walk; an update that edits the
// live managedFields in place) must give exactly what decoding every entry, comparing
// and encoding again gives. These pin the cases where the two could part.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ktk/core/apply.hpp"

namespace {

using ktk::core::apply_options;
using ktk::core::json;
using ktk::core::record_update;

constexpr const char* t0 = "2024-01-01T00:00:00Z";
constexpr const char* t1 = "2024-01-01T00:01:00Z";

apply_options pod_opts(const std::string& manager, const char* ts = t0) {
  return {.manager = manager, .timestamp = ts, .gk = {"", "Pod"}, .api_version = "v1", .reset_fields = {"status"}};
}

json pod() {
  return json::parse(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"p","namespace":"default","uid":"u","labels":{"app":"x"},"finalizers":["a","b","a"],
      "annotations":{}},
    "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80}],
        "env":[{"name":"A","value":"1"},{"name":"A","value":"2"},{"name":"q\"x","value":"3"},{"name":"é"}]}],
      "nodeSelector":{"k":"v"},"volumes":[{"secret":{}}]},
    "status":{"phase":"Running"}})");
}

const json& only_entry(const json& obj) {
  EXPECT_EQ(obj["metadata"]["managedFields"].size(), 1u);
  return obj["metadata"]["managedFields"][0];
}

TEST(record_update_fast_path, create_builds_fields_v1_in_one_walk) {
  json out = record_update(nullptr, pod(), pod_opts("m"));
  const json& e = only_entry(out);
  EXPECT_EQ(e, json::parse(R"({"apiVersion":"v1","fieldsType":"FieldsV1","manager":"m","operation":"Update",
    "time":"2024-01-01T00:00:00Z","fieldsV1":{
      "f:metadata":{"f:annotations":{},"f:finalizers":{".":{},"v:\"a\"":{},"v:\"b\"":{}},"f:labels":{".":{},"f:app":{}}},
      "f:spec":{".":{},"f:nodeSelector":{},"f:volumes":{".":{},"i:0":{".":{},"f:secret":{}}},
        "f:containers":{".":{},"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{},
          "f:env":{".":{},"k:{\"name\":\"A\"}":{},"k:{\"name\":\"q\\\"x\"}":{".":{},"f:name":{},"f:value":{}},
            "k:{\"name\":\"é\"}":{".":{},"f:name":{}}},
          "f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}})"));
}

TEST(record_update_fast_path, create_matches_an_update_from_an_empty_object) {
  // {"metadata":{}} → obj goes through the comparison; only stripped fields differ.
  json p = pod();
  apply_options o = pod_opts("m");
  o.subresource = "status";
  o.reset_fields = {"spec.containers", "metadata.labels"};
  json created = record_update(nullptr, p, o);
  json updated = record_update(json{{"metadata", json::object()}}, p, o);
  EXPECT_EQ(created, updated);
  EXPECT_EQ(only_entry(created)["subresource"], "status");
  EXPECT_FALSE(only_entry(created)["fieldsV1"]["f:spec"].contains("f:containers"));
  EXPECT_TRUE(only_entry(created)["fieldsV1"].contains("f:status"));
}

TEST(record_update_fast_path, create_of_nothing_trackable_records_nothing) {
  json bare = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}, {"uid", "u"}}}, {"status", {{"a", 1}}}};
  EXPECT_FALSE(record_update(nullptr, bare, pod_opts("m"))["metadata"].contains("managedFields"));
}

TEST(record_update_fast_path, update_edits_only_touched_entries) {
  json obj = record_update(nullptr, pod(), pod_opts("creator"));
  json next = obj;
  next["spec"]["containers"][0]["image"] = "j";
  next["metadata"]["labels"]["new"] = "y";
  json out = record_update(obj, next, pod_opts("other", t1));
  const json& mf = out["metadata"]["managedFields"];
  ASSERT_EQ(mf.size(), 2u);
  // Sorted by time: the creator's untouched time first.
  EXPECT_EQ(mf[0]["manager"], "creator");
  EXPECT_EQ(mf[1]["manager"], "other");
  EXPECT_EQ(mf[1]["fieldsV1"], json::parse(R"({"f:metadata":{"f:labels":{"f:new":{}}},
    "f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{"f:image":{}}}}})"));
  json creator = only_entry(obj)["fieldsV1"];
  creator["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"].erase("f:image");
  EXPECT_EQ(mf[0]["fieldsV1"], creator);
  // The creator takes the image back: "other" keeps only the label; creator's time moves.
  json back = out;
  back["spec"]["containers"][0]["image"] = "k";
  json again = record_update(out, back, pod_opts("creator", t1));
  EXPECT_EQ(again["metadata"]["managedFields"][0]["manager"], "creator");
  EXPECT_EQ(again["metadata"]["managedFields"][0]["time"], t1);
  EXPECT_EQ(again["metadata"]["managedFields"][0]["fieldsV1"], only_entry(obj)["fieldsV1"]);
  EXPECT_EQ(again["metadata"]["managedFields"][1]["fieldsV1"],
            json::parse(R"({"f:metadata":{"f:labels":{"f:new":{}}}})"));
}

TEST(record_update_fast_path, a_member_losing_its_children_keeps_its_dot_form) {
  // creator owns f:data (a member with children); b replaces every key under it.
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}, {"uid", "u"}}}, {"data", {{"k", "v"}}}};
  apply_options o{.manager = "creator", .timestamp = t0, .gk = {"", "ConfigMap"}, .api_version = "v1"};
  json obj = record_update(nullptr, cm, o);
  EXPECT_EQ(only_entry(obj)["fieldsV1"], json::parse(R"({"f:data":{".":{},"f:k":{}}})"));
  json next = obj;
  next["data"]["k"] = "w";
  o.manager = "b";
  o.timestamp = t1;
  json out = record_update(obj, next, o);
  ASSERT_EQ(out["metadata"]["managedFields"].size(), 2u);
  EXPECT_EQ(out["metadata"]["managedFields"][0]["fieldsV1"], json::parse(R"({"f:data":{}})"));
  EXPECT_EQ(out["metadata"]["managedFields"][1]["fieldsV1"], json::parse(R"({"f:data":{"f:k":{}}})"));
  // Removing data altogether empties the creator's entry: it is dropped.
  json removed = out;
  removed.erase("data");
  json gone = record_update(out, removed, o);
  EXPECT_FALSE(gone["metadata"].contains("managedFields"));
}

TEST(record_update_fast_path, non_canonical_managed_fields_are_normalised) {
  json obj = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}, {"uid", "u"}}}, {"data", {{"k", "v"}}}};
  // Duplicate identities merge (into the first: its time stays), unknown keys go,
  // fieldsType becomes FieldsV1, "." alone becomes {}, an entry without fields is
  // dropped, and the list is sorted.
  obj["metadata"]["managedFields"] = json::parse(R"([
    {"manager":"z","operation":"Update","apiVersion":"v1","fieldsV1":{"f:data":{"f:k":{}}},"extra":1},
    {"manager":"a","operation":"Update","apiVersion":"v1","fieldsType":"Other","fieldsV1":{"f:x":{".":{}}}},
    {"manager":"z","operation":"Update","apiVersion":"v1","fieldsV1":{"f:y":{}},"time":"2020"},
    {"manager":"empty","operation":"Update"}])");
  apply_options o{.manager = "n", .timestamp = t0, .gk = {"", "ConfigMap"}, .api_version = "v1"};
  json out = record_update(json::object(), obj, o);
  EXPECT_EQ(out["metadata"]["managedFields"], json::parse(R"([
    {"manager":"a","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:x":{}}},
    {"manager":"z","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:y":{}}},
    {"manager":"n","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:k":{}}},
     "time":"2024-01-01T00:00:00Z"}])"))
      << out["metadata"]["managedFields"].dump();
}

TEST(record_update_fast_path, managed_fields_alone_changing_is_no_change) {
  json obj = record_update(nullptr, pod(), pod_opts("creator"));
  json next = obj;
  next["metadata"].erase("managedFields");
  json out = record_update(obj, next, pod_opts("other", t1));
  EXPECT_EQ(out, obj);
  // Invalid live managedFields: an existing object is left untracked.
  json broken = obj;
  broken["metadata"]["managedFields"] = json::parse(R"([{"manager":"x","fieldsV1":{"bad":{}}}])");
  EXPECT_FALSE(record_update(broken, next, pod_opts("other", t1))["metadata"].contains("managedFields"));
}

}  // namespace
