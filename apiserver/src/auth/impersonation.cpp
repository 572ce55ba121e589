// impersonation.cpp — Impersonate-* headers → the identity a request acts as.
#include "auth/impersonation.hpp"

namespace ktk::apiserver::auth {
namespace {

// "system:serviceaccount:NS:NAME" → {NS, NAME}.
std::optional<std::pair<std::string, std::string>> split_service_account(const std::string& user) {
  constexpr std::string_view prefix = "system:serviceaccount:";
  if (!user.starts_with(prefix)) return std::nullopt;
  auto rest = std::string_view(user).substr(prefix.size());
  auto c = rest.find(':');
  if (c == std::string_view::npos || c == 0 || c + 1 == rest.size() ||
      rest.find(':', c + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair{std::string(rest.substr(0, c)), std::string(rest.substr(c + 1))};
}

}  // namespace

core::result<user_ptr> impersonate(const http::request& req, const user_ptr& sender, const rbac_authorizer* rbac) {
  if (!req.impersonating()) return sender;
  if (req.impersonate_user.empty()) {
    return core::api_error::bad_request("requested impersonation of groups, extra or uid without impersonating a user");
  }
  auto check = [&](attributes a) -> core::result<void> {
    a.user = sender.get();
    a.verb = "impersonate";
    a.resource_request = true;
    if (!rbac) return {};
    auto d = rbac->authorize(a);
    if (d.allowed) return {};
    return forbidden(a, d.reason);
  };
  user_info u;
  const bool groups_given = !req.impersonate_groups.empty();
  if (auto sa = split_service_account(req.impersonate_user)) {
    if (auto r = check({.api_version = "v1", .resource = "serviceaccounts", .namespace_ = sa->first, .name = sa->second});
        !r) {
      return r.error();
    }
    u.name = req.impersonate_user;
    if (!groups_given) u.groups = {"system:serviceaccounts", "system:serviceaccounts:" + sa->first};
  } else {
    if (auto r = check({.api_version = "v1", .resource = "users", .name = req.impersonate_user}); !r) return r.error();
    u.name = req.impersonate_user;
  }
  for (const auto& g : req.impersonate_groups) {
    if (auto r = check({.api_version = "v1", .resource = "groups", .name = g}); !r) return r.error();
    u.groups.push_back(g);
  }
  for (const auto& [k, v] : req.impersonate_extra) {
    if (auto r = check({.api_group = "authentication.k8s.io", .api_version = "v1", .resource = "userextras",
                        .subresource = k, .name = v});
        !r) {
      return r.error();
    }
    u.extra[k].push_back(v);
  }
  if (!req.impersonate_uid.empty()) {
    if (auto r = check({.api_group = "authentication.k8s.io", .api_version = "v1", .resource = "uids",
                        .name = req.impersonate_uid});
        !r) {
      return r.error();
    }
    u.uid = req.impersonate_uid;
  }
  if (u.name == "system:anonymous") {
    if (!u.in_group(groups::unauthenticated)) u.groups.emplace_back(groups::unauthenticated);
  } else {
    u = with_authenticated(std::move(u));
  }
  return std::make_shared<const user_info>(std::move(u));
}

}  // namespace ktk::apiserver::auth
