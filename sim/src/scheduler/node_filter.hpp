// node_filter.hpp — kube-scheduler's filter plugins over one Node, and its score.
//
// A Node is parsed once per change into a `node_info`; a Pod's constraints once per
// attempt into `pod_constraints`. `filter` then answers in kube's plugin order —
// NodeUnschedulable, TaintToleration, the Ready condition, NodeAffinity (nodeSelector
// and required node affinity), NodeResourcesFit — with the reasons kube reports
// ("node(s) were unschedulable", "Insufficient cpu", ...); empty when the Pod fits.
//
//   auto info = ktk::sim::detail::parse_node(node);
//   auto why = filter(parse_pod_constraints(pod), pod_requests(pod), info, used);
//
// Plain values and functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"
#include "resources.hpp"

namespace ktk::sim::detail {

struct taint {
  std::string key;
  std::string value;
  std::string effect;
  bool operator==(const taint&) const = default;
};

// What scheduling needs of a Node.
struct node_info {
  std::string name;
  bool ready = false;          // the Ready condition is True
  bool unschedulable = false;  // spec.unschedulable
  core::json labels;           // metadata.labels (an object)
  std::vector<taint> taints;   // NoSchedule and NoExecute only
  resources allocatable;

  // Equal in everything scheduling looks at.
  bool operator==(const node_info&) const;
};

node_info parse_node(const core::object& node);

// What a Node gives and has given: fit requests and the non-zero ones for scoring.
struct node_usage {
  resources fit;
  resources score;
};

struct pod_constraints {
  core::json node_selector;   // spec.nodeSelector (null when none)
  core::json tolerations;     // spec.tolerations (null when none)
  core::json required_terms;  // affinity.nodeAffinity.required...nodeSelectorTerms (null when none)
};

pod_constraints parse_pod_constraints(const core::object& pod);

// Kube's Toleration.ToleratesTaint over a tolerations array.
bool tolerates(const core::json& tolerations, const taint& t);

// Why `node` cannot take the Pod (empty: it fits). Resource reasons may be several.
std::vector<std::string> filter(const pod_constraints& pod, const pod_demand& demand, const node_info& node,
                                const node_usage& used);

// kube's LeastAllocated score (cpu and memory, weight 1 each) in [0, 100].
double least_allocated_score(const pod_demand& demand, const node_info& node, const node_usage& used);

// Whether a reason is one preemption could resolve (insufficient resources) — the
// others are "Preemption is not helpful for scheduling".
bool preemption_might_help(const std::string& reason);

}  // namespace ktk::sim::detail
