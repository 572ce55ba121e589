// http/message.hpp — an HTTP request and response as the router sees them.
//
// The router is pure: it maps a `request` to a `response` (or to a watch) without
// any socket, so every route is testable in-process. The Beast session converts
// from and to the wire.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktk::apiserver::http {

struct request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string accept;
  std::string content_type;
  std::string user_agent;
  std::string body;

  // The first value of a query parameter, if present.
  std::optional<std::string_view> param(std::string_view name) const {
    for (const auto& [k, v] : query) {
      if (k == name) return std::string_view(v);
    }
    return std::nullopt;
  }
};

struct response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> warnings;  // sent as `Warning: 299 - "..."`
};

}  // namespace ktk::apiserver::http
