#include <gtest/gtest.h>

#include "ktk/sim/scenario.hpp"

namespace ktk::sim {
namespace {

using namespace std::chrono_literals;

TEST(ScenarioDuration, ParsesGoStyleDurations) {
  struct row {
    const char* text;
    std::int64_t ms;
  };
  const row rows[] = {{"0", 0},          {"0s", 0},          {"250ms", 250},        {"1s", 1000},
                      {"30s", 30000},    {"1m", 60000},      {"1m30s", 90000},      {"2h", 7200000},
                      {"1h2m3s", 3723000}, {"1.5s", 1500},   {"0.25m", 15000},      {"1s500ms", 1500},
                      {".5s", 500},      {"90m", 5400000},   {"2h45m", 9900000},    {"100ms", 100}};
  for (const auto& r : rows) {
    auto d = parse_duration(r.text);
    ASSERT_TRUE(d.has_value()) << r.text;
    EXPECT_EQ(d->count(), r.ms) << r.text;
  }
}

TEST(ScenarioDuration, RejectsMalformedDurations) {
  for (const char* bad : {"", "30", "s", "1x", "-1s", "+1s", "1.5.3s", "1 s", "ms", "10us", "0.5ms", "1d", "1sm",
                          "abc", "1m30", "1e3s"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << '"' << bad << '"';
}

TEST(ScenarioDuration, FormatsTheShortestForm) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1000ms), "1s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(90000ms), "1m30s");
  EXPECT_EQ(format_duration(3600000ms), "1h");
  EXPECT_EQ(format_duration(3723004ms), "1h2m3.004s");
  EXPECT_EQ(format_duration(3660000ms), "1h1m");
  EXPECT_EQ(format_duration(-1500ms), "-1.5s");
  EXPECT_EQ(format_duration(1050ms), "1.05s");
}

TEST(ScenarioDuration, FormatThenParseRoundTrips) {
  for (std::int64_t ms : {0LL, 1LL, 999LL, 1000LL, 1001LL, 59999LL, 60000LL, 3599999LL, 86400000LL, 123456789LL}) {
    auto back = parse_duration(format_duration(duration{ms}));
    ASSERT_TRUE(back.has_value()) << ms;
    EXPECT_EQ(back->count(), ms);
  }
}

}  // namespace
}  // namespace ktk::sim
