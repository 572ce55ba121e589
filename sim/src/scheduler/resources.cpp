#include "scheduler/resources.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/json_util.hpp"
#include "scheduler/quantity.hpp"

namespace ktk::sim::detail {
namespace {

constexpr std::int64_t default_cpu_milli = 100;                // kube's DefaultMilliCPURequest
constexpr std::int64_t default_memory = 200LL * 1024 * 1024;  // DefaultMemoryRequest

// The quantity of `name` in resources.requests, else resources.limits.
const core::json* container_request(const core::json& c, std::string_view name) {
  const core::json* res = find_member(c, "resources");
  if (!res) return nullptr;
  for (const char* list : {"requests", "limits"}) {
    if (const core::json* l = find_member(*res, list)) {
      if (const core::json* q = find_member(*l, name)) return q;
    }
  }
  return nullptr;
}

pod_demand container_demand(const core::json& c) {
  pod_demand d;
  const core::json* cpu = container_request(c, "cpu");
  const core::json* mem = container_request(c, "memory");
  d.fit.cpu_milli = cpu ? json_milli(*cpu) : 0;
  d.fit.memory = mem ? json_value(*mem) : 0;
  d.score.cpu_milli = cpu ? d.fit.cpu_milli : default_cpu_milli;
  d.score.memory = mem ? d.fit.memory : default_memory;
  return d;
}

void take_max(resources& into, const resources& r) {
  into.cpu_milli = std::max(into.cpu_milli, r.cpu_milli);
  into.memory = std::max(into.memory, r.memory);
}

}  // namespace

std::int64_t json_milli(const core::json& q) {
  if (q.is_string()) return parse_milli(q.get_ref<const std::string&>());
  if (q.is_number()) return parse_milli(q.dump());
  return 0;
}

std::int64_t json_value(const core::json& q) {
  if (q.is_string()) return parse_value(q.get_ref<const std::string&>());
  if (q.is_number()) return parse_value(q.dump());
  return 0;
}

pod_demand pod_requests(const core::object& pod) {
  pod_demand sum;
  const core::json* spec = pod.field("spec");
  if (!spec) {
    sum.fit.pods = sum.score.pods = 1;
    return sum;
  }
  if (const core::json* cs = find_member(*spec, "containers"); cs && cs->is_array()) {
    for (const auto& c : *cs) {
      auto d = container_demand(c);
      sum.fit += d.fit;
      sum.score += d.score;
    }
  }
  if (const core::json* cs = find_member(*spec, "initContainers"); cs && cs->is_array()) {
    for (const auto& c : *cs) {
      auto d = container_demand(c);
      take_max(sum.fit, d.fit);
      take_max(sum.score, d.score);
    }
  }
  if (const core::json* oh = find_member(*spec, "overhead")) {
    resources o;
    if (const core::json* q = find_member(*oh, "cpu")) o.cpu_milli = json_milli(*q);
    if (const core::json* q = find_member(*oh, "memory")) o.memory = json_value(*q);
    sum.fit += o;
    sum.score += o;
  }
  sum.fit.pods = sum.score.pods = 1;
  return sum;
}

resources node_allocatable(const core::object& node) {
  resources r;
  const core::json* status = node.field("status");
  if (!status) return r;
  const core::json* alloc = find_member(*status, "allocatable");
  const core::json* cap = find_member(*status, "capacity");
  auto pick = [&](std::string_view name) -> const core::json* {
    if (alloc) {
      if (const core::json* q = find_member(*alloc, name)) return q;
    }
    return cap ? find_member(*cap, name) : nullptr;
  };
  if (const core::json* q = pick("cpu")) r.cpu_milli = json_milli(*q);
  if (const core::json* q = pick("memory")) r.memory = json_value(*q);
  if (const core::json* q = pick("pods")) r.pods = json_value(*q);
  return r;
}

}  // namespace ktk::sim::detail
