// The registry's assign_changed: a document made equal to another, exactly.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "registry/json_assign.hpp"

namespace ktk::apiserver::detail {
namespace {

using core::json;

TEST(assign_changed, makes_the_target_equal_member_by_member) {
  json dst = R"({"a":1,"b":{"x":"old","y":[1,2,3]},"gone":true,"same":{"deep":[{"k":"v"}]}})"_json;
  const json src = R"({"a":2,"b":{"x":"new","y":[1,5]},"new":{"n":null},"same":{"deep":[{"k":"v"}]}})"_json;
  assign_changed(dst, src);
  EXPECT_EQ(dst, src);
  EXPECT_EQ(dst.dump(), src.dump());
}

TEST(assign_changed, keeps_the_sources_number_types) {
  // 1 == 1.0 == 1u for nlohmann's operator==; the stored object must keep its own type.
  json dst = R"({"i":1.0,"u":2,"f":3})"_json;
  const json src = {{"i", 1}, {"u", 2u}, {"f", 3.0}};
  assign_changed(dst, src);
  EXPECT_TRUE(dst["i"].is_number_integer() && !dst["i"].is_number_unsigned());
  EXPECT_TRUE(dst["u"].is_number_unsigned());
  EXPECT_TRUE(dst["f"].is_number_float());
  EXPECT_EQ(dst.dump(), src.dump());
}

TEST(assign_changed, arrays_grow_shrink_and_change_type) {
  json dst = R"({"grow":[1],"shrink":[1,2,3],"kind":[1],"scalar":{"o":1}})"_json;
  const json src = R"({"grow":[1,2,3],"shrink":[1],"kind":{"now":"object"},"scalar":"s"})"_json;
  assign_changed(dst, src);
  EXPECT_EQ(dst.dump(), src.dump());
  json empty = json::object();
  assign_changed(empty, src);
  EXPECT_EQ(empty.dump(), src.dump());
  json null;
  assign_changed(null, json::array({1, 2}));
  EXPECT_EQ(null, json::array({1, 2}));
}

TEST(assign_changed_except, keeps_the_skipped_member_of_the_target) {
  json dst = R"({"metadata":{"name":"x","labels":{"a":"b"}},"spec":{"r":9},"status":{"phase":"Running"}})"_json;
  const json src = R"({"metadata":{"name":"x"},"spec":{"r":1},"status":{"phase":"Pending"},"extra":1})"_json;
  assign_changed_except(dst, src, "status");
  EXPECT_EQ(dst, R"({"metadata":{"name":"x"},"spec":{"r":1},"status":{"phase":"Running"},"extra":1})"_json);
}

TEST(assign_changed_except, a_target_without_the_member_stays_without_it) {
  json dst = R"({"spec":{"r":9},"zzz":1})"_json;
  const json src = R"({"spec":{"r":1},"status":{"phase":"Pending"}})"_json;
  assign_changed_except(dst, src, "status");
  EXPECT_EQ(dst, R"({"spec":{"r":1}})"_json);
  json scalar = 5;
  assign_changed_except(scalar, src, "status");
  EXPECT_EQ(scalar, R"({"spec":{"r":1}})"_json);
  json object = R"({"status":1})"_json;
  assign_changed_except(object, json::array({1}), "status");  // not an object: copied whole
  EXPECT_EQ(object, json::array({1}));
}

}  // namespace
}  // namespace ktk::apiserver::detail
