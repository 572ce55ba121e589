#include "ktk/core/patch.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::apply_json_patch;
using ktk::core::json;

json doc() { return json::parse(R"({"metadata":{"name":"x","labels":{"a/b":"1","c~d":"2"}},"spec":{"list":[1,2,3]}})"); }

json ok(const json& target, const char* ops) {
  auto r = apply_json_patch(target, json::parse(ops));
  EXPECT_TRUE(r.ok()) << ops << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : json();
}

void expect_invalid(const json& target, const char* ops) {
  auto r = apply_json_patch(target, json::parse(ops));
  ASSERT_FALSE(r.ok()) << ops;
  EXPECT_EQ(r.error().code(), 422) << ops;
  EXPECT_EQ(r.error().reason(), "Invalid");
  EXPECT_EQ(r.error().message(), "the server rejected our request due to an error in our request");
}

TEST(json_patch, add_sets_members_and_inserts_into_arrays) {
  EXPECT_EQ(ok(doc(), R"([{"op":"add","path":"/spec/replicas","value":3}])")["spec"]["replicas"], 3);
  EXPECT_EQ(ok(doc(), R"([{"op":"add","path":"/spec/list/1","value":9}])")["spec"]["list"], json::parse("[1,9,2,3]"));
  EXPECT_EQ(ok(doc(), R"([{"op":"add","path":"/spec/list/3","value":9}])")["spec"]["list"], json::parse("[1,2,3,9]"));
  EXPECT_EQ(ok(doc(), R"([{"op":"add","path":"/spec/list/-","value":4}])")["spec"]["list"], json::parse("[1,2,3,4]"));
  EXPECT_EQ(ok(doc(), R"([{"op":"add","path":"/spec/list/0","value":0}])")["spec"]["list"], json::parse("[0,1,2,3]"));
  // add over an existing member replaces it.
  EXPECT_EQ(ok(doc(), R"([{"op":"add","path":"/metadata/name","value":"y"}])")["metadata"]["name"], "y");
}

TEST(json_patch, pointer_escapes) {
  json r = ok(doc(), R"([{"op":"replace","path":"/metadata/labels/a~1b","value":"x"},
                         {"op":"remove","path":"/metadata/labels/c~0d"}])");
  EXPECT_EQ(r["metadata"]["labels"], json::parse(R"({"a/b":"x"})"));
}

TEST(json_patch, remove_replace_move_copy_test) {
  EXPECT_EQ(ok(doc(), R"([{"op":"remove","path":"/spec/list/0"}])")["spec"]["list"], json::parse("[2,3]"));
  EXPECT_FALSE(ok(doc(), R"([{"op":"remove","path":"/spec"}])").contains("spec"));
  EXPECT_EQ(ok(doc(), R"([{"op":"replace","path":"/spec/list/2","value":7}])")["spec"]["list"], json::parse("[1,2,7]"));
  json moved = ok(doc(), R"([{"op":"move","from":"/metadata/name","path":"/spec/name"}])");
  EXPECT_FALSE(moved["metadata"].contains("name"));
  EXPECT_EQ(moved["spec"]["name"], "x");
  json copied = ok(doc(), R"([{"op":"copy","from":"/spec/list","path":"/spec/copy"}])");
  EXPECT_EQ(copied["spec"]["copy"], json::parse("[1,2,3]"));
  EXPECT_EQ(copied["spec"]["list"], json::parse("[1,2,3]"));
  json tested = ok(doc(), R"([{"op":"test","path":"/spec/list","value":[1,2,3]},
                              {"op":"test","path":"/metadata/name","value":"x"},
                              {"op":"replace","path":"/metadata/name","value":"z"}])");
  EXPECT_EQ(tested["metadata"]["name"], "z");
  json whole = ok(doc(), R"([{"op":"replace","path":"","value":{"a":1}}])");
  EXPECT_EQ(whole, json::parse(R"({"a":1})"));
  EXPECT_EQ(ok(doc(), R"([{"op":"test","path":"","value":{"metadata":{"name":"x","labels":{"a/b":"1","c~d":"2"}},"spec":{"list":[1,2,3]}}}])"),
            doc());
}

// gopkg.in/evanphx/json-patch.v4 (what kube-apiserver uses) counts negative indices
// from the end, lets `replace` create a missing member and passes `test` of a missing
// member against null.
TEST(json_patch, kube_library_quirks) {
  EXPECT_EQ(ok(doc(), R"([{"op":"remove","path":"/spec/list/-1"}])")["spec"]["list"], json::parse("[1,2]"));
  EXPECT_EQ(ok(doc(), R"([{"op":"replace","path":"/spec/list/-3","value":0}])")["spec"]["list"], json::parse("[0,2,3]"));
  EXPECT_EQ(ok(doc(), R"([{"op":"replace","path":"/spec/missing","value":1}])")["spec"]["missing"], 1);
  ok(doc(), R"([{"op":"test","path":"/spec/missing","value":null}])");
}

TEST(json_patch, failures_are_422_and_apply_nothing) {
  expect_invalid(doc(), R"([{"op":"test","path":"/metadata/name","value":"nope"}])");
  expect_invalid(doc(), R"([{"op":"test","path":"/spec/missing","value":1}])");
  expect_invalid(doc(), R"([{"op":"remove","path":"/spec/missing"}])");
  expect_invalid(doc(), R"([{"op":"remove","path":"/spec/list/3"}])");
  expect_invalid(doc(), R"([{"op":"remove","path":"/spec/list/-4"}])");
  expect_invalid(doc(), R"([{"op":"add","path":"/spec/list/5","value":1}])");
  expect_invalid(doc(), R"([{"op":"add","path":"/spec/list/x","value":1}])");
  expect_invalid(doc(), R"([{"op":"add","path":"/nope/deeper","value":1}])");
  expect_invalid(doc(), R"([{"op":"add","path":"/metadata/name/deeper","value":1}])");
  expect_invalid(doc(), R"([{"op":"replace","path":"/spec/list/3","value":1}])");
  expect_invalid(doc(), R"([{"op":"move","from":"/spec/missing","path":"/spec/x"}])");
  expect_invalid(doc(), R"([{"op":"copy","from":"/spec/missing","path":"/spec/x"}])");
  expect_invalid(doc(), R"([{"op":"move","path":"/spec/x"}])");
  expect_invalid(doc(), R"([{"op":"add","value":1}])");
  expect_invalid(doc(), R"([{"op":"frobnicate","path":"/spec"}])");
  expect_invalid(doc(), R"([{"path":"/spec"}])");
  expect_invalid(doc(), R"([{"op":"add","path":"spec","value":1}])");
  expect_invalid(doc(), R"([{"op":"replace","path":"","value":3}])");
  expect_invalid(doc(), R"([null])");
  // A later failure discards earlier operations.
  expect_invalid(doc(), R"([{"op":"add","path":"/spec/replicas","value":3},{"op":"remove","path":"/nope"}])");
}

TEST(json_patch, malformed_documents_are_bad_request) {
  auto r = apply_json_patch(doc(), json::parse(R"({"op":"add"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(), "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  r = apply_json_patch(doc(), json::parse(R"([1])"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(), "json: cannot unmarshal number into Go value of type jsonpatch.Operation");
  r = apply_json_patch(doc(), json("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason(), "BadRequest");
}

TEST(json_patch, empty_and_null_patches_change_nothing) {
  EXPECT_EQ(ok(doc(), "[]"), doc());
  EXPECT_EQ(ok(doc(), "null"), doc());
}

TEST(json_patch, too_many_operations_is_413) {
  json ops = json::array();
  for (int i = 0; i < 10001; ++i) ops.push_back({{"op", "test"}, {"path", "/metadata/name"}, {"value", "x"}});
  auto r = apply_json_patch(doc(), ops);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 413);
  EXPECT_EQ(r.error().message(),
            "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
  ops.erase(ops.begin());
  EXPECT_TRUE(apply_json_patch(doc(), ops).ok());
}

}  // namespace
