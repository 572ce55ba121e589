// auth/rbac_escalation.hpp — private: kube-apiserver's RBAC escalation checks.
//
// With RBAC on, a user may write a Role or ClusterRole only if they already hold every
// permission it grants (or may `escalate` on it), and a RoleBinding or
// ClusterRoleBinding only if they hold every permission of the role it names (or may
// `bind` that role). Anything else is 403 Forbidden: `roles.rbac.authorization.k8s.io
// "r" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to
// grant RBAC permissions not currently held:` and the missing rules, one per line.
// Members of system:masters are not checked; neither is an update that changes only
// ownerReferences and finalizers (the garbage collector's).
//
// Thread-safety: check may be called concurrently.
#pragma once

#include <string>
#include <vector>

#include "auth/rbac_authorizer.hpp"
#include "ktk/apiserver/registry.hpp"

namespace ktk::apiserver::auth {

// kube's Covers: the one-verb, one-resource (one-name) pieces of `servant` that no
// rule of `owner` covers; empty when the owner holds all of it.
std::vector<policy_rule> uncovered_rules(const std::vector<policy_rule>& owner, const std::vector<policy_rule>& servant);

// The missing rules as kube's message lists them: rules of one group and resource
// merged across verbs, each as {APIGroups:["apps"], Resources:["deployments"],
// Verbs:["create" "delete"]}, sorted, one per line.
std::string describe_missing(const std::vector<policy_rule>& missing);

class escalation_policy final : public write_policy {
 public:
  explicit escalation_policy(const rbac_authorizer& rbac) : rbac_(rbac) {}

  result<void> check(const gvr& r, const object& obj, const object* old, const user_info& user) const override;

 private:
  // Refuses unless `user`'s rules in `namespace_` cover `rules`.
  result<void> confirm_no_escalation(const gvr& r, const object& obj, const user_info& user,
                                     const std::vector<policy_rule>& rules) const;

  const rbac_authorizer& rbac_;
};

}  // namespace ktk::apiserver::auth
