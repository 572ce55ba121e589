// ktk/client/rest/rest_client.hpp — the Client interface over HTTP(S), as client-go's
// dynamic client with controller-runtime's client on top.
//
// Every verb of ktk::client::client becomes one request to the server of a
// rest_config: JSON bodies, the query parameters of the options, Warning headers
// into opts.warnings, and the server's Status as the api_error of a failure. Kinds map
// to resources through discovery (see discovery.hpp), refreshed when a kind is missing,
// so a CRD created after the client started is found. Watches stream over a
// connection of their own; other requests share a pool of keep-alive connections.
//
//   ktk::client::rest::rest_client c({.server = srv.url(), .qps = 0});
//   auto pod = c.get({"", "v1", "Pod"}, {"default", "web"});
//   auto w = c.watch({"", "v1", "Pod"}, {.namespace_ = "default", .resource_version = rv});
//
// Errors: a non-2xx answer is the api_error of its Status (or client-go's generic one
// when it has none: 404 NotFound "the server could not find the requested resource",
// 429 TooManyRequests, 5xx InternalError ...). No answer at all — connection refused,
// TLS failure, reset — is an api_error with code 0 and reason "" (client-go reports
// these as plain errors, not Status errors; no is_xxx() helper matches them), with Go's
// wording: `Get "https://127.0.0.1:6443/api/v1/pods": dial tcp ...: connect: Connection
// refused`. The config's timeout is a 504 Timeout.
//
// Thread-safe: any number of threads may call one client at once. Each watch_stream
// is for one consumer.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "ktk/client/client.hpp"
#include "ktk/client/rest/discovery.hpp"
#include "ktk/client/rest/rest_config.hpp"

namespace ktk::client::rest {

struct rest_client_options {
  // A kind missing from the mapper re-reads discovery; a kind still missing after
  // that does not again until this passed on the config's clock.
  std::chrono::milliseconds discovery_refresh_interval{1000};
  // Aggregated discovery (2 requests) when the server offers it.
  bool aggregated_discovery = true;
};

class rest_client final : public client {
 public:
  // Throws std::invalid_argument when cfg.server is not an http(s) URL or a PEM field
  // cannot be loaded. Nothing is sent until the first call.
  explicit rest_client(const rest_config& cfg, rest_client_options opts = {});
  ~rest_client() override;
  rest_client(const rest_client&) = delete;
  rest_client& operator=(const rest_client&) = delete;

  using client::create;
  using client::get;
  using client::list;
  using client::remove;
  using client::update;

  result<object_ptr> get(const gvk& kind, const object_key& key, const get_options& opts = {}) override;
  result<object_list> list(const gvk& kind, const list_options& opts = {}) override;
  result<object_ptr> create(object&& obj, const write_options& opts = {}) override;
  result<object_ptr> update(object&& obj, const write_options& opts = {}) override;
  result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type, const core::json& patch,
                           const patch_options& opts = {}) override;
  result<object_ptr> apply(object&& obj, const patch_options& opts) override;
  result<void> remove(const gvk& kind, const object_key& key, const delete_options& opts = {}) override;
  result<void> delete_all_of(const gvk& kind, const list_options& which, const delete_options& opts = {}) override;
  // The watch's own connection; the answer's header is read before this returns (a
  // non-2xx answer, e.g. 410 Expired, is the error). The stream's next() is cancelled
  // promptly by its stop_token; done() once the server ends the stream (timeoutSeconds)
  // or after an ERROR event.
  result<std::unique_ptr<watch_stream>> watch(const gvk& kind, const watch_options& opts = {}) override;
  status_writer& status() override;
  result<object_ptr> get_scale(const gvk& kind, const object_key& key) override;
  result<object_ptr> update_scale(const gvk& kind, const object_key& key, std::int64_t replicas,
                                  const write_options& opts = {}) override;
  result<object_ptr> create_subresource(const gvk& kind, const object_key& key, std::string_view subresource,
                                        object&& body, const write_options& opts = {}) override;
  // The discovered resources (discovered on the first call; stays valid and is
  // updated in place by refreshes).
  const core::rest_mapper& mapper() override;

  // Discovery over this client's connections.
  discovery_client& discovery();
  // TCP connections opened so far (pooled ones are reused; each watch opens one).
  std::uint64_t connections_opened() const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace ktk::client::rest
