#include "ktk/core/patch.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::apply_merge_patch;
using ktk::core::json;

struct rfc_case {
  const char* target;
  const char* patch;
  const char* expected;
};

// RFC 7386 appendix A, the examples whose patch is an object.
class rfc7386 : public ::testing::TestWithParam<rfc_case> {};

TEST_P(rfc7386, matches_the_rfc) {
  auto r = apply_merge_patch(json::parse(GetParam().target), json::parse(GetParam().patch));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, json::parse(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(appendix_a, rfc7386,
                         ::testing::Values(rfc_case{R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
                                           rfc_case{R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
                                           rfc_case{R"({"a":"b"})", R"({"a":null})", R"({})"},
                                           rfc_case{R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
                                           rfc_case{R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
                                           rfc_case{R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
                                           rfc_case{R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})",
                                                    R"({"a":{"b":"d"}})"},
                                           rfc_case{R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
                                           rfc_case{R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
                                           rfc_case{R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
                                           rfc_case{R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"}));

// The appendix's non-object patches replace the whole document; for a Kubernetes
// object that is a 400 BadRequest, as kube-apiserver answers ("Invalid JSON Patch").
TEST(merge_patch, non_object_patch_is_bad_request) {
  for (const char* p : {R"(["c","d"])", R"(["c"])", "null", R"("bar")", "3", "true"}) {
    auto r = apply_merge_patch(json::parse(R"({"a":"foo"})"), json::parse(p));
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.error().code(), 400) << p;
    EXPECT_EQ(r.error().reason(), "BadRequest");
    EXPECT_EQ(r.error().message(), "Invalid JSON Patch");
  }
}

TEST(merge_patch, merges_kubernetes_object_fields) {
  json live = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web","tier":"fe"}},
    "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","image":"x"}]}}}})");
  json patch = json::parse(R"({"metadata":{"labels":{"tier":null,"new":"1"}},"spec":{"replicas":3,
    "template":{"spec":{"containers":[{"name":"b"}]}}}})");
  auto r = apply_merge_patch(live, patch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["metadata"]["labels"], json::parse(R"({"app":"web","new":"1"})"));
  EXPECT_EQ((*r)["spec"]["replicas"], 3);
  // Lists are replaced wholesale by a merge patch.
  EXPECT_EQ((*r)["spec"]["template"]["spec"]["containers"], json::parse(R"([{"name":"b"}])"));
  EXPECT_EQ((*r)["metadata"]["name"], "web");
}

TEST(merge_patch, empty_patch_is_noop_and_nested_nulls_in_new_values_are_dropped) {
  json live = json::parse(R"({"a":{"b":1}})");
  EXPECT_EQ(*apply_merge_patch(live, json::object()), live);
  auto r = apply_merge_patch(live, json::parse(R"({"c":{"d":null,"e":[{"f":null,"g":1},null]}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, json::parse(R"({"a":{"b":1},"c":{"e":[{"g":1},null]}})"));
}

TEST(patch_type, content_types_round_trip) {
  using ktk::core::patch_type;
  for (auto t : {patch_type::json_patch, patch_type::merge_patch, patch_type::strategic_merge,
                 patch_type::apply_yaml, patch_type::apply_cbor}) {
    EXPECT_EQ(ktk::core::patch_type_from_content_type(ktk::core::content_type_of(t)), t);
  }
  EXPECT_EQ(ktk::core::patch_type_from_content_type("application/merge-patch+json; charset=utf-8"),
            patch_type::merge_patch);
  EXPECT_EQ(ktk::core::patch_type_from_content_type("application/json"), std::nullopt);
  EXPECT_EQ(ktk::core::patch_type_from_content_type(""), std::nullopt);
}

}  // namespace
