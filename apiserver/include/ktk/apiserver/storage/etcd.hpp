// ktk/apiserver/storage/etcd.hpp — the storage interface on a real etcd (v3 API).
//
// kube-apiserver's layout and rules: objects live under
// `<prefix>/<shard>/<namespace>/<name>` (`<prefix>/<shard>/<name>` when cluster-scoped;
// the shard is "pods" for core resources, "apps/deployments" for others), stored as
// JSON without their resourceVersion, which is etcd's mod_revision of the key. Creates,
// updates and deletes are compare-and-swap transactions on mod_revision. Lists read
// etcd at a revision (410 Expired once etcd compacted it). Watches are served from a
// per-shard ring of recent events fed by one etcd watch on the prefix, as
// kube-apiserver's watch cache is; a watch from a revision older than the ring is 410
// Expired, and when etcd's own watch is compacted away under us every watcher is
// closed with 410 Expired so that its informer relists.
//
// Several stores (several `ktk serve` processes) on one etcd see each other's writes
// and watch events.
//
// Where it differs from the memory storage:
// - Lists come in etcd's key order (kube-apiserver's): bytewise on "<ns>/<name>", which
//   is (namespace, name) order except where a namespace is a prefix of another that
//   continues with a character below '/' ("a-b" sorts before "a"). `remaining` is
//   etcd's exact count; `remaining_after_start` is not needed and ignored.
// - A shard's watch ring starts when the shard is first named by a call on this store
//   (get, list, count, a write, watch): a watch from an earlier revision is 410 Expired.
//   Events reach the rings through etcd's watch, a moment after the write returned, so
//   shard_revision() may lag current_revision(); a watch from 0 starts after the
//   newest revision this store has seen, as the memory storage's does.
// - drop_shard deletes the shard's keys; events etcd had not yet delivered for it are
//   not given to its watchers before their 410 Gone.
// - Errors of the transport: 503 ServiceUnavailable when no endpoint can be reached or
//   a connection broke mid-request (the outcome of a write is then unknown), 504
//   Timeout past request_timeout. count() answers 0 when etcd cannot be read.
//
// Transport: etcd's JSON gateway (`/v3/kv/range`, `/v3/kv/txn`, `/v3/watch`; etcd 3.4
// and later) over HTTP/1.1 keep-alive connections with Boost.Beast, behind this header.
//
// Thread-safety: every method may be called concurrently from any thread.
//
//   auto s = ktk::apiserver::storage::make_etcd_storage({.endpoints = {"http://127.0.0.1:2379"}});
//   ktk::apiserver::registry reg({.storage = std::move(s)});
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/apiserver/storage/interface.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::apiserver::storage {

struct etcd_options {
  // Client URLs ("http://127.0.0.1:2379"). Requests go to the first that answers; on a
  // connection failure the next is tried. At least one is required.
  std::vector<std::string> endpoints{};
  // Every key starts with it (kube-apiserver's --etcd-prefix).
  std::string prefix = "/registry";
  // Events kept per shard for watches (the watch cache's capacity).
  std::size_t history = 10000;
  // Keep-alive connections kept open for unary requests; more concurrent requests
  // open more connections, which are closed after use.
  std::size_t connections = 8;
  // A unary request (connect, send, answer) that takes longer fails with 504 Timeout.
  std::chrono::milliseconds request_timeout{10000};
  // How long make_etcd_storage waits for an endpoint to answer before giving up.
  std::chrono::milliseconds connect_timeout{10000};
  // When non-zero, every interval etcd is compacted to the revision current one
  // interval earlier (kube-apiserver does this every 5 minutes).
  std::chrono::milliseconds compaction_interval{0};
  // Times the compaction interval; null = the real clock. (Request and connect
  // timeouts are I/O deadlines and always use the steady clock.)
  core::clock* clock = nullptr;
};

// Connects, checks that an endpoint answers, and starts following the prefix. Throws
// std::invalid_argument for a malformed endpoint and std::runtime_error (naming the
// endpoints) when none answers within connect_timeout.
std::unique_ptr<interface> make_etcd_storage(etcd_options opts);

// Splits "http://a:2379,http://b:2379" into endpoints (what `ktk serve --etcd` takes).
std::vector<std::string> split_endpoints(std::string_view urls);

}  // namespace ktk::apiserver::storage
