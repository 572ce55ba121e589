// Services: pkg/apis/core/v1/defaults.go, ValidateService/ValidateServiceUpdate, and the
// ClusterIP / NodePort allocation the service REST storage does on create.
//
// Allocation is per process (one allocator behind the shared strategy singleton): cluster
// IPs come sequentially from 10.96.0.0/12 (10.96.0.1 is the default/kubernetes Service's),
// node ports from 30000-32767. Addresses are never released; explicitly requested ones are
// honoured and skipped by the sequence.
#include <cctype>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>

#include "checks.hpp"
#include "json_util.hpp"
#include "strategies.hpp"

namespace ktk::apiserver::detail {
namespace {

std::optional<std::uint32_t> parse_ipv4(const std::string& s) {
  std::uint32_t out = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 3) v = v * 10 + (s[i++] - '0');
    if (i == start || v > 255) return std::nullopt;
    out = (out << 8) | v;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

std::string format_ipv4(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) +
         "." + std::to_string(ip & 255);
}

std::string go_string_slice(const json* v) {
  if (!v || !v->is_array()) return "[]string(nil)";
  std::string out = "[]string{";
  for (std::size_t i = 0; i < v->size(); ++i)
    out += (i ? ", " : "") + core::quote((*v)[i].is_string() ? (*v)[i].get<std::string>() : (*v)[i].dump());
  return out + "}";
}

constexpr std::uint32_t range_base = (10u << 24) | (96u << 16);  // 10.96.0.0
constexpr std::uint32_t range_size = 1u << 20;                    // /12

class service_strategy final : public strategy {
 public:
  name_rule names() const override { return name_rule::dns1123_label; }

  void prepare_for_create(object& obj) const override {
    json& data = obj.data();
    data["status"] = json{{"loadBalancer", json::object()}};
    json& spec = ensure_object(data, "spec");
    std::string type = get_string(spec, "type");
    if (type == "ExternalName") return;
    std::lock_guard lock(mu_);
    std::string ip = get_string(spec, "clusterIP");
    if (ip.empty()) {
      ip = obj.namespace_() == "default" && obj.name() == "kubernetes" ? format_ipv4(range_base + 1) : next_ip();
      spec["clusterIP"] = ip;
    } else if (auto parsed = parse_ipv4(ip)) {
      used_ips_.insert(*parsed);
    }
    if (get_array(spec, "clusterIPs").empty()) spec["clusterIPs"] = json::array({ip});
    if (type == "NodePort" || type == "LoadBalancer") {
      if (json* ports = get(spec, "ports"); ports && ports->is_array()) {
        for (auto& p : *ports)
          if (p.is_object() && !get_int(p, "nodePort").value_or(0)) p["nodePort"] = next_node_port();
      }
    }
  }

  void prepare_for_update(object& obj, const object& old) const override {
    json& data = obj.data();
    if (const json* status = get(old.data(), "status")) data["status"] = *status;
    json& spec = ensure_object(data, "spec");
    static const json empty = json::object();
    const json* os = get(old.data(), "spec");
    const json& old_spec = os ? *os : empty;
    if (get_string(spec, "type") == "ExternalName" || get_string(old_spec, "type") == "ExternalName") return;
    // Clients that omit allocated values on update keep them, as kube's service REST does.
    if (get_string(spec, "clusterIP").empty())
      if (const json* ip = get(old_spec, "clusterIP")) spec["clusterIP"] = *ip;
    if (get_array(spec, "clusterIPs").empty())
      if (const json* ips = get(old_spec, "clusterIPs")) spec["clusterIPs"] = *ips;
    json* ports = get(spec, "ports");
    if (!ports || !ports->is_array()) return;
    for (auto& p : *ports) {
      if (!p.is_object() || get_int(p, "nodePort").value_or(0)) continue;
      for (const auto& op : get_array(old_spec, "ports"))
        if (get(op, "nodePort") && get_int(op, "port") == get_int(p, "port") &&
            get_string(op, "protocol") == (get(p, "protocol") ? get_string(p, "protocol") : std::string("TCP")))
          p["nodePort"] = op["nodePort"];
    }
  }

  void apply_defaults(object& obj) const override {
    json& spec = ensure_object(obj.data(), "spec");
    set_default(spec, "type", "ClusterIP");
    set_default(spec, "sessionAffinity", "None");
    std::string type = get_string(spec, "type");
    if (get_string(spec, "sessionAffinity") == "ClientIP")
      set_default(spec, "sessionAffinityConfig", json{{"clientIP", {{"timeoutSeconds", 10800}}}});
    if (json* ports = get(spec, "ports"); ports && ports->is_array()) {
      for (auto& p : *ports) {
        if (!p.is_object()) continue;
        set_default(p, "protocol", "TCP");
        const json* tp = get(p, "targetPort");
        if ((!tp || *tp == 0 || *tp == "") && get(p, "port")) p["targetPort"] = p["port"];
      }
    }
    if (type == "ExternalName") return;
    bool headless_selectorless = get_string(spec, "clusterIP") == "None" && !get(spec, "selector");
    set_default(spec, "ipFamilyPolicy", headless_selectorless ? "RequireDualStack" : "SingleStack");
    set_default(spec, "ipFamilies", json::array({"IPv4"}));
    set_default(spec, "internalTrafficPolicy", "Cluster");
    if (type == "NodePort" || type == "LoadBalancer") set_default(spec, "externalTrafficPolicy", "Cluster");
    if (type == "LoadBalancer") set_default(spec, "allocateLoadBalancerNodePorts", true);
  }

  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    std::string name(obj.name());
    if (!name.empty() && dns1123_label(name).empty())
      add_invalid(errs, "metadata.name", name, dns1035_label(name));
    static const json empty = json::object();
    const json* s = get(obj.data(), "spec");
    const json& spec = s ? *s : empty;
    std::string type = get_string(spec, "type");
    if (const json* t = get(spec, "type"); t && type != "ClusterIP" && type != "ExternalName" &&
                                           type != "LoadBalancer" && type != "NodePort")
      errs.push_back(not_supported("spec.type", *t, {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}));
    std::string cluster_ip = get_string(spec, "clusterIP");
    const json& ports = get_array(spec, "ports");
    if (ports.empty() && cluster_ip != "None" && type != "ExternalName")
      errs.push_back(field_error::required("spec.ports"));
    if (type == "ExternalName") {
      std::string en = get_string(spec, "externalName");
      if (en.empty()) {
        errs.push_back(field_error::required("spec.externalName"));
      } else {
        if (en.back() == '.') en.pop_back();
        add_invalid(errs, "spec.externalName", get_string(spec, "externalName"), dns1123_subdomain(en));
      }
    } else if (!cluster_ip.empty() && cluster_ip != "None" && !parse_ipv4(cluster_ip)) {
      errs.push_back(field_error::invalid("spec.clusterIPs[0]", core::quote(cluster_ip),
                                          "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }
    validate_ports(errs, ports, type);
    if (const json* sa = get(spec, "sessionAffinity"); sa && *sa != "ClientIP" && *sa != "None")
      errs.push_back(not_supported("spec.sessionAffinity", *sa, {"ClientIP", "None"}));
    auto sel = validate_labels(get(spec, "selector"), "spec.selector");
    errs.insert(errs.end(), sel.begin(), sel.end());
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    static const json empty = json::object();
    const json* s = get(obj.data(), "spec");
    const json* os = get(old.data(), "spec");
    const json& spec = s ? *s : empty;
    const json& old_spec = os ? *os : empty;
    std::string old_ip = get_string(old_spec, "clusterIP");
    if (get_string(spec, "type") != "ExternalName" && get_string(old_spec, "type") != "ExternalName" &&
        !old_ip.empty() && get_string(spec, "clusterIP") != old_ip)
      errs.push_back(invalid_rendered("spec.clusterIPs[0]", go_string_slice(get(spec, "clusterIPs")),
                                      "may not change once set"));
    return errs;
  }

 private:
  static void validate_ports(field_errors& errs, const json& ports, const std::string& type) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const json& p = ports[i];
      std::string pp = "spec.ports[" + std::to_string(i) + "]";
      std::string name = get_string(p, "name");
      if (name.empty()) {
        if (ports.size() > 1) errs.push_back(field_error::required(pp + ".name"));
      } else {
        add_invalid(errs, pp + ".name", name, dns1123_label(name));
        if (!names.insert(name).second) errs.push_back(field_error::duplicate(pp + ".name", core::quote(name)));
      }
      auto port = get_int(p, "port").value_or(0);
      for (auto& m : port_number(port)) errs.push_back(field_error::invalid(pp + ".port", std::to_string(port), m));
      if (const json* proto = get(p, "protocol"); proto && *proto != "TCP" && *proto != "UDP" && *proto != "SCTP")
        errs.push_back(not_supported(pp + ".protocol", *proto, {"SCTP", "TCP", "UDP"}));
      if (const json* tp = get(p, "targetPort")) {
        if (tp->is_number_integer()) {
          for (auto& m : port_number(tp->get<long long>()))
            errs.push_back(field_error::invalid(pp + ".targetPort", tp->dump(), m));
        } else if (tp->is_string()) {
          add_invalid(errs, pp + ".targetPort", tp->get<std::string>(), port_name(tp->get<std::string>()));
        }
      }
      if (auto np = get_int(p, "nodePort"); np && *np != 0) {
        if (type == "ClusterIP" || type.empty()) {
          errs.push_back(field_error::forbidden(pp + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
        } else {
          for (auto& m : port_number(*np)) errs.push_back(field_error::invalid(pp + ".nodePort", std::to_string(*np), m));
        }
      }
    }
  }

  std::string next_ip() const {
    for (std::uint32_t tries = 0; tries < range_size; ++tries) {
      std::uint32_t ip = range_base + next_ip_offset_;
      next_ip_offset_ = next_ip_offset_ + 1 >= range_size - 1 ? 2 : next_ip_offset_ + 1;
      if (used_ips_.insert(ip).second) return format_ipv4(ip);
    }
    return format_ipv4(range_base + 2);
  }

  int next_node_port() const {
    int port = next_node_port_;
    next_node_port_ = next_node_port_ >= 32767 ? 30000 : next_node_port_ + 1;
    return port;
  }

  mutable std::mutex mu_;
  mutable std::uint32_t next_ip_offset_ = 2;  // guarded by mu_
  mutable std::set<std::uint32_t> used_ips_;  // guarded by mu_
  mutable int next_node_port_ = 30000;        // guarded by mu_
};

}  // namespace

strategy_ptr make_service_strategy() { return std::make_shared<service_strategy>(); }

}  // namespace ktk::apiserver::detail
