// timing.hpp — which pod_timing a Pod gets, its jitter, and the stable hash behind it.
//
// Jitter is drawn from hash(seed, namespace, name, what, restart): the same seed gives
// the same delays whatever the order Pods are seen in, and a restarted container draws
// afresh. The hash is FNV-1a with a splitmix64 finish, identical on every platform.
//
//   timing_table t(opts.timings, opts.default_timing);      // throws on a bad selector
//   const pod_timing& pt = t.for_labels(pod.labels_json());
//   auto d = pt.start_delay + jitter(pt, opts.seed, pod, "start", 0);
//
// timing_table is immutable once built; everything here is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktk/core/label_selector.hpp"
#include "ktk/core/object.hpp"
#include "ktk/sim/kubelet.hpp"

namespace ktk::sim::detail {

std::uint64_t stable_hash(std::uint64_t seed, std::initializer_list<std::string_view> parts);
// 16 lower-case hex digits.
std::string hex64(std::uint64_t v);

class timing_table {
 public:
  // std::invalid_argument when a selector does not parse.
  timing_table(const std::vector<pod_timing>& timings, pod_timing fallback);
  // The first timing whose selector matches, else the fallback.
  const pod_timing& for_labels(const core::json& labels) const;

 private:
  std::vector<std::pair<core::label_selector, pod_timing>> entries_;
  pod_timing fallback_;
};

// [0, t.jitter) for this Pod, this delay (`what`) and this restart.
std::chrono::milliseconds jitter(const pod_timing& t, std::uint64_t seed, const core::object& pod, std::string_view what,
                                 std::int64_t restart);

}  // namespace ktk::sim::detail
