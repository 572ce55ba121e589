// in_cluster.cpp — rest.InClusterConfig and the in-cluster namespace.
#include "ktk/client/rest/in_cluster.hpp"

#include <system_error>

#include "kubeconfig_detail.hpp"

namespace ktk::client::rest {

namespace {

std::string nonempty_env(const environment& env, const std::string& name) {
  auto v = detail::lookup_env(env, name);
  return v ? *v : std::string();
}

}  // namespace

bool in_cluster_possible(const in_cluster_options& opts) {
  std::error_code ec;
  return !nonempty_env(opts.env, "KUBERNETES_SERVICE_HOST").empty() &&
         !nonempty_env(opts.env, "KUBERNETES_SERVICE_PORT").empty() &&
         std::filesystem::is_regular_file(opts.service_account_dir / "token", ec);
}

resolved_config in_cluster_config(const in_cluster_options& opts) {
  const std::string host = nonempty_env(opts.env, "KUBERNETES_SERVICE_HOST");
  const std::string port = nonempty_env(opts.env, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    throw not_in_cluster_error("", 0,
                               "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                               "must be set");
  }
  resolved_config r;
  r.in_cluster = true;
  rest_config& cfg = r.config;
  // net.JoinHostPort: an IPv6 literal goes in brackets.
  cfg.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;

  const auto token_file = opts.service_account_dir / "token";
  cfg.bearer_token = detail::trim(detail::read_file(token_file, "the service account token"));
  cfg.bearer_token_file = token_file.string();

  // client-go only logs a missing or unusable CA and goes on with the system's roots.
  try {
    std::string ca = detail::read_file(opts.service_account_dir / "ca.crt", "the service account CA");
    if (ca.find("-----BEGIN CERTIFICATE-----") != std::string::npos) cfg.certificate_authority_pem = std::move(ca);
  } catch (const config_error&) {
  }

  if (auto ns = nonempty_env(opts.env, "POD_NAMESPACE"); !ns.empty()) {
    r.namespace_ = ns;
  } else {
    try {
      if (auto file_ns = detail::trim(detail::read_file(opts.service_account_dir / "namespace", "the namespace"));
          !file_ns.empty())
        r.namespace_ = file_ns;
    } catch (const config_error&) {
    }
  }
  return r;
}

}  // namespace ktk::client::rest
