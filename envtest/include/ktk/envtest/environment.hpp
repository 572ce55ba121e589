// ktk/envtest/environment.hpp — a control plane for a test suite, one options struct,
// four modes, the same tests in each.
//
//   embedded  ktk's API server in this process on 127.0.0.1, memory storage; ready in
//             milliseconds.
//   etcd      ktk's API server in this process storing in a real etcd: one the
//             environment launches, or an existing one (`etcd_url`). Several
//             environments (or `ktk serve --etcd`) on one etcd see each other's writes.
//   binaries  real etcd and a real kube-apiserver as children, with generated
//             certificates; found as envtest finds them (binaries.hpp).
//   existing  a cluster from a kubeconfig (explicit, KUBECONFIG, ~/.kube/config);
//             nothing is launched. USE_EXISTING_CLUSTER=true selects it.
//
// In every mode start() installs the CRDs (crd_paths, crds), waits until each is
// Established and served by discovery, installs admission webhook configurations
// pointed at a local webhook server (webhook), and writes a kubeconfig for kubectl.
//
//   ktk::envtest::environment env({.crd_paths = {"config/crd"}});
//   env.start();                                    // throws start_error
//   auto& c = env.client();                         // an admin ktk::client::client
//   run(kubectl, "--kubeconfig", env.kubeconfig_path());
//   env.stop();                                     // idempotent; the destructor calls it
//
// Thread-safety: start/stop/add_user from one thread; client() is thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/client/client.hpp"
#include "ktk/client/rest/rest_config.hpp"
#include "ktk/core/object.hpp"
#include "ktk/envtest/etcd_server.hpp"
#include "ktk/envtest/webhook_install.hpp"

namespace ktk::envtest {

enum class mode { embedded, etcd, binaries, existing };
std::string_view to_string(mode m);
// "embedded", "etcd", "binaries", "existing"; nullopt otherwise.
std::optional<mode> parse_mode(std::string_view s);

struct environment_options {
  // nullopt: `existing` when USE_EXISTING_CLUSTER is true, else `embedded`.
  std::optional<envtest::mode> mode{};

  // CRDs to install: files and folders (YAML or JSON, multi-document, recursive;
  // v1beta1 converted with a warning) and objects.
  std::vector<std::filesystem::path> crd_paths{};
  std::vector<core::object> crds{};
  // A crd_path that does not exist fails start() unless this is false.
  bool error_if_crd_path_missing = true;
  // existing mode: delete the CRDs this environment installed when it stops.
  bool remove_crds_on_stop = false;

  // Admission webhook configurations to install, pointed at a local webhook server
  // (webhook_install.hpp); after the CRDs. In existing mode they are deleted at stop.
  webhook_install_options webhook{};

  // etcd mode: client URLs of an etcd to use ("http://a:2379,http://b:2379"); "" = launch one.
  std::string etcd_url{};
  // embedded and etcd modes: how many past events a watch can resume from.
  std::size_t watch_history = 10000;

  // binaries mode: where to look after KUBEBUILDER_ASSETS; extra kube-apiserver flags
  // ("--feature-gates=..."), which override the defaults of the same name.
  std::filesystem::path binary_assets_directory{};
  std::vector<std::string> apiserver_flags{};

  // existing mode: the kubeconfig and context; "" = the loading rules (KUBECONFIG,
  // ~/.kube/config) and their current-context.
  std::filesystem::path kubeconfig{};
  std::string context{};

  // Where certificates, the kubeconfig, etcd's data and the children's output go;
  // "" = a new temporary directory, removed at stop().
  std::filesystem::path work_dir{};
  // nullopt = KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT.
  std::optional<bool> attach_output{};
  // nullopt = KUBEBUILDER_CONTROLPLANE_START_TIMEOUT / _STOP_TIMEOUT, else 60 s / 20 s.
  std::optional<std::chrono::milliseconds> start_timeout{};
  std::optional<std::chrono::milliseconds> stop_timeout{};
};

// What a start() saw: a warning per v1beta1 CRD converted, per missing path skipped.
struct start_report {
  std::vector<std::string> warnings{};
  std::vector<std::string> crds{};  // names of the CRDs installed
  std::chrono::milliseconds took{0};
};

// An identity add_user made: its connection settings, a kubeconfig for kubectl, and a
// client.
struct user {
  std::string name{};
  std::vector<std::string> groups{};
  client::rest::rest_config config{};
  std::filesystem::path kubeconfig{};
  std::shared_ptr<client::client> client{};
};

class environment {
 public:
  explicit environment(environment_options opts = {});
  ~environment();  // stop()
  environment(const environment&) = delete;
  environment& operator=(const environment&) = delete;

  // Starts the control plane, installs the CRDs, writes the kubeconfig. Throws
  // start_error saying what failed (with a child's output when one failed); whatever
  // was started is stopped again before it throws.
  const start_report& start();
  // Stops what start() launched, removes the CRDs when asked (existing mode) and the
  // temporary work dir. Idempotent.
  void stop();
  bool running() const;

  envtest::mode mode() const;
  // The admin identity's connection settings; valid after start().
  const client::rest::rest_config& config() const;
  // A kubeconfig file for kubectl and other clients (in the work dir; for existing mode
  // a copy pinned to the chosen context).
  const std::filesystem::path& kubeconfig_path() const;
  // An admin client (a REST client on config(), no client-side rate limit).
  client::client& client();
  // A user `name` in `groups`. binaries mode: a client certificate the cluster's CA
  // signs (CN = name, O = groups), which kube-apiserver authenticates and RBAC
  // authorizes. embedded and etcd modes: a bearer token ktk's server authenticates as
  // `name` in `groups` (+ system:authenticated); its RBAC authorizer then allows what
  // Roles and bindings grant (a user in system:masters may do anything), and answers
  // 403 Forbidden otherwise, as kube-apiserver would. existing mode: std::logic_error
  // (the cluster's CA key is not ours). After start() only.
  user add_user(const std::string& name, const std::vector<std::string>& groups = {});
  // Where the webhook server must listen, with the certificate the installed
  // configurations trust; empty (port 0) when options.webhook was empty. After start().
  const webhook_serving& webhook() const;
  // The etcd client URL in etcd and binaries modes; "" otherwise.
  std::string etcd_url() const;
  const std::filesystem::path& work_dir() const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace ktk::envtest
