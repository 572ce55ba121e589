// encode: the fast list encoder must write exactly what serialising the whole list would.
#include "http/encode.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using ktk::apiserver::object_list;
using ktk::apiserver::http::dump;
using ktk::apiserver::http::list_json;
using ktk::core::json;

ktk::core::object_ptr cm(const std::string& name, json data) {
  ktk::core::object o(json{{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", {{"name", name}, {"namespace", "default"}, {"resourceVersion", "7"}}},
                           {"data", std::move(data)}});
  return ktk::core::make_object_ptr(std::move(o));
}

void expect_same_bytes(const object_list& l) { EXPECT_EQ(list_json(l), dump(l.to_json(), false)); }

TEST(ListJson, EmptyList) {
  expect_same_bytes({.api_version = "v1", .kind = "ConfigMapList", .resource_version = "12"});
}

TEST(ListJson, ItemsAndPlainMetadata) {
  object_list l{.api_version = "v1", .kind = "ConfigMapList", .resource_version = "12"};
  l.items = {cm("a", {{"k", "v"}}), cm("b", {{"n", "2"}})};
  expect_same_bytes(l);
  auto parsed = json::parse(list_json(l));
  EXPECT_EQ(parsed["items"].size(), 2u);
  EXPECT_EQ(parsed["metadata"]["resourceVersion"], "12");
}

TEST(ListJson, ContinueAndRemainingItemCount) {
  object_list l{.api_version = "v1", .kind = "ConfigMapList", .resource_version = "12",
                .continue_token = "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", .remaining_item_count = 41};
  l.items = {cm("a", {{"k", "v"}})};
  expect_same_bytes(l);
}

TEST(ListJson, EscapesAndNonAscii) {
  object_list l{.api_version = "samplecrd.k8s.io/v1", .kind = "NetworkList", .resource_version = "3"};
  l.items = {cm("q", {{"quote", "say \"hi\"\n\ttab \\ back"}, {"utf8", "caf\xc3\xa9 \xe2\x9c\x93"}, {"ctl", std::string("\x01", 1)}})};
  expect_same_bytes(l);
}

}  // namespace
