// control_plane_binaries.cpp — real etcd + a real kube-apiserver as children, as
// controller-runtime's envtest runs them: generated certificates, the flags
// kube-apiserver needs (extra flags from the options override them by name), a
// free secure port (retried when the child lost it), readiness from /readyz.
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "control_plane.hpp"
#include "https_probe.hpp"
#include "ktk/apiserver/certs.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/envtest/binaries.hpp"
#include "ktk/envtest/etcd_server.hpp"
#include "ktk/envtest/process.hpp"

namespace ktk::envtest::detail {

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

void write_secret(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
  if (!out.flush()) throw start_error("cannot write " + p.string());
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
}

// "--name=value" / "--name" → name; anything else is kept as it is.
std::string flag_name(const std::string& f) {
  auto start = f.find_first_not_of('-');
  if (start == std::string::npos) return f;
  return f.substr(start, f.find('=') == std::string::npos ? std::string::npos : f.find('=') - start);
}

class binaries_plane final : public control_plane {
 public:
  binaries_plane(const environment_options& opts, const plane_settings& s) : opts_(opts), settings_(s) {}
  ~binaries_plane() override { stop(); }

  void start() override {
    auto binary = find_binary("kube-apiserver", opts_.binary_assets_directory);
    if (!binary) {
      std::string where;
      for (const auto& p : binary_search_places("kube-apiserver", opts_.binary_assets_directory)) where += "\n  " + p;
      throw start_error("binaries mode: no kube-apiserver binary found; looked in:" + where);
    }
    make_certs();
    try {
      std::string etcd_url = opts_.etcd_url;
      if (etcd_url.empty()) {
        etcd_.emplace(etcd_options{.binary = find_binary("etcd", opts_.binary_assets_directory).value_or(fs::path()),
                                   .data_dir = settings_.work_dir / "etcd",
                                   .start_timeout = settings_.start_timeout,
                                   .stop_timeout = settings_.stop_timeout,
                                   .attach_output = settings_.attach_output});
        etcd_->start();
        etcd_url = etcd_->client_url();
      }
      etcd_url_ = etcd_url;
      launch(*binary);
    } catch (...) {
      stop();
      throw;
    }
  }

  void stop() override {
    if (apiserver_) apiserver_->stop();
    apiserver_.reset();
    if (etcd_) etcd_->stop();
    etcd_.reset();
  }

  const client::rest::rest_config& config() const override { return config_; }
  kubeconfig_spec kubeconfig() const override {
    return {.server = config_.server,
            .context = "envtest",
            .ca_data_base64 = core::base64_encode(pki_.ca_cert),
            .client_certificate_base64 = core::base64_encode(pki_.client_cert),
            .client_key_base64 = core::base64_encode(pki_.client_key)};
  }
  std::string etcd_url() const override { return etcd_url_; }
  void user_credentials(const std::string& name, const std::vector<std::string>& groups,
                        client::rest::rest_config& cfg, kubeconfig_spec& kc) override {
    auto cert = apiserver::issue_client_certificate(pki_, name, groups);
    cfg.client_certificate_pem = cert.cert;
    cfg.client_key_pem = cert.key;
    kc.client_certificate_base64 = core::base64_encode(cert.cert);
    kc.client_key_base64 = core::base64_encode(cert.key);
  }

 private:
  void make_certs() {
    certs_ = settings_.work_dir / "certs";
    fs::create_directories(certs_);
    pki_ = apiserver::generate_certs({"127.0.0.1", "localhost"});
    write_secret(certs_ / "ca.crt", pki_.ca_cert);
    write_secret(certs_ / "apiserver.crt", pki_.server_cert);
    write_secret(certs_ / "apiserver.key", pki_.server_key);
    write_secret(certs_ / "sa-signer.key", pki_.service_account_key);
    write_secret(certs_ / "sa-signer.pub", pki_.service_account_public_key);
  }

  std::vector<std::string> flags(std::uint16_t port) const {
    const std::string p = std::to_string(port);
    std::vector<std::pair<std::string, std::string>> defaults = {
        {"advertise-address", "127.0.0.1"},
        {"bind-address", "127.0.0.1"},
        {"secure-port", p},
        {"cert-dir", certs_.string()},
        {"tls-cert-file", (certs_ / "apiserver.crt").string()},
        {"tls-private-key-file", (certs_ / "apiserver.key").string()},
        {"client-ca-file", (certs_ / "ca.crt").string()},
        {"etcd-servers", etcd_url_},
        {"service-cluster-ip-range", "10.0.0.0/24"},
        {"service-account-issuer", "https://127.0.0.1:" + p + "/"},
        {"service-account-key-file", (certs_ / "sa-signer.pub").string()},
        {"service-account-signing-key-file", (certs_ / "sa-signer.key").string()},
        {"authorization-mode", "RBAC"},
        {"disable-admission-plugins", "ServiceAccount"},
        {"allow-privileged", "true"},
    };
    std::map<std::string, bool> overridden;
    for (const auto& f : opts_.apiserver_flags) overridden[flag_name(f)] = true;
    std::vector<std::string> out;
    for (const auto& [name, value] : defaults) {
      if (!overridden.count(name)) out.push_back("--" + name + "=" + value);
    }
    out.insert(out.end(), opts_.apiserver_flags.begin(), opts_.apiserver_flags.end());
    return out;
  }

  void launch(const fs::path& binary) {
    const tls_identity admin{pki_.ca_cert, pki_.client_cert, pki_.client_key};
    constexpr int attempts = 5;
    for (int attempt = 1;; ++attempt) {
      const std::uint16_t port = pick_free_port();
      apiserver_.emplace(process_options{.binary = binary,
                                         .args = flags(port),
                                         .name = "kube-apiserver",
                                         .output_dir = settings_.work_dir,
                                         .attach_output = settings_.attach_output,
                                         .stop_timeout = settings_.stop_timeout});
      const auto deadline = clock_type::now() + settings_.start_timeout;
      auto pause = std::chrono::milliseconds(5);
      for (;;) {
        auto res = https_get("127.0.0.1", port, "/readyz", admin, std::chrono::milliseconds(1000));
        if (res && res->status == 200) {
          config_ = {.server = "https://127.0.0.1:" + std::to_string(port),
                     .certificate_authority_pem = pki_.ca_cert,
                     .client_certificate_pem = pki_.client_cert,
                     .client_key_pem = pki_.client_key};
          return;
        }
        if (auto st = apiserver_->status()) {
          const std::string out = apiserver_->output_tail();
          if (is_bind_failure(out) && attempt < attempts) break;  // lost the port: another one
          throw start_error("kube-apiserver (" + binary.string() + ") " + st->describe() + " during start:\n" + out);
        }
        if (clock_type::now() >= deadline) {
          throw start_error("kube-apiserver (" + binary.string() + ") not ready within " +
                            std::to_string(settings_.start_timeout.count()) + " ms (last /readyz: " +
                            (res ? std::to_string(res->status) + " " + res->body : std::string("no answer")) +
                            "):\n" + apiserver_->output_tail());
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(100));
      }
      apiserver_.reset();
    }
  }

  const environment_options& opts_;
  plane_settings settings_;
  fs::path certs_;
  apiserver::generated_certs pki_;
  std::optional<etcd_server> etcd_;
  std::string etcd_url_;
  std::optional<process> apiserver_;
  client::rest::rest_config config_;
};

}  // namespace

std::unique_ptr<control_plane> make_binaries_plane(const environment_options& opts, const plane_settings& s) {
  return std::make_unique<binaries_plane>(opts, s);
}

}  // namespace ktk::envtest::detail
