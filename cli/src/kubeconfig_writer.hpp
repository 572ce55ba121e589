// kubeconfig_writer.hpp — the kubeconfig `ktk serve` writes for its clients.
#pragma once

#include <filesystem>
#include <string>

namespace ktk::cli {

struct kubeconfig_spec {
  std::string server;               // "http://127.0.0.1:PORT"
  std::string context = "ktk";
  std::string ca_data_base64;       // certificate-authority-data, when TLS is on
  std::string token;                // a bearer token, when authentication is on
  std::string namespace_ = "default";
};

// The kubeconfig text (YAML).
std::string kubeconfig_yaml(const kubeconfig_spec& s);

// Writes it atomically (a temporary file renamed over `path`), mode 0600. Throws
// std::runtime_error naming the path on failure.
void write_kubeconfig(const std::filesystem::path& path, const kubeconfig_spec& s);

}  // namespace ktk::cli
