// ktk/client/webhook/server.hpp — an HTTPS server for admission webhooks.
//
// controller-runtime's webhook server: it serves AdmissionReview POSTs on the paths
// you register, over TLS with the certificate and key in `cert_dir` (tls.crt, tls.key,
// as cert-manager and envtest's local serving certificate write them). Handlers run on
// the server's threads (at most `threads` at once); one that throws answers HTTP 500
// (with a denying AdmissionReview in the body) and the server goes on. Malformed
// reviews get 400, oversized bodies 413. Unlike controller-runtime, which answers such
// errors with HTTP 200, the API server then applies the webhook's failurePolicy.
//
//   webhook::server srv({.port = 9443, .cert_dir = "/tmp/k8s-webhook-server/serving-certs"});
//   srv.defaulter("/mutate-vm", [](json& vm, const admission_request&) -> result<void> {
//     if (!vm["spec"].contains("cpu")) vm["spec"]["cpu"] = 1;  return {}; });
//   srv.validator("/validate-vm", [](const admission_request& req) -> result<std::vector<std::string>> { ... });
//   srv.start();  // binds and serves; mgr.add(srv.as_runnable()) runs it in a manager
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "ktk/client/controller/manager.hpp"
#include "ktk/client/webhook/admission.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::webhook {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9443;  // 0 = a free port (see port() after start)
  // Holds cert_name and key_name (PEM); the certificate must name `host` (or the name
  // the API server dials) in its subjectAltNames.
  std::filesystem::path cert_dir{};
  std::string cert_name = "tls.crt";
  std::string key_name = "tls.key";
  int threads = 2;
  // Bodies larger than this are refused with 413 (kube-apiserver sends at most ~3 MiB).
  std::size_t max_body_bytes = 8 << 20;
};

// Answers one AdmissionReview request.
using handler = std::function<admission_response(const admission_request&)>;
// A mutating webhook as a function that changes the object in place; an error denies
// the request with the error's code and message. The server answers with the patch.
using defaulter_func = std::function<core::result<void>(json& object, const admission_request&)>;
// A validating webhook: an error denies (with its code and message); a value allows,
// with these warnings for the client.
using validator_func = std::function<core::result<std::vector<std::string>>(const admission_request&)>;

class server {
 public:
  explicit server(server_options opts);
  ~server();  // stop()
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Registration, before start(). The same path twice throws std::invalid_argument.
  void handle(const std::string& path, handler h);
  void defaulter(const std::string& path, defaulter_func f);
  void validator(const std::string& path, validator_func f);

  // Loads the certificate, binds, starts serving on background threads. Throws
  // std::runtime_error when the certificate cannot be loaded or the port bound.
  void start();
  // Stops accepting, finishes the requests in flight, joins the threads. Idempotent;
  // start() may be called again after it. Not from inside a handler (it would wait for
  // itself).
  void stop();
  std::uint16_t port() const;  // the bound port, after start()
  // https://host:port
  std::string url() const;

  // For a controller manager: start(), block until stop, stop(). Does not need leader
  // election (every replica serves webhooks).
  std::shared_ptr<controller::runnable> as_runnable();

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace ktk::client::webhook
