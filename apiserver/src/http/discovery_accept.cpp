// discovery_accept.cpp — does an Accept header ask for aggregated discovery?
//
// kube-apiserver's rule (discovery/aggregated/wrapper.go): media ranges are ordered by
// q-value (then concrete types before wildcards), and the first JSON-compatible range
// whose as/g/v parameters name apidiscovery.k8s.io v2 or v2beta1 APIGroupDiscoveryList
// wins. Ranges without those parameters are not a vote for the legacy documents: they
// are skipped by the discovery endpoint's restrictions, so only the absence of any
// aggregated range gives the legacy answer.
#include "discovery.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <vector>

namespace ktk::apiserver::http::discovery {
namespace {

struct media_range {
  std::string type;
  std::string subtype;
  double q = 1.0;
  std::map<std::string, std::string> params;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// An unparsable q counts as 0, as Go's strconv.ParseFloat error value does.
double parse_q(std::string_view v) {
  double q = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
  if (ec != std::errc() || p != v.data() + v.size()) return 0;
  return q;
}

std::optional<media_range> parse_range(std::string_view part) {
  auto fields = split(part, ';');
  auto type = split(trim(fields[0]), '/');
  media_range r;
  if (type.size() == 1 && trim(type[0]) == "*") {
    r.type = r.subtype = "*";
  } else if (type.size() == 2) {
    r.type = lower(trim(type[0]));
    r.subtype = lower(trim(type[1]));
  } else {
    return std::nullopt;
  }
  if (r.type.empty() || r.subtype.empty()) return std::nullopt;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    auto eq = fields[i].find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = lower(trim(fields[i].substr(0, eq)));
    std::string_view value = trim(fields[i].substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (key == "q") {
      r.q = parse_q(value);
    } else {
      r.params[key] = std::string(value);
    }
  }
  return r;
}

std::string_view param(const media_range& r, const std::string& key) {
  auto it = r.params.find(key);
  return it == r.params.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace

std::optional<std::string_view> wants_aggregated(std::string_view accept) {
  std::vector<media_range> ranges;
  for (auto part : split(accept, ',')) {
    if (auto r = parse_range(part)) ranges.push_back(std::move(*r));
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const media_range& a, const media_range& b) {
    if (a.q != b.q) return a.q > b.q;
    if ((a.type == "*") != (b.type == "*")) return b.type == "*";
    return a.subtype != "*" && b.subtype == "*";
  });
  for (const auto& r : ranges) {
    if (r.q <= 0) continue;  // "not acceptable" (RFC 9110 §12.4.2)
    const bool json_compatible = (r.type == "application" && (r.subtype == "json" || r.subtype == "*")) ||
                                 (r.type == "*" && r.subtype == "*");
    if (!json_compatible) continue;
    // Parameters the discovery endpoint refuses make kube skip the range.
    if (!param(r, "sv").empty()) continue;
    if (auto s = param(r, "stream"); !s.empty() && s != "watch") continue;
    if (param(r, "g") != "apidiscovery.k8s.io" || param(r, "as") != "APIGroupDiscoveryList") continue;
    if (auto v = param(r, "v"); v == "v2") {
      return std::string_view("v2");
    } else if (v == "v2beta1") {
      return std::string_view("v2beta1");
    }
  }
  return std::nullopt;
}

}  // namespace ktk::apiserver::http::discovery
