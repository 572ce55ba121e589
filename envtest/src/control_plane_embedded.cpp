// control_plane_embedded.cpp — ktk's API server in this process: on memory storage
// (embedded mode) or on a real etcd, launched here or given by URL (etcd mode).
#include <optional>

#include "control_plane.hpp"
#include "ktk/apiserver/certs.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/apiserver/storage/etcd.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/envtest/etcd_server.hpp"

namespace ktk::envtest::detail {

namespace {

// One PKI per process: generating it costs more than the rest of a start (OpenSSL 3's
// key encoders), and the environments of one test process may as well share a CA.
// Each environment still has its own admin token.
const apiserver::generated_certs& process_pki() {
  static const apiserver::generated_certs pki = apiserver::generate_certs({"127.0.0.1", "localhost"});
  return pki;
}

class embedded_plane final : public control_plane {
 public:
  embedded_plane(const environment_options& opts, const plane_settings& s, bool on_etcd)
      : opts_(opts), settings_(s), on_etcd_(on_etcd) {}
  ~embedded_plane() override { stop(); }

  void start() override {
    apiserver::registry_options ropts{.history = opts_.watch_history};
    if (on_etcd_) {
      std::string url = opts_.etcd_url;
      if (url.empty()) {
        etcd_.emplace(etcd_options{.data_dir = settings_.work_dir / "etcd",
                                   .start_timeout = settings_.start_timeout,
                                   .stop_timeout = settings_.stop_timeout,
                                   .attach_output = settings_.attach_output});
        etcd_->start();
        url = etcd_->client_url();
      }
      etcd_url_ = url;
      try {
        ropts.storage = apiserver::storage::make_etcd_storage(
            {.endpoints = apiserver::storage::split_endpoints(url), .history = opts_.watch_history,
             .connect_timeout = settings_.start_timeout});
      } catch (const std::exception& e) {
        stop();
        throw start_error(std::string("etcd storage: ") + e.what());
      }
    }
    registry_.emplace(ropts);
    // As Go's envtest runs kube-apiserver: HTTPS with a generated CA (clients send
    // credentials over TLS only), authentication on (the admin's token is in
    // system:masters; certificates the CA signs work too) and RBAC, so add_user
    // identities get only what they are granted.
    pki_ = process_pki();
    admin_token_ = apiserver::random_token();
    apiserver::server_options sopts{.port = 0};
    sopts.tls = apiserver::tls_config{pki_.server_cert, pki_.server_key, pki_.ca_cert};
    sopts.auth.tokens = {admin_token_};
    sopts.auth.client_certificates = true;
    sopts.authorization = apiserver::authorization_mode::rbac;
    server_.emplace(*registry_, sopts);
    try {
      server_->start();
    } catch (const std::exception& e) {
      stop();
      throw start_error(std::string("API server: ") + e.what());
    }
    config_.server = server_->url();
    config_.certificate_authority_pem = pki_.ca_cert;
    config_.bearer_token = admin_token_;
  }

  void stop() override {
    if (server_) server_->stop();
    server_.reset();
    registry_.reset();
    if (etcd_) etcd_->stop();
    etcd_.reset();
  }

  const client::rest::rest_config& config() const override { return config_; }
  kubeconfig_spec kubeconfig() const override {
    return {.server = config_.server,
            .context = "envtest",
            .ca_data_base64 = core::base64_encode(pki_.ca_cert),
            .token = admin_token_};
  }
  std::string etcd_url() const override { return etcd_url_; }
  void user_credentials(const std::string& name, const std::vector<std::string>& groups,
                        client::rest::rest_config& cfg, kubeconfig_spec& kc) override {
    cfg.bearer_token = "envtest-" + name + "-" + apiserver::random_token();
    kc.token = cfg.bearer_token;
    server_->add_token({.token = cfg.bearer_token, .user = {.name = name, .groups = groups}});
  }

 private:
  const environment_options& opts_;
  plane_settings settings_;
  bool on_etcd_;
  std::optional<etcd_server> etcd_;
  std::string etcd_url_;
  std::optional<apiserver::registry> registry_;
  std::optional<apiserver::server> server_;
  apiserver::generated_certs pki_;
  std::string admin_token_;
  client::rest::rest_config config_;
};

}  // namespace

std::unique_ptr<control_plane> make_embedded_plane(const environment_options& opts, const plane_settings& s,
                                                   bool on_etcd) {
  return std::make_unique<embedded_plane>(opts, s, on_etcd);
}

std::unique_ptr<control_plane> make_control_plane(mode m, const environment_options& opts, const plane_settings& s) {
  switch (m) {
    case mode::embedded: return make_embedded_plane(opts, s, false);
    case mode::etcd: return make_embedded_plane(opts, s, true);
    case mode::binaries: return make_binaries_plane(opts, s);
    case mode::existing: return make_existing_plane(opts, s);
  }
  return make_embedded_plane(opts, s, false);
}

}  // namespace ktk::envtest::detail
