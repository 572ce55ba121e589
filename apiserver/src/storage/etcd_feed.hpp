// etcd_feed.hpp — the one streaming etcd watch (POST /v3/watch) under the storage's
// prefix, followed in a thread of its own, reconnecting when the stream breaks.
//
// Internal to the etcd storage; Beast stays in the .cpp. The feed hands each batch of
// events, in revision order, to its handler on its own thread. When the stream breaks
// it reconnects (trying the client's endpoints in turn) from the last delivered
// revision + 1; when etcd answers that this revision was compacted it reports it and
// continues from the compacted revision.
//
//   etcd_feed feed(client, key, range_end, rev, {.events = ..., .compacted = ...});
//   feed.wait_started(deadline);
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "etcd_client.hpp"
#include "ktk/apiserver/storage/interface.hpp"

namespace ktk::apiserver::storage::detail {

// One event of the gateway's watch answer, the key decoded, the key-values kept as
// the gateway sent them (base64 values).
struct feed_event {
  bool deleted = false;
  std::string key;
  revision rev = 0;              // the key's mod_revision: the event's revision
  revision create = 0;           // create_revision (0 for a delete)
  nlohmann::json kv;             // the new key-value (for a delete: key and mod_revision only)
  nlohmann::json prev_kv;        // the previous key-value; null when etcd sent none
};

struct etcd_feed_handlers {
  // A batch of events in revision order, with the answer's header revision.
  std::function<void(std::vector<feed_event>&&, revision header)> events;
  // etcd compacted history the feed needed: events after the last delivered one and
  // before `compacted` are lost. The feed continues from `compacted`.
  std::function<void(revision compacted)> compacted;
};

class etcd_feed {
 public:
  // Starts watching [key, range_end) from revision after + 1. `client` must outlive it.
  etcd_feed(const etcd_client& client, std::string key, std::string range_end, revision after,
            etcd_feed_handlers handlers);
  // Stops the thread (interrupting a blocked read) and joins it.
  ~etcd_feed();
  etcd_feed(const etcd_feed&) = delete;
  etcd_feed& operator=(const etcd_feed&) = delete;

  // Waits until etcd has confirmed the first watch; false at the deadline. Thread-safe.
  bool wait_started(std::chrono::steady_clock::time_point deadline);

 private:
  enum class outcome { more, broken, compacted, stopped };
  void run(std::stop_token stop);
  // One watch stream from next_, until it breaks or stop.
  outcome follow(std::stop_token stop);
  // Handles one message of the stream (more: keep reading).
  outcome line(std::string_view text);

  const etcd_client& client_;
  std::string key_;
  std::string range_end_;
  etcd_feed_handlers handlers_;
  revision next_;           // only the feed thread touches it
  bool streaming_ = false;  // etcd confirmed the current stream; only the feed thread
  std::mutex mu_;
  std::condition_variable_any cv_;
  bool started_ = false;  // guarded by mu_
  std::jthread thread_;   // last: started after everything it uses
};

}  // namespace ktk::apiserver::storage::detail
