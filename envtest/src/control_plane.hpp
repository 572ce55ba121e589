// control_plane.hpp — private: what each mode launches (or finds), behind one interface.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "ktk/client/rest/rest_config.hpp"
#include "ktk/envtest/environment.hpp"
#include "ktk/envtest/kubeconfig_writer.hpp"

namespace ktk::envtest::detail {

// What the environment resolved from its options and the process environment.
struct plane_settings {
  std::filesystem::path work_dir;
  bool attach_output = false;
  std::chrono::milliseconds start_timeout{60000};
  std::chrono::milliseconds stop_timeout{20000};
};

class control_plane {
 public:
  virtual ~control_plane() = default;
  // Ready to serve when it returns; throws start_error (after stopping what it started).
  virtual void start() = 0;
  // Idempotent.
  virtual void stop() = 0;
  // The admin identity.
  virtual const client::rest::rest_config& config() const = 0;
  virtual kubeconfig_spec kubeconfig() const = 0;
  virtual std::string etcd_url() const { return {}; }
  // Credentials for a new identity: `cfg` and `kc` start as the admin's (server, CA)
  // and get the user's credentials. Throws std::logic_error when the mode cannot.
  virtual void user_credentials(const std::string& name, const std::vector<std::string>& groups,
                                client::rest::rest_config& cfg, kubeconfig_spec& kc) = 0;
};

std::unique_ptr<control_plane> make_control_plane(mode m, const environment_options& opts, const plane_settings& s);

// One plane per mode (control_plane_*.cpp).
std::unique_ptr<control_plane> make_embedded_plane(const environment_options& opts, const plane_settings& s, bool on_etcd);
std::unique_ptr<control_plane> make_existing_plane(const environment_options& opts, const plane_settings& s);
std::unique_ptr<control_plane> make_binaries_plane(const environment_options& opts, const plane_settings& s);

}  // namespace ktk::envtest::detail
