#include "replicaset/pod_ranking.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "ktk/sim/kinds.hpp"

namespace ktk::sim::detail {
namespace {

using time_point = core::clock::time_point;

int phase_ordinal(std::string_view phase) {
  if (phase == "Unknown") return 1;
  if (phase == "Running") return 2;
  return 0;  // Pending, and anything else
}

std::int32_t deletion_cost(const core::object& pod) {
  const auto& ann = pod.annotations_json();
  if (!ann.is_object()) return 0;
  auto it = ann.find(pod_deletion_cost_annotation);
  if (it == ann.end() || !it->is_string()) return 0;
  const auto& s = it->get_ref<const std::string&>();
  std::int32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

std::int64_t max_restarts(const core::object& pod) {
  const core::json* st = pod.at_path("status.containerStatuses");
  std::int64_t most = 0;
  if (!st || !st->is_array()) return most;
  for (const auto& c : *st) {
    auto r = c.find("restartCount");
    if (r != c.end() && r->is_number_integer()) most = std::max(most, r->get<std::int64_t>());
  }
  return most;
}

// Everything the order looks at, computed once per Pod.
struct rank_key {
  bool assigned = false;
  std::string_view node;
  int phase = 0;
  bool ready = false;
  std::int32_t cost = 0;
  int rank = 0;
  std::optional<time_point> ready_since;
  std::int64_t restarts = 0;
  std::optional<time_point> created;
};

rank_key key_of(const core::object& pod, int rank) {
  rank_key k;
  k.node = pod_node_name(pod);
  k.assigned = !k.node.empty();
  k.phase = phase_ordinal(pod_phase(pod));
  k.ready = is_pod_ready(pod);
  k.cost = deletion_cost(pod);
  k.rank = rank;
  if (k.ready) k.ready_since = pod_ready_since(pod);
  k.restarts = max_restarts(pod);
  k.created = core::parse_rfc3339(pod.creation_timestamp());
  return k;
}

// kube's afterOrZero: a missing time sorts first, then the later one.
bool after_or_zero(const std::optional<time_point>& a, const std::optional<time_point>& b) {
  if (!a || !b) return !a;
  return *a > *b;
}

bool less(const rank_key& a, const rank_key& b) {
  if (a.node != b.node && (!a.assigned || !b.assigned)) return !a.assigned;
  if (a.phase != b.phase) return a.phase < b.phase;
  if (a.ready != b.ready) return !a.ready;
  if (a.cost != b.cost) return a.cost < b.cost;
  if (a.rank != b.rank) return a.rank > b.rank;
  if (a.ready && b.ready && a.ready_since != b.ready_since) return after_or_zero(a.ready_since, b.ready_since);
  if (a.restarts != b.restarts) return a.restarts > b.restarts;
  if (a.created != b.created) return after_or_zero(a.created, b.created);
  return false;
}

}  // namespace

std::optional<core::clock::time_point> pod_ready_since(const core::object& pod) {
  const core::json* conds = pod.at_path("status.conditions");
  if (!conds || !conds->is_array()) return std::nullopt;
  for (const auto& c : *conds) {
    auto t = c.find("type");
    if (t == c.end() || *t != "Ready") continue;
    auto s = c.find("status");
    if (s == c.end() || *s != "True") return std::nullopt;
    auto lt = c.find("lastTransitionTime");
    if (lt == c.end() || !lt->is_string()) return std::nullopt;
    return core::parse_rfc3339(lt->get_ref<const std::string&>());
  }
  return std::nullopt;
}

bool delete_before(const core::object& a, int rank_a, const core::object& b, int rank_b) {
  return less(key_of(a, rank_a), key_of(b, rank_b));
}

std::vector<core::object_ptr> pods_to_delete(std::vector<core::object_ptr> pods,
                                             const std::vector<core::object_ptr>& related, std::size_t n) {
  if (n >= pods.size()) return pods;
  std::unordered_map<std::string_view, int> on_node;
  for (const auto& p : related) {
    if (is_pod_active(*p)) ++on_node[pod_node_name(*p)];
  }
  std::vector<std::pair<rank_key, core::object_ptr>> keyed;
  keyed.reserve(pods.size());
  for (auto& p : pods) {
    auto it = on_node.find(pod_node_name(*p));
    keyed.emplace_back(key_of(*p, it == on_node.end() ? 0 : it->second), std::move(p));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return less(a.first, b.first); });
  std::vector<core::object_ptr> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::move(keyed[i].second));
  return out;
}

}  // namespace ktk::sim::detail
