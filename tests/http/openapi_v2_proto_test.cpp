// /openapi/v2 as gnostic's openapi.v2.Document protobuf, checked with a small
// wire-format reader (field numbers from gnostic's OpenAPIv2.proto).
#include "http/openapi_v2_proto.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/openapi.hpp"
#include "openapi_test_util.hpp"

namespace ktk::apiserver::http {
namespace {

using core::json;

// A decoded message: field number → raw values (length-delimited bytes, or varints as
// their decimal text).
using message = std::multimap<int, std::string>;

std::uint64_t read_varint(std::string_view b, std::size_t& i) {
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    if (i >= b.size() || shift > 63) throw std::runtime_error("truncated varint");
    auto c = static_cast<unsigned char>(b[i++]);
    v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
    if ((c & 0x80) == 0) return v;
  }
}

message decode(std::string_view b) {
  message m;
  std::size_t i = 0;
  while (i < b.size()) {
    auto key = read_varint(b, i);
    int field = static_cast<int>(key >> 3);
    switch (key & 7) {
      case 0:
        m.emplace(field, std::to_string(read_varint(b, i)));
        break;
      case 1:
        if (i + 8 > b.size()) throw std::runtime_error("truncated fixed64");
        m.emplace(field, std::string(b.substr(i, 8)));
        i += 8;
        break;
      case 2: {
        auto n = read_varint(b, i);
        if (i + n > b.size()) throw std::runtime_error("truncated bytes");
        m.emplace(field, std::string(b.substr(i, n)));
        i += n;
        break;
      }
      default:
        throw std::runtime_error("unexpected wire type");
    }
  }
  return m;
}

std::vector<std::string> all(const message& m, int field) {
  std::vector<std::string> out;
  auto [lo, hi] = m.equal_range(field);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

std::string one(const message& m, int field) {
  auto v = all(m, field);
  if (v.size() != 1)
    throw std::runtime_error("field " + std::to_string(field) + " appears " + std::to_string(v.size()) + " times");
  return v[0];
}

// The value of the named entry of a repeated Named* field (name 1, value 2).
std::optional<std::string> named(const message& m, int field, const std::string& name) {
  for (const auto& e : all(m, field)) {
    auto n = decode(e);
    if (one(n, 1) == name) return one(n, 2);
  }
  return std::nullopt;
}

class OpenApiV2Proto : public ::testing::Test {
 protected:
  core::rest_mapper m_ = core::rest_mapper::with_builtins();
  json swagger_ = openapi::v2(m_, {openapi_test::crontab_crd()});
  message doc_ = decode(openapi::v2_protobuf(swagger_));
};

TEST_F(OpenApiV2Proto, DocumentCarriesVersionAndInfo) {
  EXPECT_EQ(one(doc_, 1), "2.0");
  auto info = decode(one(doc_, 2));
  EXPECT_EQ(one(info, 1), "Kubernetes");
  EXPECT_EQ(one(info, 2), "v1.31.0");
}

TEST_F(OpenApiV2Proto, DefinitionsCarrySchemasAndTheGvkExtension) {
  auto defs = decode(one(doc_, 9));
  EXPECT_EQ(all(defs, 1).size(), swagger_["definitions"].size());
  auto pod_bytes = named(defs, 1, "io.k8s.api.core.v1.Pod");
  ASSERT_TRUE(pod_bytes);
  auto pod = decode(*pod_bytes);
  EXPECT_EQ(decode(one(pod, 22)).count(1), 1u);  // type
  EXPECT_EQ(one(decode(one(pod, 22)), 1), "object");
  auto gvk_any = named(pod, 31, "x-kubernetes-group-version-kind");
  ASSERT_TRUE(gvk_any);
  EXPECT_EQ(json::parse(one(decode(*gvk_any), 2)), json::parse(R"([{"group":"","kind":"Pod","version":"v1"}])"));
  auto props = decode(one(pod, 25));
  auto spec = named(props, 1, "spec");
  ASSERT_TRUE(spec);
  EXPECT_EQ(one(decode(*spec), 1), "#/definitions/io.k8s.api.core.v1.PodSpec");
  // An array: items (23) holds one schema, which references Container.
  auto podspec = decode(*named(defs, 1, "io.k8s.api.core.v1.PodSpec"));
  auto containers = decode(*named(decode(one(podspec, 25)), 1, "containers"));
  EXPECT_EQ(one(decode(one(decode(one(containers, 23)), 1)), 1), "#/definitions/io.k8s.api.core.v1.Container");
  auto merge_key = named(containers, 31, "x-kubernetes-patch-merge-key");
  ASSERT_TRUE(merge_key);
  EXPECT_EQ(json::parse(one(decode(*merge_key), 2)), "name");
  EXPECT_EQ(all(podspec, 19), std::vector<std::string>{"containers"});  // required
  // A map: additionalProperties (21) holds a schema.
  auto limits =
      decode(*named(decode(one(decode(*named(defs, 1, "io.k8s.api.core.v1.ResourceRequirements")), 25)), 1, "limits"));
  EXPECT_EQ(one(decode(one(decode(one(limits, 21)), 1)), 1),
            "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");
  EXPECT_TRUE(named(defs, 1, "com.example.stable.v1.CronTab"));
}

TEST_F(OpenApiV2Proto, PathsCarryOperationsWithParametersAndExtensions) {
  auto paths = decode(one(doc_, 8));
  auto item = named(paths, 2, "/api/v1/namespaces/{namespace}/pods/{name}");
  ASSERT_TRUE(item);
  auto path_item = decode(*item);
  auto patch = decode(one(path_item, 8));
  EXPECT_EQ(one(patch, 5), "patchCoreV1NamespacedPod");
  EXPECT_EQ(json::parse(one(decode(*named(patch, 13, "x-kubernetes-group-version-kind")), 2)),
            json::parse(R"({"group":"","kind":"Pod","version":"v1"})"));
  std::vector<std::string> query_names;
  bool body = false;
  for (const auto& p : all(patch, 8)) {
    auto param = decode(one(decode(p), 1));
    if (param.count(1)) {
      auto b = decode(one(param, 1));
      body = one(b, 3) == "body" &&
             one(decode(one(b, 5)), 1) == "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    } else {
      auto q = decode(one(decode(one(param, 2)), 3));
      EXPECT_EQ(one(q, 2), "query");
      query_names.push_back(one(q, 4));
    }
  }
  EXPECT_TRUE(body);
  EXPECT_EQ(query_names, (std::vector<std::string>{"dryRun", "fieldManager", "fieldValidation", "force"}));
  auto consumes = all(patch, 7);
  EXPECT_NE(std::find(consumes.begin(), consumes.end(), "application/merge-patch+json"), consumes.end());
  // Path-level parameters: name and namespace are path parameters (field 4), required.
  auto first = decode(one(decode(one(decode(all(path_item, 9).at(0)), 1)), 2));
  auto name = decode(one(first, 4));
  EXPECT_EQ(one(name, 4), "name");
  EXPECT_EQ(one(name, 1), "1");
  auto ok = decode(*named(decode(one(patch, 9)), 1, "200"));
  EXPECT_EQ(one(decode(one(ok, 1)), 1), "OK");
}

TEST(OpenApiV2ProtoEncoding, HandlesEmptyAndOddInput) {
  EXPECT_EQ(openapi::v2_protobuf(json::object()), "");
  message m = decode(openapi::v2_protobuf(json::parse(
      R"({"swagger":"2.0","definitions":{"A":{"type":["string"],"enum":["x",1],"maximum":1.5,"minLength":2,
          "additionalProperties":false,"default":{"a":1}}}})")));
  auto a = decode(*named(decode(one(m, 9)), 1, "A"));
  EXPECT_EQ(one(decode(one(a, 22)), 1), "string");
  EXPECT_EQ(all(a, 20).size(), 2u);
  EXPECT_EQ(json::parse(one(decode(all(a, 20)[1]), 2)), 1);
  double max;
  std::string raw = one(a, 7);
  ASSERT_EQ(raw.size(), 8u);
  std::uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(raw[i])) << (8 * i);
  std::memcpy(&max, &bits, sizeof max);
  EXPECT_EQ(max, 1.5);
  EXPECT_EQ(one(a, 12), "2");
  EXPECT_EQ(one(decode(one(a, 21)), 2), "0");
  EXPECT_EQ(json::parse(one(decode(one(a, 5)), 2)), json::parse(R"({"a":1})"));
}

}  // namespace
}  // namespace ktk::apiserver::http
