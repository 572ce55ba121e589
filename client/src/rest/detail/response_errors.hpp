// rest/detail/response_errors.hpp — what a failed HTTP answer means as an api_error, and
// the Warning headers of any answer.
//
//   auto e = error_of_response({.status = 404, .body = body}, {.method = "GET", .gr = {"", "pods"}, .name = "web"});
//   append_warnings(R"(299 - "unknown field \"spec.x\"")", out);   // out += {"unknown field \"spec.x\""}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/api_error.hpp"

namespace ktk::client::rest::detail {

// What a request was about, for errors that the server did not explain.
struct request_context {
  std::string_view method{};  // "GET", "POST" ...
  core::group_resource gr{};  // empty for non-resource requests (discovery)
  std::string_view name{};
};

struct answer {
  unsigned status = 0;
  std::string_view content_type{};
  std::string_view body{};
  std::optional<int> retry_after{};  // the Retry-After header, in seconds
};

// A non-2xx answer: the Status it carries (its code filled from the HTTP status when
// it has none), or — for any other body — apimachinery's NewGenericServerResponse:
// 404 NotFound "the server could not find the requested resource", 409 Conflict (or
// AlreadyExists for a POST), 429 TooManyRequests, ≥500 InternalError "an error on the
// server (...) has prevented the request from succeeding", ... with " (get pods web)"
// appended when the request named a resource.
core::api_error error_of_response(const answer& a, const request_context& ctx);

// A transport failure (no HTTP answer): code 0, reason "" (apimachinery's
// StatusReasonUnknown), the message as Go's net/http words it:
// `Get "https://host/api/v1/pods": <what>`.
core::api_error transport_error(std::string_view method, std::string_view url, std::string_view what);

// The per-request timeout: 504 Timeout, naming the URL and the timeout.
core::api_error timeout_error(std::string_view method, std::string_view url, std::string_view after);

// Appends the texts of the 299 warnings in one Warning header value (`299 - "text"`,
// possibly several, comma-separated, each optionally followed by a quoted date) to
// out. Other warn-codes and malformed entries are skipped, as client-go does.
void append_warnings(std::string_view header_value, std::vector<std::string>& out);

// "Get" for "GET": the method as Go's url.Error prints it.
std::string go_method(std::string_view method);

}  // namespace ktk::client::rest::detail
