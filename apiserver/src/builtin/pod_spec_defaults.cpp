// PodSpec defaulting (SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Volume,
// SetDefaults_Probe ...) and the Pod QoS class.
#include <map>

#include "pod_spec.hpp"

namespace ktk::apiserver::detail {
namespace {

// IfNotPresent unless the image names no tag (":latest" implied) or the tag "latest";
// a digest always means IfNotPresent.
std::string default_pull_policy(const std::string& image) {
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!has_tag) return "Always";
  return image.substr(colon + 1) == "latest" ? "Always" : "IfNotPresent";
}

void default_handler(json& handler) {
  if (json* http = get(handler, "httpGet"); http && http->is_object()) {
    set_default(*http, "path", "/");
    set_default(*http, "scheme", "HTTP");
  }
}

void default_probe(json& c, std::string_view key) {
  json* probe = get(c, key);
  if (!probe || !probe->is_object()) return;
  set_default(*probe, "timeoutSeconds", 1);
  set_default(*probe, "periodSeconds", 10);
  set_default(*probe, "successThreshold", 1);
  set_default(*probe, "failureThreshold", 3);
  default_handler(*probe);
}

void default_container(json& c, bool host_network) {
  if (!c.is_object()) return;
  if (!get(c, "imagePullPolicy")) c["imagePullPolicy"] = default_pull_policy(get_string(c, "image"));
  set_default(c, "terminationMessagePath", "/dev/termination-log");
  set_default(c, "terminationMessagePolicy", "File");
  set_default(c, "resources", json::object());
  if (json* ports = get(c, "ports"); ports && ports->is_array()) {
    for (auto& p : *ports) {
      if (!p.is_object()) continue;
      set_default(p, "protocol", "TCP");
      if (host_network && !get_int(p, "hostPort").value_or(0) && get(p, "containerPort"))
        p["hostPort"] = p["containerPort"];
    }
  }
  if (json* env = get(c, "env"); env && env->is_array()) {
    for (auto& e : *env) {
      json* from = get(e, "valueFrom");
      json* ref = from ? get(*from, "fieldRef") : nullptr;
      if (ref && ref->is_object()) set_default(*ref, "apiVersion", "v1");
    }
  }
  default_probe(c, "livenessProbe");
  default_probe(c, "readinessProbe");
  default_probe(c, "startupProbe");
  if (json* lc = get(c, "lifecycle"); lc && lc->is_object()) {
    if (json* h = get(*lc, "postStart")) default_handler(*h);
    if (json* h = get(*lc, "preStop")) default_handler(*h);
  }
}

void default_volume(json& v) {
  if (!v.is_object()) return;
  bool has_source = false;
  for (auto& [k, val] : v.items())
    if (k != "name" && !val.is_null()) has_source = true;
  if (!has_source) v["emptyDir"] = json::object();
  for (const char* src : {"secret", "configMap", "downwardAPI", "projected"}) {
    json* s = get(v, src);
    if (s && s->is_object()) set_default(*s, "defaultMode", 420);
  }
}

}  // namespace

void default_pod_spec(json& spec) {
  if (!spec.is_object()) return;
  set_default(spec, "restartPolicy", "Always");
  set_default(spec, "dnsPolicy", "ClusterFirst");
  set_default(spec, "securityContext", json::object());
  set_default(spec, "terminationGracePeriodSeconds", 30);
  set_default(spec, "schedulerName", "default-scheduler");
  // serviceAccount is the deprecated alias of serviceAccountName; the v1 conversion keeps both.
  std::string sa = get_string(spec, "serviceAccountName");
  if (sa.empty()) sa = get_string(spec, "serviceAccount");
  if (!sa.empty()) {
    spec["serviceAccountName"] = sa;
    spec["serviceAccount"] = sa;
  }
  bool host_network = get(spec, "hostNetwork") && spec["hostNetwork"] == true;
  for (const char* list : {"initContainers", "containers"}) {
    if (json* cs = get(spec, list); cs && cs->is_array())
      for (auto& c : *cs) default_container(c, host_network);
  }
  if (json* vols = get(spec, "volumes"); vols && vols->is_array())
    for (auto& v : *vols) default_volume(v);
}

void default_pod_template(json& tmpl) {
  if (!tmpl.is_object()) return;
  default_pod_spec(ensure_object(tmpl, "spec"));
}

std::string pod_qos_class(const json& spec) {
  std::map<std::string, double> requests, limits;
  bool guaranteed = true;
  auto positive = [](const json& q) -> std::optional<double> {
    auto v = q.is_string() ? parse_quantity(q.get<std::string>())
                           : (q.is_number() ? std::optional<double>(q.get<double>()) : std::nullopt);
    if (v && *v > 0) return v;
    return std::nullopt;
  };
  for (const char* list : {"initContainers", "containers"}) {
    for (const auto& c : get_array(spec, list)) {
      const json* res = get(c, "resources");
      const json* req = res ? get(*res, "requests") : nullptr;
      const json* lim = res ? get(*res, "limits") : nullptr;
      int limits_found = 0;
      for (const char* name : {"cpu", "memory"}) {
        const json* r = req ? get(*req, name) : nullptr;
        const json* l = lim ? get(*lim, name) : nullptr;
        if (!r) r = l;  // defaulting copies limits into missing requests
        if (r) {
          if (auto v = positive(*r)) requests[name] += *v;
        }
        if (l) {
          if (auto v = positive(*l)) {
            limits[name] += *v;
            ++limits_found;
          }
        }
      }
      if (limits_found < 2) guaranteed = false;
    }
  }
  if (requests.empty() && limits.empty()) return "BestEffort";
  if (guaranteed) {
    for (auto& [name, r] : requests) {
      auto it = limits.find(name);
      if (it == limits.end() || it->second != r) guaranteed = false;
    }
    if (guaranteed && requests.size() == limits.size()) return "Guaranteed";
  }
  return "Burstable";
}

}  // namespace ktk::apiserver::detail
