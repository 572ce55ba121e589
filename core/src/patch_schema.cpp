// The merge-key table of the built-in kinds, from the Go struct tags of k8s.io/api
// (patchStrategy / patchMergeKey for strategic merge; +listType / +listMapKey /
// +structType=atomic for server-side apply). Fields not listed here behave as
// untagged Go fields: maps merge, lists are replaced (SMP) or atomic (apply).
#include "detail/patch_schema.hpp"

#include <array>
#include <sstream>

namespace ktk::core::detail {
namespace {

field_spec sub(std::string type) { return {.type = std::move(type)}; }

// patchStrategy=merge, patchMergeKey=key; listType=map, listMapKey=key.
field_spec keyed(std::string key, std::string type = {}) {
  field_spec f{.type = std::move(type), .smp_merge = true, .smp_key = key, .ssa = list_type::map};
  f.ssa_keys = {{std::move(key), json()}};
  return f;
}

// Ports and friends: one SMP merge key, several SSA keys (protocol defaults to TCP).
field_spec keyed_with_protocol(std::string key) {
  field_spec f = keyed(key);
  f.ssa_keys.emplace_back("protocol", "TCP");
  return f;
}

// patchStrategy=merge on a list of strings; listType=set.
field_spec merge_set() { return {.smp_merge = true, .ssa = list_type::set}; }

// SMP merges by key but structured-merge-diff treats the list as atomic.
field_spec smp_keyed_atomic(std::string key) {
  return {.smp_merge = true, .smp_key = std::move(key), .ssa = list_type::atomic};
}

field_spec atomic_map() { return {.atomic = true}; }

struct table {
  std::map<std::string, type_spec, std::less<>> types;
  std::map<std::pair<std::string, std::string>, std::string> kinds;  // (group, kind) → root type

  table() {
    types["ObjectMeta"] = {
        {"finalizers", merge_set()},
        {"ownerReferences", [] { auto f = keyed("uid"); f.elem_atomic = true; return f; }()},
    };
    types["Object"] = {{"metadata", sub("ObjectMeta")}};
    types["PodTemplateSpec"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("PodSpec")}};
    types["ResourceRequirements"] = {{"claims", keyed("name")}};
    types["Container"] = {
        {"ports", keyed_with_protocol("containerPort")},
        {"env", keyed("name")},
        {"volumeMounts", keyed("mountPath")},
        {"volumeDevices", keyed("devicePath")},
        {"resources", sub("ResourceRequirements")},
    };
    types["PodSpec"] = {
        {"volumes", keyed("name")},
        {"initContainers", keyed("name", "Container")},
        {"containers", keyed("name", "Container")},
        {"ephemeralContainers", keyed("name", "Container")},
        {"imagePullSecrets", [] { auto f = keyed("name"); f.elem_atomic = true; return f; }()},
        {"hostAliases", keyed("ip")},
        {"topologySpreadConstraints",
         [] {
           auto f = keyed("topologyKey");
           f.ssa_keys.emplace_back("whenUnsatisfiable", json());
           return f;
         }()},
        {"schedulingGates", keyed("name")},
        {"resourceClaims", keyed("name")},
        {"nodeSelector", atomic_map()},
    };
    types["PodStatus"] = {
        {"conditions", keyed("type")},
        {"hostIPs", smp_keyed_atomic("ip")},
        {"podIPs", keyed("ip")},
        {"resourceClaimStatuses", keyed("name")},
    };
    types["Conditions"] = {{"conditions", keyed("type")}};
    types["Pod"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("PodSpec")}, {"status", sub("PodStatus")}};
    types["PodTemplate"] = {{"metadata", sub("ObjectMeta")}, {"template", sub("PodTemplateSpec")}};

    // Workloads: a label selector (atomic struct) and a pod template.
    types["WorkloadSpec"] = {{"selector", atomic_map()}, {"template", sub("PodTemplateSpec")}};
    types["Workload"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("WorkloadSpec")}, {"status", sub("Conditions")}};
    types["ReplicationControllerSpec"] = {{"selector", atomic_map()}, {"template", sub("PodTemplateSpec")}};
    types["ReplicationController"] = {{"metadata", sub("ObjectMeta")},
                                      {"spec", sub("ReplicationControllerSpec")},
                                      {"status", sub("Conditions")}};
    types["JobStatus"] = {{"conditions", smp_keyed_atomic("type")}};
    types["Job"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("WorkloadSpec")}, {"status", sub("JobStatus")}};
    types["JobTemplateSpec"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("WorkloadSpec")}};
    types["CronJobSpec"] = {{"jobTemplate", sub("JobTemplateSpec")}};
    types["CronJob"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("CronJobSpec")}};

    types["ServiceSpec"] = {{"ports", keyed_with_protocol("port")}, {"selector", atomic_map()}};
    types["Service"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("ServiceSpec")}, {"status", sub("Conditions")}};
    types["NodeSpec"] = {{"podCIDRs", merge_set()}};
    types["NodeStatus"] = {{"conditions", keyed("type")}, {"addresses", keyed("type")}};
    types["Node"] = {{"metadata", sub("ObjectMeta")}, {"spec", sub("NodeSpec")}, {"status", sub("NodeStatus")}};
    types["WithConditions"] = {{"metadata", sub("ObjectMeta")}, {"status", sub("Conditions")}};
    types["ServiceAccount"] = {{"metadata", sub("ObjectMeta")}, {"secrets", keyed("name")}};
    types["PodDisruptionBudgetSpec"] = {{"selector", [] { auto f = atomic_map(); f.smp_replace = true; return f; }()}};
    types["PodDisruptionBudget"] = {{"metadata", sub("ObjectMeta")},
                                    {"spec", sub("PodDisruptionBudgetSpec")},
                                    {"status", sub("Conditions")}};

    kinds[{"", "Pod"}] = "Pod";
    kinds[{"", "PodTemplate"}] = "PodTemplate";
    kinds[{"", "ReplicationController"}] = "ReplicationController";
    kinds[{"", "Service"}] = "Service";
    kinds[{"", "Node"}] = "Node";
    kinds[{"", "Namespace"}] = "WithConditions";
    kinds[{"", "PersistentVolumeClaim"}] = "WithConditions";
    kinds[{"", "ServiceAccount"}] = "ServiceAccount";
    for (const char* k : {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}) kinds[{"apps", k}] = "Workload";
    kinds[{"batch", "Job"}] = "Job";
    kinds[{"batch", "CronJob"}] = "CronJob";
    kinds[{"policy", "PodDisruptionBudget"}] = "PodDisruptionBudget";
    // Webhooks merge by name; their rules and admissionReviewVersions are atomic lists.
    for (const std::string k : {"MutatingWebhook", "ValidatingWebhook"}) {
      types[k] = {{"matchConditions", keyed("name")}};
      types[k + "Configuration"] = {{"metadata", sub("ObjectMeta")}, {"webhooks", keyed("name", k)}};
      kinds[{"admissionregistration.k8s.io", k + "Configuration"}] = k + "Configuration";
    }
    // RBAC: rules and subjects carry no patch strategy (replaced whole); roleRef is
    // +structType=atomic, so server-side apply owns it as one value.
    types["RoleBinding"] = {{"metadata", sub("ObjectMeta")}, {"roleRef", atomic_map()}};
    for (const char* k : {"RoleBinding", "ClusterRoleBinding"}) kinds[{"rbac.authorization.k8s.io", k}] = "RoleBinding";
    for (auto& [name, fields] : types) {
      for (auto& [field, spec] : fields) spec.resolved = type(spec.type);
    }
  }

  const type_spec* type(std::string_view name) const {
    if (name.empty()) return nullptr;
    auto it = types.find(name);
    return it == types.end() ? nullptr : &it->second;
  }
};

const table& the_table() {
  static const table t;
  return t;
}

}  // namespace

shape shape::root(const group_kind& gk, const json* openapi) {
  const table& t = the_table();
  shape s;
  auto it = t.kinds.find({gk.group, gk.kind});
  s.type_ = t.type(it == t.kinds.end() ? "Object" : it->second);
  if (openapi != nullptr && openapi->is_object()) s.oa_ = openapi;
  return s;
}

shape shape::from_openapi(const json* s) {
  shape out;
  if (s == nullptr || !s->is_object()) return out;
  out.oa_ = s;
  if (auto it = s->find("x-kubernetes-list-type"); it != s->end() && it->is_string()) {
    const auto& lt = it->get_ref<const std::string&>();
    if (lt == "set") out.ssa_ = list_type::set;
    if (lt == "map") {
      out.ssa_ = list_type::map;
      const json* item_props = nullptr;
      if (auto items = s->find("items"); items != s->end() && items->contains("properties")) {
        item_props = &(*items)["properties"];
      }
      if (auto keys = s->find("x-kubernetes-list-map-keys"); keys != s->end() && keys->is_array()) {
        for (const auto& k : *keys) {
          if (!k.is_string()) continue;
          json def;
          if (item_props != nullptr && item_props->contains(k.get<std::string>())) {
            def = (*item_props)[k.get<std::string>()].value("default", json());
          }
          out.oa_keys_.emplace_back(k.get<std::string>(), def);
        }
      }
    }
  }
  if (auto it = s->find("x-kubernetes-map-type"); it != s->end() && *it == "atomic") out.atomic_ = true;
  return out;
}

shape shape::field(std::string_view name) const {
  if (type_ != nullptr) {
    if (auto it = type_->find(name); it != type_->end()) {
      const field_spec& f = it->second;
      shape s;
      s.type_ = f.resolved;
      s.spec_ = &f;
      s.ssa_ = f.ssa;
      s.atomic_ = f.atomic;
      s.elem_atomic_ = f.elem_atomic;
      return s;
    }
  }
  if (oa_ != nullptr) {
    if (auto props = oa_->find("properties"); props != oa_->end() && props->is_object()) {
      if (auto p = props->find(std::string(name)); p != props->end()) return from_openapi(&*p);
    }
    if (auto ap = oa_->find("additionalProperties"); ap != oa_->end() && ap->is_object()) {
      return from_openapi(&*ap);
    }
  }
  return {};
}

shape shape::elem() const {
  if (oa_ != nullptr) {
    if (auto items = oa_->find("items"); items != oa_->end()) return from_openapi(&*items);
    return {};
  }
  shape s;
  s.type_ = type_;
  s.atomic_ = elem_atomic_;
  return s;
}

const std::string& shape::smp_key() const {
  static const std::string none;
  return spec_ != nullptr ? spec_->smp_key : none;
}

bool is_builtin_group(std::string_view group) {
  static constexpr std::array<std::string_view, 22> groups = {
      "",
      "apps",
      "batch",
      "autoscaling",
      "policy",
      "extensions",
      "networking.k8s.io",
      "rbac.authorization.k8s.io",
      "coordination.k8s.io",
      "storage.k8s.io",
      "scheduling.k8s.io",
      "apiextensions.k8s.io",
      "apiregistration.k8s.io",
      "events.k8s.io",
      "discovery.k8s.io",
      "admissionregistration.k8s.io",
      "certificates.k8s.io",
      "node.k8s.io",
      "flowcontrol.apiserver.k8s.io",
      "resource.k8s.io",
      "authentication.k8s.io",
      "authorization.k8s.io",
  };
  for (auto g : groups) {
    if (g == group) return true;
  }
  return false;
}

std::string go_format(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "<nil>";
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::object: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out += ' ';
        first = false;
        out += k + ":" + go_format(e);
      }
      return out + "]";
    }
    case json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_format(v[i]);
      return out + "]";
    }
    default: return v.dump();
  }
}

}  // namespace ktk::core::detail
