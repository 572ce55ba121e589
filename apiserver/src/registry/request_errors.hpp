// request_errors.hpp — the errors kube-apiserver's handlers give for a request that does
// not fit its URL, shared by every verb.
#pragma once

#include <string>
#include <string_view>

#include "ktk/core/api_error.hpp"

namespace ktk::apiserver::detail {

// 404 for a resource or subresource that is not served.
inline core::api_error not_served(const core::status_details& details = {}) {
  return core::api_error(404, core::reason::not_found, "the server could not find the requested resource", details);
}

// 400 when the body names another object than the URL.
inline core::api_error name_mismatch(std::string_view body_name, std::string_view url_name) {
  return core::api_error::bad_request("the name of the object (" + std::string(body_name) +
                                      ") does not match the name on the URL (" + std::string(url_name) + ")");
}

// 400 when the body names another namespace than the URL.
inline core::api_error namespace_mismatch() {
  return core::api_error::bad_request(
      "the namespace of the provided object does not match the namespace sent on the request");
}

}  // namespace ktk::apiserver::detail
