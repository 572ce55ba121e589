// environment.cpp — the four modes behind one start()/stop(): the control plane first,
// then the admin client, the CRDs and the kubeconfig; whatever a failed start launched
// is stopped again before the error leaves.
#include "ktk/envtest/environment.hpp"

#include <chrono>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "control_plane.hpp"
#include "ktk/apiserver/crd_loader.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/envtest/crd_install.hpp"
#include "ktk/envtest/kubeconfig_writer.hpp"
#include "ktk/envtest/process.hpp"
#include "temp_dir.hpp"

namespace ktk::envtest {

namespace fs = std::filesystem;

std::string_view to_string(mode m) {
  switch (m) {
    case mode::embedded: return "embedded";
    case mode::etcd: return "etcd";
    case mode::binaries: return "binaries";
    case mode::existing: return "existing";
  }
  return "embedded";
}

std::optional<mode> parse_mode(std::string_view s) {
  for (mode m : {mode::embedded, mode::etcd, mode::binaries, mode::existing}) {
    if (s == to_string(m)) return m;
  }
  return std::nullopt;
}

class environment::impl {
 public:
  explicit impl(environment_options o) : opts(std::move(o)) {
    m = opts.mode ? *opts.mode : (flag_from_env("USE_EXISTING_CLUSTER", false) ? mode::existing : mode::embedded);
  }

  environment_options opts;
  envtest::mode m;
  fs::path work_dir;
  bool owns_work_dir = false;
  std::unique_ptr<detail::control_plane> plane;
  std::unique_ptr<client::rest::rest_client> admin;
  fs::path kubeconfig;
  start_report report;
  envtest::webhook_serving webhook;
  bool running = false;

  detail::plane_settings settings() const {
    detail::plane_settings s;
    s.work_dir = work_dir;
    s.attach_output = opts.attach_output.value_or(flag_from_env("KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT", false));
    s.start_timeout = opts.start_timeout.value_or(
        duration_from_env("KUBEBUILDER_CONTROLPLANE_START_TIMEOUT", std::chrono::seconds(60)));
    s.stop_timeout =
        opts.stop_timeout.value_or(duration_from_env("KUBEBUILDER_CONTROLPLANE_STOP_TIMEOUT", std::chrono::seconds(20)));
    return s;
  }

  std::vector<core::object> crds_to_install() {
    std::vector<core::object> out = opts.crds;
    try {
      for (auto& d : apiserver::read_crds(opts.crd_paths, {.error_if_missing = opts.error_if_crd_path_missing,
                                                            .warnings = &report.warnings})) {
        out.push_back(std::move(d.crd));
      }
    } catch (const apiserver::crd_install_error& e) {
      throw start_error(std::string("CRDs: ") + e.what());
    }
    return out;
  }

  void start() {
    const auto t0 = std::chrono::steady_clock::now();
    report = {};
    if (opts.work_dir.empty()) {
      work_dir = detail::make_temp_dir("ktk-envtest-");
      owns_work_dir = true;
    } else {
      work_dir = opts.work_dir;
      std::error_code ec;
      fs::create_directories(work_dir, ec);
      if (ec) throw start_error("work dir " + work_dir.string() + ": " + ec.message());
    }
    try {
      const auto crds = crds_to_install();  // a bad file fails before anything is launched
      std::vector<core::object> webhook_configs;
      try {
        webhook_configs = read_webhook_configurations(opts.webhook);
      } catch (const std::runtime_error& e) {
        throw start_error(e.what());
      }
      const auto s = settings();
      plane = detail::make_control_plane(m, opts, s);
      plane->start();
      client::rest::rest_config cfg = plane->config();
      cfg.qps = 0;  // as controller-runtime: no client-side rate limit
      admin = std::make_unique<client::rest::rest_client>(cfg);
      kubeconfig = work_dir / "kubeconfig";
      write_kubeconfig(kubeconfig, plane->kubeconfig());
      try {
        report.crds = install_crds(*admin, crds, {.timeout = s.start_timeout});
      } catch (const std::runtime_error& e) {
        throw start_error(std::string("CRDs: ") + e.what());
      }
      if (!opts.webhook.empty()) {
        try {
          webhook = prepare_webhook_serving(opts.webhook, work_dir);
          std::vector<core::object> pointed;
          for (const auto& cfg : webhook_configs) pointed.push_back(point_at_local_server(cfg, webhook));
          webhook.installed = install_webhook_configurations(*admin, pointed, s.start_timeout);
        } catch (const std::runtime_error& e) {
          throw start_error(std::string("webhooks: ") + e.what());
        }
      }
    } catch (...) {
      teardown();
      throw;
    }
    report.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    running = true;
  }

  void teardown() {
    if (m == mode::existing && admin && !webhook.installed.empty()) {
      // Left behind, they would send the cluster's writes to a server that is gone.
      uninstall_webhook_configurations(*admin, webhook.installed);
    }
    webhook = {};
    admin.reset();
    if (plane) plane->stop();
    plane.reset();
    if (owns_work_dir && !work_dir.empty()) {
      std::error_code ec;
      fs::remove_all(work_dir, ec);
    }
    owns_work_dir = false;
  }

  void stop() {
    if (!running && !plane) return;
    running = false;
    if (opts.remove_crds_on_stop && m == mode::existing && admin && !report.crds.empty()) {
      try {
        uninstall_crds(*admin, report.crds, {.timeout = settings().stop_timeout});
      } catch (const std::exception&) {
        // Stopping goes on: what could not be removed stays, as envtest leaves it.
      }
    }
    teardown();
  }
};

environment::environment(environment_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
environment::~environment() { stop(); }

const start_report& environment::start() {
  if (impl_->running) throw std::logic_error("environment::start: already running");
  impl_->start();
  return impl_->report;
}
void environment::stop() { impl_->stop(); }
bool environment::running() const { return impl_->running; }
mode environment::mode() const { return impl_->m; }

const client::rest::rest_config& environment::config() const {
  if (!impl_->plane) throw std::logic_error("environment::config: not started");
  return impl_->plane->config();
}
const fs::path& environment::kubeconfig_path() const { return impl_->kubeconfig; }
client::client& environment::client() {
  if (!impl_->admin) throw std::logic_error("environment::client: not started");
  return *impl_->admin;
}
user environment::add_user(const std::string& name, const std::vector<std::string>& groups) {
  if (!impl_->plane || !impl_->running) throw std::logic_error("environment::add_user: not started");
  user u{.name = name, .groups = groups, .config = impl_->plane->config()};
  u.config.qps = 0;
  kubeconfig_spec kc = impl_->plane->kubeconfig();
  kc.token.clear();
  kc.client_certificate_base64.clear();
  kc.client_key_base64.clear();
  u.config.bearer_token.clear();
  u.config.client_certificate_pem.clear();
  u.config.client_key_pem.clear();
  impl_->plane->user_credentials(name, groups, u.config, kc);
  kc.context = "envtest-" + name;
  u.kubeconfig = impl_->work_dir / ("kubeconfig-" + name);
  write_kubeconfig(u.kubeconfig, kc);
  u.client = std::make_shared<client::rest::rest_client>(u.config);
  return u;
}

std::string environment::etcd_url() const { return impl_->plane ? impl_->plane->etcd_url() : std::string(); }
const fs::path& environment::work_dir() const { return impl_->work_dir; }
const webhook_serving& environment::webhook() const { return impl_->webhook; }

}  // namespace ktk::envtest
