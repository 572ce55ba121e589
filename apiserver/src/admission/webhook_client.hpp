// webhook_client.hpp — private: one AdmissionReview POST to a webhook over HTTPS.
#pragma once

#include <chrono>
#include <string>

namespace ktk::apiserver::admission {

// Where a webhook is: clientConfig.url split up, and the CA that must sign its
// certificate (clientConfig.caBundle decoded; "" = the system's trust roots).
struct webhook_target {
  std::string url;   // as configured, for messages
  std::string host;  // without brackets for IPv6
  std::string port;  // "443" when the URL names none
  std::string path;  // with the query, "/" at least
  std::string ca_pem;
};

// Splits an https URL; an error message when it is not one.
std::string parse_webhook_url(const std::string& url, webhook_target& out);

struct webhook_reply {
  bool delivered = false;  // false: no HTTP response (refused, TLS failure, timeout)
  int status = 0;
  std::string body;
  std::string error;  // why not delivered, in Go's words where they exist
};

// POSTs `body` (application/json) to the target, verifying its certificate and host
// name, within `timeout` for the whole exchange. Never throws.
webhook_reply post_review(const webhook_target& t, const std::string& body, std::chrono::milliseconds timeout);

}  // namespace ktk::apiserver::admission
