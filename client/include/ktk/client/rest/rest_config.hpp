// ktk/client/rest/rest_config.hpp — where a server is and how to talk to it.
//
// What client-go calls rest.Config: the server URL, TLS trust, credentials, and the
// client-side limits. A kubeconfig (ktk/client/rest/kubeconfig.hpp) or the in-cluster
// environment produces one; `rest_client` consumes it.
//
//   ktk::client::rest::rest_config cfg{.server = "https://127.0.0.1:6443", .bearer_token = "t"};
//   cfg.qps = 50; cfg.burst = 100;
//   ktk::client::rest::rest_client c(cfg);
#pragma once

#include <chrono>
#include <string>

#include "ktk/core/clock.hpp"

namespace ktk::client::rest {

struct rest_config {
  // "https://host:port" or "http://host:port", optionally with a path prefix.
  std::string server{};

  // TLS: the CA bundle (PEM) that signs the server's certificate; empty = the system's.
  std::string certificate_authority_pem{};
  bool insecure_skip_tls_verify = false;
  // The name checked against the server certificate (and sent as SNI) instead of the
  // URL's host.
  std::string tls_server_name{};

  // Credentials. bearer_token_file is re-read when it changes (projected tokens rotate).
  std::string bearer_token{};
  std::string bearer_token_file{};
  std::string client_certificate_pem{};
  std::string client_key_pem{};
  std::string username{};  // basic auth, when a kubeconfig still has it
  std::string password{};

  // Client-side rate limit (client-go's defaults). qps <= 0: unlimited.
  double qps = 5;
  int burst = 10;
  // The deadline of one request (not of a watch); zero = none.
  std::chrono::milliseconds timeout{0};
  std::string user_agent = "ktk";
  // Idle keep-alive connections kept per client.
  int max_idle_connections = 16;

  // Time for the rate limiter and retry waits; not owned; the real clock when null.
  core::clock* clock = nullptr;
};

}  // namespace ktk::client::rest
