// ktk/client/rest/discovery.hpp — what a server serves: its version, groups and resources.
//
// client-go's discovery client. Resources come from aggregated discovery
// (apidiscovery.k8s.io/v2: two requests for everything) when the server offers it, or
// from the legacy documents (/api, /apis, then /api/v1 and /apis/{g}/{v} for each
// group version). Each becomes a core::resource_info — kind, singular, scope, verbs,
// short names, categories, and subresources from the "pods/status" entries — and a
// core::rest_mapper holds them, preferred versions first.
//
//   ktk::client::rest::discovery_client d(cfg);
//   auto v = d.server_version();                   // v->git_version == "v1.31.0"
//   auto m = d.rest_mapper();                      // m->resolve("deploy") → deployments.apps/v1
//
// Thread-safe. Errors are api_errors as rest_client reports them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ktk/client/rest/rest_config.hpp"
#include "ktk/core/gvk.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::rest {

namespace detail {
class transport;
}

// /version.
struct version_info {
  std::string major{};
  std::string minor{};
  std::string git_version{};  // "v1.31.0"
  std::string git_commit{};
  std::string platform{};   // "linux/amd64"
};

struct api_group {
  std::string name{};                 // "" for the core group
  std::vector<std::string> versions{};  // the preferred version first
};

struct discovery_options {
  // Ask for aggregated discovery first; a server without it answers with the legacy
  // documents, which are then used.
  bool aggregated = true;
};

class discovery_client {
 public:
  // Its own connections to the server of cfg (throws std::invalid_argument as
  // rest_client does for a configuration it cannot use).
  explicit discovery_client(const rest_config& cfg, discovery_options opts = {});
  // Shares a rest_client's connections (see rest_client::discovery()).
  discovery_client(std::shared_ptr<detail::transport> t, discovery_options opts);
  ~discovery_client();

  core::result<version_info> server_version();
  // The core group first, then /apis in the server's order.
  core::result<std::vector<api_group>> server_groups();
  // The resources of one group version; NotFound when the server does not serve it.
  core::result<std::vector<core::resource_info>> server_resources(const core::group_version& gv);
  // Every resource of every served group version, preferred versions first. A group
  // version that vanished or is unavailable meanwhile (404, 503) is left out.
  core::result<std::vector<core::resource_info>> server_groups_and_resources();
  // server_groups_and_resources() in a mapper.
  core::result<core::rest_mapper> rest_mapper();

 private:
  std::shared_ptr<detail::transport> t_;
  discovery_options opts_;
};

}  // namespace ktk::client::rest
