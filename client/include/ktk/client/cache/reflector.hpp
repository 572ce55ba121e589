// ktk/client/cache/reflector.hpp — keeps a store in step with the server: list, then watch.
//
// client-go's Reflector. It lists in pages (`page_size`, following continue tokens;
// a continue token that expired mid-list means one full list instead), hands the
// items to store.replace(), then watches from the list's resourceVersion with
// bookmarks on. Events go to the store; every event and bookmark advances
// last_sync_resource_version(). A watch that ends cleanly (the server's timeout,
// jittered in [min_watch_timeout, 2 × min_watch_timeout)) is re-opened from there;
// a 410 Gone/Expired (as an ERROR event or from watch()) means a fresh list. Other
// failures wait on the backoff (800 ms doubling to 30 s, jittered, reset after
// 2 min of quiet) before retrying: a 429 or 5xx from watch() re-watches, anything
// else re-lists. One deviation from client-go: after a 410 it re-lists at once
// rather than after a backoff step (a 410 is routine, not a sign of trouble).
//
//   ktk::client::cache::indexer pods;
//   ktk::client::cache::reflector r(make_list_watch(client, {"", "v1", "Pod"}), pods, {.clock = &clk});
//   std::jthread t([&](std::stop_token st) { r.run(st); });
//
// run() is called once, from one thread; the accessors are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "ktk/client/cache/backoff.hpp"
#include "ktk/client/cache/list_watch.hpp"
#include "ktk/client/cache/store.hpp"
#include "ktk/core/api_error.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::cache {

struct reflector_options {
  std::int64_t page_size = 500;                           // 0 = one unpaged list
  std::chrono::seconds min_watch_timeout{300};            // watch timeout in [min, 2 × min)
  std::chrono::milliseconds resync_period{0};             // 0 = never call store.resync()
  backoff_options backoff{};                              // its clock and seed default to the ones below
  core::clock* clock = nullptr;                           // not owned; the real clock when null
  std::uint64_t seed = 0;                                 // for jitter; 0 = random
  std::string name{};                                     // in messages, e.g. "v1, Kind=Pod"
  // Called for each failed list or watch (not for the routine 410s). The default
  // writes one line to stderr. Runs on the reflector's thread; must not throw.
  std::function<void(const core::api_error&)> on_error{};
};

class reflector {
 public:
  // The store must outlive the reflector.
  reflector(list_watch lw, reflector_store& store, reflector_options opts = {});
  ~reflector();
  reflector(const reflector&) = delete;
  reflector& operator=(const reflector&) = delete;

  // Lists and watches until stop; returns promptly once stop is requested.
  void run(std::stop_token stop);

  // The resourceVersion of the last list, event or bookmark seen ("" before the first list).
  std::string last_sync_resource_version() const;
  // How many lists completed (and went to store.replace()).
  std::uint64_t list_count() const;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ktk::client::cache
