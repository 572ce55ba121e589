#include "kubelet/pod_status.hpp"

#include <nlohmann/json.hpp>

#include "common/json_util.hpp"
#include "ktk/sim/kinds.hpp"
#include "kubelet/timing.hpp"

namespace ktk::sim::detail {
namespace {

const core::json& member(const core::json& j, std::string_view key) {
  static const core::json null_json;
  if (!j.is_object()) return null_json;
  auto it = j.find(key);
  return it == j.end() ? null_json : *it;
}

std::optional<core::clock::time_point> time_at(const core::json& j, std::string_view key) {
  const core::json& v = member(j, key);
  if (!v.is_string()) return std::nullopt;
  return core::parse_rfc3339(v.get_ref<const std::string&>());
}

const core::json& containers_of(const core::object& pod, std::string_view list) {
  static const core::json empty = core::json::array();
  const core::json* cs = pod.field("spec");
  if (!cs) return empty;
  const core::json& l = member(*cs, list);
  return l.is_array() ? l : empty;
}

std::string container_id(const core::object& pod, const std::string& name, std::int64_t restarts) {
  return "ktk://" + hex64(stable_hash(0, {pod.uid(), name, std::to_string(restarts)}));
}

std::string image_id(const std::string& image) {
  std::string digest;
  for (int i = 0; i < 4; ++i) digest += hex64(stable_hash(static_cast<std::uint64_t>(i), {image}));
  auto at = image.find('@');
  return (at == std::string::npos ? image : image.substr(0, at)) + "@sha256:" + digest;
}

std::string names_of(const core::object& pod) {
  std::string out;
  for (const auto& c : containers_of(pod, "containers")) {
    if (!out.empty()) out += " ";
    out += string_member(c, "name");
  }
  return out;
}

// Calls f(status_entry, spec_container) for every container, creating entries.
template <class F>
void each_container(core::json& status, const core::object& pod, F f) {
  core::json old = member(status, "containerStatuses");
  core::json next = core::json::array();
  for (const auto& c : containers_of(pod, "containers")) {
    std::string name = string_member(c, "name");
    core::json entry = core::json::object();
    if (old.is_array())
      for (const auto& o : old)
        if (string_member(o, "name") == name) entry = o;
    entry["name"] = name;
    entry["image"] = string_member(c, "image");
    entry["imageID"] = image_id(string_member(c, "image"));
    f(entry, name);
    next.push_back(std::move(entry));
  }
  status["containerStatuses"] = std::move(next);
}

}  // namespace

pod_view read_pod(const core::object& pod) {
  pod_view v;
  const core::json* cs = pod.at_path("status.containerStatuses");
  if (!cs || !cs->is_array() || cs->empty()) return v;
  const core::json& c = (*cs)[0];
  const core::json& rc = member(c, "restartCount");
  if (rc.is_number_integer()) v.restarts = rc.get<std::int64_t>();
  const core::json& state = member(c, "state");
  v.finished_at = time_at(member(member(c, "lastState"), "terminated"), "finishedAt");
  if (const core::json& r = member(state, "running"); r.is_object()) {
    v.stage = member(c, "ready") == true ? pod_stage::ready : pod_stage::running;
    v.started_at = time_at(r, "startedAt");
  } else if (const core::json& t = member(state, "terminated"); t.is_object()) {
    v.stage = pod_stage::terminated;
    v.finished_at = time_at(t, "finishedAt");
  }
  return v;
}

bool restarts_after(const core::object& pod, int exit_code) {
  const core::json* p = pod.at_path("spec.restartPolicy");
  std::string policy = p && p->is_string() ? p->get<std::string>() : "Always";
  if (policy == "Never") return false;
  if (policy == "OnFailure") return exit_code != 0;
  return true;
}

status_work status_work::of(const core::object& pod) {
  const core::json* st = pod.field("status");
  return status_work(core::object(core::json{{"status", st && st->is_object() ? *st : core::json::object()}}));
}

const core::json& status_work::status() const { return o_.data()["status"]; }

void status_work::set_not_ready(const core::object& pod, const char* reason, core::clock::time_point now) {
  std::string msg = std::string_view(reason) == "ContainersNotReady" ? "containers with unready status: [" + names_of(pod) + "]" : "";
  set_condition(o_, "ContainersReady", "False", reason, msg, now);
  set_condition(o_, "Ready", "False", reason, msg, now);
}

void status_work::start(const core::object& pod, const placement& where, core::clock::time_point now) {
  const std::string ts = core::format_rfc3339(now);
  core::json& st = o_.data()["status"];
  st["phase"] = "Running";
  st["hostIP"] = where.host_ip;
  st["hostIPs"] = core::json::array({core::json{{"ip", where.host_ip}}});
  if (!where.pod_ip.empty()) {
    st["podIP"] = where.pod_ip;
    st["podIPs"] = core::json::array({core::json{{"ip", where.pod_ip}}});
  }
  if (!st.contains("startTime")) st["startTime"] = ts;
  const std::int64_t restarts = read_pod(o_).restarts;  // this work's own, after an exit in it
  each_container(st, pod, [&](core::json& e, const std::string& name) {
    e["containerID"] = container_id(pod, name, restarts);
    e["ready"] = false;
    e["started"] = true;
    e["restartCount"] = restarts;
    e["state"] = {{"running", {{"startedAt", ts}}}};
    if (!e.contains("lastState")) e["lastState"] = core::json::object();
  });
  const core::json& inits = containers_of(pod, "initContainers");
  if (!inits.empty()) {
    core::json is = core::json::array();
    for (const auto& c : inits) {
      std::string name = string_member(c, "name");
      is.push_back({{"name", name},
                    {"image", string_member(c, "image")},
                    {"imageID", image_id(string_member(c, "image"))},
                    {"containerID", container_id(pod, name, 0)},
                    {"ready", true},
                    {"restartCount", 0},
                    {"started", false},
                    {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}, {"startedAt", ts}, {"finishedAt", ts}}}}},
                    {"lastState", core::json::object()}});
    }
    st["initContainerStatuses"] = std::move(is);
  }
  set_condition(o_, "PodScheduled", "True", "", "", now);
  set_condition(o_, "Initialized", "True", "", "", now);
  set_not_ready(pod, "ContainersNotReady", now);
}

void status_work::make_ready(const core::object& pod, core::clock::time_point now) {
  core::json& st = o_.data()["status"];
  each_container(st, pod, [](core::json& e, const std::string&) { e["ready"] = true; });
  set_condition(o_, "ContainersReady", "True", "", "", now);
  set_condition(o_, "Ready", "True", "", "", now);
}

void status_work::exit(const core::object& pod, int exit_code, bool restart, core::clock::time_point now) {
  const std::string ts = core::format_rfc3339(now);
  core::json& st = o_.data()["status"];
  const char* reason = exit_code == 0 ? "Completed" : "Error";
  each_container(st, pod, [&](core::json& e, const std::string& name) {
    core::json terminated = {{"exitCode", exit_code},
                             {"reason", reason},
                             {"startedAt", member(member(member(e, "state"), "running"), "startedAt")},
                             {"finishedAt", ts},
                             {"containerID", string_member(e, "containerID")}};
    e["ready"] = false;
    e["started"] = false;
    if (restart) {
      std::int64_t rc = member(e, "restartCount").is_number_integer() ? e["restartCount"].get<std::int64_t>() : 0;
      e["restartCount"] = rc + 1;
      e["lastState"] = {{"terminated", std::move(terminated)}};
      e["state"] = {{"waiting",
                     {{"reason", "CrashLoopBackOff"},
                      {"message", "back-off restarting failed container " + name + " in pod " + std::string(pod.name())}}}};
    } else {
      e["state"] = {{"terminated", std::move(terminated)}};
    }
  });
  if (restart) {
    set_not_ready(pod, "ContainersNotReady", now);
    return;
  }
  st["phase"] = exit_code == 0 ? "Succeeded" : "Failed";
  set_not_ready(pod, exit_code == 0 ? "PodCompleted" : "PodFailed", now);
}

void status_work::terminate(const core::object& pod, core::clock::time_point now) {
  const std::string ts = core::format_rfc3339(now);
  core::json& st = o_.data()["status"];
  each_container(st, pod, [&](core::json& e, const std::string&) {
    core::json started = member(member(member(e, "state"), "running"), "startedAt");
    e["ready"] = false;
    e["started"] = false;
    e["state"] = {{"terminated",
                   {{"exitCode", 0},
                    {"reason", "Completed"},
                    {"startedAt", started.is_string() ? started : core::json(ts)},
                    {"finishedAt", ts},
                    {"containerID", string_member(e, "containerID")}}}};
  });
  set_not_ready(pod, "ContainersNotReady", now);
}

}  // namespace ktk::sim::detail
