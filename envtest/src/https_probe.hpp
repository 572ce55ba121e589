// https_probe.hpp — private: one HTTPS GET with a client certificate, for readiness
// probes of a kube-apiserver (/readyz needs TLS and, with anonymous auth off, a
// certificate).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "net_util.hpp"

namespace ktk::envtest::detail {

struct tls_identity {
  std::string ca_pem;           // trusted for the server's certificate
  std::string client_cert_pem;  // presented when not empty
  std::string client_key_pem;
};

// GET https://host:port/path. nullopt when nothing answered within `timeout`
// (refused, TLS failure, reset, timed out).
std::optional<http_response> https_get(const std::string& host, std::uint16_t port, const std::string& path,
                                       const tls_identity& id, std::chrono::milliseconds timeout);

}  // namespace ktk::envtest::detail
