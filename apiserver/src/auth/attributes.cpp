// attributes.cpp — request → authorizer attributes; the Forbidden answer.
#include "auth/attributes.hpp"

#include <algorithm>

#include "http/route.hpp"
#include "ktk/core/api_error.hpp"

namespace ktk::apiserver::auth {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "metadata.name=x" (or ==) as the only term of a field selector → x.
std::string exact_name(std::string_view selector) {
  if (selector.find(',') != std::string_view::npos) return {};
  constexpr std::string_view key = "metadata.name";
  if (!selector.starts_with(key)) return {};
  auto rest = selector.substr(key.size());
  if (rest.starts_with("==")) {
    rest.remove_prefix(2);
  } else if (rest.starts_with("=")) {
    rest.remove_prefix(1);
  } else {
    return {};
  }
  // A path-segment name only (kube checks IsPathSegmentName).
  if (rest.empty() || rest == "." || rest == ".." || rest.find('/') != std::string_view::npos ||
      rest.find('%') != std::string_view::npos) {
    return {};
  }
  return std::string(rest);
}

bool watch_param(const http::request& req) {
  auto w = req.param("watch");
  if (!w) return false;
  auto v = lower(std::string(*w));
  return v != "false" && v != "0";
}

}  // namespace

attributes request_attributes(const http::request& req, const user_info& user) {
  attributes a{.user = &user, .verb = lower(req.method), .path = req.path};
  auto parts = http::split_path(req.path);
  if (parts.size() < 3 || (parts[0] != "api" && parts[0] != "apis")) return a;
  std::size_t i = 1;
  if (parts[0] == "apis") {
    if (parts.size() < 4) return a;
    a.api_group = std::string(parts[i++]);
  }
  a.resource_request = true;
  a.api_version = std::string(parts[i++]);
  if (parts[i] == "watch" || parts[i] == "proxy") {
    if (parts.size() - i < 2) {
      a.verb = std::string(parts[i]);
      return a;
    }
    a.verb = std::string(parts[i++]);
  } else if (req.method == "POST") {
    a.verb = "create";
  } else if (req.method == "GET" || req.method == "HEAD") {
    a.verb = "get";
  } else if (req.method == "PUT") {
    a.verb = "update";
  } else if (req.method == "PATCH") {
    a.verb = "patch";
  } else if (req.method == "DELETE") {
    a.verb = "delete";
  } else {
    a.verb.clear();
  }
  std::vector<std::string_view> rest(parts.begin() + static_cast<std::ptrdiff_t>(i), parts.end());
  if (rest[0] == "namespaces" && rest.size() > 1) {
    a.namespace_ = std::string(rest[1]);
    if (rest.size() > 2 && rest[2] != "status" && rest[2] != "finalize") rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.size() >= 3 && a.verb != "proxy") a.subresource = std::string(rest[2]);
  if (rest.size() >= 2) a.name = std::string(rest[1]);
  a.resource = std::string(rest[0]);
  if (a.name.empty() && a.verb == "get") {
    a.verb = watch_param(req) ? "watch" : "list";
    if (auto fs = req.param("fieldSelector")) a.name = exact_name(*fs);
  }
  if (a.name.empty() && a.verb == "delete") a.verb = "deletecollection";
  return a;
}

core::api_error forbidden(const attributes& a, const std::string& reason) {
  const std::string user = a.user ? a.user->name : "";
  std::string msg;
  if (!a.resource_request) {
    msg = "User \"" + user + "\" cannot " + a.verb + " path \"" + a.path + "\"";
  } else {
    std::string resource = a.resource;
    if (!a.subresource.empty()) resource += "/" + a.subresource;
    msg = "User \"" + user + "\" cannot " + a.verb + " resource \"" + resource + "\" in API group \"" + a.api_group +
          "\"" + (a.namespace_.empty() ? " at the cluster scope" : " in the namespace \"" + a.namespace_ + "\"");
  }
  // kube escapes what could read as HTML.
  std::string safe;
  for (char c : msg) {
    if (c == '&') {
      safe += "&amp;";
    } else if (c == '<') {
      safe += "&lt;";
    } else if (c == '>') {
      safe += "&gt;";
    } else {
      safe.push_back(c);
    }
  }
  if (!reason.empty()) safe += ": " + reason;
  return core::api_error::forbidden({a.api_group, a.resource}, a.name, safe);
}

}  // namespace ktk::apiserver::auth
