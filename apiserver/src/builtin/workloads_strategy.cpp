// apps/v1 Deployments, ReplicaSets, StatefulSets and DaemonSets: pkg/apis/apps/v1/defaults.go,
// pkg/apis/apps/validation, pkg/registry/apps/*/strategy.go.
#include <cctype>

#include "pod_spec.hpp"
#include "strategies.hpp"
#include "workload_common.hpp"

namespace ktk::apiserver::detail {
namespace {

json& mutable_spec(object& obj) { return ensure_object(obj.data(), "spec"); }

// Checks every apps kind shares: replicas, selector, template, history and ready limits.
field_errors validate_apps_spec(const json& spec, const std::string& kind_word, const std::string& kind_name) {
  field_errors errs;
  check_non_negative(errs, spec, "replicas", "spec.replicas");
  validate_selector_and_template_labels(errs, spec, "spec", kind_word);
  validate_always_template(errs, spec, kind_name);
  check_non_negative(errs, spec, "minReadySeconds", "spec.minReadySeconds");
  check_non_negative(errs, spec, "revisionHistoryLimit", "spec.revisionHistoryLimit");
  return errs;
}

// The counts of a ReplicaSet's or a Deployment's status: none negative (in the order
// `counts` names them), and none of those in `at_most_replicas` above status.replicas,
// nor availableReplicas above readyReplicas (ValidateReplicaSetStatus,
// ValidateDeploymentStatus).
field_errors validate_replica_counts(const json& st, std::initializer_list<const char*> counts,
                                     std::initializer_list<const char*> at_most_replicas) {
  field_errors errs;
  for (const char* c : counts) check_non_negative(errs, st, c, std::string("status.") + c);
  auto count = [&](const char* key) { return get_int(st, key).value_or(0); };
  const long long replicas = count("replicas");
  for (const char* c : at_most_replicas) {
    if (count(c) > replicas) {
      errs.push_back(field_error::invalid(std::string("status.") + c, std::to_string(count(c)),
                                          "cannot be greater than status.replicas"));
    }
  }
  if (count("availableReplicas") > count("readyReplicas")) {
    errs.push_back(field_error::invalid("status.availableReplicas", std::to_string(count("availableReplicas")),
                                        "cannot be greater than readyReplicas"));
  }
  return errs;
}

void validate_rolling_update(field_errors& errs, const json& ru, const std::string& path) {
  const json* max_unavailable = get(ru, "maxUnavailable");
  const json* max_surge = get(ru, "maxSurge");
  validate_int_or_percent(errs, max_unavailable, path + ".maxUnavailable");
  validate_int_or_percent(errs, max_surge, path + ".maxSurge");
  if (int_or_percent_value(max_unavailable) == 0 && int_or_percent_value(max_surge) == 0)
    errs.push_back(invalid_rendered(path + ".maxUnavailable",
                                    max_unavailable ? go_int_or_string(*max_unavailable) : "null",
                                    "may not be 0 when `maxSurge` is 0"));
  if (max_unavailable && max_unavailable->is_string() && max_unavailable->get<std::string>().ends_with('%') &&
      int_or_percent_value(max_unavailable) > 100)
    errs.push_back(invalid_rendered(path + ".maxUnavailable", go_int_or_string(*max_unavailable),
                                    "must not be greater than 100%"));
}

class deployment_strategy final : public workload_strategy {
 public:
  void apply_defaults(object& obj) const override {
    json& spec = mutable_spec(obj);
    set_default(spec, "replicas", 1);
    json& st = ensure_object(spec, "strategy");
    set_default(st, "type", "RollingUpdate");
    if (st["type"] == "RollingUpdate") {
      json& ru = ensure_object(st, "rollingUpdate");
      set_default(ru, "maxUnavailable", "25%");
      set_default(ru, "maxSurge", "25%");
    }
    set_default(spec, "revisionHistoryLimit", 10);
    set_default(spec, "progressDeadlineSeconds", 600);
    default_pod_template(ensure_object(spec, "template"));
  }

  field_errors validate_create(const object& obj) const override {
    const json& spec = spec_of(obj);
    field_errors errs = validate_apps_spec(spec, "deployment", "ReplicaSet");
    static const json empty = json::object();
    const json* st = get(spec, "strategy");
    const json& strat = st ? *st : empty;
    std::string type = get_string(strat, "type");
    if (type != "Recreate" && type != "RollingUpdate") {
      errs.push_back(not_supported("spec.strategy.type", strat.contains("type") ? strat["type"] : json(""),
                                   {"Recreate", "RollingUpdate"}));
    } else if (type == "Recreate" && get(strat, "rollingUpdate")) {
      errs.push_back(field_error::forbidden("spec.strategy.rollingUpdate",
                                            "may not be specified when strategy `type` is 'Recreate'"));
    } else if (const json* ru = get(strat, "rollingUpdate")) {
      validate_rolling_update(errs, *ru, "spec.strategy.rollingUpdate");
    }
    if (auto pds = get_int(spec, "progressDeadlineSeconds")) {
      check_non_negative(errs, spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds");
      if (*pds <= get_int(spec, "minReadySeconds").value_or(0))
        errs.push_back(field_error::invalid("spec.progressDeadlineSeconds", std::to_string(*pds),
                                            "must be greater than minReadySeconds"));
    }
    return errs;
  }

  field_errors validate_status_update(const object& obj, const object& old) const override {
    const json& st = member(obj.data(), "status");
    field_errors errs = validate_replica_counts(
        st,
        {"observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
         "unavailableReplicas", "collisionCount"},
        {"updatedReplicas", "readyReplicas", "availableReplicas"});
    // The collision count only grows: it names the next ReplicaSet's hash.
    const auto before = get_int(member(old.data(), "status"), "collisionCount");
    const auto now = get_int(st, "collisionCount");
    if (before && (!now || *now < *before)) {
      errs.push_back(field_error::invalid("status.collisionCount", std::to_string(now.value_or(0)),
                                          "cannot be decremented"));
    }
    return errs;
  }

};

class replicaset_strategy final : public workload_strategy {
 public:
  void apply_defaults(object& obj) const override {
    json& spec = mutable_spec(obj);
    set_default(spec, "replicas", 1);
    default_pod_template(ensure_object(spec, "template"));
  }
  field_errors validate_create(const object& obj) const override {
    return validate_apps_spec(spec_of(obj), "deployment", "ReplicaSet");
  }
  field_errors validate_status_update(const object& obj, const object&) const override {
    return validate_replica_counts(
        member(obj.data(), "status"),
        {"replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"},
        {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"});
  }
};

class statefulset_strategy final : public workload_strategy {
 public:
  void apply_defaults(object& obj) const override {
    json& spec = mutable_spec(obj);
    set_default(spec, "podManagementPolicy", "OrderedReady");
    json& us = ensure_object(spec, "updateStrategy");
    set_default(us, "type", "RollingUpdate");
    if (us["type"] == "RollingUpdate") set_default(ensure_object(us, "rollingUpdate"), "partition", 0);
    set_default(spec, "replicas", 1);
    set_default(spec, "revisionHistoryLimit", 10);
    json& retention = ensure_object(spec, "persistentVolumeClaimRetentionPolicy");
    set_default(retention, "whenDeleted", "Retain");
    set_default(retention, "whenScaled", "Retain");
    if (json* vcts = get(spec, "volumeClaimTemplates"); vcts && vcts->is_array()) {
      for (auto& pvc : *vcts) {
        if (!pvc.is_object()) continue;
        set_default(pvc, "apiVersion", "v1");
        set_default(pvc, "kind", "PersistentVolumeClaim");
        set_default(ensure_object(pvc, "spec"), "volumeMode", "Filesystem");
        set_default(ensure_object(pvc, "status"), "phase", "Pending");
      }
    }
    default_pod_template(ensure_object(spec, "template"));
  }

  field_errors validate_create(const object& obj) const override {
    const json& spec = spec_of(obj);
    field_errors errs = validate_apps_spec(spec, "statefulset", "StatefulSet");
    if (const json* pmp = get(spec, "podManagementPolicy"); pmp && *pmp != "OrderedReady" && *pmp != "Parallel")
      errs.push_back(not_supported("spec.podManagementPolicy", *pmp, {"OrderedReady", "Parallel"}));
    static const json empty = json::object();
    const json* us = get(spec, "updateStrategy");
    const json& strat = us ? *us : empty;
    const json* type = get(strat, "type");
    if (type && *type != "OnDelete" && *type != "RollingUpdate") {
      errs.push_back(not_supported("spec.updateStrategy.type", *type, {"OnDelete", "RollingUpdate"}));
    } else if (type && *type == "OnDelete" && get(strat, "rollingUpdate")) {
      errs.push_back(invalid_rendered("spec.updateStrategy.rollingUpdate", get(strat, "rollingUpdate")->dump(),
                                      "only allowed for updateStrategy 'RollingUpdate'"));
    } else if (const json* ru = get(strat, "rollingUpdate")) {
      check_non_negative(errs, *ru, "partition", "spec.updateStrategy.rollingUpdate.partition");
    }
    if (const json* pol = get(spec, "persistentVolumeClaimRetentionPolicy")) {
      for (const char* key : {"whenDeleted", "whenScaled"}) {
        const json* v = get(*pol, key);
        if (v && *v != "Retain" && *v != "Delete")
          errs.push_back(not_supported(std::string("spec.persistentVolumeClaimRetentionPolicy.") + key, *v,
                                       {"Retain", "Delete"}));
      }
    }
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    json a = spec_of(obj), b = spec_of(old);
    for (const char* key : {"replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                            "persistentVolumeClaimRetentionPolicy", "minReadySeconds"}) {
      a.erase(key);
      b.erase(key);
    }
    if (normalized(a) != normalized(b))
      errs.push_back(field_error::forbidden(
          "spec",
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
          "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    return errs;
  }
};

class daemonset_strategy final : public workload_strategy {
 public:
  void apply_defaults(object& obj) const override {
    json& spec = mutable_spec(obj);
    json& us = ensure_object(spec, "updateStrategy");
    set_default(us, "type", "RollingUpdate");
    if (us["type"] == "RollingUpdate") {
      json& ru = ensure_object(us, "rollingUpdate");
      set_default(ru, "maxUnavailable", 1);
      set_default(ru, "maxSurge", 0);
    }
    set_default(spec, "revisionHistoryLimit", 10);
    default_pod_template(ensure_object(spec, "template"));
  }

  field_errors validate_create(const object& obj) const override {
    const json& spec = spec_of(obj);
    field_errors errs;
    validate_selector_and_template_labels(errs, spec, "spec", "daemonset");
    validate_always_template(errs, spec, "DaemonSet");
    check_non_negative(errs, spec, "minReadySeconds", "spec.minReadySeconds");
    check_non_negative(errs, spec, "revisionHistoryLimit", "spec.revisionHistoryLimit");
    static const json empty = json::object();
    const json* us = get(spec, "updateStrategy");
    const json& strat = us ? *us : empty;
    const json* type = get(strat, "type");
    if (type && *type != "OnDelete" && *type != "RollingUpdate") {
      errs.push_back(not_supported("spec.updateStrategy.type", *type, {"OnDelete", "RollingUpdate"}));
    } else if (type && *type == "RollingUpdate") {
      if (const json* ru = get(strat, "rollingUpdate"))
        validate_rolling_update(errs, *ru, "spec.updateStrategy.rollingUpdate");
    }
    return errs;
  }

};

}  // namespace

strategy_ptr make_deployment_strategy() { return std::make_shared<deployment_strategy>(); }
strategy_ptr make_replicaset_strategy() { return std::make_shared<replicaset_strategy>(); }
strategy_ptr make_statefulset_strategy() { return std::make_shared<statefulset_strategy>(); }
strategy_ptr make_daemonset_strategy() { return std::make_shared<daemonset_strategy>(); }

}  // namespace ktk::apiserver::detail
