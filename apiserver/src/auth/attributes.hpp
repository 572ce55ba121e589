// auth/attributes.hpp — private: what a request asks to do, as kube's authorizer sees it.
//
// `request_attributes` follows kube-apiserver's RequestInfoFactory: /api/v1/pods is a
// resource request (verb list, get, watch, create, update, patch, delete,
// deletecollection from the method, the name and ?watch); /api, /api/v1, /apis/g/v,
// /healthz and anything else is a non-resource request whose verb is the lower-case
// method.
#pragma once

#include <string>

#include "auth/authenticator.hpp"
#include "http/message.hpp"
#include "ktk/core/api_error.hpp"

namespace ktk::apiserver::auth {

struct attributes {
  const user_info* user = nullptr;
  std::string verb{};
  bool resource_request = false;
  std::string api_group{};
  std::string api_version{};
  std::string resource{};
  std::string subresource{};
  std::string namespace_{};
  std::string name{};
  std::string path{};  // non-resource requests
};

attributes request_attributes(const http::request& req, const user_info& user);

// kube's 403 for a request `a` the authorizer did not allow; `reason` (the RBAC errors,
// if any) is appended after ": ".
core::api_error forbidden(const attributes& a, const std::string& reason);

}  // namespace ktk::apiserver::auth
