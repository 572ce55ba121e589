// json_reader_test.cpp — the fast JSON reader gives exactly what nlohmann's parser
// gives (the same values of the same types) or leaves the text to it.
#include "ktk/core/json_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

#include "random_json.hpp"

namespace {

using ktk::core::read_json;
using ktk::core::read_json_or_discarded;
using nlohmann::json;

// Equal values and equal types all the way down (nlohmann's == calls 1u and 1 equal).
bool same(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !same(ia.value(), ib.value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) return a.dump() == b.dump();
  return a == b;
}

// read_json answers exactly nlohmann's value or leaves the text to it, and never
// answers for text nlohmann refuses; read_json_or_discarded is nlohmann's answer.
void check(const std::string& text) {
  auto want = json::parse(text, nullptr, false);
  if (auto fast = read_json(text)) {
    EXPECT_FALSE(want.is_discarded()) << "read_json took text nlohmann refuses: " << text;
    EXPECT_TRUE(same(*fast, want)) << text << "\n got " << fast->dump() << "\nwant " << want.dump();
  }
  auto got = read_json_or_discarded(text);
  EXPECT_EQ(got.is_discarded(), want.is_discarded()) << text;
  if (!want.is_discarded()) {
    EXPECT_TRUE(same(got, want)) << text << "\n got " << got.dump() << "\nwant " << want.dump();
  }
}

// What read_json must take itself (the fast path), not leave to nlohmann.
void check_fast(const std::string& text) {
  auto fast = read_json(text);
  ASSERT_TRUE(fast.has_value()) << text;
  EXPECT_TRUE(same(*fast, json::parse(text))) << text;
}

TEST(JsonReader, scalars) {
  for (const char* t : {"0", "-0", "1", "-1", "18446744073709551615", "-9223372036854775808", "18446744073709551616",
                        "-9223372036854775809", "1.5", "-2.25e-3", "1E10", "1e+2", "0.1", "1e400", "-1e400",
                        "true", "false", "null", "\"\"", "\"x\""}) {
    check(t);
  }
}

TEST(JsonReader, strings_and_escapes) {
  for (const char* t : {R"("a\"b\\c\/d\b\f\n\r\t")", R"("\u0041\u00e9\u20ac")", R"("\ud83d\ude00")",
                        R"("\ud83d")", R"("\ude00")", R"("\u12")", R"("\x")", "\"caf\xc3\xa9\"", "\"bad \xc3\x28\"",
                        "\"tab\there\"", "\"unterminated"}) {
    check(t);
  }
}

TEST(JsonReader, structures) {
  for (const char* t : {"{}", "[]", " { \"a\" : [ 1 , 2 , { } ] , \"b\" : null } ", R"({"b":1,"a":2,"c":{"z":[]}})",
                        R"({"a":1,"a":2})", R"({"a":{"x":1},"a":[2]})", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "[1 2]",
                        "{1:2}", "", "  ", "[1] x", "[", "{\"a\":", "nul", "tru", "-", "01", "1.", ".5", "1e", "+1"}) {
    check(t);
  }
}

TEST(JsonReader, deep_nesting_goes_to_nlohmann) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  check(deep);
}

TEST(JsonReader, a_kubernetes_object_takes_the_fast_path) {
  check_fast(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"},"managedFields":[
      {"fieldsV1":{"f:spec":{"k:{\"name\":\"c\"}":{".":{}}}},"time":"2024-01-01T00:00:00Z"}]},
      "spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1.5"}}}],
      "terminationGracePeriodSeconds":30,"priority":-1,"ratio":0.25}})");
  check_fast(R"({"a":"\"quoted\" \\ \u00e9\ud83d\ude00","b":[true,false,null,0,-0,1e3],"c":{}})");
  check_fast(R"({"z":1,"a":2,"z":[3]})");  // unsorted, and the last of a duplicate key wins
}

// Random documents through nlohmann's dump and back.
TEST(JsonReader, random_documents_round_trip) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    auto v = ktk::testing::random_json(rng);
    check(v.dump(-1, ' ', false, json::error_handler_t::replace));  // UTF-8 as it is
    check(v.dump(-1, ' ', true, json::error_handler_t::replace));   // \uXXXX escapes, surrogate pairs
    check(v.dump(2));                                                // whitespace
    if (HasFailure()) return;
  }
}

}  // namespace
