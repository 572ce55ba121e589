// Compiling CRD schemas (structural rules), defaulting and pruning custom resources.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_schema.hpp"

namespace {

using ktk::apiserver::crd::structural_schema;
using json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

structural_schema compile(const std::string& schema) {
  auto r = structural_schema::compile(json::parse(schema));
  if (!r) ADD_FAILURE() << r.error().message();
  return std::move(r).value();
}

// The causes of a rejected schema, as "field: message".
std::vector<std::string> compile_errors(const std::string& schema, const std::string& prefix = "schema.openAPIV3Schema") {
  auto r = structural_schema::compile(json::parse(schema), prefix);
  std::vector<std::string> out;
  if (r) return out;
  EXPECT_EQ(r.error().code(), 422);
  for (const auto& c : r.error().details().causes) out.push_back(c.field + ": " + c.message);
  return out;
}

TEST(CrdCompile, AcceptsAStructuralSchema) {
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{
      "metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":20}}},
      "spec":{"type":"object","required":["a"],"properties":{
        "a":{"type":"string","pattern":"^[a-z]+$","format":"whatever"},
        "l":{"type":"array","items":{"type":"integer"}},
        "m":{"type":"object","additionalProperties":{"type":"string"}},
        "x":{"x-kubernetes-preserve-unknown-fields":true},
        "p":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}}}}})"),
              IsEmpty());
}

TEST(CrdCompile, TypeRequiredExceptUnderIntOrStringOrPreserve) {
  EXPECT_THAT(compile_errors(R"({"properties":{"spec":{"properties":{"a":{}}}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields",
                          "schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
                          "schema.openAPIV3Schema.type: Required value: must not be empty at the root"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"l":{"type":"array","items":{}}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[l].items.type: Required value: must not be empty for specified array items"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"l":{"type":"array"}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[l].items: Required value: must be specified"));
}

TEST(CrdCompile, RejectsUnknownTypesBadPatternsAndRootShapes) {
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"a":{"type":"date"}}})", "spec.versions[0].schema.openAPIV3Schema"),
              ElementsAre(R"(spec.versions[0].schema.openAPIV3Schema.properties[a].type: Unsupported value: "date": supported values: "array", "boolean", "integer", "number", "object", "string")"));
  auto bad_re = compile_errors(R"({"type":"object","properties":{"a":{"type":"string","pattern":"(unclosed"}}})");
  ASSERT_EQ(bad_re.size(), 1u);
  EXPECT_THAT(bad_re[0], ::testing::StartsWith(
                             R"(schema.openAPIV3Schema.properties[a].pattern: Invalid value: "(unclosed": must be a valid regular expression, but isn't: )"));
  EXPECT_THAT(compile_errors(R"({"type":"string"})"),
              ElementsAre(R"(schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root)"));
  EXPECT_THAT(compile_errors(R"({"type":"object","additionalProperties":{"type":"string"}})"),
              ElementsAre("schema.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"m":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"a":{"$ref":"#/x","type":"string"}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[a].$ref: Forbidden: $ref is not supported"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"metadata":{"type":"object","properties":{"labels":{"type":"object"}}}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"a":{"type":"string","minLength":"3"}}})"),
              ElementsAre(R"(schema.openAPIV3Schema.properties[a].minLength: Invalid value: "3": must be a non-negative integer)"));
}

TEST(CrdCompile, NestedValueValidationsMustNotCarryStructure) {
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"a":{"type":"string","anyOf":[{"type":"string","default":"x"}]}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[a].anyOf[0].type: Forbidden: must be empty to be structural",
                          "schema.openAPIV3Schema.properties[a].anyOf[0].default: Forbidden: must be undefined to be structural"));
}

TEST(CrdCompile, ExtensionRules) {
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"a":{"x-kubernetes-int-or-string":true,"x-kubernetes-preserve-unknown-fields":true}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"e":{"type":"object","x-kubernetes-embedded-resource":true}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"l":{"type":"array","x-kubernetes-list-type":"bag","items":{"type":"string"}}}})"),
              ElementsAre(R"(schema.openAPIV3Schema.properties[l].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map")"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"l":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["id"],
                                 "items":{"type":"object","properties":{"name":{"type":"string"}}}}}})"),
              ElementsAre(R"(schema.openAPIV3Schema.properties[l].x-kubernetes-list-map-keys: Invalid value: ["id"]: entries must all be names of item properties)"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"l":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                                 "items":{"type":"object","properties":{"name":{"type":"string"}}}}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
}

TEST(CrdCompile, DefaultsMustValidate) {
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"n":{"type":"integer","maximum":3,"default":5}}})"),
              ElementsAre("schema.openAPIV3Schema.properties[n].default: Invalid value: 5:  in body should be less than or equal to 3"));
  EXPECT_THAT(compile_errors(R"({"type":"object","properties":{"o":{"type":"object","default":{"a":"x","b":1},"properties":{"a":{"type":"string"}}}}})"),
              ElementsAre(R"(schema.openAPIV3Schema.properties[o].default: Invalid value: {"a":"x","b":1}: must not have unknown fields)"));
}

TEST(CrdCompile, DeeplyNestedSchemaIsAnErrorNotACrash) {
  json s = {{"type", "object"}};
  json* cur = &s;
  for (int i = 0; i < 5000; ++i) {
    (*cur)["properties"]["a"] = {{"type", "object"}};
    cur = &(*cur)["properties"]["a"];
  }
  auto r = structural_schema::compile(s);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), ::testing::HasSubstr("schema nesting exceeds the maximum depth"));
}

TEST(CrdDefaults, FillsAbsentFieldsRecursively) {
  auto s = compile(R"({"type":"object","properties":{"spec":{"type":"object","default":{},"properties":{
      "replicas":{"type":"integer","default":1},
      "strategy":{"type":"object","default":{"type":"Rolling"},"properties":{
          "type":{"type":"string"},"maxSurge":{"type":"integer","default":25}}},
      "ports":{"type":"array","items":{"type":"object","properties":{"protocol":{"type":"string","default":"TCP"}}}},
      "labels":{"type":"object","additionalProperties":{"type":"object","properties":{"v":{"type":"string","default":"x"}}}},
      "keep":{"type":"string","nullable":true,"default":"k"},
      "drop":{"type":"string","default":"d"}}}}})");
  json obj = json::parse(R"({"apiVersion":"a/v1","kind":"A"})");
  s.apply_defaults(obj);
  EXPECT_EQ(obj["spec"], json::parse(R"({"replicas":1,"strategy":{"type":"Rolling","maxSurge":25},"keep":"k","drop":"d"})"));

  json obj2 = json::parse(R"({"spec":{"replicas":3,"ports":[{"port":80},{"protocol":"UDP"}],"labels":{"a":{}},"keep":null,"drop":null}})");
  s.apply_defaults(obj2);
  EXPECT_EQ(obj2["spec"]["replicas"], 3);
  EXPECT_EQ(obj2["spec"]["ports"], json::parse(R"([{"port":80,"protocol":"TCP"},{"protocol":"UDP"}])"));
  EXPECT_EQ(obj2["spec"]["labels"], json::parse(R"({"a":{"v":"x"}})"));
  EXPECT_TRUE(obj2["spec"]["keep"].is_null());  // nullable: null stays
  EXPECT_EQ(obj2["spec"]["drop"], "d");          // not nullable: null is defaulted
}

TEST(CrdPrune, RemovesUnknownFieldsAndReportsKubePaths) {
  auto s = compile(R"({"type":"object","properties":{"spec":{"type":"object","properties":{
      "a":{"type":"string"},
      "items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}},
      "map":{"type":"object","additionalProperties":{"type":"object","properties":{"v":{"type":"string"}}}},
      "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"typed":{"type":"object","properties":{"k":{"type":"string"}}}}},
      "tmpl":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","properties":{"x":{"type":"string"}}}}}}},
      "status":{"type":"object"}}})");
  json obj = json::parse(R"({"apiVersion":"a/v1","kind":"A","metadata":{"name":"n","whatever":1},"junk":1,
      "spec":{"a":"x","foo":1,"items":[{"name":"a","bar":2},{"name":"b"}],"map":{"k":{"v":"1","w":"2"}},
              "free":{"anything":{"deep":1},"typed":{"k":"1","z":2}},
              "tmpl":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":"1","y":"2"},"extra":1}},
      "status":{"s":1}})");
  auto removed = s.prune(obj);
  EXPECT_THAT(removed, ElementsAre("junk", "spec.foo", "spec.free.typed.z", "spec.items[0].bar", "spec.map.k.w",
                                   "spec.tmpl.extra", "spec.tmpl.spec.y", "status.s"));
  EXPECT_EQ(obj, json::parse(R"({"apiVersion":"a/v1","kind":"A","metadata":{"name":"n","whatever":1},
      "spec":{"a":"x","items":[{"name":"a"},{"name":"b"}],"map":{"k":{"v":"1"}},
              "free":{"anything":{"deep":1},"typed":{"k":"1"}},
              "tmpl":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":"1"}}},
      "status":{}})"));
}

TEST(CrdPrune, DropsNonNullableNullsWithoutDefaults) {
  auto s = compile(R"({"type":"object","properties":{"spec":{"type":"object","properties":{
      "a":{"type":"string"},"b":{"type":"string","nullable":true},"c":{"type":"string","default":"c"}}}}})");
  json obj = json::parse(R"({"spec":{"a":null,"b":null,"c":null}})");
  EXPECT_THAT(s.prune(obj), IsEmpty());
  EXPECT_EQ(obj["spec"], json::parse(R"({"b":null,"c":null})"));
  s.apply_defaults(obj);
  EXPECT_EQ(obj["spec"], json::parse(R"({"b":null,"c":"c"})"));
}

}  // namespace
