// json_writer_test.cpp — write_json writes exactly nlohmann's compact dump(), or
// leaves the value to it and the output as it was.
#include "ktk/core/json_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "random_json.hpp"

namespace {

using ktk::core::json_text_replacing_invalid_utf8;
using ktk::core::write_json;
using nlohmann::json;

void check(const json& j) {
  std::string out = "prefix";
  ASSERT_TRUE(write_json(j, out)) << j.dump();
  EXPECT_EQ(out, "prefix" + j.dump());
  EXPECT_EQ(json_text_replacing_invalid_utf8(j), j.dump());
}

TEST(JsonWriter, scalars_as_nlohmann_prints_them) {
  for (const json& j : {json(nullptr), json(true), json(false), json(0), json(-1), json(42u),
                        json(std::numeric_limits<std::int64_t>::min()), json(std::numeric_limits<std::int64_t>::max()),
                        json(std::numeric_limits<std::uint64_t>::max()), json(0.5), json(-2.25e-3), json(1e10),
                        json(1e300), json(0.1), json(1.0), json(-0.0), json(""), json("plain")}) {
    check(j);
  }
}

TEST(JsonWriter, every_control_character_and_the_escapes) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  check(json(all));
  check(json("quote \" backslash \\ slash / del \x7f"));
  check(json::object({{"ke\"y\n", "v\t"}}));
}

TEST(JsonWriter, well_formed_utf8_is_written_as_it_is) {
  check(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  check(json::object({{"\xc3\xa9", json::array({"\xe2\x82\xac"})}}));
}

TEST(JsonWriter, ill_formed_utf8_is_left_to_nlohmann_and_the_output_kept) {
  for (const char* bad : {"\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "tail \xe2\x82"}) {
    json j = json::object({{"a", 1}, {"b", json::array({"ok", bad})}});
    std::string out = "kept";
    EXPECT_FALSE(write_json(j, out)) << bad;
    EXPECT_EQ(out, "kept");
    EXPECT_EQ(json_text_replacing_invalid_utf8(j), j.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

TEST(JsonWriter, binary_and_discarded_values_are_left_to_nlohmann) {
  std::string out;
  EXPECT_FALSE(write_json(json::binary({1, 2, 3}), out));
  EXPECT_FALSE(write_json(json(json::value_t::discarded), out));
  EXPECT_TRUE(out.empty());
}

TEST(JsonWriter, a_kubernetes_object) {
  check(json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"},
      "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"a\":\"b\"}\n"},"managedFields":[
      {"fieldsV1":{"f:spec":{"k:{\"name\":\"c\"}":{".":{}}}},"time":"2024-01-01T00:00:00Z"}]},
      "spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1.5"}}}],
      "terminationGracePeriodSeconds":30,"priority":-1,"ratio":0.25,"empty":{},"none":[]}})"));
}

TEST(JsonWriter, random_documents) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    check(ktk::testing::random_json(rng));
    if (HasFailure()) return;
  }
}

}  // namespace
