// Validation of custom resources against CRD schemas: kube-openapi's checks with the
// field errors apiextensions-apiserver turns them into.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_schema.hpp"

namespace {

using ktk::apiserver::crd::structural_schema;
using json = nlohmann::json;
using ktk::core::field_error;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

structural_schema compile(const std::string& schema) {
  auto r = structural_schema::compile(json::parse(schema));
  if (!r) ADD_FAILURE() << r.error().message();
  return std::move(r).value();
}

// A schema whose spec has the given properties.
structural_schema spec_schema(const std::string& spec_props, const std::string& extra = "") {
  return compile(R"({"type":"object","properties":{"spec":{"type":"object",)" + extra + R"("properties":)" +
                 spec_props + "}}}");
}

std::vector<std::string> errors(const structural_schema& s, const std::string& obj) {
  std::vector<std::string> out;
  for (const auto& e : s.validate(json::parse(obj))) out.push_back(e.str());
  return out;
}

TEST(CrdSchemaValidate, TypeMismatchIsTypeInvalidWithKubeMessage) {
  auto s = spec_schema(R"({"replicas":{"type":"integer"}})");
  auto errs = s.validate(json::parse(R"({"spec":{"replicas":"three"}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].str(), R"(spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string")");
  EXPECT_EQ(errs[0].reason(), "FieldValueTypeInvalid");
  EXPECT_THAT(errors(s, R"({"spec":{"replicas":3}})"), IsEmpty());
  // A whole-number float is an integer; a fraction is not.
  EXPECT_THAT(errors(s, R"({"spec":{"replicas":3.0}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"replicas":3.5}})"),
              ElementsAre(R"(spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number")"));
}

TEST(CrdSchemaValidate, EachTypeName) {
  auto s = spec_schema(R"({"o":{"type":"object"},"a":{"type":"array","items":{"type":"string"}},"b":{"type":"boolean"},"n":{"type":"number"},"s":{"type":"string"}})");
  EXPECT_THAT(errors(s, R"({"spec":{"o":{},"a":["x"],"b":true,"n":1,"s":"x"}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"o":[],"a":{},"b":"true","n":"1","s":1}})"),
              ElementsAre(R"(spec.a: Invalid value: "object": spec.a in body must be of type array: "object")",
                          R"(spec.b: Invalid value: "string": spec.b in body must be of type boolean: "string")",
                          R"(spec.n: Invalid value: "string": spec.n in body must be of type number: "string")",
                          R"(spec.o: Invalid value: "array": spec.o in body must be of type object: "array")",
                          R"(spec.s: Invalid value: "integer": spec.s in body must be of type string: "integer")"));
}

TEST(CrdSchemaValidate, RequiredIsRequiredValue) {
  auto s = spec_schema(R"({"cron":{"type":"string"},"image":{"type":"string"}})", R"("required":["cron","image"],)");
  auto errs = s.validate(json::parse(R"({"spec":{"image":"x"}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].str(), "spec.cron: Required value");
  EXPECT_EQ(errs[0].reason(), "FieldValueRequired");
  auto root = compile(R"({"type":"object","required":["spec"],"properties":{"spec":{"type":"object"}}})");
  EXPECT_THAT(errors(root, R"({"kind":"X"})"), ElementsAre("spec: Required value"));
}

TEST(CrdSchemaValidate, EnumIsNotSupported) {
  auto s = spec_schema(R"({"size":{"type":"string","enum":["s","m"]},"n":{"type":"integer","enum":[1,2]}})");
  auto errs = s.validate(json::parse(R"({"spec":{"size":"xl"}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].str(), R"(spec.size: Unsupported value: "xl": supported values: "s", "m")");
  EXPECT_EQ(errs[0].reason(), "FieldValueNotSupported");
  EXPECT_THAT(errors(s, R"({"spec":{"size":"m","n":2.0}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"n":3}})"), ElementsAre(R"(spec.n: Unsupported value: 3: supported values: "1", "2")"));
}

TEST(CrdSchemaValidate, NumericBounds) {
  auto s = spec_schema(R"({"replicas":{"type":"integer","minimum":1,"maximum":10},
                           "ratio":{"type":"number","minimum":0,"maximum":1,"exclusiveMaximum":true,"exclusiveMinimum":true},
                           "big":{"type":"number","maximum":1000000}})");
  EXPECT_THAT(errors(s, R"({"spec":{"replicas":1}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"replicas":10}})"), IsEmpty());
  auto errs = s.validate(json::parse(R"({"spec":{"replicas":11}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].str(), "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10");
  EXPECT_EQ(errs[0].reason(), "FieldValueInvalid");
  EXPECT_THAT(errors(s, R"({"spec":{"replicas":0}})"),
              ElementsAre("spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"));
  EXPECT_THAT(errors(s, R"({"spec":{"ratio":1}})"),
              ElementsAre("spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1"));
  EXPECT_THAT(errors(s, R"({"spec":{"ratio":0.0}})"),
              ElementsAre("spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0"));
  EXPECT_THAT(errors(s, R"({"spec":{"ratio":0.5}})"), IsEmpty());
  // Go prints float64 bounds with %v: 1e+06.
  EXPECT_THAT(errors(s, R"({"spec":{"big":1000000.5}})"),
              ElementsAre("spec.big: Invalid value: 1.0000005e+06: spec.big in body should be less than or equal to 1e+06"));
}

TEST(CrdSchemaValidate, MultipleOf) {
  auto s = spec_schema(R"({"n":{"type":"integer","multipleOf":5},"f":{"type":"number","multipleOf":0.5}})");
  EXPECT_THAT(errors(s, R"({"spec":{"n":15,"f":2.5}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"n":7,"f":0.3}})"),
              ElementsAre("spec.f: Invalid value: 0.3: spec.f in body should be a multiple of 0.5",
                          "spec.n: Invalid value: 7: spec.n in body should be a multiple of 5"));
}

TEST(CrdSchemaValidate, StringLengthsCountCodePoints) {
  auto s = spec_schema(R"({"name":{"type":"string","minLength":2,"maxLength":3}})");
  EXPECT_THAT(errors(s, R"({"spec":{"name":"日本語"}})"), IsEmpty());  // 9 bytes, 3 code points
  auto errs = s.validate(json::parse(R"({"spec":{"name":"abcd"}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].kind, field_error::type::too_long);
  EXPECT_EQ(errs[0].field, "spec.name");
  EXPECT_THAT(errors(s, R"({"spec":{"name":"a"}})"),
              ElementsAre(R"(spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long)"));
}

TEST(CrdSchemaValidate, Pattern) {
  auto s = spec_schema(R"({"cidr":{"type":"string","pattern":"^[0-9.]+/[0-9]+$"},"word":{"type":"string","pattern":"ab"}})");
  EXPECT_THAT(errors(s, R"({"spec":{"cidr":"10.0.0.0/8","word":"xxabxx"}})"), IsEmpty());  // unanchored search
  EXPECT_THAT(errors(s, R"({"spec":{"cidr":"ten"}})"),
              ElementsAre(R"(spec.cidr: Invalid value: "ten": spec.cidr in body should match '^[0-9.]+/[0-9]+$')"));
}

TEST(CrdSchemaValidate, ItemsAndPropertiesCounts) {
  auto s = spec_schema(R"({"l":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"integer"}},
                           "m":{"type":"object","minProperties":1,"maxProperties":2,"additionalProperties":{"type":"string"}}})");
  EXPECT_THAT(errors(s, R"({"spec":{"l":[1],"m":{"a":"b"}}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"l":[],"m":{}}})"),
              ElementsAre("spec.l: Invalid value: 0: spec.l in body should have at least 1 items",
                          "spec.m: Invalid value: 0: spec.m in body should have at least 1 properties"));
  auto errs = s.validate(json::parse(R"({"spec":{"l":[1,2,3],"m":{"a":"1","b":"2","c":"3"}}})"));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].kind, field_error::type::too_many);
  EXPECT_EQ(errs[0].field, "spec.l");
  EXPECT_EQ(errs[1].kind, field_error::type::too_many);
  EXPECT_EQ(errs[1].field, "spec.m");
  // Items and additionalProperties are validated with kube's paths.
  EXPECT_THAT(errors(s, R"({"spec":{"l":["x"],"m":{"k":1}}})"),
              ElementsAre(R"(spec.l[0]: Invalid value: "string": spec.l[0] in body must be of type integer: "string")",
                          R"(spec.m.k: Invalid value: "integer": spec.m.k in body must be of type string: "integer")"));
}

TEST(CrdSchemaValidate, UniqueItems) {
  auto s = spec_schema(R"({"l":{"type":"array","uniqueItems":true,"items":{"type":"string"}}})");
  EXPECT_THAT(errors(s, R"({"spec":{"l":["a","b"]}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"l":["a","a"]}})"),
              ElementsAre(R"(spec.l: Invalid value: "": spec.l in body shouldn't contain duplicates)"));
}

TEST(CrdSchemaValidate, Formats) {
  auto s = spec_schema(R"({"when":{"type":"string","format":"date-time"},"day":{"type":"string","format":"date"},
                           "id":{"type":"string","format":"uuid"},"mail":{"type":"string","format":"email"},
                           "ip":{"type":"string","format":"ipv4"},"ip6":{"type":"string","format":"ipv6"},
                           "net":{"type":"string","format":"cidr"},"host":{"type":"string","format":"hostname"},
                           "data":{"type":"string","format":"byte"},"link":{"type":"string","format":"uri"},
                           "odd":{"type":"string","format":"my-own-format"},"n":{"type":"integer","format":"int32"}})");
  EXPECT_THAT(errors(s, R"({"spec":{"when":"2024-02-29T10:00:00Z","day":"2024-02-29","id":"123e4567-e89b-12d3-a456-426614174000",
                         "mail":"a@b.c","ip":"10.0.0.1","ip6":"fe80::1","net":"10.0.0.0/8","host":"example.com",
                         "data":"aGVsbG8=","link":"https://example.com/x","odd":"anything","n":5}})"),
              IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"when":"yesterday"}})"),
              ElementsAre(R"(spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday")"));
  EXPECT_THAT(errors(s, R"({"spec":{"day":"2023-02-29","id":"nope","ip":"1.2.3","net":"10.0.0.0/33","data":"a"}})"),
              ElementsAre(R"(spec.data: Invalid value: "a": spec.data in body must be of type byte: "a")",
                          R"(spec.day: Invalid value: "2023-02-29": spec.day in body must be of type date: "2023-02-29")",
                          R"(spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope")",
                          R"(spec.ip: Invalid value: "1.2.3": spec.ip in body must be of type ipv4: "1.2.3")",
                          R"(spec.net: Invalid value: "10.0.0.0/33": spec.net in body must be of type cidr: "10.0.0.0/33")"));
  auto errs = s.validate(json::parse(R"({"spec":{"n":3000000000}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].detail, "Checked value must be of type integer with format int32 in spec.n");
}

TEST(CrdSchemaValidate, NullableAndNull) {
  auto s = spec_schema(R"({"a":{"type":"string","nullable":true},"b":{"type":"string"}})");
  EXPECT_THAT(errors(s, R"({"spec":{"a":null}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"b":null}})"),
              ElementsAre(R"(spec.b: Invalid value: "null": spec.b in body must be of type string: "null")"));
}

TEST(CrdSchemaValidate, IntOrString) {
  auto s = spec_schema(R"({"port":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},
                           "plain":{"x-kubernetes-int-or-string":true}})");
  EXPECT_THAT(errors(s, R"({"spec":{"port":80,"plain":"http"}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"port":"http","plain":8080}})"), IsEmpty());
  auto errs = errors(s, R"({"spec":{"plain":true}})");
  EXPECT_THAT(errs, ElementsAre(R"(spec.plain: Invalid value: "boolean": spec.plain in body must be of type integer,string: "boolean")"));
}

TEST(CrdSchemaValidate, Junctors) {
  auto s = spec_schema(R"({"a":{"type":"string","anyOf":[{"pattern":"^x"},{"pattern":"^y"}]},
                           "o":{"type":"integer","oneOf":[{"minimum":0},{"maximum":10}]},
                           "l":{"type":"integer","allOf":[{"minimum":0},{"maximum":10}]},
                           "n":{"type":"string","not":{"enum":["bad"]}}})");
  EXPECT_THAT(errors(s, R"({"spec":{"a":"yes","o":20,"l":5,"n":"good"}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"a":"no"}})"),
              ElementsAre(R"(<nil>: Invalid value: "": "spec.a" must validate at least one schema (anyOf))",
                          R"(spec.a: Invalid value: "no": spec.a in body should match '^x')"));
  EXPECT_THAT(errors(s, R"({"spec":{"o":5}})"),
              ElementsAre(R"(<nil>: Invalid value: "": "spec.o" must validate one and only one schema (oneOf). Found 2 valid alternatives)"));
  EXPECT_THAT(errors(s, R"({"spec":{"l":11}})"),
              ElementsAre("spec.l: Invalid value: 11: spec.l in body should be less than or equal to 10",
                          R"(<nil>: Invalid value: "": "spec.l" must validate all the schemas (allOf))"));
  EXPECT_THAT(errors(s, R"({"spec":{"n":"bad"}})"),
              ElementsAre(R"(<nil>: Invalid value: "": "spec.n" must not validate the schema (not))"));
}

TEST(CrdSchemaValidate, RootMetaFieldsAreNotChecked) {
  auto s = compile(R"({"type":"object","properties":{"spec":{"type":"object"}}})");
  EXPECT_THAT(errors(s, R"({"apiVersion":"a/v1","kind":"A","metadata":{"name":"x"},"spec":{}})"), IsEmpty());
}

TEST(CrdSchemaValidate, EmbeddedResource) {
  auto s = spec_schema(R"({"template":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}})");
  EXPECT_THAT(errors(s, R"({"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"template":{"metadata":{}}}})"),
              ElementsAre("spec.template.apiVersion: Required value", "spec.template.kind: Required value"));
  EXPECT_THAT(errors(s, R"({"spec":{"template":{"apiVersion":"a/b/c","kind":"Pod_X","metadata":"m"}}})"),
              ElementsAre(R"(spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c)",
                          ::testing::StartsWith(R"(spec.template.kind: Invalid value: "Pod_X": may have mixed case, but should otherwise match: a DNS-1035 label)"),
                          R"(spec.template.metadata: Invalid value: "m": must be an object)"));
  EXPECT_THAT(errors(s, R"({"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a/b"}}}})"),
              ElementsAre(R"(spec.template.metadata.name: Invalid value: "a/b": may not contain '/')"));
}

TEST(CrdSchemaValidate, ListTypeSetAndMap) {
  auto s = spec_schema(R"({"tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
                           "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                                    "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer"}}}},
                           "any":{"type":"array","x-kubernetes-list-type":"atomic","items":{"type":"string"}}})");
  EXPECT_THAT(errors(s, R"({"spec":{"tags":["a","b"],"ports":[{"name":"a"},{"name":"b"}],"any":["a","a"]}})"), IsEmpty());
  EXPECT_THAT(errors(s, R"({"spec":{"tags":["a","b","a","a"]}})"), ElementsAre(R"(spec.tags[2]: Duplicate value: "a")"));
  EXPECT_THAT(errors(s, R"({"spec":{"ports":[{"name":"a","port":1},{"name":"a","port":2}]}})"),
              ElementsAre(R"(spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"})"));
}

TEST(CrdSchemaValidate, DeeplyNestedDocumentReportsInsteadOfOverflowing) {
  auto s = compile(R"({"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}})");
  json doc = json::object();
  json* cur = &doc["spec"];
  for (int i = 0; i < 100000; ++i) cur = &(*cur)["a"];
  *cur = 1;
  auto errs = s.validate(doc);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].kind, field_error::type::forbidden);
  EXPECT_THAT(errs[0].detail, ::testing::HasSubstr("maximum nesting depth"));
  EXPECT_THAT(errs[0].field, ::testing::StartsWith("spec.a.a.a"));
  // prune and apply_defaults stay bounded too.
  EXPECT_THAT(s.prune(doc), IsEmpty());
  s.apply_defaults(doc);
  json arr = json::array();
  json* a = &arr;
  for (int i = 0; i < 100000; ++i) {
    a->push_back(json::array());
    a = &a->back();
  }
  json doc2;
  doc2["spec"]["x"] = std::move(arr);  // moved: nlohmann's copy would recurse
  EXPECT_EQ(s.validate(doc2).size(), 1u);
}

TEST(CrdSchemaValidate, PreserveAllAcceptsAnyObject) {
  auto s = structural_schema::preserve_all();
  json obj = json::parse(R"({"apiVersion":"a/v1","kind":"A","spec":{"x":[1,{"y":null}]},"other":1})");
  EXPECT_THAT(s.validate(obj), IsEmpty());
  EXPECT_THAT(s.prune(obj), IsEmpty());
  EXPECT_EQ(obj["other"], 1);
}

// Found by tests/fuzz (object_json): a pattern with a huge repeat count overflowed a
// long inside libstdc++'s <regex>. Go's regexp caps counts at 1000; so do we.
TEST(CrdSchemaCompile, RepeatCountsOver1000AreInvalidPatterns) {
  for (const char* re : {"a{1001}", "^x{3333333333333333333333}$", "b{2,5000}", "(ab){1,}c{99999,}"}) {
    json schema = {{"type", "object"}, {"properties", {{"s", {{"type", "string"}, {"pattern", re}}}}}};
    auto r = structural_schema::compile(schema);
    ASSERT_FALSE(r.ok()) << re;
    EXPECT_THAT(r.error().message(), ::testing::HasSubstr("invalid repeat count")) << re;
  }
  for (const char* re : {"a{1000}", "^[a-z]{1,63}$", "x\\{99999}", "[{99999}]", "{"}) {
    json schema = {{"type", "object"}, {"properties", {{"s", {{"type", "string"}, {"pattern", re}}}}}};
    auto r = structural_schema::compile(schema);
    if (!r.ok()) {
      EXPECT_THAT(r.error().message(), ::testing::Not(::testing::HasSubstr("invalid repeat count"))) << re;
    }
  }
}

}  // namespace
