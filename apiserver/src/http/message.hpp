// http/message.hpp — an HTTP request and response as the router sees them.
//
// The router is pure: it maps a `request` to a `response` (or to a watch) without
// any socket, so every route is testable in-process. The Beast session converts
// from and to the wire.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktk/apiserver/auth.hpp"

namespace ktk::apiserver::http {

struct request {
  std::string method{};  // "GET", "POST", ...
  std::string path{};  // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query{};  // decoded, in order
  std::string accept{};
  std::string content_type{};
  std::string user_agent{};
  std::string body{};
  // Who sent it, as the session authenticated it; null = authentication is off.
  std::shared_ptr<const user_info> user{};
  // Impersonate-User, -Group (repeatable), -Uid and -Extra-KEY headers: the identity
  // the request asks to act as (the router checks the sender may).
  std::string impersonate_user{};
  std::vector<std::string> impersonate_groups{};
  std::string impersonate_uid{};
  std::vector<std::pair<std::string, std::string>> impersonate_extra{};  // key (lower-case, unescaped), value

  bool impersonating() const {
    return !impersonate_user.empty() || !impersonate_groups.empty() || !impersonate_uid.empty() ||
           !impersonate_extra.empty();
  }

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
  std::string body{};
  std::vector<std::string> warnings{};  // sent as `Warning: 299 - "..."`
};

}  // namespace ktk::apiserver::http
