// How steps, checks, faults and object references are named in progress output and
// reports when the scenario does not name them.
#include <cmath>
#include <set>

#include "ktk/core/rest_mapper.hpp"
#include "scenario/parse.hpp"

namespace ktk::sim {

namespace {

bool cluster_scoped(std::string_view kind) {
  static const std::set<std::string, std::less<>> kinds = [] {
    std::set<std::string, std::less<>> s;
    for (const auto& r : core::builtin_resources())
      if (!r.namespaced) s.insert(r.kind);
    return s;
  }();
  return kinds.contains(kind);
}

// 10 rather than 10.0; other JSON values as JSON.
std::string value_text(const core::json& v) {
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::trunc(d) == d && std::abs(d) < 1e15) return std::to_string(static_cast<std::int64_t>(d));
  }
  return v.dump();
}

std::string comparison(const check& c) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  if (c.equals) add("== " + value_text(*c.equals));
  if (c.at_least) add(">= " + value_text(core::json(*c.at_least)));
  if (c.at_most) add("<= " + value_text(core::json(*c.at_most)));
  return out;
}

}  // namespace

std::string describe(const object_ref& r) {
  std::string out = r.kind;
  if (r.all_namespaces) {
    out += " (all namespaces)";
    if (!r.name.empty()) out += " " + r.name;
  } else if (cluster_scoped(r.kind)) {
    if (!r.name.empty()) out += " " + r.name;
  } else {
    out += " " + (r.namespace_.empty() ? std::string("default") : r.namespace_);
    if (!r.name.empty()) out += "/" + r.name;
  }
  if (!r.label_selector.empty()) out += " " + r.label_selector;
  if (!r.field_selector.empty()) out += " " + r.field_selector;
  if (!r.phase.empty()) out += " phase=" + r.phase;
  return out;
}

std::string_view to_string(step::form f) {
  switch (f) {
    case step::form::apply: return "apply";
    case step::form::patch: return "patch";
    case step::form::scale: return "scale";
    case step::form::remove: return "delete";
    case step::form::wait_for: return "wait_for";
    case step::form::expect: return "expect";
    case step::form::sleep: return "sleep";
    case step::form::fault: return "fault";
  }
  return "?";
}

std::string_view to_string(check::form f) {
  switch (f) {
    case check::form::exists: return "exists";
    case check::form::absent: return "absent";
    case check::form::condition: return "condition";
    case check::form::jsonpath: return "jsonpath";
    case check::form::count: return "count";
  }
  return "?";
}

std::string_view to_string(fault::form f) {
  switch (f) {
    case fault::form::api_error: return "api_error";
    case fault::form::latency: return "latency";
    case fault::form::watch_cut: return "watch_cut";
    case fault::form::node_failure: return "node_failure";
    case fault::form::restart: return "restart";
  }
  return "?";
}

namespace detail {

std::string default_name(const check& c) {
  switch (c.what) {
    case check::form::exists: return describe(c.target) + " exists";
    case check::form::absent: return describe(c.target) + " absent";
    case check::form::condition:
      return describe(c.target) + " " + c.condition_type +
             (c.condition_status == "True" ? "" : "=" + c.condition_status);
    case check::form::jsonpath: return describe(c.target) + " " + c.jsonpath + " " + comparison(c);
    case check::form::count: return "count " + describe(c.target) + " " + comparison(c);
  }
  return "check";
}

std::string default_name(const fault& f) {
  std::string out(to_string(f.what));
  switch (f.what) {
    case fault::form::api_error:
      out += " " + f.verb + " " + f.resource + " " + std::to_string(f.code);
      break;
    case fault::form::latency:
      out += " +" + format_duration(f.latency) + " on " + f.verb + " " + f.resource;
      break;
    case fault::form::watch_cut: out += " " + f.resource; break;
    case fault::form::node_failure: out += " " + f.node; break;
    case fault::form::restart: out += " " + f.component; break;
  }
  if (f.window.count() > 0) out += " for " + format_duration(f.window);
  return out;
}

std::string default_name(const step& s, std::string_view action) {
  std::string a(action);
  auto checks = [&] {
    std::string out;
    for (const auto& c : s.checks) out += (out.empty() ? "" : " and ") + c.name;
    return out;
  };
  switch (s.what) {
    case step::form::apply: return a;  // parse_apply's description: "apply deployment.yaml"
    case step::form::patch:
      return "patch " + describe(s.target) + (s.patch_type == "merge" ? "" : " (" + s.patch_type + ")");
    case step::form::scale: return "scale " + describe(s.target) + " to " + std::to_string(s.replicas);
    case step::form::remove:
      return "delete " + describe(s.target) + (s.count ? " (at most " + std::to_string(*s.count) + ")" : "");
    case step::form::wait_for: return "wait_for " + checks();
    case step::form::expect: return "expect " + checks();
    case step::form::sleep: return a + " " + format_duration(s.length);
    case step::form::fault: return "fault " + default_name(s.injected);
  }
  return a;
}

}  // namespace detail
}  // namespace ktk::sim
