// How the etcd storage lays objects out in etcd and reads the gateway's JSON (no etcd).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/core/base64.hpp"
#include "storage/etcd_codec.hpp"

namespace ktk::apiserver::storage::detail {
namespace {

TEST(EtcdCodec, KeysAreKubeApiserversLayout) {
  EXPECT_EQ(object_path("/registry", "pods", {"default", "web"}), "/registry/pods/default/web");
  EXPECT_EQ(object_path("/registry", "apps/deployments", {"ns", "d"}), "/registry/apps/deployments/ns/d");
  EXPECT_EQ(object_path("/registry", "namespaces", {"", "default"}), "/registry/namespaces/default");
  EXPECT_EQ(shard_prefix("/registry", "pods"), "/registry/pods/");
  EXPECT_EQ(namespace_prefix("/registry", "pods", "ns"), "/registry/pods/ns/");
}

TEST(EtcdCodec, PrefixEndIsEtcdsGetPrefixRangeEnd) {
  EXPECT_EQ(prefix_end("/registry/pods/"), "/registry/pods0");
  EXPECT_EQ(prefix_end(std::string("a\xff", 2)), "b");
  EXPECT_EQ(prefix_end(std::string("\xff\xff", 2)), std::string(1, '\0'));
}

TEST(EtcdCodec, KeyOfSplitsNamespaceAndName) {
  EXPECT_EQ(key_of("ns/name"), (object_key{"ns", "name"}));
  EXPECT_EQ(key_of("name"), (object_key{"", "name"}));
}

TEST(EtcdCodec, StoredValuesHaveNoResourceVersion) {
  core::object o(json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "a"}, {"resourceVersion", "12"}}}});
  auto raw = encode_value(o);
  EXPECT_EQ(raw, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})");
  auto back = decode_value(raw, 42);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->resource_version(), "42");
  EXPECT_EQ(back->name(), "a");
  EXPECT_EQ(decode_value("[1]", 1), nullptr);
  EXPECT_EQ(decode_value("not json", 1), nullptr);
}

TEST(EtcdCodec, ReadsGatewayKeyValues) {
  json kv = {{"key", core::base64_encode("/r/pods/a")},
             {"value", core::base64_encode(R"({"metadata":{"name":"a"}})")},
             {"mod_revision", "17"},
             {"create_revision", "3"}};
  auto o = decode_kv(kv);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->resource_version(), "17");
  EXPECT_EQ(decode_kv(kv, 20)->resource_version(), "20");
  EXPECT_EQ(unb64_field(kv, "key"), "/r/pods/a");
  EXPECT_EQ(int_field(kv, "create_revision"), 3);
  EXPECT_EQ(int_field(kv, "version"), 0);  // absent
  EXPECT_EQ(int_field(json{{"n", 5}}, "n"), 5);
  EXPECT_EQ(header_revision(json{{"header", {{"revision", "99"}}}}), 99);
  EXPECT_FALSE(bool_field(json::object(), "more"));
  EXPECT_TRUE(bool_field(json{{"more", true}}, "more"));
  EXPECT_EQ(decode_kv(json{{"value", "!!"}}), nullptr);
}

}  // namespace
}  // namespace ktk::apiserver::storage::detail
