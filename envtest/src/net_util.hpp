// net_util.hpp — private: loopback ports and a tiny blocking HTTP GET for readiness probes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ktk::envtest::detail {

// `n` distinct ports on `host` that were free a moment ago (all bound at once, then
// released). Throws std::system_error when the host cannot be bound.
std::vector<std::uint16_t> pick_free_ports(const std::string& host, std::size_t n);

struct http_response {
  int status = 0;
  std::string body;
};

// GET http://host:port/path (HTTP/1.1, Connection: close). nullopt when nothing answered
// within `timeout` (refused, reset, timed out, malformed). Blocking; for probes only.
std::optional<http_response> http_get(const std::string& host, std::uint16_t port,
                                      const std::string& path, std::chrono::milliseconds timeout);

}  // namespace ktk::envtest::detail
