// write_junit: parsed back with python3's xml.etree (the reader CI tools resemble),
// counts, failed steps as their own testcases, escaping.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim_files.hpp"
#include "ktk/sim/report.hpp"

namespace ktk::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

using sim_test::temp_dir;

using sim_test::read_file;

bool have_python() { return std::system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") == 0; }

// Runs a python3 script on `arg` and parses what it prints as JSON.
json run_python(const temp_dir& d, const std::string& script, const fs::path& arg) {
  std::ofstream(d / "check.py") << script;
  std::string cmd = "python3 " + (d / "check.py").string() + " " + arg.string() + " > " + (d / "out.json").string() +
                    " 2> " + (d / "err.txt").string();
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << read_file(d / "err.txt");
  return rc == 0 ? json::parse(read_file(d / "out.json")) : json();
}

const char* parse_junit = R"(
import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall('testsuite')
s = suites[0]
def case(c):
    f = c.find('failure')
    return {'classname': c.get('classname'), 'name': c.get('name'), 'time': c.get('time'),
            'file': c.get('file'), 'line': c.get('line'),
            'failure': None if f is None else {'message': f.get('message'), 'type': f.get('type'), 'text': f.text}}
print(json.dumps({'root': root.tag, 'root_attrs': dict(root.attrib), 'suites': len(suites), 'suite': dict(s.attrib),
                  'properties': {p.get('name'): p.get('value') for p in s.find('properties')},
                  'cases': [case(c) for c in s.findall('testcase')]}))
)";

run_report sample() {
  run_report r;
  r.scenario = "deployment-chain";
  r.file = "examples/chain.yaml";
  r.seed = 42;
  r.server = "embedded";
  r.started = "2024-05-01T10:00:00Z";
  r.wall_seconds = 1.25;
  r.virtual_elapsed = 95s;
  r.events = 1234;
  r.steps = {{.name = "apply deployment.yaml", .where = {"chain.yaml", 8}, .started_at = 0ms, .took = 10ms},
             {.name = "wait_for Deployment default/web Available", .where = {"chain.yaml", 10}, .started_at = 10ms,
              .took = 60s, .wall_seconds = 0.5, .ok = false, .message = "timed out after 1m\nAvailable is False"},
             {.name = "expect three Pods run", .where = {"chain.yaml", 14}, .started_at = 60s, .ok = false,
              .message = "1 of 1 expectations failed"}};
  r.expectations = {{.name = "three Pods run", .step = "expect three Pods run", .where = {"chain.yaml", 15},
                     .at = 60s, .ok = false, .message = "expected 3 Pods, observed 2\nweb-a Running\nweb-b Running",
                     .wall_seconds = 0.001},
                    {.name = "Deployment default/web exists", .step = "expect three Pods run",
                     .where = {"chain.yaml", 18}, .at = 60s, .ok = true}};
  return r;
}

TEST(ReportJunit, OkAndFailuresCountFailedStepsOnce) {
  run_report r = sample();
  // The expect step failed because its expectation did: one failure. The wait_for
  // failed alone: a second.
  EXPECT_EQ(r.failures(), 2u);
  EXPECT_FALSE(r.ok());
  r.steps[1].ok = true;
  r.expectations[0].ok = false;
  EXPECT_EQ(r.failures(), 1u);
  r.steps[2].ok = true;
  r.expectations[0].ok = true;
  EXPECT_EQ(r.failures(), 0u);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(run_report{}.ok());
}

TEST(ReportJunit, ParsesBackWithOneCasePerExpectationAndFailedStep) {
  if (!have_python()) GTEST_SKIP() << "python3 with xml.etree is not available";
  temp_dir d;
  write_junit(sample(), d / "junit.xml");
  json j = run_python(d, parse_junit, d / "junit.xml");
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["root"], "testsuites");
  EXPECT_EQ(j["suites"], 1);
  EXPECT_EQ(j["suite"]["name"], "deployment-chain");
  EXPECT_EQ(j["suite"]["tests"], "3");
  EXPECT_EQ(j["suite"]["failures"], "2");
  EXPECT_EQ(j["suite"]["errors"], "0");
  EXPECT_EQ(j["suite"]["time"], "1.250");
  EXPECT_EQ(j["suite"]["timestamp"], "2024-05-01T10:00:00Z");
  EXPECT_EQ(j["root_attrs"]["failures"], "2");
  EXPECT_EQ(j["properties"]["seed"], "42");
  EXPECT_EQ(j["properties"]["server"], "embedded");
  EXPECT_EQ(j["properties"]["virtual_seconds"], "95.000");
  ASSERT_EQ(j["cases"].size(), 3u);
  const json& failed = j["cases"][0];
  EXPECT_EQ(failed["classname"], "deployment-chain");
  EXPECT_EQ(failed["name"], "three Pods run");
  EXPECT_EQ(failed["time"], "0.001");
  EXPECT_EQ(failed["file"], "chain.yaml");
  EXPECT_EQ(failed["line"], "15");
  EXPECT_EQ(failed["failure"]["message"], "expected 3 Pods, observed 2");  // the first line
  EXPECT_EQ(failed["failure"]["type"], "expectation");
  EXPECT_THAT(failed["failure"]["text"].get<std::string>(), HasSubstr("web-a Running\nweb-b Running"));
  EXPECT_THAT(failed["failure"]["text"].get<std::string>(), HasSubstr("step: expect three Pods run"));
  EXPECT_TRUE(j["cases"][1]["failure"].is_null());
  const json& step = j["cases"][2];
  EXPECT_EQ(step["name"], "wait_for Deployment default/web Available");
  EXPECT_EQ(step["failure"]["type"], "step");
  EXPECT_EQ(step["failure"]["message"], "timed out after 1m");
  EXPECT_THAT(step["failure"]["text"].get<std::string>(), HasSubstr("Available is False"));
}

TEST(ReportJunit, EscapesEverything) {
  run_report r = sample();
  const std::string nasty = "a<b>&\"c\"'d' ]]> \x01\x7f bad\xff utf8 \xc3\xa9";
  r.scenario = nasty;
  r.expectations[0].name = nasty;
  r.expectations[0].message = nasty + "\n<observed/>";
  r.steps[1].name = "</testcase>";
  temp_dir d;
  write_junit(r, d / "junit.xml");
  std::string xml = read_file(d / "junit.xml");
  EXPECT_THAT(xml, HasSubstr("a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; ]]&gt;"));
  EXPECT_THAT(xml, HasSubstr("&lt;observed/&gt;"));
  EXPECT_THAT(xml, Not(HasSubstr("\x01")));
  EXPECT_THAT(xml, HasSubstr("\xc3\xa9"));  // valid UTF-8 is kept
  if (!have_python()) GTEST_SKIP() << "python3 with xml.etree is not available";
  json j = run_python(d, parse_junit, d / "junit.xml");
  ASSERT_FALSE(j.is_null());
  const std::string repaired = "a<b>&\"c\"'d' ]]> \xEF\xBF\xBD\xEF\xBF\xBD bad\xEF\xBF\xBD utf8 \xc3\xa9";
  EXPECT_EQ(j["suite"]["name"], repaired);
  EXPECT_EQ(j["cases"][0]["name"], repaired);
  EXPECT_EQ(j["cases"][0]["classname"], repaired);
  EXPECT_EQ(j["cases"][2]["name"], "</testcase>");
}

TEST(ReportJunit, AllPassingHasNoFailureElements) {
  run_report r = sample();
  for (auto& s : r.steps) s.ok = true;
  for (auto& e : r.expectations) e.ok = true;
  temp_dir d;
  write_junit(r, d / "junit.xml");
  std::string xml = read_file(d / "junit.xml");
  EXPECT_THAT(xml, Not(HasSubstr("<failure")));
  EXPECT_THAT(xml, HasSubstr("tests=\"2\" failures=\"0\""));
}

TEST(ReportJunit, AnUnwritablePathThrowsNamingIt) {
  try {
    write_junit(sample(), "/nonexistent-dir/junit.xml");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent-dir/junit.xml"));
  }
}

}  // namespace
}  // namespace ktk::sim
