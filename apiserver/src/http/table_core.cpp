// table_core.cpp — printers for services, endpoints, configmaps, secrets, service
// accounts, namespaces, persistent volume claims and leases.
#include <set>
#include <string>
#include <vector>

#include "http/table_descriptions.hpp"
#include "http/table_printer.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

std::string age_of(const core::object& o, time_point now) {
  return since(at(o.data(), "metadata.creationTimestamp"), now);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::vector<std::string> strings(const json* arr) {
  std::vector<std::string> out;
  if (arr != nullptr && arr->is_array()) {
    for (const auto& x : *arr) out.push_back(str(&x));
  }
  return out;
}

// getServiceExternalIP, with the load-balancer list unclipped (kube-apiserver prints Wide).
std::string external_ip(const json& svc, const std::string& type) {
  const auto external = strings(at(svc, "spec.externalIPs"));
  if (type == "ClusterIP" || type == "NodePort") return external.empty() ? "<none>" : join(external, ",");
  if (type == "LoadBalancer") {
    std::set<std::string> lb;
    if (const json* ing = at(svc, "status.loadBalancer.ingress"); ing != nullptr && ing->is_array()) {
      for (const auto& i : *ing) {
        if (!str(at(i, "ip")).empty()) {
          lb.insert(str(at(i, "ip")));
        } else if (!str(at(i, "hostname")).empty()) {
          lb.insert(str(at(i, "hostname")));
        }
      }
    }
    std::vector<std::string> all(lb.begin(), lb.end());
    if (!external.empty()) {
      all.insert(all.end(), external.begin(), external.end());
      return join(all, ",");
    }
    return all.empty() ? "<pending>" : join(all, ",");
  }
  if (type == "ExternalName") return str(at(svc, "spec.externalName"));
  return "<unknown>";
}

std::string port_string(const json* ports) {
  std::vector<std::string> pieces;
  if (ports != nullptr && ports->is_array()) {
    for (const auto& p : *ports) {
      std::string proto = str(at(p, "protocol"));
      if (proto.empty()) proto = "TCP";  // kube's default
      const std::int64_t node_port = integer(at(p, "nodePort"));
      std::string s = std::to_string(integer(at(p, "port")));
      if (node_port > 0) s += ":" + std::to_string(node_port);
      pieces.push_back(s + "/" + proto);
    }
  }
  return join(pieces, ",");
}

void service_row(const core::object& o, time_point now, json& row) {
  const json& s = o.data();
  std::string type = str(at(s, "spec.type"));
  if (type.empty()) type = "ClusterIP";  // kube's default
  std::string cluster_ip = "<none>";
  if (const json* ips = at(s, "spec.clusterIPs"); ips != nullptr && ips->is_array() && !ips->empty()) {
    cluster_ip = str(&(*ips)[0]);
  } else if (!str(at(s, "spec.clusterIP")).empty()) {
    cluster_ip = str(at(s, "spec.clusterIP"));  // kube's defaulting copies clusterIP into clusterIPs
  }
  std::string ports = port_string(at(s, "spec.ports"));
  if (ports.empty()) ports = "<none>";
  row["cells"] = json::array({std::string(o.name()), type, cluster_ip, external_ip(s, type), ports, age_of(o, now),
                              format_labels(at(s, "spec.selector"))});
}

// formatEndpoints with every port: up to three ip:port entries, then "+ N more...".
std::string format_endpoints(const json* subsets) {
  if (subsets == nullptr || !subsets->is_array() || subsets->empty()) return "<none>";
  constexpr std::size_t max = 3;
  std::vector<std::string> list;
  bool more = false;
  std::size_t total = 0;
  for (const auto& ss : *subsets) {
    const json* addrs = at(ss, "addresses");
    const std::size_t n_addrs = static_cast<std::size_t>(count(addrs));
    const json* ports = at(ss, "ports");
    if (count(ports) == 0) {
      total += n_addrs;
      for (std::size_t i = 0; i < n_addrs; ++i) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(str(at((*addrs)[i], "ip")));
      }
      continue;
    }
    for (const auto& port : *ports) {
      total += n_addrs;
      for (std::size_t i = 0; i < n_addrs; ++i) {
        if (list.size() == max) {
          more = true;
          break;
        }
        const std::string ip = str(at((*addrs)[i], "ip"));
        const std::string p = std::to_string(integer(at(port, "port")));
        list.push_back(ip.find(':') != std::string::npos ? "[" + ip + "]:" + p : ip + ":" + p);
      }
    }
  }
  std::string out = join(list, ",");
  if (more) out += " + " + std::to_string(total - max) + " more...";
  return out;
}

void endpoints_row(const core::object& o, time_point now, json& row) {
  row["cells"] = json::array({std::string(o.name()), format_endpoints(at(o.data(), "subsets")), age_of(o, now)});
}

void configmap_row(const core::object& o, time_point now, json& row) {
  const json& c = o.data();
  row["cells"] =
      json::array({std::string(o.name()), count(at(c, "data")) + count(at(c, "binaryData")), age_of(o, now)});
}

void secret_row(const core::object& o, time_point now, json& row) {
  const json& s = o.data();
  std::string type = str(at(s, "type"));
  if (type.empty()) type = "Opaque";  // kube's default
  row["cells"] = json::array({std::string(o.name()), type, count(at(s, "data")), age_of(o, now)});
}

void serviceaccount_row(const core::object& o, time_point now, json& row) {
  row["cells"] = json::array({std::string(o.name()), count(at(o.data(), "secrets")), age_of(o, now)});
}

void namespace_row(const core::object& o, time_point now, json& row) {
  std::string phase = str(at(o.data(), "status.phase"));
  if (phase.empty()) phase = "Active";  // kube's namespace strategy sets it on create
  row["cells"] = json::array({std::string(o.name()), phase, age_of(o, now)});
}

// helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once.
std::string access_modes(const json* modes) {
  const auto have = strings(modes);
  const auto has = [&](std::string_view m) {
    for (const auto& x : have) {
      if (x == m) return true;
    }
    return false;
  };
  std::vector<std::string> out;
  if (has("ReadWriteOnce")) out.emplace_back("RWO");
  if (has("ReadOnlyMany")) out.emplace_back("ROX");
  if (has("ReadWriteMany")) out.emplace_back("RWX");
  if (has("ReadWriteOncePod")) out.emplace_back("RWOP");
  return join(out, ",");
}

void pvc_row(const core::object& o, time_point now, json& row) {
  const json& p = o.data();
  std::string phase = str(at(p, "status.phase"));
  if (!o.deletion_timestamp().empty()) phase = "Terminating";
  const std::string volume = str(at(p, "spec.volumeName"));
  std::string capacity;
  std::string modes;
  if (!volume.empty()) {
    modes = access_modes(at(p, "status.accessModes"));
    if (const json* st = at(p, "status.capacity"); st != nullptr && st->is_object() && st->contains("storage")) {
      const json& q = (*st)["storage"];
      capacity = q.is_string() ? q.get<std::string>() : go_json(q);
    } else {
      capacity = "0";  // the zero Quantity's String()
    }
  }
  std::string storage_class;
  if (auto beta = o.annotation("volume.beta.kubernetes.io/storage-class")) {
    storage_class = *beta;
  } else {
    storage_class = str(at(p, "spec.storageClassName"));
  }
  std::string vac = "<unset>";
  if (const json* v = at(p, "spec.volumeAttributesClassName"); v != nullptr && v->is_string()) {
    vac = v->get<std::string>();
  }
  std::string mode = str(at(p, "spec.volumeMode"));
  if (mode.empty()) mode = "Filesystem";  // kube's default
  row["cells"] =
      json::array({std::string(o.name()), phase, volume, capacity, modes, storage_class, vac, age_of(o, now), mode});
}

void lease_row(const core::object& o, time_point now, json& row) {
  row["cells"] = json::array({std::string(o.name()), str(at(o.data(), "spec.holderIdentity")), age_of(o, now)});
}

}  // namespace

const printer* core_printer(const core::group_resource& gr) {
  static const printer services{{{"Name", "string", "name", desc::name},
                                 {"Type", "string", "", desc::service_spec_type},
                                 {"Cluster-IP", "string", "", desc::service_spec_cluster_ip},
                                 {"External-IP", "string", "", desc::service_spec_external_ips},
                                 {"Port(s)", "string", "", desc::service_spec_ports},
                                 {"Age", "string", "", desc::creation_timestamp},
                                 {"Selector", "string", "", desc::service_spec_selector, 1}},
                                service_row};
  static const printer endpoints{{{"Name", "string", "name", desc::name},
                                  {"Endpoints", "string", "", desc::endpoints_subsets},
                                  {"Age", "string", "", desc::creation_timestamp}},
                                 endpoints_row};
  static const printer configmaps{{{"Name", "string", "name", desc::name},
                                   {"Data", "string", "", desc::config_map_data},
                                   {"Age", "string", "", desc::creation_timestamp}},
                                  configmap_row};
  static const printer secrets{{{"Name", "string", "name", desc::name},
                                {"Type", "string", "", desc::secret_type},
                                {"Data", "string", "", desc::secret_data},
                                {"Age", "string", "", desc::creation_timestamp}},
                               secret_row};
  static const printer serviceaccounts{{{"Name", "string", "name", desc::name},
                                        {"Secrets", "string", "", desc::service_account_secrets},
                                        {"Age", "string", "", desc::creation_timestamp}},
                                       serviceaccount_row};
  static const printer namespaces{{{"Name", "string", "name", desc::name},
                                   {"Status", "string", "", "The status of the namespace"},
                                   {"Age", "string", "", desc::creation_timestamp}},
                                  namespace_row};
  static const printer pvcs{{{"Name", "string", "name", desc::name},
                             {"Status", "string", "", desc::persistent_volume_claim_status_phase},
                             {"Volume", "string", "", desc::persistent_volume_claim_spec_volume_name},
                             {"Capacity", "string", "", desc::persistent_volume_claim_status_capacity},
                             {"Access Modes", "string", "", desc::persistent_volume_claim_status_access_modes},
                             {"StorageClass", "string", "", "StorageClass of the pvc"},
                             {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc"},
                             {"Age", "string", "", desc::creation_timestamp},
                             {"VolumeMode", "string", "", desc::persistent_volume_claim_spec_volume_mode, 1}},
                            pvc_row};
  static const printer leases{{{"Name", "string", "name", desc::name},
                               {"Holder", "string", "", desc::lease_spec_holder_identity},
                               {"Age", "string", "", desc::creation_timestamp}},
                              lease_row};
  if (gr.group == "coordination.k8s.io") return gr.resource == "leases" ? &leases : nullptr;
  if (!gr.group.empty()) return nullptr;
  if (gr.resource == "services") return &services;
  if (gr.resource == "endpoints") return &endpoints;
  if (gr.resource == "configmaps") return &configmaps;
  if (gr.resource == "secrets") return &secrets;
  if (gr.resource == "serviceaccounts") return &serviceaccounts;
  if (gr.resource == "namespaces") return &namespaces;
  if (gr.resource == "persistentvolumeclaims") return &pvcs;
  return nullptr;
}

}  // namespace ktk::apiserver::http::table::detail
