// Tests for ktk::core::go_time_error, go_duration_error, go_quantity_error and
// go_quantity_value. The expected texts are what Go gives: time.Parse and
// time.ParseDuration from Go's standard library, resource.ParseQuantity from
// apimachinery's pkg/api/resource, each run over the same inputs. Time errors follow
// Go 1.20 and later (kube-apiserver's Go): the failing element quoted as it stood
// before it was read, and time zone offsets range-checked.
#include "ktk/core/go_parse.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

using ktk::core::go_duration_error;
using ktk::core::go_quantity_error;
using ktk::core::go_quantity_value;
using ktk::core::go_time_error;
using ktk::core::go_time_layout;

const std::string ok = "OK";

std::string time_result(const std::string& v, go_time_layout l) { return go_time_error(v, l).value_or(ok); }

TEST(GoTime, Rfc3339AcceptsWhatGoAccepts) {
  for (const char* v : {"2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123Z", "2024-01-01T00:00:00,5Z",
                        "2024-01-01T00:00:00+01:00", "2024-01-01T00:00:00+24:00", "2024-02-29T00:00:00Z",
                        "2024-01-01T9:00:00Z", "2024-01-01T00:00:00.12345678901Z", "0000-01-01T00:00:00Z",
                        "9999-12-31T23:59:59Z", "2024-01-01T00:00:00.000000-05:30"}) {
    EXPECT_EQ(time_result(v, go_time_layout::rfc3339), ok) << v;
  }
}

TEST(GoTime, Rfc3339RefusesInGosWords) {
  const std::string as = "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2024-13-01T00:00:00Z", "parsing time \"2024-13-01T00:00:00Z\": month out of range"},
      {"2024-00-01T00:00:00Z", "parsing time \"2024-00-01T00:00:00Z\": month out of range"},
      {"2024-02-30T00:00:00Z", "parsing time \"2024-02-30T00:00:00Z\": day out of range"},
      {"2023-02-29T00:00:00Z", "parsing time \"2023-02-29T00:00:00Z\": day out of range"},
      {"2024-01-01T24:00:00Z", "parsing time \"2024-01-01T24:00:00Z\": hour out of range"},
      {"2024-01-01T00:60:00Z", "parsing time \"2024-01-01T00:60:00Z\": minute out of range"},
      {"2024-01-01T00:00:60Z", "parsing time \"2024-01-01T00:00:60Z\": second out of range"},
      {"2024-01-01T00:00:00+25:00", "parsing time \"2024-01-01T00:00:00+25:00\": time zone offset hour out of range"},
      {"2024-01-01T00:00:00+01:61", "parsing time \"2024-01-01T00:00:00+01:61\": time zone offset minute out of range"},
      {"2024-01-01T00:00:00Zjunk", "parsing time \"2024-01-01T00:00:00Zjunk\": extra text: \"junk\""},
      {"2024-01-01T00:00:00Z\xC3\xA9", "parsing time \"2024-01-01T00:00:00Z\\xc3\\xa9\": extra text: \"\\xc3\\xa9\""},
      {"yesterday", "parsing time \"yesterday" + as + "yesterday\" as \"2006\""},
      {"", "parsing time \"" + as + "\" as \"2006\""},
      {"2024", "parsing time \"2024" + as + "\" as \"-\""},
      {"24-01-01T00:00:00Z", "parsing time \"24-01-01T00:00:00Z" + as + "24-01-01T00:00:00Z\" as \"2006\""},
      {"1a24-01-01T00:00:00Z", "parsing time \"1a24-01-01T00:00:00Z" + as + "1a24-01-01T00:00:00Z\" as \"2006\""},
      {"2024-1-01T00:00:00Z", "parsing time \"2024-1-01T00:00:00Z" + as + "1-01T00:00:00Z\" as \"01\""},
      {"2024-01-1T00:00:00Z", "parsing time \"2024-01-1T00:00:00Z" + as + "1T00:00:00Z\" as \"02\""},
      {"2024-01-01 00:00:00Z", "parsing time \"2024-01-01 00:00:00Z" + as + " 00:00:00Z\" as \"T\""},
      {"2024-01-01t00:00:00z", "parsing time \"2024-01-01t00:00:00z" + as + "t00:00:00z\" as \"T\""},
      {"2024-01-01T00:00:00", "parsing time \"2024-01-01T00:00:00" + as + "\" as \"Z07:00\""},
      {"2024-01-01T00:00:00+0100", "parsing time \"2024-01-01T00:00:00+0100" + as + "+0100\" as \"Z07:00\""},
      {"2024-01-01T00:00:00*01:00", "parsing time \"2024-01-01T00:00:00*01:00" + as + "*01:00\" as \"Z07:00\""},
      {"2024-01-01T00:00:00.Z", "parsing time \"2024-01-01T00:00:00.Z" + as + ".Z\" as \"Z07:00\""},
      {"2024-01-01T00:00:00\"Z", "parsing time \"2024-01-01T00:00:00\\\"Z" + as + "\\\"Z\" as \"Z07:00\""},
  };
  for (const auto& [v, want] : cases) EXPECT_EQ(time_result(v, go_time_layout::rfc3339), want) << v;
}

TEST(GoTime, MicroTimeWantsExactlySixDigits) {
  EXPECT_EQ(time_result("2024-01-01T00:00:00.000000Z", go_time_layout::rfc3339_micro), ok);
  EXPECT_EQ(time_result("2024-01-01T00:00:00,000000Z", go_time_layout::rfc3339_micro), ok);
  EXPECT_EQ(time_result("2024-01-01T00:00:00.000000+01:00", go_time_layout::rfc3339_micro), ok);
  EXPECT_EQ(time_result("2024-01-01T00:00:00.+12345Z", go_time_layout::rfc3339_micro), ok);  // Go's atoi takes a sign
  const std::string as = "\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2024-01-01T00:00:00Z", "parsing time \"2024-01-01T00:00:00Z" + as + "Z\" as \".000000\""},
      {"2024-01-01T00:00:00.123Z", "parsing time \"2024-01-01T00:00:00.123Z" + as + ".123Z\" as \".000000\""},
      {"2024-01-01T00:00:00.00000Z", "parsing time \"2024-01-01T00:00:00.00000Z" + as + ".00000Z\" as \".000000\""},
      {"2024-01-01T00:00:00.1234567Z", "parsing time \"2024-01-01T00:00:00.1234567Z" + as + "7Z\" as \"Z07:00\""},
      {"2024-01-01T00:00:00.-12345Z", "parsing time \"2024-01-01T00:00:00.-12345Z\": fractional second out of range"},
      {"2024-13-01T00:00:00.000000Z", "parsing time \"2024-13-01T00:00:00.000000Z\": month out of range"},
  };
  for (const auto& [v, want] : cases) EXPECT_EQ(time_result(v, go_time_layout::rfc3339_micro), want) << v;
}

TEST(GoDuration, AcceptsAndRefusesAsTimeParseDuration) {
  for (const char* v : {"1s", "1.5h", "-1m", "+2h45m", "0", "-0", "+0", "1.s", ".5s", "1\xC2\xB5s", "1\xCE\xBCs", "1us",
                        "1ns", "9223372036854775807ns", "-9223372036854775808ns", "2562047h", "1.000000000000000000001s"}) {
    EXPECT_EQ(go_duration_error(v).value_or(ok), ok) << v;
  }
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "time: invalid duration \"\""},
      {"abc", "time: invalid duration \"abc\""},
      {"1", "time: missing unit in duration \"1\""},
      {"1h1", "time: missing unit in duration \"1h1\""},
      {"1x", "time: unknown unit \"x\" in duration \"1x\""},
      {"1e3s", "time: unknown unit \"e\" in duration \"1e3s\""},
      {"1 s", "time: unknown unit \" s\" in duration \"1 s\""},
      {".s", "time: invalid duration \".s\""},
      {"-.s", "time: invalid duration \"-.s\""},
      {"s", "time: invalid duration \"s\""},
      {"9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""},
      {"2562048h", "time: invalid duration \"2562048h\""},
  };
  for (const auto& [v, want] : cases) EXPECT_EQ(go_duration_error(v).value_or(ok), want) << v;
}

TEST(GoQuantity, AcceptsWhatParseQuantityAccepts) {
  const std::vector<std::pair<std::string, double>> cases = {
      {"0", 0},      {"1", 1},         {"100m", 0.1},    {"1.5Gi", 1610612736.0}, {"1Ki", 1024}, {"1E", 1e18},
      {"1e3", 1000}, {"1E+5", 1e5},    {"1e-7", 1e-7},   {"-1", -1},              {"+", 0},      {"-", 0},
      {".", 0},      {"-.", 0},        {".Ki", 0},       {"1.Ki", 1024},          {"1.G", 1e9},  {".5", 0.5},
      {"1.", 1},     {" 1 ", 1},       {"00001", 1},     {"Ki", 0},               {"m", 0},      {"e5", 0},
      {"1n", 1e-9},  {"0.0000000001n", 1e-9},  // rounded up to 1n
      {"9Ei", 9223372036854775807.0},          // binary amounts are capped
      {"-1.5Gi", -1610612736.0}, {"5e-3", 0.005}, {"\xC2\xA0" "2\t", 2}};
  for (const auto& [v, want] : cases) {
    EXPECT_EQ(go_quantity_error(v).value_or(ok), ok) << v;
    auto got = go_quantity_value(v);
    ASSERT_TRUE(got) << v;
    EXPECT_DOUBLE_EQ(*got, want) << v;
  }
}

TEST(GoQuantity, RefusesInParseQuantitysWords) {
  const std::string format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const std::string suffix = "unable to parse quantity's suffix";
  const std::string numeric = "unable to parse numeric part of quantity";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", format},       {"  ", format},     {"1KiB", format}, {"abc", format},   {"true", format},
      {"{", format},      {"1 Gi", format},   {"0x10", format}, {"1_000", format}, {"1,5", format},
      {"1.2.3", format},  {"5E-3m", format},  {"1k8", suffix},  {"1e", suffix},    {"1e+", suffix},
      {"1e-", suffix},    {"1ee", suffix},    {"1Mi5", suffix}, {"1e99999999999999999999", suffix},
      {".e-10", numeric}, {"-.e-10", numeric},
  };
  for (const auto& [v, want] : cases) {
    EXPECT_EQ(go_quantity_error(v).value_or(ok), want) << v;
    EXPECT_FALSE(go_quantity_value(v)) << v;
  }
}

}  // namespace
