// Pods (pkg/registry/core/pod/strategy.go, SetDefaults_Pod, ValidatePod/ValidatePodUpdate),
// plus what the admission plugins every cluster runs would add on create:
// ServiceAccount (serviceAccountName "default"), Priority (priority 0,
// PreemptLowerPriority) and DefaultTolerationSeconds (not-ready / unreachable, 300s).
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "checks.hpp"
#include "pod_spec.hpp"
#include "strategies.hpp"

namespace ktk::apiserver::detail {
namespace {

const std::string pod_update_message =
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

bool tolerates(const json& tolerations, const std::string& key) {
  for (const auto& t : tolerations) {
    std::string k = get_string(t, "key"), effect = get_string(t, "effect");
    if ((k == key || k.empty()) && (effect == "NoExecute" || effect.empty())) return true;
  }
  return false;
}

void add_default_tolerations(json& spec) {
  json& tols = spec["tolerations"];
  if (!tols.is_array()) tols = json::array();
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    if (tolerates(tols, key)) continue;
    tols.push_back({{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}, {"tolerationSeconds", 300}});
  }
}

// The IP family of an address as netutils.ParseIPSloppy reads it (IPv4 octets may have
// leading zeros; an IPv4-mapped IPv6 address counts as IPv4); 0 when it is none.
int status_ip_family(const std::string& s) {
  if (s.find(':') == std::string::npos) {
    int octets = 0;
    std::size_t i = 0;
    while (i <= s.size()) {
      std::size_t start = i;
      unsigned v = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && v <= 255) v = v * 10 + (s[i++] - '0');
      if (i == start || v > 255) return 0;
      ++octets;
      if (i == s.size()) break;
      if (s[i] != '.' || octets == 4) return 0;
      ++i;
    }
    return octets == 4 ? 4 : 0;
  }
  unsigned char b[16];
  if (inet_pton(AF_INET6, s.c_str(), b) != 1) return 0;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(mapped, mapped + 12, b) ? 4 : 6;
}

// What the v1 → internal → v1 conversion of a PodStatus does to its addresses: a
// podIP / hostIP that is set is authoritative (the list becomes that one address when
// it is empty or starts with another), and podIP is written back as podIPs[0].
void convert_status_ips(json& status) {
  for (const char* single : {"podIP", "hostIP"}) {
    const std::string list = std::string(single) + "s";
    const std::string ip = get_string(status, single);
    const json& ips = member(status, list);
    const bool empty = !ips.is_array() || ips.empty();
    if (!ip.empty() && (empty || get_string(ips[0], "ip") != ip)) status[list] = json::array({{{"ip", ip}}});
  }
  const json& pod_ips = member(status, "podIPs");
  if (pod_ips.is_array() && !pod_ips.empty()) status["podIP"] = get_string(pod_ips[0], "ip");
}

// Go's %#v of a PodIP / HostIP and of a list of them, as field errors print values.
std::string go_ip_struct(const std::string& go_type, const std::string& ip) {
  return go_type + "{IP:" + core::quote(ip) + "}";
}

// validatePodIPs / validateHostIPs: each address valid, and more than one only as a
// dual-stack pair without duplicates. `list` is "podIPs" or "hostIPs".
void status_ip_checks(const json& status, const std::string& list, const std::string& go_type, field_errors& errs) {
  const json& ips = member(status, list);
  if (!ips.is_array() || ips.empty()) return;
  const std::string path = "status." + list;
  if (list == "hostIPs" && get_string(ips[0], "ip") != get_string(status, "hostIP")) {
    errs.push_back(field_error::invalid(path + "[0].ip", core::quote(get_string(ips[0], "ip")), "must be equal to `hostIP`"));
  }
  std::vector<std::string> addrs;
  for (std::size_t i = 0; i < ips.size(); ++i) {
    addrs.push_back(get_string(ips[i], "ip"));
    if (status_ip_family(addrs.back()) == 0) {
      errs.push_back(field_error::invalid(path + "[" + std::to_string(i) + "]", core::quote(addrs.back()),
                                          "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }
  }
  if (addrs.size() < 2) return;
  std::string all = "[]" + go_type + "{";
  for (std::size_t i = 0; i < addrs.size(); ++i) all += (i ? ", " : "") + go_ip_struct(go_type, addrs[i]);
  all += "}";
  // netutils.IsDualStackIPStrings: at least one address of each family (an unparsable
  // one makes it fail too).
  bool v4 = false, v6 = false, unparsable = false;
  for (const auto& a : addrs) {
    const int fam = status_ip_family(a);
    v4 |= fam == 4;
    v6 |= fam == 6;
    unparsable |= fam == 0;
  }
  const bool one_per_family = !unparsable && v4 && v6 && addrs.size() == 2;
  // validatePodIPs reports the families first, validateHostIPs the duplicates first.
  if (list == "podIPs" && !one_per_family) {
    errs.push_back(field_error::invalid(path, all, "may specify no more than one IP for each IP family"));
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    if (!seen.insert(addrs[i]).second) {
      errs.push_back(field_error::duplicate(path + "[" + std::to_string(i) + "]", go_ip_struct(go_type, addrs[i])));
    }
  }
  if (list == "hostIPs" && !one_per_family) {
    errs.push_back(field_error::invalid(path, all, "may specify no more than one IP for each IP family"));
  }
}

// A short line diff of the top-level PodSpec fields that differ, in place of Go's cmp.Diff.
std::string spec_diff(const json& old_spec, const json& new_spec) {
  std::string out = "  core.PodSpec{\n";
  json keys = json::object();
  if (old_spec.is_object())
    for (auto& [k, v] : old_spec.items()) keys[k] = true;
  if (new_spec.is_object())
    for (auto& [k, v] : new_spec.items()) keys[k] = true;
  for (auto& [k, unused] : keys.items()) {
    (void)unused;
    const json* a = get(old_spec, k);
    const json* b = get(new_spec, k);
    if (a && b && *a == *b) continue;
    if (!a && !b) continue;
    if (a) out += "- \t" + k + ": " + a->dump() + ",\n";
    if (b) out += "+ \t" + k + ": " + b->dump() + ",\n";
  }
  return out + "  }\n";
}

void update_checks(const json& spec, const json& old_spec, field_errors& errs) {
  const json& containers = get_array(spec, "containers");
  const json& old_containers = get_array(old_spec, "containers");
  if (containers.size() != old_containers.size()) {
    errs.push_back(field_error::forbidden("spec.containers", "pod updates may not add or remove containers"));
    return;
  }
  const json& inits = get_array(spec, "initContainers");
  const json& old_inits = get_array(old_spec, "initContainers");
  if (inits.size() != old_inits.size()) {
    errs.push_back(field_error::forbidden("spec.initContainers", "pod updates may not add or remove containers"));
    return;
  }
  auto ads = get_int(spec, "activeDeadlineSeconds");
  auto old_ads = get_int(old_spec, "activeDeadlineSeconds");
  if (ads) {
    if (*ads < 0 || *ads > 2147483647) {
      errs.push_back(field_error::invalid("spec.activeDeadlineSeconds", std::to_string(*ads),
                                          "must be between 0 and 2147483647, inclusive"));
      return;
    }
    if (old_ads && *old_ads < *ads) {
      errs.push_back(field_error::invalid("spec.activeDeadlineSeconds", std::to_string(*ads),
                                          "must be less than or equal to previous value"));
      return;
    }
  } else if (old_ads) {
    errs.push_back(field_error::invalid("spec.activeDeadlineSeconds", "null",
                                        "must not update from a positive integer to nil value"));
  }
  const json& tols = get_array(spec, "tolerations");
  for (const auto& old_t : get_array(old_spec, "tolerations")) {
    json a = old_t;
    if (a.is_object()) a.erase("tolerationSeconds");
    bool found = false;
    for (const auto& t : tols) {
      json b = t;
      if (b.is_object()) b.erase("tolerationSeconds");
      if (a == b) found = true;
    }
    if (!found) {
      errs.push_back(field_error::forbidden("spec.tolerations",
                                            "existing toleration can not be modified except its tolerationSeconds"));
      break;
    }
  }
  if (spec == old_spec) return;

  json munged = spec;
  for (const char* list : {"containers", "initContainers"}) {
    json* cs = get(munged, list);
    const json& olds = get_array(old_spec, list);
    if (!cs || !cs->is_array()) continue;
    for (std::size_t i = 0; i < cs->size() && i < olds.size(); ++i) {
      if (const json* img = get(olds[i], "image")) {
        (*cs)[i]["image"] = *img;
      } else if ((*cs)[i].is_object()) {
        (*cs)[i].erase("image");
      }
    }
  }
  for (const char* key : {"activeDeadlineSeconds", "tolerations"}) {
    if (const json* v = get(old_spec, key)) {
      munged[key] = *v;
    } else {
      munged.erase(key);
    }
  }
  auto old_grace = get_int(old_spec, "terminationGracePeriodSeconds");
  if (old_grace && *old_grace < 0 && get_int(munged, "terminationGracePeriodSeconds") == 1)
    munged["terminationGracePeriodSeconds"] = *old_grace;
  if (munged != old_spec)
    errs.push_back(field_error::forbidden("spec", pod_update_message + "\n" + spec_diff(old_spec, munged)));
}

// ValidateContainerStateTransition / ValidateInitContainerStateTransition: unless the
// Pod restarts its containers (restartPolicy Always, OnFailure after a failure, a
// sidecar init container), a terminated container stays terminated. The index is the
// old status's.
void state_transitions(const json& now, const json& before, const std::string& path, const std::string& restart_policy,
                       const json* init_containers, field_errors& errs) {
  if (restart_policy == "Always" || !before.is_array()) return;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const json* terminated = get(member(before[i], "state"), "terminated");
    if (!terminated) continue;
    if (get_int(*terminated, "exitCode").value_or(0) != 0 && restart_policy == "OnFailure") continue;
    const std::string name = get_string(before[i], "name");
    bool sidecar = false;
    if (init_containers && init_containers->is_array()) {
      for (const auto& c : *init_containers) {
        if (get_string(c, "name") != name) continue;
        sidecar = get_string(c, "restartPolicy") == "Always";
        break;
      }
    }
    if (sidecar || !now.is_array()) continue;
    for (const auto& n : now) {
      if (get_string(n, "name") == name && !get(member(n, "state"), "terminated")) {
        errs.push_back(field_error::forbidden(path + "[" + std::to_string(i) + "].state",
                                              "may not be transitioned to non-terminated state"));
      }
    }
  }
}

class pod_strategy final : public strategy {
 public:
  void prepare_for_create(object& obj) const override {
    json& spec = ensure_object(obj.data(), "spec");
    if (get_string(spec, "serviceAccountName").empty() && get_string(spec, "serviceAccount").empty())
      spec["serviceAccountName"] = "default";
    if (!get(spec, "priority") && get_string(spec, "priorityClassName").empty()) spec["priority"] = 0;
    set_default(spec, "preemptionPolicy", "PreemptLowerPriority");
    add_default_tolerations(spec);
    if (auto grace = get_int(spec, "terminationGracePeriodSeconds"); grace && *grace < 0)
      spec["terminationGracePeriodSeconds"] = 1;
    obj.data()["status"] = json{{"phase", "Pending"}, {"qosClass", pod_qos_class(spec)}};
  }

  void prepare_for_update(object& obj, const object& old) const override {
    json& data = obj.data();
    if (const json* status = get(old.data(), "status")) {
      data["status"] = *status;
    } else {
      data.erase("status");
    }
    const json* old_spec = get(old.data(), "spec");
    json* spec = get(data, "spec");
    if (old_spec && spec && spec->is_object()) {
      for (const char* key : {"priority", "preemptionPolicy"})
        if (!get(*spec, key))
          if (const json* v = get(*old_spec, key)) (*spec)[key] = *v;
    }
  }

  void apply_defaults(object& obj) const override {
    json& spec = ensure_object(obj.data(), "spec");
    default_pod_spec(spec);
    set_default(spec, "enableServiceLinks", true);
    // Requests default to limits on Pods only (not on templates).
    for (const char* list : {"initContainers", "containers"}) {
      json* cs = get(spec, list);
      if (!cs || !cs->is_array()) continue;
      for (auto& c : *cs) {
        json* res = get(c, "resources");
        const json* limits = res ? get(*res, "limits") : nullptr;
        if (!limits || !limits->is_object() || limits->empty()) continue;
        json& requests = ensure_object(*res, "requests");
        for (auto& [k, v] : limits->items()) set_default(requests, k, v);
      }
    }
  }

  field_errors validate_create(const object& obj) const override {
    static const json empty = json::object();
    const json* spec = get(obj.data(), "spec");
    field_errors errs = validate_pod_spec(spec ? *spec : empty, "spec");
    if (spec) {
      const json& cs = get_array(*spec, "containers");
      for (std::size_t i = 0; i < cs.size(); ++i) {
        std::string image = get_string(cs[i], "image");
        if (!image.empty() && (std::isspace(static_cast<unsigned char>(image.front())) ||
                               std::isspace(static_cast<unsigned char>(image.back()))))
          errs.push_back(field_error::invalid("spec.containers[" + std::to_string(i) + "].image",
                                              core::quote(image), "must not have leading or trailing whitespace"));
      }
    }
    return errs;
  }

  // podStatusStrategy.PrepareForUpdate: the QoS class is set on create and a status
  // write that leaves it out keeps it (old kubelets dropped it).
  void prepare_for_status_update(object& obj, const object& old) const override {
    json& status = obj.data()["status"];
    if (!status.is_object()) status = json::object();
    convert_status_ips(status);
    if (get_string(status, "qosClass").empty()) {
      if (const json* q = get(member(old.data(), "status"), "qosClass")) status["qosClass"] = *q;
    }
  }

  // ValidatePodStatusUpdate (the metadata and the spec cannot differ here: a status
  // write keeps the stored ones).
  field_errors validate_status_update(const object& obj, const object& old) const override {
    field_errors errs;
    const json& st = member(obj.data(), "status");
    const json& old_st = member(old.data(), "status");
    // Custom condition types are qualified names; kube reports them under
    // metadata.conditions[i].Type, as its field path is built.
    const json& conditions = member(st, "conditions");
    if (conditions.is_array()) {
      for (std::size_t i = 0; i < conditions.size(); ++i) {
        const std::string type = get_string(conditions[i], "type");
        if (type == "PodScheduled" || type == "Ready" || type == "Initialized") continue;
        for (auto& m : qualified_name(type)) {
          errs.push_back(field_error::invalid("metadata.conditions[" + std::to_string(i) + "].Type", core::quote(type), m));
        }
      }
    }
    const std::string nominated = get_string(st, "nominatedNodeName");
    if (!nominated.empty() && nominated != get_string(old_st, "nominatedNodeName")) {
      for (auto& m : dns1123_subdomain(nominated)) {
        errs.push_back(field_error::invalid("status.nominatedNodeName", core::quote(nominated), m));
      }
    }
    const std::string qos = get_string(st, "qosClass");
    if (qos != get_string(old_st, "qosClass")) {
      errs.push_back(field_error::invalid("status.qosClass", core::quote(qos), "field is immutable"));
    }
    const json& old_spec = member(old.data(), "spec");
    const std::string restart = get_string(old_spec, "restartPolicy");
    state_transitions(member(st, "containerStatuses"), member(old_st, "containerStatuses"), "status.containerStatuses",
                      restart, nullptr, errs);
    state_transitions(member(st, "initContainerStatuses"), member(old_st, "initContainerStatuses"),
                      "status.initContainerStatuses", restart, get(old_spec, "initContainers"), errs);
    // The kubelet never restarts ephemeral containers: as if restartPolicy were Never.
    state_transitions(member(st, "ephemeralContainerStatuses"), member(old_st, "ephemeralContainerStatuses"),
                      "status.ephemeralContainerStatuses", "Never", nullptr, errs);
    status_ip_checks(st, "podIPs", "core.PodIP", errs);
    status_ip_checks(st, "hostIPs", "core.HostIP", errs);
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    static const json empty = json::object();
    const json* spec = get(obj.data(), "spec");
    const json* old_spec = get(old.data(), "spec");
    update_checks(spec ? *spec : empty, old_spec ? *old_spec : empty, errs);
    return errs;
  }
};

}  // namespace

strategy_ptr make_pod_strategy() { return std::make_shared<pod_strategy>(); }

}  // namespace ktk::apiserver::detail
