// control_plane_embedded.cpp — ktk's API server in this process: on memory storage
// (embedded mode) or on a real etcd, launched here or given by URL (etcd mode).
#include <optional>

#include "control_plane.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/apiserver/storage/etcd.hpp"
#include "ktk/envtest/etcd_server.hpp"

namespace ktk::envtest::detail {

namespace {

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
    server_.emplace(*registry_, apiserver::server_options{.port = 0});
    try {
      server_->start();
    } catch (const std::exception& e) {
      stop();
      throw start_error(std::string("API server: ") + e.what());
    }
    config_.server = server_->url();
  }

  void stop() override {
    if (server_) server_->stop();
    server_.reset();
    registry_.reset();
    if (etcd_) etcd_->stop();
    etcd_.reset();
  }

  const client::rest::rest_config& config() const override { return config_; }
  kubeconfig_spec kubeconfig() const override { return {.server = config_.server, .context = "envtest"}; }
  std::string etcd_url() const override { return etcd_url_; }
  void user_credentials(const std::string& name, const std::vector<std::string>&, client::rest::rest_config& cfg,
                        kubeconfig_spec& kc) const override {
    // ktk's server does not authenticate yet: the token names the user for whoever
    // reads the kubeconfig, and is accepted like any request.
    cfg.bearer_token = "envtest-" + name;
    kc.token = cfg.bearer_token;
  }

 private:
  const environment_options& opts_;
  plane_settings settings_;
  bool on_etcd_;
  std::optional<etcd_server> etcd_;
  std::string etcd_url_;
  std::optional<apiserver::registry> registry_;
  std::optional<apiserver::server> server_;
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
