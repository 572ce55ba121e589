// auth/rbac_authorizer.hpp — private: kube's RBAC authorizer over the registry's
// Roles, ClusterRoles, RoleBindings and ClusterRoleBindings.
//
// The four resources are read into a snapshot that is kept until one of them is
// written (their revisions move), so a request costs four revision loads and a walk of
// the bindings that name its user. Members of system:masters are allowed before RBAC
// is asked, as kube-apiserver's privileged-group authorizer does. A ClusterRole with an
// aggregationRule grants its own rules plus those of every ClusterRole its selectors
// match (transitively) — what kube-controller-manager's aggregation controller would
// have written into it; ktk runs no controller-manager, so `kubectl get` shows the
// stored rules only.
//
// Thread-safety: authorize and rules_for may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/attributes.hpp"
#include "ktk/apiserver/registry.hpp"

namespace ktk::apiserver::auth {

struct policy_rule {
  std::vector<std::string> verbs{};
  std::vector<std::string> api_groups{};
  std::vector<std::string> resources{};
  std::vector<std::string> resource_names{};
  std::vector<std::string> non_resource_urls{};
};

bool rule_allows(const attributes& a, const policy_rule& r);

// The rules of a Role or ClusterRole object (its "rules" array).
std::vector<policy_rule> policy_rules_of(const core::json& role);

struct decision {
  bool allowed = false;
  // Allowed: which binding allowed it ("RBAC: allowed by ClusterRoleBinding ...").
  // Denied: the errors met on the way ("RBAC: clusterrole... \"x\" not found"), or "".
  std::string reason{};
};

// What a SelfSubjectRulesReview answers.
struct rules_result {
  std::vector<policy_rule> resource_rules{};
  std::vector<policy_rule> non_resource_rules{};
  std::string evaluation_error{};
};

class rbac_authorizer {
 public:
  explicit rbac_authorizer(registry& reg);
  ~rbac_authorizer();

  decision authorize(const attributes& a) const;
  // The rules that apply to `user` in `namespace_` (cluster-wide ones included).
  rules_result rules_for(const user_info& user, const std::string& namespace_) const;
  // What a binding's roleRef grants: a ClusterRole's effective (aggregated) rules, or
  // the Role `name` in `namespace_`; null with kube's not-found text in `error`.
  std::shared_ptr<const std::vector<policy_rule>> role_rules(const std::string& kind, const std::string& namespace_,
                                                             const std::string& name, std::string& error) const;

  struct snapshot;

 private:
  std::shared_ptr<const snapshot> current() const;

  registry& reg_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const snapshot> snap_;  // guarded by mu_
};

}  // namespace ktk::apiserver::auth
