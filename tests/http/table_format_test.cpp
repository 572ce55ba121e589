// Tests of the Go-compatible formatting helpers behind the Table printers.
#include "http/table_format.hpp"

#include <gtest/gtest.h>

#include "ktk/core/clock.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;
using namespace std::chrono_literals;

TEST(HumanDuration, Boundaries) {
  EXPECT_EQ(human_duration(-2s), "<invalid>");
  EXPECT_EQ(human_duration(-1999ms), "0s");
  EXPECT_EQ(human_duration(0s), "0s");
  EXPECT_EQ(human_duration(1999ms), "1s");
  EXPECT_EQ(human_duration(119s), "119s");
  EXPECT_EQ(human_duration(120s), "2m");
  EXPECT_EQ(human_duration(121s), "2m1s");
  EXPECT_EQ(human_duration(10min), "10m");
  EXPECT_EQ(human_duration(3h), "3h");
  EXPECT_EQ(human_duration(3h + 1min), "3h1m");
  EXPECT_EQ(human_duration(8h), "8h");
  EXPECT_EQ(human_duration(48h), "2d");
  EXPECT_EQ(human_duration(49h), "2d1h");
  EXPECT_EQ(human_duration(24h * 8), "8d");
  EXPECT_EQ(human_duration(24h * 730), "2y");
  EXPECT_EQ(human_duration(24h * 731), "2y1d");
  EXPECT_EQ(human_duration(24h * 365 * 8), "8y");
}

TEST(Since, MissingOrBadTimestampsAreUnknown) {
  auto now = *core::parse_rfc3339("2024-01-01T00:00:00Z");
  EXPECT_EQ(since(nullptr, now), "<unknown>");
  json null;
  EXPECT_EQ(since(&null, now), "<unknown>");
  json num = 5;
  EXPECT_EQ(since(&num, now), "<unknown>");
  json empty = "";
  EXPECT_EQ(since(&empty, now), "<unknown>");
  json ok = "2023-12-31T23:59:30Z";
  EXPECT_EQ(since(&ok, now), "30s");
}

TEST(GoFloat, MatchesFmtSprint) {
  EXPECT_EQ(go_float(3), "3");
  EXPECT_EQ(go_float(-3), "-3");
  EXPECT_EQ(go_float(1.5), "1.5");
  EXPECT_EQ(go_float(0.1), "0.1");
  EXPECT_EQ(go_float(123456), "123456");
  EXPECT_EQ(go_float(1e6), "1e+06");
  EXPECT_EQ(go_float(1234567.5), "1.2345675e+06");
  EXPECT_EQ(go_float(0.0001), "0.0001");
  EXPECT_EQ(go_float(0.00001), "1e-05");
  EXPECT_EQ(go_float(1e21), "1e+21");
  EXPECT_EQ(go_float(0), "0");
  EXPECT_EQ(go_float(1e100), "1e+100");
}

TEST(GoJson, NumbersStringsAndNesting) {
  EXPECT_EQ(go_json(json::parse("[1, 2.0, 2.5, true, null, \"x\"]")), R"([1,2,2.5,true,null,"x"])");
  EXPECT_EQ(go_json(json::parse(R"({"b": 1, "a": {"c": []}})")), R"({"a":{"c":[]},"b":1})");
  EXPECT_EQ(go_json(json(1e21)), "1e+21");
  EXPECT_EQ(go_json(json(1e-7)), "1e-7");
  EXPECT_EQ(go_json(json(123456789.0)), "123456789");
  EXPECT_EQ(go_json(json("<&>\n\t\"\\")), R"("\u003c\u0026\u003e\n\t\"\\")");
  EXPECT_EQ(go_json(json("\x01")), R"("\u0001")");
  EXPECT_EQ(go_json(json("a\u2028b")), R"("a\u2028b")");
  EXPECT_EQ(go_json(json("é")), "\"é\"");
}

TEST(FormatLabels, SortedOrNone) {
  json l = {{"b", "2"}, {"a", "1"}};
  EXPECT_EQ(format_labels(&l), "a=1,b=2");
  json e = json::object();
  EXPECT_EQ(format_labels(&e), "<none>");
  EXPECT_EQ(format_labels(nullptr), "<none>");
}

TEST(LabelSelector, Operators) {
  json s = {{"matchExpressions", {{{"key", "z"}, {"operator", "NotIn"}, {"values", {"b", "a"}}},
                                  {{"key", "y"}, {"operator", "Exists"}}}},
            {"matchLabels", {{"x", "1"}}}};
  EXPECT_EQ(format_label_selector(&s), "x=1,y,z notin (a,b)");
}

TEST(LabelSelector, EmptyMissingAndInvalid) {
  json empty = json::object();
  EXPECT_EQ(format_label_selector(&empty), "<none>");
  EXPECT_EQ(format_label_selector(nullptr), "<none>");
  json bad_op = {{"matchExpressions", {{{"key", "a"}, {"operator", "Gt"}, {"values", {"1"}}}}}};
  EXPECT_EQ(format_label_selector(&bad_op), "<error>");
  json in_without_values = {{"matchExpressions", {{{"key", "a"}, {"operator", "In"}}}}};
  EXPECT_EQ(format_label_selector(&in_without_values), "<error>");
  json exists_with_values = {{"matchExpressions", {{{"key", "a"}, {"operator", "Exists"}, {"values", {"x"}}}}}};
  EXPECT_EQ(selector_string(&exists_with_values), std::nullopt);
}

TEST(ContainerCells, JoinsNamesAndImages) {
  json cs = json::parse(R"([{"name":"a","image":"x"},{"name":"b"}])");
  EXPECT_EQ(container_cells(&cs), std::make_pair(std::string("a,b"), std::string("x,")));
  EXPECT_EQ(container_cells(nullptr), std::make_pair(std::string(), std::string()));
}

}  // namespace
}  // namespace ktk::apiserver::http::table::detail
