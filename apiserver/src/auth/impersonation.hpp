// auth/impersonation.hpp — private: kube-apiserver's impersonation filter
// (`kubectl --as=alice --as-group=devs`).
//
// Each thing asked for (the user or service account, every group, every extra value,
// the uid) must be allowed to the sender as verb "impersonate" on users, groups,
// serviceaccounts, userextras/KEY or uids; the first that is not gets kube's 403. The
// impersonated identity gets system:authenticated unless it names a system group.
#pragma once

#include "auth/rbac_authorizer.hpp"
#include "http/message.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::auth {

// The identity `req` acts as: `sender` when it asks for no impersonation.
// `rbac` null: every impersonation is allowed.
core::result<user_ptr> impersonate(const http::request& req, const user_ptr& sender, const rbac_authorizer* rbac);

}  // namespace ktk::apiserver::auth
