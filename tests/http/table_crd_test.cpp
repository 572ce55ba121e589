// Tests of custom resource Tables: additionalPrinterColumns and their JSONPaths.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/table_crd.hpp"
#include "http/table_jsonpath.hpp"
#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using namespace testing;
using ::testing::ElementsAre;

core::resource_info at_resource() {
  core::resource_info r;
  r.resource = {"cnat.programming-kubernetes.info", "v1alpha1", "ats"};
  r.kind = "At";
  r.list_kind = "AtList";
  r.singular = "at";
  return r;
}

json at_object() {
  return {{"apiVersion", "cnat.programming-kubernetes.info/v1alpha1"},
          {"kind", "At"},
          {"metadata", meta("example-at")},
          {"spec", {{"schedule", "2024-01-01T12:30:00Z"},
                    {"command", "echo YAY"},
                    {"replicas", 3},
                    {"ratio", 0.25},
                    {"paused", false},
                    {"tags", {"a", "b"}},
                    {"containers", {{{"name", "main"}, {"image", "busybox:1.36"}}}},
                    {"labels", {{"app.kubernetes.io/name", "cron"}}}}},
          {"status", {{"phase", "PENDING"}, {"lastRun", "2024-01-01T11:00:00Z"}}}};
}

json crd_table(const json& columns, const json& o = at_object()) {
  return make(at_resource(), {obj(o)}, columns, include::none, now());
}

json col(std::string name, std::string type, std::string path) {
  return {{"name", std::move(name)}, {"type", std::move(type)}, {"jsonPath", std::move(path)}};
}

TEST(CrdTable, NoPrinterColumnsGivesNameAndAge) {
  for (const json& columns : {json(), json::array()}) {
    auto t = crd_table(columns);
    EXPECT_THAT(column_names(t), ElementsAre("Name", "Age"));
    EXPECT_EQ(t["columnDefinitions"][1]["type"], "date");
    EXPECT_TRUE(t["columnDefinitions"][1]["description"].get<std::string>().starts_with("CreationTimestamp is"));
    EXPECT_EQ(cells(t), json::array({"example-at", "5m"}));
  }
}

TEST(CrdTable, PrinterColumnsFollowName) {
  json columns = json::array({col("Schedule", "string", ".spec.schedule"), col("Phase", "string", ".status.phase")});
  columns[1]["priority"] = 1;
  columns[1]["description"] = "The phase.";
  columns[0]["format"] = "date-time";
  auto t = crd_table(columns);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Schedule", "Phase"));
  EXPECT_EQ(t["columnDefinitions"][1],
            json({{"name", "Schedule"}, {"type", "string"}, {"format", "date-time"}, {"priority", 0},
                  {"description", "Custom resource definition column (in JSONPath format): .spec.schedule"}}));
  EXPECT_EQ(t["columnDefinitions"][2]["priority"], 1);
  EXPECT_EQ(t["columnDefinitions"][2]["description"], "The phase.");
  EXPECT_EQ(cells(t), json::array({"example-at", "2024-01-01T12:30:00Z", "PENDING"}));
}

TEST(CrdTable, MissingPathsGiveNullCells) {
  auto t = crd_table(json::array({col("Missing", "string", ".status.nothing"), col("Deep", "integer", ".a.b.c"),
                                  col("OutOfRange", "string", ".spec.containers[5].image"),
                                  col("NotAnArray", "string", ".spec.command[0]"),
                                  col("FieldOfList", "string", ".spec.containers.image")}));
  EXPECT_EQ(cells(t), json::array({"example-at", nullptr, nullptr, nullptr, nullptr, nullptr}));
}

TEST(CrdTable, ArrayIndexesAndQuotedKeys) {
  auto t = crd_table(json::array({col("Image", "string", ".spec.containers[0].image"),
                                  col("Last", "string", ".spec.tags[-1]"),
                                  col("Label", "string", ".spec.labels['app.kubernetes.io/name']"),
                                  col("Escaped", "string", ".spec.labels.app\\.kubernetes\\.io/name"),
                                  col("Dollar", "string", "$.status.phase"),
                                  col("Star", "string", ".spec.tags[*]")}));
  EXPECT_EQ(cells(t), json::array({"example-at", "busybox:1.36", "b", "cron", "cron", "PENDING", "a"}));
}

TEST(CrdTable, StringColumnsPrintAnyValue) {
  json o = at_object();
  o["spec"]["big"] = 1234567.0;
  o["spec"]["nothing"] = nullptr;
  o["spec"]["html"] = {{"k", "<a&b>"}};
  auto t = crd_table(json::array({col("Replicas", "string", ".spec.replicas"), col("Ratio", "string", ".spec.ratio"),
                                  col("Paused", "string", ".spec.paused"), col("Tags", "string", ".spec.tags"),
                                  col("Containers", "string", ".spec.containers"), col("Big", "string", ".spec.big"),
                                  col("Null", "string", ".spec.nothing"), col("Html", "string", ".spec.html")}),
                     o);
  EXPECT_EQ(cells(t), json::array({"example-at", "3", "0.25", "false", R"(["a","b"])",
                                   R"([{"image":"busybox:1.36","name":"main"}])", "1.234567e+06", "<no value>",
                                   R"({"k":"\u003ca\u0026b\u003e"})"}));
}

TEST(CrdTable, IntegerNumberAndBooleanColumns) {
  json o = at_object();
  o["spec"]["float"] = 3.9;
  o["spec"]["whole"] = 2.0;
  auto t = crd_table(json::array({col("Replicas", "integer", ".spec.replicas"), col("Trunc", "integer", ".spec.float"),
                                  col("NotInt", "integer", ".spec.command"), col("Num", "number", ".spec.replicas"),
                                  col("Ratio", "number", ".spec.ratio"), col("Whole", "number", ".spec.whole"),
                                  col("Paused", "boolean", ".spec.paused"), col("NotBool", "boolean", ".spec.replicas"),
                                  col("Odd", "unknown", ".spec.command")}),
                     o);
  EXPECT_EQ(cells(t), json::array({"example-at", 3, 3, nullptr, 3, 0.25, 2, false, nullptr, nullptr}));
  EXPECT_EQ(cells(t)[6].dump(), "2");  // Go writes float64(2) as 2
}

TEST(CrdTable, DateColumnsRenderAges) {
  json o = at_object();
  o["spec"]["empty"] = "";
  o["spec"]["garbage"] = "soon";
  auto t = crd_table(json::array({col("Last", "date", ".status.lastRun"), col("Next", "date", ".spec.schedule"),
                                  col("Empty", "date", ".spec.empty"), col("Bad", "date", ".spec.garbage"),
                                  col("Number", "date", ".spec.replicas"), col("Missing", "date", ".status.none")}),
                     o);
  EXPECT_EQ(cells(t), json::array({"example-at", "60m", "<invalid>", "<unknown>", "<invalid>", nullptr, nullptr}));
}

TEST(CrdTable, UnparsableJsonPathEndsTheColumnList) {
  auto t = crd_table(json::array({col("Phase", "string", ".status.phase"), col("Broken", "string", ".spec.tags[0"),
                                  col("After", "string", ".spec.command")}));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Phase"));
  EXPECT_EQ(cells(t), json::array({"example-at", "PENDING"}));
}

TEST(CrdTable, UnsupportedJsonPathFeaturesFindNothing) {
  auto t = crd_table(json::array({col("Filter", "string", ".spec.containers[?(@.name==\"main\")].image"),
                                  col("Recursive", "string", "..image"), col("Bare", "string", "spec.command")}));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Filter", "Recursive", "Bare"));
  EXPECT_EQ(cells(t), json::array({"example-at", nullptr, nullptr, nullptr}));
}

TEST(CrdTable, IncludeMetadataWorksForCustomResources) {
  auto t = make(at_resource(), {obj(at_object())}, json(), include::metadata, now());
  EXPECT_EQ(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(t["rows"][0]["object"]["metadata"]["name"], "example-at");
}

TEST(JsonPath, ParseErrors) {
  using detail::parse_jsonpath;
  EXPECT_TRUE(parse_jsonpath(".a.b[0]"));
  EXPECT_TRUE(parse_jsonpath(".a['x.y']"));
  EXPECT_TRUE(parse_jsonpath(".a[1:3]"));
  EXPECT_FALSE(parse_jsonpath(".a[0"));
  EXPECT_FALSE(parse_jsonpath(".a]"));
  EXPECT_FALSE(parse_jsonpath(".a['x]"));
  EXPECT_FALSE(parse_jsonpath(".a[x]"));
  EXPECT_FALSE(parse_jsonpath(".a{b}"));
  EXPECT_FALSE(parse_jsonpath("#a"));
}

TEST(JsonPath, SlicesTakeTheFirstElement) {
  using detail::first_result;
  using detail::parse_jsonpath;
  json doc = {{"a", {10, 20, 30}}};
  EXPECT_EQ(*first_result(*parse_jsonpath(".a[1:3]"), doc), 20);
  EXPECT_EQ(*first_result(*parse_jsonpath(".a[-2]"), doc), 20);
  EXPECT_EQ(*first_result(*parse_jsonpath(".a[:]"), doc), 10);
  EXPECT_EQ(first_result(*parse_jsonpath(".a[3]"), doc), nullptr);
  EXPECT_EQ(first_result(*parse_jsonpath(".a[2:2]"), doc), nullptr);
  EXPECT_EQ(first_result(*parse_jsonpath(".a[-4]"), doc), nullptr);
}

}  // namespace
}  // namespace ktk::apiserver::http::table
