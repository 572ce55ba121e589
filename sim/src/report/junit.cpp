// write_junit: one <testsuite> per run, one <testcase> per expectation, plus one for
// each failed step no failed expectation accounts for. CI systems (Jenkins, GitLab,
// GitHub actions' test reporters) read it as they read any test run.
#include <sstream>

#include "report/text.hpp"

namespace ktk::sim {

namespace {

using detail::escape_attr;
using detail::escape_text;
using detail::fixed;

// The first line of a message, for the failure's message attribute.
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void testcase(std::ostringstream& out, const std::string& suite, const std::string& name,
              const source_location& where, double wall, bool ok, const std::string& type,
              const std::string& message, const std::string& details) {
  out << "    <testcase classname=\"" << escape_attr(suite) << "\" name=\"" << escape_attr(name) << "\" time=\""
      << fixed(wall) << "\"";
  if (!where.file.empty()) out << " file=\"" << escape_attr(where.file) << "\" line=\"" << where.line << "\"";
  if (ok) {
    out << "/>\n";
    return;
  }
  std::string msg = message.empty() ? std::string("failed") : message;
  out << ">\n      <failure message=\"" << escape_attr(first_line(msg)) << "\" type=\"" << type << "\">"
      << escape_text(msg + "\n" + details) << "</failure>\n    </testcase>\n";
}

}  // namespace

void write_junit(const run_report& r, const std::filesystem::path& file) {
  const auto alone = detail::failed_steps_alone(r);
  const std::size_t tests = r.expectations.size() + alone.size();
  const std::size_t failures = r.failures();
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"" << escape_attr(r.scenario) << "\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" time=\"" << fixed(r.wall_seconds) << "\">\n";
  out << "  <testsuite name=\"" << escape_attr(r.scenario) << "\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\" time=\"" << fixed(r.wall_seconds) << "\"";
  if (!r.started.empty()) out << " timestamp=\"" << escape_attr(r.started) << "\"";
  out << ">\n    <properties>\n";
  auto property = [&](const char* name, const std::string& value) {
    out << "      <property name=\"" << name << "\" value=\"" << escape_attr(value) << "\"/>\n";
  };
  property("file", r.file.string());
  property("seed", std::to_string(r.seed));
  property("server", r.server);
  property("virtual_seconds", fixed(detail::seconds(r.virtual_elapsed)));
  property("events", std::to_string(r.events));
  out << "    </properties>\n";
  for (const auto& e : r.expectations) {
    std::string details = "step: " + e.step + "\nat: " + format_duration(e.at) + " (virtual)";
    if (!e.where.file.empty()) details += "\nwhere: " + e.where.str();
    testcase(out, r.scenario, e.name, e.where, e.wall_seconds, e.ok, "expectation", e.message, details);
  }
  for (const auto* s : alone) {
    std::string details = "started at: " + format_duration(s->started_at) + " (virtual), ran " +
                          format_duration(s->took) + " (virtual)";
    if (!s->where.file.empty()) details += "\nwhere: " + s->where.str();
    testcase(out, r.scenario, s->name, s->where, s->wall_seconds, false, "step", s->message, details);
  }
  out << "  </testsuite>\n</testsuites>\n";
  detail::write_file(file, out.str());
}

}  // namespace ktk::sim
