// rest/detail/mapper_cache.hpp — a client's rest_mapper: discovered on first use,
// refreshed when a kind is missing.
//
// A kind that is not in the mapper re-reads discovery (a CRD created after the client
// started is found), with concurrent misses sharing one refresh. A kind still missing
// after a refresh is remembered: it does not refresh again until `interval` passed on
// the clock, so a loop on an unknown kind cannot storm the server.
//
//   mapper_cache m([&] { return discovery.server_groups_and_resources(); }, clock, 1s);
//   auto info = m.resource_of({"apps", "v1", "Deployment"});   // deployments, namespaced
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "ktk/core/clock.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::rest::detail {

class mapper_cache {
 public:
  using fetch_fn = std::function<core::result<std::vector<core::resource_info>>()>;

  mapper_cache(fetch_fn fetch, core::clock& clk, std::chrono::milliseconds interval);

  // The resource of a kind ("PodList" names "Pod"). Unknown after a refresh: 400
  // `no matches for kind "X" in version "g/v"` (the fake client's words); the error
  // of discovery when it failed.
  core::result<core::resource_info_ptr> resource_of(const core::gvk& k);

  // The mapper, discovered first if it never was (a failure leaves it as it is).
  const core::rest_mapper& mapper();

  // Re-reads discovery now: adds what is new, replaces what changed, removes what is gone.
  core::result<void> refresh();

 private:
  core::resource_info_ptr lookup(const core::gvk& k) const;
  core::result<void> refresh_locked();  // requires mu_

  fetch_fn fetch_;
  core::clock& clock_;
  const std::chrono::milliseconds interval_;
  core::rest_mapper mapper_;  // thread-safe on its own; written under mu_

  std::mutex mu_;  // serialises refreshes
  bool discovered_ = false;                                // guarded by mu_
  std::map<core::gvk, core::clock::time_point> missing_;   // guarded by mu_: kinds a refresh did not find
};

}  // namespace ktk::client::rest::detail
