// CronJob schedules as robfig/cron/v3's standard parser reads them (what kube-apiserver's
// CronJob validation calls), with its error messages.
#include <array>
#include <cctype>
#include <sstream>

#include "strategies.hpp"
#include "ktk/core/strings.hpp"

namespace ktk::apiserver::detail {
namespace {

struct bounds {
  long min, max;
  std::vector<std::string> names;  // names[i] has the value min_name + i
  long first_name_value;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? pos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// Go's strconv.Atoi plus robfig's wrapping; returns the error, "" when `out` was set.
std::string must_parse_int(const std::string& expr, long& out) {
  std::size_t i = (!expr.empty() && (expr[0] == '+' || expr[0] == '-')) ? 1 : 0;
  bool digits = i < expr.size();
  for (std::size_t k = i; k < expr.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(expr[k]))) digits = false;
  if (!digits) return "failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": invalid syntax";
  if (expr.size() - i > 18)
    return "failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": value out of range";
  out = std::stol(expr);
  if (out < 0) return "negative number (" + std::to_string(out) + ") not allowed: " + expr;
  return "";
}

std::string parse_int_or_name(const std::string& expr, const bounds& b, long& out) {
  std::string l = core::ascii_lower(expr);
  for (std::size_t i = 0; i < b.names.size(); ++i) {
    if (b.names[i] == l) {
      out = b.first_name_value + static_cast<long>(i);
      return "";
    }
  }
  return must_parse_int(expr, out);
}

// robfig's getRange: "*", "N", "N-M", each optionally "/step"; returns the error or "".
std::string parse_range(const std::string& expr, const bounds& b) {
  auto range_and_step = split(expr, '/');
  auto low_and_high = split(range_and_step[0], '-');
  bool single = low_and_high.size() == 1;
  long start = 0, end = 0, step = 1;
  if (low_and_high[0] == "*" || low_and_high[0] == "?") {
    start = b.min;
    end = b.max;
  } else {
    if (auto e = parse_int_or_name(low_and_high[0], b, start); !e.empty()) return e;
    if (low_and_high.size() == 1) {
      end = start;
    } else if (low_and_high.size() == 2) {
      if (auto e = parse_int_or_name(low_and_high[1], b, end); !e.empty()) return e;
    } else {
      return "too many hyphens: " + expr;
    }
  }
  if (range_and_step.size() == 2) {
    if (auto e = must_parse_int(range_and_step[1], step); !e.empty()) return e;
    if (single) end = b.max;
  } else if (range_and_step.size() > 2) {
    return "too many slashes: " + expr;
  }
  if (start < b.min)
    return "beginning of range (" + std::to_string(start) + ") below minimum (" + std::to_string(b.min) + "): " + expr;
  if (end > b.max)
    return "end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(b.max) + "): " + expr;
  if (start > end)
    return "beginning of range (" + std::to_string(start) + ") beyond end of range (" + std::to_string(end) + "): " +
           expr;
  if (step == 0) return "step of range should be a positive number: " + expr;
  return "";
}

// Go's time.ParseDuration, accepting what it accepts ("1h30m", "90s", "1.5h").
bool valid_duration(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (s.substr(i) == "0") return true;
  if (i == s.size()) return false;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return false;
    bool matched = false;
    for (const char* unit : {"ns", "us", "\xC2\xB5s", "ms", "s", "m", "h"}) {
      std::string u(unit);
      if (s.compare(i, u.size(), u) == 0 && !(u == "m" && s.compare(i, 2, "ms") == 0)) {
        i += u.size();
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

}  // namespace

std::string cron_schedule_error(const std::string& schedule) {
  if (schedule.empty()) return "empty spec string";
  if (schedule[0] == '@') {
    static const std::array<std::string, 7> descriptors = {"@yearly", "@annually", "@monthly", "@weekly",
                                                           "@daily",  "@midnight", "@hourly"};
    for (const auto& d : descriptors)
      if (schedule == d) return "";
    const std::string every = "@every ";
    if (schedule.starts_with(every)) {
      std::string d = schedule.substr(every.size());
      if (valid_duration(d)) return "";
      return "failed to parse duration " + schedule + ": time: invalid duration \"" + d + "\"";
    }
    return "unrecognized descriptor: " + schedule;
  }
  std::vector<std::string> fields;
  std::istringstream in(schedule);
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5) {
    std::string list = "[";
    for (std::size_t i = 0; i < fields.size(); ++i) list += (i ? " " : "") + fields[i];
    return "expected exactly 5 fields, found " + std::to_string(fields.size()) + ": " + list + "]";
  }
  static const std::array<bounds, 5> field_bounds = {
      bounds{0, 59, {}, 0},
      bounds{0, 23, {}, 0},
      bounds{1, 31, {}, 0},
      bounds{1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}, 1},
      bounds{0, 6, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, 0},
  };
  for (std::size_t i = 0; i < fields.size(); ++i)
    for (const auto& expr : split(fields[i], ','))
      if (auto e = parse_range(expr, field_bounds[i]); !e.empty()) return e;
  return "";
}

}  // namespace ktk::apiserver::detail
