// ValidatePodSpec / ValidatePodTemplateSpec: the checks users hit, with kube-apiserver's
// field paths and messages.
#include <algorithm>
#include <set>

#include "checks.hpp"
#include "pod_spec.hpp"

namespace ktk::apiserver::detail {
namespace {

std::string text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

void append(field_errors& to, field_errors from) { to.insert(to.end(), from.begin(), from.end()); }

void check_enum(field_errors& errs, const json& parent, std::string_view key, const std::string& path,
                const std::vector<std::string>& valid) {
  const json* v = get(parent, key);
  if (!v || (v->is_string() && v->get<std::string>().empty())) {
    errs.push_back(field_error::required(path));
    return;
  }
  if (!v->is_string() || std::find(valid.begin(), valid.end(), v->get<std::string>()) == valid.end())
    errs.push_back(not_supported(path, *v, valid));
}

const std::string quantity_regex_msg =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

std::optional<double> quantity(field_errors& errs, const json& q, const std::string& path) {
  auto v = q.is_string() ? parse_quantity(q.get<std::string>())
                         : (q.is_number() ? std::optional<double>(q.get<double>()) : std::nullopt);
  if (!v) {
    errs.push_back(field_error::invalid(path, bad_value(q), quantity_regex_msg));
  } else if (*v < 0) {
    errs.push_back(field_error::invalid(path, core::quote(text(q)), "must be greater than or equal to 0"));
  }
  return v;
}

void validate_resources(field_errors& errs, const json& c, const std::string& path) {
  const json* res = get(c, "resources");
  if (!res) return;
  const json* limits = get(*res, "limits");
  if (limits && limits->is_object())
    for (auto& [name, q] : limits->items()) quantity(errs, q, path + ".limits[" + name + "]");
  const json* requests = get(*res, "requests");
  if (!requests || !requests->is_object()) return;
  for (auto& [name, q] : requests->items()) {
    auto r = quantity(errs, q, path + ".requests[" + name + "]");
    const json* l = limits ? get(*limits, name) : nullptr;
    if (!r || !l) continue;
    std::optional<double> lv = l->is_string() ? parse_quantity(l->get<std::string>())
                                              : (l->is_number() ? std::optional<double>(l->get<double>()) : std::nullopt);
    if (lv && *r > *lv)
      errs.push_back(field_error::invalid(path + ".requests", core::quote(text(q)),
                                          "must be less than or equal to " + name + " limit of " + text(*l)));
  }
}

void validate_ports(field_errors& errs, const json& c, const std::string& path) {
  const json& ports = get_array(c, "ports");
  std::set<std::string> names;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const json& p = ports[i];
    std::string pp = idx(path, i);
    std::string name = get_string(p, "name");
    if (!name.empty()) {
      add_invalid(errs, pp + ".name", name, port_name(name));
      if (!names.insert(name).second) errs.push_back(field_error::duplicate(pp + ".name", core::quote(name)));
    }
    auto container_port = get_int(p, "containerPort").value_or(0);
    if (container_port == 0) {
      errs.push_back(field_error::required(pp + ".containerPort"));
    } else {
      for (auto& m : port_number(container_port))
        errs.push_back(field_error::invalid(pp + ".containerPort", std::to_string(container_port), m));
    }
    auto host_port = get_int(p, "hostPort").value_or(0);
    if (host_port != 0)
      for (auto& m : port_number(host_port))
        errs.push_back(field_error::invalid(pp + ".hostPort", std::to_string(host_port), m));
    check_enum(errs, p, "protocol", pp + ".protocol", {"SCTP", "TCP", "UDP"});
  }
}

void validate_container(field_errors& errs, const json& c, const std::string& path,
                        const std::set<std::string>& volumes) {
  std::string image = get_string(c, "image");
  if (image.empty()) errs.push_back(field_error::required(path + ".image"));
  validate_ports(errs, c, path + ".ports");
  const json& env = get_array(c, "env");
  for (std::size_t i = 0; i < env.size(); ++i) {
    std::string name = get_string(env[i], "name");
    if (name.empty()) {
      errs.push_back(field_error::required(idx(path + ".env", i) + ".name"));
    } else {
      add_invalid(errs, idx(path + ".env", i) + ".name", name, env_var_name(name));
    }
  }
  const json& mounts = get_array(c, "volumeMounts");
  for (std::size_t i = 0; i < mounts.size(); ++i) {
    std::string mp = idx(path + ".volumeMounts", i);
    std::string name = get_string(mounts[i], "name");
    if (name.empty()) {
      errs.push_back(field_error::required(mp + ".name"));
    } else if (!volumes.contains(name)) {
      errs.push_back(field_error::not_found(mp + ".name", core::quote(name)));
    }
    if (get_string(mounts[i], "mountPath").empty()) errs.push_back(field_error::required(mp + ".mountPath"));
  }
  check_enum(errs, c, "terminationMessagePolicy", path + ".terminationMessagePolicy", {"File", "FallbackToLogsOnError"});
  check_enum(errs, c, "imagePullPolicy", path + ".imagePullPolicy", {"Always", "IfNotPresent", "Never"});
  validate_resources(errs, c, path + ".resources");
}

void validate_tolerations(field_errors& errs, const json& spec, const std::string& path) {
  const json& tols = get_array(spec, "tolerations");
  for (std::size_t i = 0; i < tols.size(); ++i) {
    const json& t = tols[i];
    std::string tp = idx(path, i);
    std::string key = get_string(t, "key"), op = get_string(t, "operator"), value = get_string(t, "value");
    std::string effect = get_string(t, "effect");
    if (!key.empty()) add_invalid(errs, tp + ".key", key, qualified_name(key));
    if (key.empty() && op != "Exists")
      errs.push_back(field_error::invalid(tp + ".operator", core::quote(op),
                                          "operator must be Exists when `key` is empty, which means \"match all "
                                          "values and all keys\""));
    if (get(t, "tolerationSeconds") && effect != "NoExecute")
      errs.push_back(field_error::invalid(tp + ".effect", core::quote(effect),
                                          "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op == "Equal" || op.empty()) {
      auto msgs = label_value(value);
      if (!msgs.empty()) {
        std::string joined;
        for (auto& m : msgs) joined += (joined.empty() ? "" : ";") + m;
        errs.push_back(field_error::invalid(tp + ".operator", core::quote(value), joined));
      }
    } else if (op == "Exists") {
      if (!value.empty())
        errs.push_back(invalid_rendered(tp + ".operator", t.dump(), "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push_back(field_error::not_supported(tp + ".operator", core::quote(op), {"Equal", "Exists"}));
    }
    if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute")
      errs.push_back(
          field_error::not_supported(tp + ".effect", core::quote(effect), {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
  }
}

}  // namespace

field_errors validate_pod_spec(const json& spec, const std::string& path) {
  field_errors errs;
  std::set<std::string> volumes;
  const json& vols = get_array(spec, "volumes");
  for (std::size_t i = 0; i < vols.size(); ++i) {
    std::string name = get_string(vols[i], "name");
    std::string vp = idx(path + ".volumes", i) + ".name";
    if (name.empty()) {
      errs.push_back(field_error::required(vp));
    } else {
      add_invalid(errs, vp, name, dns1123_label(name));
      if (!volumes.insert(name).second) errs.push_back(field_error::duplicate(vp, core::quote(name)));
    }
  }

  std::set<std::string> names;
  const json& containers = get_array(spec, "containers");
  if (containers.empty()) errs.push_back(field_error::required(path + ".containers"));
  for (std::size_t i = 0; i < containers.size(); ++i) {
    std::string cp = idx(path + ".containers", i);
    std::string name = get_string(containers[i], "name");
    if (name.empty()) {
      errs.push_back(field_error::required(cp + ".name"));
    } else {
      add_invalid(errs, cp + ".name", name, dns1123_label(name));
      if (!names.insert(name).second) errs.push_back(field_error::duplicate(cp + ".name", core::quote(name)));
    }
    validate_container(errs, containers[i], cp, volumes);
  }
  const json& inits = get_array(spec, "initContainers");
  std::set<std::string> init_names;
  for (std::size_t i = 0; i < inits.size(); ++i) {
    std::string cp = idx(path + ".initContainers", i);
    std::string name = get_string(inits[i], "name");
    if (name.empty()) {
      errs.push_back(field_error::required(cp + ".name"));
    } else {
      add_invalid(errs, cp + ".name", name, dns1123_label(name));
      if (names.contains(name) || !init_names.insert(name).second)
        errs.push_back(field_error::duplicate(cp + ".name", core::quote(name)));
    }
    validate_container(errs, inits[i], cp, volumes);
  }

  check_enum(errs, spec, "restartPolicy", path + ".restartPolicy", {"Always", "OnFailure", "Never"});
  check_enum(errs, spec, "dnsPolicy", path + ".dnsPolicy", {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"});
  if (auto ads = get_int(spec, "activeDeadlineSeconds"); ads && (*ads < 1 || *ads > 2147483647))
    errs.push_back(field_error::invalid(path + ".activeDeadlineSeconds", std::to_string(*ads),
                                        inclusive_range_error(1, 2147483647)));
  if (std::string node = get_string(spec, "nodeName"); !node.empty())
    add_invalid(errs, path + ".nodeName", node, dns1123_subdomain(node));
  if (std::string sa = get_string(spec, "serviceAccountName"); !sa.empty())
    add_invalid(errs, path + ".serviceAccountName", sa, dns1123_subdomain(sa));
  if (std::string h = get_string(spec, "hostname"); !h.empty()) add_invalid(errs, path + ".hostname", h, dns1123_label(h));
  if (std::string s = get_string(spec, "subdomain"); !s.empty()) add_invalid(errs, path + ".subdomain", s, dns1123_label(s));
  append(errs, validate_labels(get(spec, "nodeSelector"), path + ".nodeSelector"));
  validate_tolerations(errs, spec, path + ".tolerations");
  return errs;
}

field_errors validate_pod_template(const json& tmpl, const std::string& path) {
  field_errors errs;
  const json* meta = get(tmpl, "metadata");
  if (meta) {
    append(errs, validate_labels(get(*meta, "labels"), path + ".metadata.labels"));
    append(errs, validate_annotations(get(*meta, "annotations"), path + ".metadata.annotations"));
  }
  static const json empty = json::object();
  const json* spec = get(tmpl, "spec");
  append(errs, validate_pod_spec(spec ? *spec : empty, path + ".spec"));
  return errs;
}

}  // namespace ktk::apiserver::detail
