// timeline_json / write_timeline_json: every field, times in seconds, and JSON that
// stays valid whatever the strings hold.
#include <atomic>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ktk/sim/report.hpp"

namespace ktk::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

run_report sample() {
  run_report r;
  r.scenario = "chain";
  r.file = "chain.yaml";
  r.seed = 7;
  r.server = "embedded";
  r.started = "2024-05-01T10:00:00Z";
  r.wall_seconds = 0.75;
  r.virtual_elapsed = 12345ms;
  r.events = 99;
  r.peak_rss_bytes = 1 << 20;
  r.steps = {{.name = "apply", .where = {"chain.yaml", 3}, .started_at = 0ms, .took = 5ms, .wall_seconds = 0.01},
             {.name = "wait", .where = {"chain.yaml", 5}, .started_at = 5ms, .took = 2500ms, .ok = false,
              .message = "timed out"}};
  r.expectations = {{.name = "three run", .step = "wait", .where = {"chain.yaml", 6}, .at = 2505ms, .ok = true}};
  r.transitions = {{.at = 1234ms, .type = "MODIFIED", .kind = "Pod", .namespace_ = "default", .name = "web-1",
                    .state = "Running", .node = "node-0"},
                   {.at = 1ms, .type = "ADDED", .kind = "Deployment", .namespace_ = "default", .name = "web",
                    .state = "0/3"}};
  r.samples = {{.at = 0ms, .pods = {{"Pending", 3}}}, {.at = 1234ms, .pods = {{"Pending", 2}, {"Running", 1}}}};
  return r;
}

TEST(ReportTimeline, HoldsEveryField) {
  json j = timeline_json(sample());
  EXPECT_EQ(j["scenario"], "chain");
  EXPECT_EQ(j["file"], "chain.yaml");
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["server"], "embedded");
  EXPECT_EQ(j["started"], "2024-05-01T10:00:00Z");
  EXPECT_DOUBLE_EQ(j["wall_seconds"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["virtual_seconds"].get<double>(), 12.345);
  EXPECT_EQ(j["ok"], false);  // the wait step failed
  EXPECT_EQ(j["failures"], 1);
  EXPECT_EQ(j["events"], 99);
  EXPECT_EQ(j["peak_rss_bytes"], 1 << 20);

  ASSERT_EQ(j["steps"].size(), 2u);
  const json& s = j["steps"][1];
  EXPECT_EQ(s["name"], "wait");
  EXPECT_EQ(s["file"], "chain.yaml");
  EXPECT_EQ(s["line"], 5);
  EXPECT_DOUBLE_EQ(s["t"].get<double>(), 0.005);
  EXPECT_DOUBLE_EQ(s["virtual_seconds"].get<double>(), 2.5);
  EXPECT_EQ(s["ok"], false);
  EXPECT_EQ(s["message"], "timed out");

  ASSERT_EQ(j["expectations"].size(), 1u);
  EXPECT_EQ(j["expectations"][0]["step"], "wait");
  EXPECT_EQ(j["expectations"][0]["line"], 6);
  EXPECT_DOUBLE_EQ(j["expectations"][0]["t"].get<double>(), 2.505);

  ASSERT_EQ(j["transitions"].size(), 2u);  // in the report's order
  EXPECT_EQ(j["transitions"][0],
            json::parse(R"({"t":1.234,"type":"MODIFIED","kind":"Pod","namespace":"default","name":"web-1",
                            "state":"Running","node":"node-0"})"));
  EXPECT_EQ(j["transitions"][1]["node"], "");

  ASSERT_EQ(j["samples"].size(), 2u);
  EXPECT_EQ(j["samples"][1], json::parse(R"({"t":1.234,"pods":{"Pending":2,"Running":1}})"));
}

TEST(ReportTimeline, TimesPrintWithAtMostThreeDecimals) {
  run_report r;
  r.samples = {{.at = 100ms, .pods = {}}, {.at = 1001ms, .pods = {}}, {.at = 3600000ms, .pods = {}}};
  std::string text = timeline_json(r).dump();
  EXPECT_NE(text.find("\"t\":0.1}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"t\":1.001}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"t\":3600.0}"), std::string::npos) << text;
}

TEST(ReportTimeline, InvalidUtf8IsRepairedSoTheJsonStaysValid) {
  run_report r = sample();
  r.transitions[0].name = "bad\xff\xfe";
  r.scenario = "caf\xc3\xa9";
  json j = timeline_json(r);
  std::string text;
  ASSERT_NO_THROW(text = j.dump());
  EXPECT_EQ(j["transitions"][0]["name"], "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(j["scenario"], "caf\xc3\xa9");
}

TEST(ReportTimeline, WriteTimelineJsonWritesTheSameJson) {
  fs::path p = fs::temp_directory_path() / ("ktk_report_timeline_" + std::to_string(::getpid()) + ".json");
  write_timeline_json(sample(), p);
  std::ifstream in(p);
  json back = json::parse(in);
  fs::remove(p);
  EXPECT_EQ(back, timeline_json(sample()));
  EXPECT_THROW(write_timeline_json(sample(), "/nonexistent-dir/t.json"), std::runtime_error);
}

}  // namespace
}  // namespace ktk::sim
