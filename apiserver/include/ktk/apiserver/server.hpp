// ktk/apiserver/server.hpp — the registry behind HTTP: the API server kubectl talks to.
//
// `server` serves a registry over HTTP/1.1 (keep-alive, chunked watch streams) on
// several io threads. Every request is answered by the registry; the server only
// routes, negotiates content and streams. Boost.Beast stays behind the pimpl.
//
//   ktk::apiserver::registry reg;
//   ktk::apiserver::server srv(reg, {.port = 0});
//   srv.start();                        // bound and accepting when it returns
//   std::string url = srv.url();        // "http://127.0.0.1:41234"
//   srv.stop();                         // ends watches, joins the io threads
//
// Thread-safety: start/stop/url from one controlling thread; the registry must
// outlive the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ktk/apiserver/auth.hpp"
#include "ktk/apiserver/registry.hpp"

namespace ktk::apiserver {

// HTTPS: the serving certificate and key (PEM); client certificates signed by
// client_ca_pem are verified when presented.
struct tls_config {
  std::string certificate_pem{};
  std::string private_key_pem{};
  std::string client_ca_pem{};
};

// Authentication. When enabled, a request that presents none of these gets 401
// Unauthorized, as kube-apiserver with anonymous auth off. Without it every request
// acts as system:admin in system:masters.
struct auth_config {
  std::vector<std::string> tokens{};  // "Authorization: Bearer TOKEN", acting as "admin" in system:masters
  std::vector<token_user> users{};   // tokens with their own identities (auth.hpp)
  // A client certificate verified against tls.client_ca_pem: its CN is the user, its
  // O entries the groups.
  bool client_certificates = false;
  bool enabled() const { return !tokens.empty() || !users.empty() || client_certificates; }
};

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = a free port
  unsigned io_threads = 2;
  // Request bodies above this get 413 (kube-apiserver's limit is 3 MiB).
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  // Request headers above this get 431.
  std::size_t max_header_bytes = 1024 * 1024;
  // A request must arrive within this; an idle keep-alive connection closes after it,
  // and so does a watch whose client has not taken a write within it. A slow watcher
  // never slows writers: its backlog stays in the registry's event ring (bounded by the
  // watch history), and one that falls off the ring gets 410 Expired. A request's
  // headers and body together must arrive within it: bytes trickled in do not extend it.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(60)};
  // The longest a watch stays open when the client gives no timeoutSeconds (kube: 30-60 min).
  std::chrono::seconds max_watch_timeout{1800};
  std::optional<tls_config> tls{};  // HTTPS when set
  auth_config auth{};
  // rbac: Roles and bindings decide (403 Forbidden otherwise), and the default
  // ClusterRoles and bindings (cluster-admin, view, edit, admin, system:discovery, ...)
  // are created at start when absent.
  authorization_mode authorization = authorization_mode::always_allow;
};

class server {
 public:
  // Borrows `reg`, which must outlive the server.
  server(registry& reg, server_options opts = {});
  ~server();  // stop()s
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts the io threads; throws std::system_error when the address cannot be bound.
  void start();
  // Stops accepting, ends every watch stream cleanly and joins the io threads. Idempotent.
  void stop();

  // Adds (or replaces) a bearer token and its identity while the server runs. Throws
  // std::logic_error when the server was made without authentication. Thread-safe.
  void add_token(const token_user& u);

  std::uint16_t port() const;
  // "http://ADDRESS:PORT", or https:// with TLS.
  std::string url() const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace ktk::apiserver
