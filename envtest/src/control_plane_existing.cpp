// control_plane_existing.cpp — a cluster someone else runs: nothing is launched; the
// kubeconfig's context is checked to answer, and pinned in the copy handed out.
#include "control_plane.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/core/base64.hpp"

namespace ktk::envtest::detail {

namespace {

class existing_plane final : public control_plane {
 public:
  existing_plane(const environment_options& opts, const plane_settings& s) : opts_(opts), settings_(s) {}

  void start() override {
    client::rest::resolved_config resolved;
    try {
      resolved = client::rest::load_kubeconfig(
          {.kubeconfig_path = opts_.kubeconfig.string(), .context = opts_.context});
    } catch (const std::exception& e) {
      throw start_error(std::string("existing cluster: ") + e.what());
    }
    config_ = resolved.config;
    config_.timeout = settings_.start_timeout;
    client::rest::rest_client probe(config_);
    auto answered = probe.list({"", "v1", "Namespace"}, {.limit = 1});
    if (!answered) {
      throw start_error("existing cluster " + config_.server + " does not answer: " + answered.error().message());
    }
    config_.timeout = {};
    kc_ = {.server = config_.server, .context = resolved.context_name.empty() ? "envtest" : resolved.context_name,
           .token = config_.bearer_token, .namespace_ = resolved.namespace_};
    if (!config_.certificate_authority_pem.empty()) kc_.ca_data_base64 = core::base64_encode(config_.certificate_authority_pem);
    if (!config_.client_certificate_pem.empty()) {
      kc_.client_certificate_base64 = core::base64_encode(config_.client_certificate_pem);
      kc_.client_key_base64 = core::base64_encode(config_.client_key_pem);
    }
  }
  void stop() override {}
  void user_credentials(const std::string&, const std::vector<std::string>&, client::rest::rest_config&,
                        kubeconfig_spec&) override {
    throw std::logic_error("environment::add_user: an existing cluster's users are not this environment's to make");
  }
  const client::rest::rest_config& config() const override { return config_; }
  kubeconfig_spec kubeconfig() const override { return kc_; }

 private:
  const environment_options& opts_;
  plane_settings settings_;
  client::rest::rest_config config_;
  kubeconfig_spec kc_;
};

}  // namespace

std::unique_ptr<control_plane> make_existing_plane(const environment_options& opts, const plane_settings& s) {
  return std::make_unique<existing_plane>(opts, s);
}

}  // namespace ktk::envtest::detail
