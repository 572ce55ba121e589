// write_html: one self-contained page — parsed with python3's html.parser (tags
// balanced, SVG present), the chart, the steps, failures first, escaping, the cap on
// transitions; rendered by a headless browser when the machine has one.
#include <atomic>
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using sim_test::temp_dir;

using sim_test::read_file;

bool have_python() { return std::system("python3 -c 'import html.parser' >/dev/null 2>&1") == 0; }

const char* check_html = R"(
import sys, json
from html.parser import HTMLParser
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.counts, self.text, self.attrs = [], [], {}, [], []
    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs.append((tag, dict(attrs)))
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append('</%s> at %s with %s open' % (tag, self.getpos(), self.stack[-3:]))
        else:
            self.stack.pop()
    def handle_data(self, d):
        self.text.append(d)
p = P()
p.feed(open(sys.argv[1], encoding='utf-8').read())
p.close()
print(json.dumps({'errors': p.errors, 'unclosed': p.stack, 'counts': p.counts, 'text': ''.join(p.text),
                  'bands': [a.get('data-phase') for t, a in p.attrs if t == 'path' and a.get('class') == 'band'],
                  'step_marks': sum(1 for t, a in p.attrs if t == 'g' and a.get('class') == 'step'),
                  'hrefs': [a.get('href') or a.get('src') for t, a in p.attrs if a.get('href') or a.get('src')]}))
)";

json parse_html(const temp_dir& d, const fs::path& file) {
  std::ofstream(d / "check.py") << check_html;
  std::string cmd = "python3 " + (d / "check.py").string() + " " + file.string() + " > " + (d / "out.json").string() +
                    " 2> " + (d / "err.txt").string();
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << read_file(d / "err.txt");
  return rc == 0 ? json::parse(read_file(d / "out.json")) : json();
}

run_report sample() {
  run_report r;
  r.scenario = "deployment-chain";
  r.file = "chain.yaml";
  r.seed = 42;
  r.server = "embedded";
  r.started = "2024-05-01T10:00:00Z";
  r.wall_seconds = 0.5;
  r.virtual_elapsed = 95s;
  r.events = 321;
  r.steps = {{.name = "create the Deployment", .where = {"chain.yaml", 8}, .started_at = 0ms, .took = 10ms},
             {.name = "wait_for Deployment default/web Available", .where = {"chain.yaml", 10}, .started_at = 10ms,
              .took = 30s, .wall_seconds = 0.2},
             {.name = "expect ten Pods", .where = {"chain.yaml", 14}, .started_at = 30010ms, .ok = false,
              .message = "1 expectation failed"}};
  r.expectations = {{.name = "Deployment default/web exists", .step = "expect ten Pods", .at = 30010ms, .ok = true},
                    {.name = "ten Pods run", .step = "expect ten Pods", .where = {"chain.yaml", 15}, .at = 30010ms,
                     .ok = false, .message = "expected 10, observed 7 Running"}};
  r.transitions = {{.at = 1ms, .type = "ADDED", .kind = "Pod", .namespace_ = "default", .name = "web-1",
                    .state = "Pending"},
                   {.at = 1500ms, .type = "MODIFIED", .kind = "Pod", .namespace_ = "default", .name = "web-1",
                    .state = "Running", .node = "node-0"}};
  r.samples = {{.at = 1ms, .pods = {{"Pending", 10}}},
               {.at = 1500ms, .pods = {{"Pending", 3}, {"Running", 7}}},
               {.at = 40s, .pods = {{"Running", 7}, {"Failed", 3}}}};
  return r;
}

TEST(ReportHtml, WellFormedSelfContainedPageWithTheChart) {
  temp_dir d;
  write_html(sample(), d / "report.html");
  std::string html = read_file(d / "report.html");
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  if (!have_python()) GTEST_SKIP() << "python3 is not available to parse the page";
  json j = parse_html(d, d / "report.html");
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["errors"], json::array());
  EXPECT_EQ(j["unclosed"], json::array());
  EXPECT_EQ(j["counts"]["svg"], 1);
  EXPECT_EQ(j["counts"]["table"], 3);  // steps, expectations, transitions
  EXPECT_EQ(j["hrefs"], json::array());
  EXPECT_EQ(j["bands"], json::parse(R"(["Pending", "Running", "Failed"])"));  // stacking order
  EXPECT_EQ(j["step_marks"], 3);
  const std::string text = j["text"];
  EXPECT_THAT(text, HasSubstr("FAILED"));
  EXPECT_THAT(text, HasSubstr("create the Deployment"));
  EXPECT_THAT(text, HasSubstr("chain.yaml:10"));
  EXPECT_THAT(text, HasSubstr("expected 10, observed 7 Running"));
  EXPECT_THAT(text, HasSubstr("Running (peak 7)"));
  EXPECT_THAT(text, HasSubstr("Pending (peak 10)"));
  EXPECT_THAT(text, HasSubstr("virtual time"));
  EXPECT_THAT(text, HasSubstr("1m30s"));  // an x tick (every 10s up to 95s)
  EXPECT_THAT(text, HasSubstr("web-1"));
}

TEST(ReportHtml, FailedExpectationsComeFirst) {
  temp_dir d;
  write_html(sample(), d / "report.html");
  std::string html = read_file(d / "report.html");
  auto table = html.find("<table class=\"expectations\">");
  ASSERT_NE(table, std::string::npos);
  auto failed = html.find("ten Pods run", table), passed = html.find("Deployment default/web exists", table);
  ASSERT_NE(failed, std::string::npos);
  ASSERT_NE(passed, std::string::npos);
  EXPECT_LT(failed, passed);
}

TEST(ReportHtml, EscapesEverything) {
  run_report r = sample();
  r.scenario = "<script>alert(1)</script>";
  r.steps[0].name = "a & b <i>";
  r.expectations[1].message = "\"quoted\" 'single' </td></tr></table>";
  r.transitions[0].name = "<img src=x onerror=alert(1)>";
  r.samples[0].pods["<b>odd</b>"] = 1;
  temp_dir d;
  write_html(r, d / "report.html");
  std::string html = read_file(d / "report.html");
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>odd")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  if (!have_python()) GTEST_SKIP() << "python3 is not available to parse the page";
  json j = parse_html(d, d / "report.html");
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["errors"], json::array());
  EXPECT_EQ(j["unclosed"], json::array());
  EXPECT_EQ(j["counts"].value("script", 0), 0);
  EXPECT_EQ(j["counts"]["table"], 3);
  const std::string text = j["text"];
  EXPECT_THAT(text, HasSubstr("<script>alert(1)</script>"));  // shown as text
  EXPECT_THAT(text, HasSubstr("a & b <i>"));
  EXPECT_THAT(text, HasSubstr("\"quoted\" 'single' </td></tr></table>"));
  EXPECT_THAT(j["bands"].dump(), HasSubstr("<b>odd</b>"));  // an attribute, unescaped by the parser
}

TEST(ReportHtml, TransitionsAreCappedWithANote) {
  run_report r = sample();
  r.transitions.clear();
  for (int i = 0; i < 2500; ++i)
    r.transitions.push_back({.at = duration{i}, .type = "ADDED", .kind = "Pod", .namespace_ = "default",
                             .name = "p-" + std::to_string(i), .state = "Pending"});
  temp_dir d;
  write_html(r, d / "report.html");
  std::string html = read_file(d / "report.html");
  EXPECT_THAT(html, HasSubstr("Showing the first 2000 of 2500 transitions"));
  EXPECT_THAT(html, HasSubstr(">default/p-1999<"));
  EXPECT_THAT(html, Not(HasSubstr(">default/p-2000<")));
}

TEST(ReportHtml, ManySamplesStillMakeASmallChart) {
  run_report r = sample();
  r.samples.clear();
  for (int i = 0; i < 100000; ++i)
    r.samples.push_back({.at = duration{i}, .pods = {{"Pending", 100000 - i}, {"Running", i}}});
  r.virtual_elapsed = 100s;
  temp_dir d;
  write_html(r, d / "report.html");
  EXPECT_LT(fs::file_size(d / "report.html"), 200'000u);  // one point per column, not per sample
  EXPECT_THAT(read_file(d / "report.html"), HasSubstr("Running (peak 99999)"));
}

TEST(ReportHtml, AnEmptyRunStillHasAChart) {
  run_report r;
  r.scenario = "empty";
  temp_dir d;
  write_html(r, d / "report.html");
  std::string html = read_file(d / "report.html");
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("no Pods were observed"));
  EXPECT_THAT(html, HasSubstr("PASSED"));
  EXPECT_THAT(html, HasSubstr("The scenario checks no expectations."));
  EXPECT_THROW(write_html(r, "/nonexistent-dir/r.html"), std::runtime_error);
}

TEST(ReportHtml, RendersInAHeadlessBrowser) {
  std::string browser;
  for (const char* b : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}) {
    if (std::system(("command -v " + std::string(b) + " >/dev/null 2>&1").c_str()) == 0) {
      browser = b;
      break;
    }
  }
  if (browser.empty())
    GTEST_SKIP() << "no headless browser (chromium, chromium-browser, google-chrome) on PATH; "
                    "the page is checked with python3's html.parser instead";
  temp_dir d;
  write_html(sample(), d / "report.html");
  std::string cmd = "timeout 60 " + browser + " --headless --no-sandbox --disable-gpu --dump-dom file://" +
                    (d / "report.html").string() + " > " + (d / "dom.html").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string dom = read_file(d / "dom.html");
  EXPECT_THAT(dom, HasSubstr("<svg"));
  EXPECT_THAT(dom, HasSubstr("create the Deployment"));
}

}  // namespace
}  // namespace ktk::sim
