// ktk/envtest/webhook_install.hpp — admission webhook configurations for a test
// environment, pointed at a webhook server in the test process.
//
// envtest's WebhookInstallOptions: the Mutating/ValidatingWebhookConfigurations your
// operator ships (from files or as objects) are installed with every webhook's
// clientConfig rewritten to https://<local host>:<local port><path> (the service's path
// or the URL's), and caBundle set to a CA generated for the run, which also signs a
// serving certificate written to the local serving cert dir as tls.crt / tls.key. Start
// your webhook server there and the API server — ktk's or a real kube-apiserver —
// calls it.
//
//   ktk::envtest::environment env({.webhook = {.paths = {"config/webhook"}}});
//   env.start();
//   ktk::client::webhook::server srv(env.webhook().server_options());
//   srv.validator("/validate-vm", validate_vm);
//   srv.start();
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ktk/client/client.hpp"
#include "ktk/client/webhook/server.hpp"
#include "ktk/core/object.hpp"

namespace ktk::envtest {

struct webhook_install_options {
  // Files and folders (YAML or JSON, multi-document, recursive) holding
  // MutatingWebhookConfiguration and ValidatingWebhookConfiguration documents; other
  // documents are skipped.
  std::vector<std::filesystem::path> paths{};
  std::vector<core::object> mutating{};
  std::vector<core::object> validating{};
  // A path that does not exist fails start() unless this is false.
  bool error_if_path_missing = true;
  // Where the webhook server will listen; port 0 = a free port picked at start.
  std::string local_serving_host = "127.0.0.1";
  std::uint16_t local_serving_port = 0;
  // Where tls.crt and tls.key go; "" = <work dir>/webhook-serving-certs.
  std::filesystem::path local_serving_cert_dir{};

  bool empty() const { return paths.empty() && mutating.empty() && validating.empty(); }
};

// Where the webhook server must listen and with what certificate, after start().
struct webhook_serving {
  std::string host{};
  std::uint16_t port = 0;
  std::filesystem::path cert_dir{};  // tls.crt, tls.key
  std::string ca_pem{};            // the CA that signed them (the configurations' caBundle)
  // "mutatingwebhookconfigurations/<name>" and "validatingwebhookconfigurations/<name>".
  std::vector<std::string> installed{};

  // Options for a ktk::client::webhook::server listening here.
  client::webhook::server_options server_options() const;
};

// Reads the configurations of `opts` (files then objects). Throws std::runtime_error
// naming the file and line of a document that does not parse, or a missing path.
std::vector<core::object> read_webhook_configurations(const webhook_install_options& opts);

// Picks the port (when 0), generates the CA and serving certificate for host (and
// localhost, 127.0.0.1) and writes tls.crt / tls.key (mode 0600) to the cert dir.
webhook_serving prepare_webhook_serving(const webhook_install_options& opts, const std::filesystem::path& work_dir);

// `cfg` with each webhook's clientConfig pointing at the local server: url
// https://host:port + (service.path, or the URL's path, or "/"), caBundle = the CA.
core::object point_at_local_server(const core::object& cfg, const webhook_serving& serving);

// Creates (or replaces) each configuration and waits until the server returns it.
// Returns "<resource>/<name>" for each. Throws std::runtime_error naming the one the
// server rejected.
std::vector<std::string> install_webhook_configurations(client::client& c, const std::vector<core::object>& configs,
                                                        std::chrono::milliseconds timeout);
// Deletes what install_webhook_configurations returned (missing ones are fine).
void uninstall_webhook_configurations(client::client& c, const std::vector<std::string>& installed);

}  // namespace ktk::envtest
