// ktk/client/rest/in_cluster.hpp — the rest_config of a program running in a Pod, as
// client-go's rest.InClusterConfig builds it: the API server from the
// KUBERNETES_SERVICE_HOST/_PORT variables, the service account's token and CA from
// /var/run/secrets/kubernetes.io/serviceaccount, the namespace from POD_NAMESPACE or the
// same directory.
//
//   if (ktk::client::rest::in_cluster_possible()) {
//     auto r = ktk::client::rest::in_cluster_config();  // r.config.server = "https://10.96.0.1:443"
//   }
//
// Thread-safety: reentrant; without `env` the process environment is read (no setenv
// concurrently).
#pragma once

#include <filesystem>
#include <string>

#include "ktk/client/rest/kubeconfig.hpp"

namespace ktk::client::rest {

// Thrown by in_cluster_config when KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT
// is unset or empty: the program does not run in a cluster.
class not_in_cluster_error : public config_error {
 public:
  using config_error::config_error;
};

struct in_cluster_options {
  // The variables above; the process environment when not set (see kubeconfig.hpp).
  environment env{};
  // Where token, ca.crt and namespace are; tests point it at a temporary directory.
  std::filesystem::path service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
};

// client-go's inClusterClientConfig.Possible: both variables set and the token file a
// regular file.
bool in_cluster_possible(const in_cluster_options& opts = {});

// server "https://HOST:PORT" (an IPv6 HOST in brackets); bearer_token read from `token`
// (whitespace trimmed) and bearer_token_file set to it, so a rotated token is picked up;
// certificate_authority_pem from `ca.crt` when it holds a PEM certificate (left empty
// otherwise, as client-go does); namespace_ from POD_NAMESPACE, else the `namespace`
// file, else "default"; in_cluster = true. Throws not_in_cluster_error when a variable
// is missing, config_error naming the token file when it cannot be read.
resolved_config in_cluster_config(const in_cluster_options& opts = {});

}  // namespace ktk::client::rest
