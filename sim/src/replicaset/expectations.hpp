// expectations.hpp — what the ReplicaSet controller is waiting to see in its cache
// (kube's ControllerExpectations + UIDTrackingControllerExpectations).
//
// Before creating N Pods the controller records N expected adds; the Pod handler
// lowers the count as the informer reports the new Pods. Until the count reaches zero
// (or the record is older than `expectations_timeout`) the controller does not act on
// that ReplicaSet again, so a cache that lags never causes a second round of creates.
// Deletions are tracked by Pod key, so that a Pod reported deleted twice (marked, then
// removed) counts once.
//
//   exp.expect_creations("default/web", rs_uid, 3, clk.now());
//   exp.creation_observed("default/web", rs_uid);   // from the Pod handler
//   if (exp.check("default/web", rs_uid, clk.now()).satisfied) manage_replicas();
//
// Records are keyed by ReplicaSet namespace/name and remember the ReplicaSet's uid: a
// ReplicaSet recreated under the same name starts afresh. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ktk/core/clock.hpp"

namespace ktk::sim::detail {

// kube's ExpectationsTimeout: past it, unmet expectations no longer block.
inline constexpr std::chrono::minutes expectations_timeout{5};

class expectations {
 public:
  struct state {
    bool satisfied = true;
    // When not satisfied: how long until the record expires (always > 0).
    core::clock::duration expires_in{0};
  };

  // Expects `adds` creations for key, replacing any earlier record; stamped `now`.
  void expect_creations(const std::string& key, std::string_view uid, int adds, core::clock::time_point now);
  // Expects the deletion of these Pods ("ns/name"), replacing any earlier record.
  void expect_deletions(const std::string& key, std::string_view uid, const std::vector<std::string>& pod_keys,
                        core::clock::time_point now);
  // One expected creation was seen (or will never happen: a create failed or was skipped).
  // Ignored when there is no record for key with this uid.
  void creation_observed(const std::string& key, std::string_view uid);
  // The deletion of pod_key was seen (or failed). Counts once per expected Pod.
  void deletion_observed(const std::string& key, std::string_view uid, std::string_view pod_key);
  // Satisfied when there is no record (or one for another uid, which is dropped), when
  // every expected add and delete was seen, or when the record expired.
  state check(const std::string& key, std::string_view uid, core::clock::time_point now);
  // Drops the record (the ReplicaSet is gone).
  void forget(const std::string& key);
  // The number of records (for tests).
  std::size_t size() const;

 private:
  struct record {
    std::string uid;
    std::int64_t adds = 0;
    std::int64_t dels = 0;
    std::unordered_set<std::string> deleting;  // Pod keys whose deletion is expected
    core::clock::time_point stamp;
  };

  mutable std::mutex mu_;
  std::unordered_map<std::string, record> records_;  // guarded by mu_
};

}  // namespace ktk::sim::detail
