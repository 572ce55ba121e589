// Internal: validation of an admission webhook's clientConfig, as k8s.io/apiserver's
// pkg/util/webhook (ValidateWebhookURL, ValidateWebhookService) with its messages.
#pragma once

#include <string>

#include "json_util.hpp"

namespace ktk::apiserver::detail {

// webhooks[i].clientConfig: exactly one of url (https, a host, no user info, fragment
// or query) and service (name, namespace, a valid port, a path of DNS-1123 segments).
// `path` is the clientConfig's field path.
field_errors validate_webhook_client_config(const json& client_config, const std::string& path);

}  // namespace ktk::apiserver::detail
