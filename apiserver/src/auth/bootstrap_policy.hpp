// auth/bootstrap_policy.hpp — private: the default ClusterRoles and ClusterRoleBindings
// kube-apiserver's RBAC post-start hook creates, so a fresh server behaves like one.
//
// cluster-admin (bound to system:masters), system:discovery and system:basic-user
// (bound to system:authenticated), system:public-info-viewer (bound to authenticated
// and unauthenticated), and the user-facing admin / edit / view roles, which aggregate
// the system:aggregate-to-* roles by label. The aggregated rules cover the resources
// ktk serves (a subset of kube's lists).
#pragma once

#include "ktk/apiserver/registry.hpp"

namespace ktk::apiserver::auth {

// Creates each default object that is absent; leaves existing ones as they are (a user
// may have changed them). Safe to call from several servers sharing a store.
void ensure_bootstrap_policy(registry& reg);

}  // namespace ktk::apiserver::auth
