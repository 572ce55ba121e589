// Tests of table::make's envelope, include modes, the default convertor,
// PartialObjectMetadata and age().
#include "http/table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using namespace testing;
using ::testing::ElementsAre;

json configmap(std::string name) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", meta(std::move(name))},
          {"data", {{"a", "1"}, {"b", "2"}}}};
}

TEST(TableMake, EnvelopeHasKindApiVersionAndEmptyMetadata) {
  auto t = table_of("configmaps", configmap("c1"));
  EXPECT_EQ(t["kind"], "Table");
  EXPECT_EQ(t["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(t["metadata"], json::object());
  ASSERT_EQ(t["rows"].size(), 1U);
}

TEST(TableMake, ColumnDefinitionsCarryEveryField) {
  auto t = table_of("configmaps", configmap("c1"));
  const auto& name = t["columnDefinitions"][0];
  EXPECT_EQ(name["name"], "Name");
  EXPECT_EQ(name["type"], "string");
  EXPECT_EQ(name["format"], "name");
  EXPECT_EQ(name["priority"], 0);
  EXPECT_TRUE(name["description"].get<std::string>().starts_with("Name must be unique within a namespace."));
  const auto& age = t["columnDefinitions"][2];
  EXPECT_EQ(age["format"], "");  // present even when empty, as kube serialises it
  EXPECT_TRUE(age["description"].get<std::string>().starts_with("CreationTimestamp is a timestamp"));
}

TEST(TableMake, EmptyListKeepsColumnsAndHasNoRows) {
  auto one = table_of("pods", {{"metadata", meta("p")}});
  auto none = make(builtin("pods"), {}, json(), include::metadata, now());
  EXPECT_EQ(none["columnDefinitions"], one["columnDefinitions"]);
  EXPECT_EQ(none["rows"], json::array());
}

TEST(TableMake, RowsFollowItemOrder) {
  auto t = make(builtin("configmaps"), {obj(configmap("b")), obj(configmap("a"))}, json(), include::none, now());
  ASSERT_EQ(t["rows"].size(), 2U);
  EXPECT_EQ(cells(t, 0)[0], "b");
  EXPECT_EQ(cells(t, 1)[0], "a");
}

TEST(TableInclude, MetadataRowsHoldPartialObjectMetadata) {
  auto o = configmap("c1");
  o["metadata"]["labels"] = {{"app", "web"}};
  auto t = make(builtin("configmaps"), {obj(o)}, json(), include::metadata, now());
  const auto& object = t["rows"][0]["object"];
  EXPECT_EQ(object["kind"], "PartialObjectMetadata");
  EXPECT_EQ(object["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(object["metadata"], o["metadata"]);
  EXPECT_FALSE(object.contains("data"));
}

TEST(TableInclude, ObjectRowsHoldTheWholeObject) {
  auto o = configmap("c1");
  auto t = make(builtin("configmaps"), {obj(o)}, json(), include::object, now());
  EXPECT_EQ(t["rows"][0]["object"], o);
}

TEST(TableInclude, NoneRowsHaveNoObjectField) {
  auto t = make(builtin("configmaps"), {obj(configmap("c1"))}, json(), include::none, now());
  EXPECT_FALSE(t["rows"][0].contains("object"));
  EXPECT_TRUE(t["rows"][0].contains("cells"));
}

TEST(TableInclude, ParseIncludeAcceptsKubeSpellingsOnly) {
  EXPECT_EQ(parse_include("None"), include::none);
  EXPECT_EQ(parse_include("Metadata"), include::metadata);
  EXPECT_EQ(parse_include("Object"), include::object);
  EXPECT_EQ(parse_include(""), include::metadata);  // kube treats "" as Metadata
  EXPECT_EQ(parse_include("object"), std::nullopt);
  EXPECT_EQ(parse_include("All"), std::nullopt);
}

TEST(TableDefault, CrdsGetNameAndCreatedAt) {
  json crd = {{"apiVersion", "apiextensions.k8s.io/v1"},
              {"kind", "CustomResourceDefinition"},
              {"metadata", {{"name", "ats.cnat.programming-kubernetes.info"},
                            {"creationTimestamp", "2023-12-31T10:00:00+02:00"}}}};
  auto t = make(builtin("crd"), {obj(crd)}, json(), include::none, now());
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Created At"));
  EXPECT_EQ(t["columnDefinitions"][1]["type"], "date");
  EXPECT_EQ(cells(t), json::array({"ats.cnat.programming-kubernetes.info", "2023-12-31T08:00:00Z"}));
}

TEST(TableDefault, MissingCreationTimestampIsTheZeroTime) {
  json crd = {{"metadata", {{"name", "x.example.com"}}}};
  auto t = make(builtin("crd"), {obj(crd)}, json(), include::none, now());
  EXPECT_EQ(cells(t)[1], "0001-01-01T00:00:00Z");
}

TEST(PartialMetadata, WrapsTheMetadata) {
  auto o = configmap("c1");
  auto p = partial_metadata(core::object(o));
  EXPECT_EQ(p, json({{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", o["metadata"]}}));
}

TEST(PartialMetadata, ListHoldsEveryItemInOrder) {
  auto l = partial_metadata_list({obj(configmap("a")), obj(configmap("b"))});
  EXPECT_EQ(l["kind"], "PartialObjectMetadataList");
  EXPECT_EQ(l["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(l["metadata"], json::object());
  ASSERT_EQ(l["items"].size(), 2U);
  EXPECT_EQ(l["items"][0]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(l["items"][1]["metadata"]["name"], "b");
}

TEST(PartialMetadata, EmptyListHasEmptyItems) {
  EXPECT_EQ(partial_metadata_list({})["items"], json::array());
}

std::string age_at(std::string_view created) { return age(created, now()); }

TEST(Age, SecondsUpToTwoMinutes) {
  EXPECT_EQ(age_at("2024-01-01T12:00:00Z"), "0s");
  EXPECT_EQ(age_at("2024-01-01T11:59:55Z"), "5s");
  EXPECT_EQ(age_at("2024-01-01T11:59:01Z"), "59s");
  EXPECT_EQ(age_at("2024-01-01T11:58:01Z"), "119s");
}

TEST(Age, MinutesAndSecondsBelowTenMinutes) {
  EXPECT_EQ(age_at("2024-01-01T11:58:00Z"), "2m");
  EXPECT_EQ(age_at("2024-01-01T11:56:57Z"), "3m3s");
  EXPECT_EQ(age_at("2024-01-01T11:50:01Z"), "9m59s");
}

TEST(Age, MinutesBelowThreeHours) {
  EXPECT_EQ(age_at("2024-01-01T11:50:00Z"), "10m");
  EXPECT_EQ(age_at("2024-01-01T11:49:30Z"), "10m");
  EXPECT_EQ(age_at("2024-01-01T09:00:01Z"), "179m");
}

TEST(Age, HoursAndMinutesBelowEightHours) {
  EXPECT_EQ(age_at("2024-01-01T09:00:00Z"), "3h");
  EXPECT_EQ(age_at("2024-01-01T07:30:00Z"), "4h30m");
  EXPECT_EQ(age_at("2024-01-01T04:00:01Z"), "7h59m");
}

TEST(Age, HoursBelowTwoDays) {
  EXPECT_EQ(age_at("2024-01-01T04:00:00Z"), "8h");
  EXPECT_EQ(age_at("2023-12-30T12:00:01Z"), "47h");
}

TEST(Age, DaysAndHoursBelowEightDays) {
  EXPECT_EQ(age_at("2023-12-30T12:00:00Z"), "2d");
  EXPECT_EQ(age_at("2023-12-29T07:00:00Z"), "3d5h");
}

TEST(Age, DaysBelowTwoYears) {
  EXPECT_EQ(age_at("2023-12-24T12:00:00Z"), "8d");
  EXPECT_EQ(age_at("2023-01-01T12:00:00Z"), "365d");
  EXPECT_EQ(age_at("2022-01-02T12:00:00Z"), "729d");
}

TEST(Age, YearsAndDaysBelowEightYears) {
  EXPECT_EQ(age_at("2022-01-01T12:00:00Z"), "2y");
  EXPECT_EQ(age_at("2021-12-01T12:00:00Z"), "2y31d");
}

TEST(Age, YearsFromEightYears) {
  EXPECT_EQ(age_at("2016-01-01T12:00:00Z"), "8y");  // 2922 days: 8 years of 365 days and 2 leap days
  EXPECT_EQ(age_at("2004-01-01T12:00:00Z"), "20y");
}

TEST(Age, FutureWithinTwoSecondsIsZero) {
  EXPECT_EQ(age_at("2024-01-01T12:00:01Z"), "0s");
  EXPECT_EQ(age_at("2024-01-01T12:00:01.900Z"), "0s");
}

TEST(Age, FutureBeyondToleranceIsInvalid) {
  EXPECT_EQ(age_at("2024-01-01T12:00:02Z"), "<invalid>");
  EXPECT_EQ(age_at("2025-01-01T00:00:00Z"), "<invalid>");
}

TEST(Age, UnparsableOrEmptyIsUnknown) {
  EXPECT_EQ(age_at(""), "<unknown>");
  EXPECT_EQ(age_at("yesterday"), "<unknown>");
  EXPECT_EQ(age_at("2024-13-01T00:00:00Z"), "<unknown>");
}

TEST(Age, OffsetsAreHonoured) {
  EXPECT_EQ(age_at("2024-01-01T13:55:00+02:00"), "5m");
}

}  // namespace
}  // namespace ktk::apiserver::http::table
