// Internal: constructors of the built-in kinds' strategies, looked up by builtin_strategy.
#pragma once

#include <string>
#include <vector>

#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver::detail {

strategy_ptr make_pod_strategy();
strategy_ptr make_deployment_strategy();
strategy_ptr make_replicaset_strategy();
strategy_ptr make_statefulset_strategy();
strategy_ptr make_daemonset_strategy();
strategy_ptr make_job_strategy();
strategy_ptr make_cronjob_strategy();
strategy_ptr make_namespace_strategy();
strategy_ptr make_service_strategy();
strategy_ptr make_configmap_strategy();
strategy_ptr make_secret_strategy();
strategy_ptr make_serviceaccount_strategy();
strategy_ptr make_endpoints_strategy();
strategy_ptr make_event_strategy();             // core/v1 Events
strategy_ptr make_events_api_event_strategy();  // events.k8s.io/v1 Events
strategy_ptr make_node_strategy();
strategy_ptr make_pvc_strategy();
strategy_ptr make_lease_strategy();
// Mutating (true) or Validating (false) WebhookConfiguration: defaults and validation
// as kube-apiserver's admissionregistration/v1 (admission_strategy.cpp).
strategy_ptr make_webhook_configuration_strategy(bool mutating);
// Role / ClusterRole (cluster) and RoleBinding / ClusterRoleBinding (cluster): v1
// defaults and pkg/apis/rbac/validation (rbac_strategy.cpp).
strategy_ptr make_role_strategy(bool cluster);
strategy_ptr make_role_binding_strategy(bool cluster);

// robfig/cron's standard parser, as CronJob validation uses it: "" when `schedule` is a
// valid 5-field or @descriptor schedule, else the parser's error message.
std::string cron_schedule_error(const std::string& schedule);

// A strategy with a fixed name rule and generation fields, and nothing kind-specific.
class plain_strategy : public strategy {
 public:
  plain_strategy(name_rule names, std::vector<std::string> generation_fields)
      : names_(names), generation_fields_(std::move(generation_fields)) {}
  name_rule names() const override { return names_; }
  std::vector<std::string> generation_fields() const override { return generation_fields_; }

 private:
  name_rule names_;
  std::vector<std::string> generation_fields_;
};

}  // namespace ktk::apiserver::detail
