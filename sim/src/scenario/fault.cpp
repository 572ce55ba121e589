// fault: api_error, latency, watch_cut, node_failure, restart — one per step, with an
// optional window of virtual time.
#include <algorithm>
#include <cctype>

#include "ktk/core/rest_mapper.hpp"
#include "scenario/parse.hpp"

namespace ktk::sim::detail {

namespace {

const std::vector<std::string_view> fault_kinds = {"api_error", "latency", "watch_cut", "node_failure", "restart"};
const std::vector<std::string_view> verbs = {"*", "get", "list", "watch", "create", "update", "patch", "delete"};
const std::vector<std::string_view> components = {"controller-manager", "scheduler", "kubelet"};

void read_verb(reader& r, const node& n, const std::string& what, fault& f) {
  auto v = r.string(n, "verb", what);
  if (!v) return;
  if (std::find(verbs.begin(), verbs.end(), *v) == verbs.end()) {
    std::string hint = did_you_mean(*v, verbs);
    r.error(n["verb"], what + ": verb \"" + *v + "\" is not one of get, list, watch, create, update, patch, delete, *" +
                           (hint.empty() ? "" : " (" + hint + ")"));
    return;
  }
  f.verb = *v;
}

void read_resource(reader& r, const node& n, const std::string& what, fault& f) {
  auto v = r.string(n, "resource", what);
  if (!v) return;
  f.resource = *v;
  if (*v == "*") return;
  static const core::rest_mapper mapper = core::rest_mapper::with_builtins();
  std::string base = v->substr(0, v->find('/'));  // "pods/status" names pods' status
  auto info = mapper.resolve(base);
  if (info && info->resource.resource != base)
    r.error(n["resource"], what + ": resource is the plural resource name, \"" + info->resource.resource +
                               "\", not \"" + base + "\"");
  else if (base.empty() || std::any_of(base.begin(), base.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }))
    r.error(n["resource"], what + ": resource \"" + *v + "\" must be a plural resource name such as pods, or *");
}

}  // namespace

std::vector<std::string> node_names(const cluster_spec& c) {
  std::vector<std::string> names;
  for (const auto& g : c.nodes)
    for (int i = 0; i < g.count; ++i) names.push_back(g.prefix + std::to_string(i));
  return names;
}

std::optional<fault> parse_fault(reader& r, const node& n, const cluster_spec& cluster) {
  if (!r.want_map(n, "fault")) return std::nullopt;
  std::vector<std::string_view> keys = fault_kinds;
  keys.push_back("window");
  r.known_keys(n, keys, "fault");
  std::vector<std::string_view> given;
  for (auto k : fault_kinds)
    if (n.has(k)) given.push_back(k);
  if (given.empty()) {
    r.error(n, "fault needs one of api_error, latency, watch_cut, node_failure or restart");
    return std::nullopt;
  }
  if (given.size() > 1) {
    r.error(n[given[1]], "fault injects one thing; found " + std::string(given[0]) + " and " +
                             std::string(given[1]) + " (use one step for each)");
    return std::nullopt;
  }
  fault f;
  const std::string kind(given[0]);
  const std::string what = "fault " + kind;
  if (kind == "api_error") f.what = fault::form::api_error;
  if (kind == "latency") f.what = fault::form::latency;
  if (kind == "watch_cut") f.what = fault::form::watch_cut;
  if (kind == "node_failure") f.what = fault::form::node_failure;
  if (kind == "restart") f.what = fault::form::restart;

  if (auto w = r.duration_of(n, "window", "fault")) {
    f.window = *w;
    if (f.what == fault::form::watch_cut || f.what == fault::form::restart)
      r.error(n["window"], what + " happens at once; it takes no window");
  }

  static const core::json empty = core::json::object();
  node body = n[kind];
  if (body.value().is_null()) body = {&empty, nullptr, body.line};
  if (!r.want_map(body, what)) return std::nullopt;
  switch (f.what) {
    case fault::form::api_error:
      r.known_keys(body, {"verb", "resource", "code"}, what);
      read_verb(r, body, what, f);
      read_resource(r, body, what, f);
      if (body.has("code")) {
        if (auto c = r.integer(body, "code", what, 0, 999)) {
          if (*c < 400 || *c > 599)
            r.error(body["code"], what + ": code " + std::to_string(*c) + " is not an error status (400-599)");
          else
            f.code = static_cast<int>(*c);
        }
      }
      break;
    case fault::form::latency:
      r.known_keys(body, {"verb", "resource", "latency"}, what);
      read_verb(r, body, what, f);
      read_resource(r, body, what, f);
      if (auto d = r.duration_of(body, "latency", what, true)) {
        if (d->count() == 0) r.error(body["latency"], what + ": latency must be more than 0");
        f.latency = *d;
      }
      break;
    case fault::form::watch_cut:
      r.known_keys(body, {"resource"}, what);
      read_resource(r, body, what, f);
      break;
    case fault::form::node_failure:
      r.known_keys(body, {"node"}, what);
      if (auto v = r.string(body, "node", what, true)) {
        f.node = *v;
        auto names = node_names(cluster);
        if (!names.empty() && std::find(names.begin(), names.end(), *v) == names.end())
          r.error(body["node"], what + ": node \"" + *v + "\" is not in the cluster (" + names.front() +
                                    (names.size() > 1 ? " ... " + names.back() : "") + ")");
      }
      break;
    case fault::form::restart:
      r.known_keys(body, {"component"}, what);
      if (auto v = r.string(body, "component", what, true)) {
        f.component = *v;
        if (std::find(components.begin(), components.end(), *v) == components.end()) {
          std::string hint = did_you_mean(*v, components);
          r.error(body["component"], what + ": unknown component \"" + *v +
                                         "\" (controller-manager, scheduler or kubelet)" +
                                         (hint.empty() ? "" : "; " + hint));
        }
      }
      break;
  }
  return f;
}

}  // namespace ktk::sim::detail
