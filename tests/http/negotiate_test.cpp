// negotiate_test.cpp — Accept negotiation and body decoding.
#include "http/negotiate.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace ktk::apiserver::http;

TEST(negotiate, json_by_default_and_for_wildcards) {
  EXPECT_EQ(negotiate("", "")->form, output_form::json);
  EXPECT_EQ(negotiate("*/*", "")->form, output_form::json);
  EXPECT_EQ(negotiate("application/json, */*", "")->form, output_form::json);
}

TEST(negotiate, protobuf_is_skipped_so_clients_fall_back_to_json) {
  auto o = negotiate("application/vnd.kubernetes.protobuf, */*", "");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->form, output_form::json);
  auto only = negotiate("application/vnd.kubernetes.protobuf", "");
  ASSERT_FALSE(only);
  EXPECT_EQ(only.error().code(), 406);
}

TEST(negotiate, kubectl_table_request) {
  auto o = negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", "");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->form, output_form::table);
  EXPECT_EQ(o->table_version, "v1");
  EXPECT_EQ(content_type_of(*o, true), "application/json;as=Table;v=v1;g=meta.k8s.io");
}

TEST(negotiate, partial_object_metadata) {
  auto o = negotiate("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", "");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->form, output_form::partial_metadata);
  EXPECT_EQ(content_type_of(*o, true), "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
  EXPECT_EQ(content_type_of(*o, false), "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io");
}

TEST(negotiate, unknown_as_values_are_skipped) {
  auto o = negotiate("application/json;as=Banana;g=meta.k8s.io;v=v1, application/yaml", "");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->form, output_form::yaml);
}

TEST(negotiate, include_object) {
  EXPECT_EQ(negotiate("", "Object")->include, table::include::object);
  EXPECT_EQ(negotiate("", "None")->include, table::include::none);
  auto bad = negotiate("", "Everything");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), 400);
}

TEST(decode_body, json_yaml_and_the_rest) {
  auto j = decode_body("application/json", R"({"a":1})");
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["a"], 1);
  auto y = decode_body("application/yaml; charset=utf-8", "a: 1\nb: [x]\n");
  ASSERT_TRUE(y);
  EXPECT_EQ((*y)["b"][0], "x");
  auto none = decode_body("", R"({"a":2})");
  ASSERT_TRUE(none);
  auto proto = decode_body("application/vnd.kubernetes.protobuf", "k8s");
  ASSERT_FALSE(proto);
  EXPECT_EQ(proto.error().code(), 400) << "protobuf is decoded (protobuf_test); this one lacks the prefix";
  auto cbor = decode_body("application/cbor", "\xa0");
  ASSERT_FALSE(cbor);
  EXPECT_EQ(cbor.error().code(), 415);
  EXPECT_EQ(cbor.error().reason(), "UnsupportedMediaType");
}

TEST(decode_body, malformed_documents_are_400_bad_request) {
  auto j = decode_body("application/json", R"({"a":)");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code(), 400);
  EXPECT_EQ(j.error().reason(), "BadRequest");
  auto empty = decode_body("application/json", "");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), 400);
  auto y = decode_body("application/yaml", "a: [1\nb: 2\n");
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error().code(), 400);
  EXPECT_NE(y.error().message().find("line"), std::string::npos) << y.error().message();
}

}  // namespace
