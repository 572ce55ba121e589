// cluster: the simulated Nodes, how long Pods take to start, the node lifecycle
// timeouts and the CRDs to install.
#include <algorithm>
#include <cctype>
#include <set>

#include "ktk/core/label_selector.hpp"
#include "scenario/parse.hpp"

namespace ktk::sim::detail {

namespace {

namespace fs = std::filesystem;

// A resource quantity as Kubernetes writes them: 4, 500m, 1.5, 16Gi, 1e3.
bool is_quantity(std::string_view s) {
  std::size_t i = 0, digits = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  std::string_view suffix = s.substr(i);
  static const std::set<std::string_view> suffixes = {"",  "m",  "k",  "M",  "G",  "T",  "P", "E",
                                                      "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  if (suffixes.contains(suffix)) return true;
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::size_t j = 1;
    if (suffix[j] == '+' || suffix[j] == '-') ++j;
    return j < suffix.size() && std::all_of(suffix.begin() + static_cast<std::ptrdiff_t>(j), suffix.end(),
                                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  }
  return false;
}

void read_node_group(reader& r, const node& n, const std::string& what, node_group& g) {
  if (!r.want_map(n, what)) return;
  r.known_keys(n, {"prefix", "count", "cpu", "memory", "pods", "labels", "taints"}, what);
  g.count = 1;
  if (auto v = r.string(n, "prefix", what)) {
    g.prefix = *v;
    bool dns = !v->empty() && std::all_of(v->begin(), v->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
    if (!dns) r.error(n["prefix"], what + ": prefix \"" + *v + "\" must be lower-case letters, digits, '-' or '.'");
  }
  if (auto v = r.integer(n, "count", what, 0, 100'000)) g.count = static_cast<int>(*v);
  for (auto [key, field] : {std::pair{"cpu", &g.cpu}, std::pair{"memory", &g.memory}}) {
    if (auto v = r.scalar_text(n, key, what)) {
      if (!is_quantity(*v))
        r.error(n[key], what + ": " + key + " \"" + *v + "\" is not a quantity (e.g. 4, 500m, 16Gi)");
      *field = *v;
    }
  }
  if (auto v = r.integer(n, "pods", what, 0, 1'000'000)) g.pods = *v;
  if (n.has("labels")) {
    node labels = n["labels"];
    if (r.want_map(labels, what + ": labels")) {
      for (const auto& [k, v] : labels.value().items())
        if (!v.is_string())
          r.error(labels[k], what + ": label " + k + " must be a string (quote it: \"" +
                                 (v.is_null() ? std::string() : v.dump()) + "\")");
      g.labels = labels.value();
    }
  }
  if (n.has("taints")) {
    node taints = n["taints"];
    if (!taints.value().is_array()) {
      r.error(taints, what + ": taints must be a list, not " + type_name(taints.value()));
      return;
    }
    for (std::size_t i = 0; i < taints.value().size(); ++i) {
      node t = taints.at(i);
      std::string tw = what + ": taints[" + std::to_string(i) + "]";
      if (!r.want_map(t, tw)) continue;
      r.known_keys(t, {"key", "value", "effect"}, tw);
      r.string(t, "key", tw, true);
      r.string(t, "value", tw);
      if (auto e = r.string(t, "effect", tw, true); e && *e != "NoSchedule" && *e != "PreferNoSchedule" && *e != "NoExecute")
        r.error(t["effect"], tw + ": effect must be NoSchedule, PreferNoSchedule or NoExecute, not \"" + *e + "\"");
    }
    g.taints = taints.value();
  }
}

void read_timing(reader& r, const node& n, const std::string& what, bool with_selector, timing& t) {
  if (!r.want_map(n, what)) return;
  if (with_selector)
    r.known_keys(n, {"selector", "start_delay", "ready_delay", "jitter", "complete_after", "exit_code"}, what);
  else
    r.known_keys(n, {"start_delay", "ready_delay", "jitter", "complete_after", "exit_code"}, what);
  if (with_selector) {
    if (auto s = r.string(n, "selector", what, true)) {
      t.selector = *s;
      if (auto sel = core::label_selector::parse(*s); !sel)
        r.error(n["selector"], what + ": selector \"" + *s + "\": " + sel.error().message());
    }
  }
  if (auto d = r.duration_of(n, "start_delay", what)) t.start_delay = *d;
  if (auto d = r.duration_of(n, "ready_delay", what)) t.ready_delay = *d;
  if (auto d = r.duration_of(n, "jitter", what)) t.jitter = *d;
  if (auto d = r.duration_of(n, "complete_after", what)) t.complete_after = *d;
  if (auto v = r.integer(n, "exit_code", what, 0, 255)) t.exit_code = static_cast<int>(*v);
}

void read_crds(reader& r, const node& n, cluster_spec& out) {
  std::vector<node> items;
  if (n.value().is_string()) {
    items.push_back(n);
  } else if (n.value().is_array()) {
    for (std::size_t i = 0; i < n.value().size(); ++i) items.push_back(n.at(i));
  } else {
    r.error(n, "cluster: crds must be a path or a list of paths, not " + type_name(n.value()));
    return;
  }
  for (const auto& item : items) {
    if (!item.value().is_string()) {
      r.error(item, "cluster: crds holds paths, not " + type_name(item.value()));
      continue;
    }
    fs::path p(item.value().get<std::string>());
    fs::path full = p.is_absolute() ? p : (r.base() / p).lexically_normal();
    std::error_code ec;
    if (p.empty() || !fs::exists(full, ec))
      r.error(item, "cluster: crds: \"" + p.string() + "\" does not exist" +
                        (p.is_absolute() ? "" : " (looked for " + full.string() + ")"));
    else
      out.crds.push_back(full);
  }
}

}  // namespace

void parse_cluster(reader& r, const node& n, cluster_spec& out) {
  auto default_nodes = [&] { out.nodes = {node_group{.prefix = "node-", .count = 3}}; };
  if (n.value().is_null()) return default_nodes();
  if (!r.want_map(n, "cluster")) return default_nodes();
  r.known_keys(n,
               {"nodes", "timings", "default_timing", "pod_eviction_timeout", "node_monitor_grace", "crds"},
               "cluster");
  if (!n.has("nodes")) {
    default_nodes();
  } else if (node list = n["nodes"]; !list.value().is_array()) {
    r.error(list, "cluster: nodes must be a list of node groups, not " + type_name(list.value()));
  } else {
    std::set<std::string> prefixes;
    for (std::size_t i = 0; i < list.value().size(); ++i) {
      node_group g;
      node item = list.at(i);
      read_node_group(r, item, "cluster: nodes[" + std::to_string(i) + "]", g);
      if (!prefixes.insert(g.prefix).second)
        r.error(item, "cluster: nodes[" + std::to_string(i) + "]: prefix \"" + g.prefix +
                          "\" is used twice; Node names would repeat");
      out.nodes.push_back(std::move(g));
    }
  }
  if (n.has("timings")) {
    node list = n["timings"];
    if (!list.value().is_array()) {
      r.error(list, "cluster: timings must be a list, not " + type_name(list.value()));
    } else {
      for (std::size_t i = 0; i < list.value().size(); ++i) {
        timing t;
        read_timing(r, list.at(i), "cluster: timings[" + std::to_string(i) + "]", true, t);
        out.timings.push_back(std::move(t));
      }
    }
  }
  if (n.has("default_timing")) {
    timing t;
    read_timing(r, n["default_timing"], "cluster: default_timing", false, t);
    out.default_timing = t;
  }
  if (auto d = r.duration_of(n, "pod_eviction_timeout", "cluster")) out.pod_eviction_timeout = *d;
  if (auto d = r.duration_of(n, "node_monitor_grace", "cluster")) out.node_monitor_grace = *d;
  if (n.has("crds")) read_crds(r, n["crds"], out);
}

}  // namespace ktk::sim::detail
