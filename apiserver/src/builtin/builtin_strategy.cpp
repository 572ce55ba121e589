// builtin_strategy: the shared strategy of each built-in resource.
#include <map>

#include "strategies.hpp"

namespace ktk::apiserver {
namespace {

using detail::plain_strategy;
using strategy_map = std::map<core::group_resource, strategy_ptr>;

strategy_ptr plain(name_rule names, std::vector<std::string> generation_fields = {}) {
  return std::make_shared<plain_strategy>(names, std::move(generation_fields));
}

strategy_map make_strategies() {
  using namespace detail;
  strategy_map m;
  m[{"", "pods"}] = make_pod_strategy();
  m[{"", "namespaces"}] = make_namespace_strategy();
  m[{"", "services"}] = make_service_strategy();
  m[{"", "configmaps"}] = make_configmap_strategy();
  m[{"", "secrets"}] = make_secret_strategy();
  m[{"", "serviceaccounts"}] = make_serviceaccount_strategy();
  m[{"", "endpoints"}] = make_endpoints_strategy();
  m[{"", "events"}] = make_event_strategy();
  m[{"events.k8s.io", "events"}] = make_events_api_event_strategy();
  m[{"", "nodes"}] = make_node_strategy();
  m[{"", "persistentvolumeclaims"}] = make_pvc_strategy();
  m[{"", "replicationcontrollers"}] = plain(name_rule::dns1123_subdomain, {"spec"});
  m[{"apps", "deployments"}] = make_deployment_strategy();
  m[{"apps", "replicasets"}] = make_replicaset_strategy();
  m[{"apps", "statefulsets"}] = make_statefulset_strategy();
  m[{"apps", "daemonsets"}] = make_daemonset_strategy();
  m[{"batch", "jobs"}] = make_job_strategy();
  m[{"batch", "cronjobs"}] = make_cronjob_strategy();
  m[{"coordination.k8s.io", "leases"}] = make_lease_strategy();
  m[{"admissionregistration.k8s.io", "mutatingwebhookconfigurations"}] = make_webhook_configuration_strategy(true);
  m[{"admissionregistration.k8s.io", "validatingwebhookconfigurations"}] = make_webhook_configuration_strategy(false);
  m[{"apiextensions.k8s.io", "customresourcedefinitions"}] = plain(name_rule::dns1123_subdomain, {"spec"});
  for (const char* r : {"ingresses", "networkpolicies"})
    m[{"networking.k8s.io", r}] = plain(name_rule::dns1123_subdomain, {"spec"});
  m[{"policy", "poddisruptionbudgets"}] = plain(name_rule::dns1123_subdomain, {"spec"});
  m[{"rbac.authorization.k8s.io", "roles"}] = make_role_strategy(false);
  m[{"rbac.authorization.k8s.io", "clusterroles"}] = make_role_strategy(true);
  m[{"rbac.authorization.k8s.io", "rolebindings"}] = make_role_binding_strategy(false);
  m[{"rbac.authorization.k8s.io", "clusterrolebindings"}] = make_role_binding_strategy(true);
  return m;
}

}  // namespace

strategy_ptr builtin_strategy(const core::group_resource& gr) {
  static const strategy_map strategies = make_strategies();
  static const strategy_ptr fallback = plain(name_rule::dns1123_subdomain);
  auto it = strategies.find(gr);
  return it == strategies.end() ? fallback : it->second;
}

}  // namespace ktk::apiserver
