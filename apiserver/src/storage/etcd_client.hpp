// etcd_client.hpp — unary requests to etcd's JSON gateway (POST /v3/kv/range, ...) on a
// pool of keep-alive HTTP/1.1 connections, with failover between endpoints.
//
// Internal to the etcd storage; Beast stays in the .cpp.
//
//   etcd_client c({.endpoints = {"http://127.0.0.1:2379"}});
//   auto r = c.call("/v3/kv/range", R"({"key":"Zm9v"})");   // result<json>
//   if (r) (*r)["header"]["revision"] ...
//
// Thread-safe: any number of threads may call concurrently; each request takes an idle
// connection (or opens one) and no lock is held across I/O.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "etcd_endpoint.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::storage::detail {

struct etcd_client_options {
  std::vector<std::string> endpoints;  // at least one
  std::size_t connections = 8;         // idle connections kept
  std::chrono::milliseconds request_timeout{10000};
};

class etcd_client {
 public:
  using json = nlohmann::json;
  using time_point = std::chrono::steady_clock::time_point;

  // Throws std::invalid_argument for a malformed endpoint or none.
  explicit etcd_client(etcd_client_options opts);
  ~etcd_client();
  etcd_client(const etcd_client&) = delete;
  etcd_client& operator=(const etcd_client&) = delete;

  // POSTs `body` (a JSON document) to `path` and returns etcd's answer. Tries the
  // preferred endpoint, then the next ones when one cannot be connected to. Errors:
  // 503 ServiceUnavailable naming the endpoints when none is reachable or a connection
  // broke mid-request (the outcome of a write is then unknown), 504 Timeout past the
  // deadline (default: now + request_timeout), and etcd's own errors (see etcd_error).
  core::result<json> call(std::string_view path, std::string body,
                          std::optional<time_point> deadline = std::nullopt) const;

  const std::vector<etcd_endpoint>& endpoints() const { return endpoints_; }
  // The endpoint tried first: the last one that could be connected to.
  std::size_t preferred() const { return preferred_.load(); }
  void set_preferred(std::size_t i) const { preferred_.store(i); }
  std::chrono::milliseconds request_timeout() const { return opts_.request_timeout; }

 private:
  struct pool;

  etcd_client_options opts_;
  std::vector<etcd_endpoint> endpoints_;
  mutable std::atomic<std::size_t> preferred_{0};
  std::unique_ptr<pool> pool_;
};

// An error answer of the gateway ({"error":..., "code": <gRPC code>, "message":...}) as
// an api_error: Unavailable → 503, DeadlineExceeded → 504, anything else → 500
// InternalError "etcd: <message>".
core::api_error etcd_error(int http_status, std::string_view body);
// Whether an error is etcd's "required revision has been compacted" / "... is a future
// revision" (both InternalError, told apart by etcd's message).
bool is_compacted(const core::api_error& e);
bool is_future_revision(const core::api_error& e);

}  // namespace ktk::apiserver::storage::detail
