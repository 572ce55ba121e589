// ktk/envtest/kubeconfig_writer.hpp — the kubeconfig a test control plane hands out.
//
// One cluster, one user, one context, all named `context`: what `ktk serve
// --kubeconfig-out`, `ktk envtest start --kubeconfig-out` and environment::add_user
// write, and what kubectl, client-go and the Python client read.
//
//   ktk::envtest::write_kubeconfig("kc.yaml", {.server = url, .token = token});
#pragma once

#include <filesystem>
#include <string>

namespace ktk::envtest {

struct kubeconfig_spec {
  std::string server{};             // "http://127.0.0.1:PORT"
  std::string context = "ktk";
  std::string ca_data_base64{};     // certificate-authority-data, when TLS is on
  std::string token{};              // a bearer token, when authentication is on
  std::string client_certificate_base64{};  // client-certificate-data
  std::string client_key_base64{};        // client-key-data
  std::string namespace_ = "default";
};

// The kubeconfig text (YAML).
std::string kubeconfig_yaml(const kubeconfig_spec& s);

// Writes it atomically (a temporary file renamed over `path`), mode 0600. Throws
// std::runtime_error naming the path on failure.
void write_kubeconfig(const std::filesystem::path& path, const kubeconfig_spec& s);

}  // namespace ktk::envtest
