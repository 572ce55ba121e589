// The smaller core kinds: Namespaces, ServiceAccounts, Endpoints, Events (core and
// events.k8s.io), Nodes, PersistentVolumeClaims, Leases.
#include <algorithm>

#include "checks.hpp"
#include "json_util.hpp"
#include "strategies.hpp"

namespace ktk::apiserver::detail {
namespace {

void keep_old(json& data, const json& old, std::string_view key) {
  if (const json* v = get(old, key)) {
    data[std::string(key)] = *v;
  } else {
    data.erase(std::string(key));
  }
}

class namespace_strategy final : public strategy {
 public:
  name_rule names() const override { return name_rule::dns1123_label; }
  void prepare_for_create(object& obj) const override {
    json& spec = ensure_object(obj.data(), "spec");
    json& fins = spec["finalizers"];
    if (!fins.is_array()) fins = json::array();
    if (std::find(fins.begin(), fins.end(), json("kubernetes")) == fins.end()) fins.push_back("kubernetes");
    obj.data()["status"] = json{{"phase", "Active"}};
  }
  void prepare_for_update(object& obj, const object& old) const override {
    // spec.finalizers change only through /finalize; status only through /status.
    json& spec = ensure_object(obj.data(), "spec");
    keep_old(spec, member(old.data(), "spec"), "finalizers");
    keep_old(obj.data(), old.data(), "status");
  }
  void apply_defaults(object& obj) const override {
    if (!obj.name().empty()) obj.set_label("kubernetes.io/metadata.name", obj.name());
  }
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    for (const auto& f : get_array(member(obj.data(), "spec"), "finalizers")) {
      std::string name = f.is_string() ? f.get<std::string>() : f.dump();
      auto msgs = qualified_name(name);
      add_invalid(errs, "spec.finalizers", name, msgs);
      if (msgs.empty() && name.find('/') == std::string::npos && name != "kubernetes" && name != "orphan" &&
          name != "foregroundDeletion")
        errs.push_back(field_error::invalid("spec.finalizers", core::quote(name),
                                            "name is neither a standard finalizer name nor is it fully qualified"));
    }
    return errs;
  }
};

class endpoints_strategy final : public strategy {
 public:
  void apply_defaults(object& obj) const override {
    json* subsets = get(obj.data(), "subsets");
    if (!subsets || !subsets->is_array()) return;
    for (auto& s : *subsets)
      if (json* ports = get(s, "ports"); ports && ports->is_array())
        for (auto& p : *ports)
          if (p.is_object()) set_default(p, "protocol", "TCP");
  }
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& subsets = get_array(obj.data(), "subsets");
    for (std::size_t i = 0; i < subsets.size(); ++i) {
      std::string sp = "subsets[" + std::to_string(i) + "]";
      for (const char* list : {"addresses", "notReadyAddresses"}) {
        const json& addrs = get_array(subsets[i], list);
        for (std::size_t a = 0; a < addrs.size(); ++a)
          if (get_string(addrs[a], "ip").empty())
            errs.push_back(field_error::invalid(sp + "." + list + "[" + std::to_string(a) + "].ip", "\"\"",
                                                "must be a valid IP address"));
      }
      const json& ports = get_array(subsets[i], "ports");
      for (std::size_t p = 0; p < ports.size(); ++p) {
        std::string pp = sp + ".ports[" + std::to_string(p) + "]";
        if (ports.size() > 1 && get_string(ports[p], "name").empty()) errs.push_back(field_error::required(pp + ".name"));
        auto port = get_int(ports[p], "port").value_or(0);
        for (auto& m : port_number(port)) errs.push_back(field_error::invalid(pp + ".port", std::to_string(port), m));
        if (const json* proto = get(ports[p], "protocol"); proto && *proto != "TCP" && *proto != "UDP" && *proto != "SCTP")
          errs.push_back(not_supported(pp + ".protocol", *proto, {"SCTP", "TCP", "UDP"}));
      }
    }
    return errs;
  }
};

class event_strategy final : public strategy {
 public:
  explicit event_strategy(bool events_api) : events_api_(events_api) {}
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& d = obj.data();
    std::string ns(obj.namespace_());
    if (!events_api_) {
      std::string ins = get_string(member(d, "involvedObject"), "namespace");
      if (!ins.empty() && ins != ns)
        errs.push_back(field_error::invalid("involvedObject.namespace", core::quote(ins), "does not match event.namespace"));
      return errs;
    }
    // events.k8s.io/v1 requires the fields a structured Event is made of.
    if (!get(d, "eventTime")) errs.push_back(field_error::required("eventTime"));
    for (const char* key : {"reportingController", "reportingInstance", "action", "reason"})
      if (get_string(d, key).empty()) errs.push_back(field_error::required(key));
    const json* type = get(d, "type");
    if (!type || (*type != "Normal" && *type != "Warning"))
      errs.push_back(not_supported("type", type ? *type : json(""), {"Normal", "Warning"}));
    std::string rns = get_string(member(d, "regarding"), "namespace");
    if (!rns.empty() && rns != ns)
      errs.push_back(field_error::invalid("regarding.namespace", core::quote(rns), "does not match event.namespace"));
    return errs;
  }

 private:
  bool events_api_;
};

class node_strategy final : public strategy {
 public:
  void apply_defaults(object& obj) const override {
    json* status = get(obj.data(), "status");
    if (!status || !status->is_object()) return;
    if (const json* cap = get(*status, "capacity"); cap && !get(*status, "allocatable")) (*status)["allocatable"] = *cap;
  }
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& taints = get_array(member(obj.data(), "spec"), "taints");
    for (std::size_t i = 0; i < taints.size(); ++i) {
      std::string tp = "spec.taints[" + std::to_string(i) + "]";
      std::string key = get_string(taints[i], "key");
      if (key.empty()) {
        errs.push_back(field_error::required(tp + ".key"));
      } else {
        add_invalid(errs, tp + ".key", key, qualified_name(key));
      }
      std::string value = get_string(taints[i], "value");
      add_invalid(errs, tp + ".value", value, label_value(value));
      const json* effect = get(taints[i], "effect");
      if (!effect || *effect == "") {
        errs.push_back(field_error::required(tp + ".effect"));
      } else if (*effect != "NoSchedule" && *effect != "PreferNoSchedule" && *effect != "NoExecute") {
        errs.push_back(not_supported(tp + ".effect", *effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
      }
    }
    return errs;
  }
  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    const json& spec = member(obj.data(), "spec");
    const json& old_spec = member(old.data(), "spec");
    const json* cidrs = get(spec, "podCIDRs");
    const json* old_cidrs = get(old_spec, "podCIDRs");
    if (old_cidrs && !old_cidrs->empty() && (!cidrs || *cidrs != *old_cidrs))
      errs.push_back(field_error::forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
    std::string pid = get_string(old_spec, "providerID");
    if (!pid.empty() && get_string(spec, "providerID") != pid)
      errs.push_back(
          field_error::forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid"));
    return errs;
  }
};

class pvc_strategy final : public strategy {
 public:
  void prepare_for_create(object& obj) const override { obj.data()["status"] = json{{"phase", "Pending"}}; }
  void prepare_for_update(object& obj, const object& old) const override { keep_old(obj.data(), old.data(), "status"); }
  void apply_defaults(object& obj) const override {
    set_default(ensure_object(obj.data(), "spec"), "volumeMode", "Filesystem");
  }
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& spec = member(obj.data(), "spec");
    const json& modes = get_array(spec, "accessModes");
    if (modes.empty()) errs.push_back(field_error::required("spec.accessModes", "at least 1 access mode is required"));
    bool rwop = false;
    for (const auto& m : modes) {
      if (m == "ReadWriteOncePod") rwop = true;
      if (m != "ReadOnlyMany" && m != "ReadWriteMany" && m != "ReadWriteOnce" && m != "ReadWriteOncePod")
        errs.push_back(
            not_supported("spec.accessModes", m, {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"}));
    }
    if (rwop && modes.size() > 1)
      errs.push_back(field_error::forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"));
    const json* storage = get(member(member(spec, "resources"), "requests"), "storage");
    if (!storage) {
      errs.push_back(field_error::required("spec.resources[storage]"));
    } else {
      auto q = storage->is_string() ? parse_quantity(storage->get<std::string>()) : std::nullopt;
      if (!q || *q <= 0)
        errs.push_back(field_error::invalid("spec.resources[storage]", bad_value(*storage), "must be greater than zero"));
    }
    if (const json* vm = get(spec, "volumeMode"); vm && *vm != "Block" && *vm != "Filesystem")
      errs.push_back(not_supported("spec.volumeMode", *vm, {"Block", "Filesystem"}));
    if (const json* sel = get(spec, "selector")) {
      auto s = validate_label_selector(*sel, "spec.selector");
      errs.insert(errs.end(), s.begin(), s.end());
    }
    return errs;
  }
  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    json spec = member(obj.data(), "spec");
    json old_spec = member(old.data(), "spec");
    if (get_string(old_spec, "volumeName").empty()) keep_old(old_spec, spec, "volumeName");
    auto size = [](const json& s) {
      const json* q = get(member(member(s, "resources"), "requests"), "storage");
      return q && q->is_string() ? parse_quantity(q->get<std::string>()) : std::nullopt;
    };
    if (get_string(member(obj.data(), "status"), "phase") == "Bound" && get(member(spec, "resources"), "requests"))
      keep_old(spec["resources"]["requests"], member(member(old_spec, "resources"), "requests"), "storage");
    if (spec != old_spec)
      errs.push_back(field_error::forbidden("spec", "spec is immutable after creation except resources.requests for bound claims"));
    auto now = size(member(obj.data(), "spec")), before = size(member(old.data(), "spec"));
    if (now && before && *now < *before)
      errs.push_back(field_error::forbidden("spec.resources.requests.storage", "field can not be less than previous value"));
    return errs;
  }
};

class lease_strategy final : public strategy {
 public:
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& spec = member(obj.data(), "spec");
    if (auto d = get_int(spec, "leaseDurationSeconds"); d && *d <= 0)
      errs.push_back(field_error::invalid("spec.leaseDurationSeconds", std::to_string(*d), "must be greater than 0"));
    check_non_negative(errs, spec, "leaseTransitions", "spec.leaseTransitions");
    return errs;
  }
};

}  // namespace

strategy_ptr make_namespace_strategy() { return std::make_shared<namespace_strategy>(); }
strategy_ptr make_serviceaccount_strategy() {
  return std::make_shared<plain_strategy>(name_rule::dns1123_subdomain, std::vector<std::string>{});
}
strategy_ptr make_endpoints_strategy() { return std::make_shared<endpoints_strategy>(); }
strategy_ptr make_event_strategy() { return std::make_shared<event_strategy>(false); }
strategy_ptr make_events_api_event_strategy() { return std::make_shared<event_strategy>(true); }
strategy_ptr make_node_strategy() { return std::make_shared<node_strategy>(); }
strategy_ptr make_pvc_strategy() { return std::make_shared<pvc_strategy>(); }
strategy_ptr make_lease_strategy() { return std::make_shared<lease_strategy>(); }

}  // namespace ktk::apiserver::detail
