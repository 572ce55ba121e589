// request_errors.hpp — the errors kube-apiserver's handlers give for a request that does
// not fit its URL, shared by every verb.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ktk/apiserver/strategy.hpp"
#include "ktk/core/api_error.hpp"
#include "ktk/core/field_error.hpp"

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

// 400 for a name from the URL that cannot be a path segment of a key ("." or "..", or
// containing '/' or '%'), as the key functions of kube's generic store answer before
// anything else: `Name parameter invalid: "..": may not be '..'`.
inline std::optional<core::api_error> invalid_path_name(const std::string& name) {
  if (name.empty()) return std::nullopt;  // the verbs that take a name have one by then
  auto why = validate_name(name, name_rule::path_segment);
  if (why.empty()) return std::nullopt;
  std::string joined;
  for (const auto& w : why) joined += (joined.empty() ? "" : ";") + w;
  return core::api_error::bad_request("Name parameter invalid: " + core::quote(name) + ": " + joined);
}

}  // namespace ktk::apiserver::detail
