// table_nodes_events.cpp — printers for nodes and core/v1 events.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "http/table_descriptions.hpp"
#include "http/table_printer.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

constexpr std::string_view role_prefix = "node-role.kubernetes.io/";

std::string node_address(const json& node, std::string_view type) {
  if (const json* as = at(node, "status.addresses"); as != nullptr && as->is_array()) {
    for (const auto& a : *as) {
      if (str(at(a, "type")) == type) return str(at(a, "address"));
    }
  }
  return "<none>";
}

void node_row(const core::object& o, time_point now, json& row) {
  const json& n = o.data();
  std::vector<std::string> status;
  if (const json* cs = at(n, "status.conditions"); cs != nullptr && cs->is_array()) {
    // Only Ready counts; a later duplicate wins, as in kube's condition map.
    const json* ready = nullptr;
    for (const auto& c : *cs) {
      if (str(at(c, "type")) == "Ready") ready = &c;
    }
    if (ready != nullptr) status.emplace_back(str(at(*ready, "status")) == "True" ? "Ready" : "NotReady");
  }
  if (status.empty()) status.emplace_back("Unknown");
  if (const json* u = at(n, "spec.unschedulable"); u != nullptr && u->is_boolean() && u->get<bool>()) {
    status.emplace_back("SchedulingDisabled");
  }
  std::string joined;
  for (const auto& s : status) joined += (joined.empty() ? "" : ",") + s;

  std::set<std::string> roles;
  if (const json* ls = at(n, "metadata.labels"); ls != nullptr && ls->is_object()) {
    for (const auto& [k, v] : ls->items()) {
      if (k.rfind(role_prefix, 0) == 0) {
        if (k.size() > role_prefix.size()) roles.insert(k.substr(role_prefix.size()));
      } else if (k == "kubernetes.io/role" && !str(&v).empty()) {
        roles.insert(str(&v));
      }
    }
  }
  std::string role_str;
  for (const auto& r : roles) role_str += (role_str.empty() ? "" : ",") + r;
  if (role_str.empty()) role_str = "<none>";

  const auto unknown_if_empty = [](std::string s) { return s.empty() ? std::string("<unknown>") : s; };
  row["cells"] = json::array({std::string(o.name()), joined, role_str,
                              since(at(n, "metadata.creationTimestamp"), now),
                              str(at(n, "status.nodeInfo.kubeletVersion")), node_address(n, "InternalIP"),
                              node_address(n, "ExternalIP"), unknown_if_empty(str(at(n, "status.nodeInfo.osImage"))),
                              unknown_if_empty(str(at(n, "status.nodeInfo.kernelVersion"))),
                              unknown_if_empty(str(at(n, "status.nodeInfo.containerRuntimeVersion")))});
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim_space(const std::string& s) {
  const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  auto b = std::find_if_not(s.begin(), s.end(), is_space);
  auto e = std::find_if_not(s.rbegin(), s.rend(), is_space).base();
  return b < e ? std::string(b, e) : std::string();
}

void event_row(const core::object& o, time_point now, json& row) {
  const json& e = o.data();
  std::string first = timestamp(at(e, "firstTimestamp")) ? since(at(e, "firstTimestamp"), now)
                                                          : since(at(e, "eventTime"), now);
  std::string last = timestamp(at(e, "lastTimestamp")) ? since(at(e, "lastTimestamp"), now) : first;
  std::int64_t n = integer(at(e, "count"));
  if (const json* series = at(e, "series"); series != nullptr && series->is_object()) {
    last = since(at(*series, "lastObservedTime"), now);
    n = integer(at(*series, "count"));
  } else if (n == 0) {
    n = 1;  // singleton events of the new API carry no count
  }
  const std::string kind = lower(str(at(e, "involvedObject.kind")));
  const std::string name = str(at(e, "involvedObject.name"));
  const std::string target = name.empty() ? kind : kind + "/" + name;

  std::string component = str(at(e, "source.component"));
  if (component.empty()) component = str(at(e, "reportingComponent"));
  std::string host = str(at(e, "source.host"));
  if (host.empty()) host = str(at(e, "reportingInstance"));
  const std::string source = host.empty() ? component : component + ", " + host;

  row["cells"] = json::array({last, str(at(e, "type")), str(at(e, "reason")), target,
                              str(at(e, "involvedObject.fieldPath")), source, trim_space(str(at(e, "message"))),
                              first, n, std::string(o.name())});
}

}  // namespace

const printer* node_event_printer(std::string_view resource) {
  static const printer nodes{{{"Name", "string", "name", desc::name},
                              {"Status", "string", "", "The status of the node"},
                              {"Roles", "string", "", "The roles of the node"},
                              {"Age", "string", "", desc::creation_timestamp},
                              {"Version", "string", "", desc::node_system_info_kubelet_version},
                              {"Internal-IP", "string", "", desc::node_status_addresses, 1},
                              {"External-IP", "string", "", desc::node_status_addresses, 1},
                              {"OS-Image", "string", "", desc::node_system_info_os_image, 1},
                              {"Kernel-Version", "string", "", desc::node_system_info_kernel_version, 1},
                              {"Container-Runtime", "string", "", desc::node_system_info_container_runtime_version, 1}},
                             node_row};
  static const printer events{{{"Last Seen", "string", "", desc::event_last_timestamp},
                               {"Type", "string", "", desc::event_type},
                               {"Reason", "string", "", desc::event_reason},
                               {"Object", "string", "", desc::event_involved_object},
                               {"Subobject", "string", "", desc::object_reference_field_path, 1},
                               {"Source", "string", "", desc::event_source, 1},
                               {"Message", "string", "", desc::event_message},
                               {"First Seen", "string", "", desc::event_first_timestamp, 1},
                               {"Count", "string", "", desc::event_count, 1},
                               {"Name", "string", "name", desc::name, 1}},
                              event_row};
  if (resource == "nodes") return &nodes;
  if (resource == "events") return &events;
  return nullptr;
}

}  // namespace ktk::apiserver::http::table::detail
