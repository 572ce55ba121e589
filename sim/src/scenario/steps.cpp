// One step of a scenario: exactly one action key (apply, patch, scale, delete,
// wait_for, expect, sleep / advance, fault) and an optional name.
#include <algorithm>

#include "scenario/parse.hpp"

namespace ktk::sim::detail {

namespace {

const std::vector<std::string_view> actions = {"apply",  "patch", "scale", "delete", "wait_for",
                                               "expect", "sleep", "advance", "fault"};

std::string list_of(const std::vector<std::string_view>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out += std::string(i == 0 ? "" : i + 1 == v.size() ? " or " : ", ") + std::string(v[i]);
  return out;
}

void read_patch(reader& r, const node& v, step& s) {
  auto ref = parse_ref(r, v, "patch", {"type", "patch"});
  if (!ref) return;
  s.target = *ref;
  if (ref->name.empty() && !ref->kind.empty()) r.error(v, "patch needs the object's name");
  if (auto t = r.string(v, "type", "patch")) {
    if (*t != "merge" && *t != "json" && *t != "strategic")
      r.error(v["type"], "patch: type must be merge, json or strategic, not \"" + *t + "\"");
    else
      s.patch_type = *t;
  }
  if (!r.require(v, "patch", "patch")) return;
  node p = v["patch"];
  if (s.patch_type == "json" && !p.value().is_array())
    r.error(p, "patch: a json patch is a list of operations, not " + type_name(p.value()));
  else if (s.patch_type != "json" && !p.value().is_object())
    r.error(p, "patch: a " + s.patch_type + " patch is a mapping, not " + type_name(p.value()));
  else
    s.patch = p.value();
}

void read_scale(reader& r, const node& v, step& s) {
  auto ref = parse_ref(r, v, "scale", {"replicas"});
  if (!ref) return;
  s.target = *ref;
  if (ref->name.empty() && !ref->kind.empty()) r.error(v, "scale needs the object's name");
  if (auto n = r.integer(v, "replicas", "scale", 0, 1'000'000, true)) s.replicas = *n;
}

void read_delete(reader& r, const node& v, step& s) {
  auto ref = parse_ref(r, v, "delete", {"count", "grace_period_seconds", "propagation_policy"});
  if (!ref) return;
  s.target = *ref;
  if (auto n = r.integer(v, "count", "delete", 0, 10'000'000)) {
    if (!ref->name.empty())
      r.error(v["count"], "delete: count goes with selectors; a name deletes one object");
    s.count = static_cast<int>(*n);
  }
  if (auto g = r.integer(v, "grace_period_seconds", "delete", 0, 1'000'000'000)) s.grace_period_seconds = *g;
  if (auto p = r.string(v, "propagation_policy", "delete")) {
    if (*p != "Background" && *p != "Foreground" && *p != "Orphan")
      r.error(v["propagation_policy"],
              "delete: propagation_policy must be Background, Foreground or Orphan, not \"" + *p + "\"");
    else
      s.propagation_policy = *p;
  }
}

// wait_for and expect: one inline check, or a list under checks:.
void read_checks(reader& r, const node& v, const std::string& what, const std::vector<std::string_view>& extra,
                 step& s) {
  if (!v.has("checks")) {
    if (auto c = parse_check(r, v, what, extra)) s.checks.push_back(std::move(*c));
    return;
  }
  std::vector<std::string_view> keys = check_keys();
  keys.insert(keys.end(), extra.begin(), extra.end());
  r.known_keys(v, keys, what);
  for (auto k : check_keys())
    if (v.has(k))
      r.error(v[k], what + ": " + std::string(k) + " belongs inside one of checks: (or drop checks: for one check)");
  node list = v["checks"];
  if (!list.value().is_array()) {
    r.error(list, what + ": checks must be a list, not " + type_name(list.value()));
    return;
  }
  if (list.value().empty()) r.error(list, what + ": checks is empty");
  for (std::size_t i = 0; i < list.value().size(); ++i)
    if (auto c = parse_check(r, list.at(i), what + ": checks[" + std::to_string(i) + "]"))
      s.checks.push_back(std::move(*c));
}

void read_wait_for(reader& r, const node& v, step& s) {
  if (!r.want_map(v, "wait_for")) return;
  read_checks(r, v, "wait_for", {"timeout", "invariant", "checks"}, s);
  if (auto t = r.duration_of(v, "timeout", "wait_for", true)) {
    if (t->count() == 0) r.error(v["timeout"], "wait_for: timeout must be more than 0");
    s.timeout = *t;
  }
  if (v.has("invariant")) {
    if (auto c = parse_check(r, v["invariant"], "wait_for: invariant")) s.invariant = std::move(*c);
  }
}

}  // namespace

std::optional<step> parse_step(reader& r, const node& n, const cluster_spec& cluster) {
  if (!r.want_map(n, "a step")) return std::nullopt;
  std::vector<std::string_view> keys = actions;
  keys.push_back("name");
  r.known_keys(n, keys, "a step");
  std::vector<std::string_view> given;
  for (auto a : actions)
    if (n.has(a)) given.push_back(a);
  if (given.empty()) {
    r.error(n, "a step needs one of " + list_of(actions));
    return std::nullopt;
  }
  if (given.size() > 1) {
    r.error(n[given[1]], "a step does one thing; this one has " + std::string(given[0]) + " and " +
                             std::string(given[1]) + " (split it into two steps)");
    return std::nullopt;
  }
  step s;
  s.where = r.where(n);
  if (auto name = r.string(n, "name", "a step")) s.name = *name;
  const std::string action(given[0]);
  node v = n[action];
  std::string label = action;
  if (action == "apply") {
    s.what = step::form::apply;
    label = parse_apply(r, v, s);
  } else if (action == "patch") {
    s.what = step::form::patch;
    read_patch(r, v, s);
  } else if (action == "scale") {
    s.what = step::form::scale;
    read_scale(r, v, s);
  } else if (action == "delete") {
    s.what = step::form::remove;
    read_delete(r, v, s);
  } else if (action == "wait_for") {
    s.what = step::form::wait_for;
    read_wait_for(r, v, s);
  } else if (action == "expect") {
    s.what = step::form::expect;
    if (r.want_map(v, "expect")) read_checks(r, v, "expect", {"checks"}, s);
  } else if (action == "sleep" || action == "advance") {
    s.what = step::form::sleep;
    if (auto d = r.duration_value(v, action)) s.length = *d;
  } else {
    s.what = step::form::fault;
    if (auto f = parse_fault(r, v, cluster)) s.injected = *f;
  }
  if (s.name.empty()) s.name = default_name(s, label);
  return s;
}

}  // namespace ktk::sim::detail
