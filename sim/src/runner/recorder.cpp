// recorder.cpp — the timeline: one informer per kind, handlers that append.
#include "runner/recorder.hpp"

#include <nlohmann/json.hpp>

#include "ktk/sim/kinds.hpp"

namespace ktk::sim::detail {
namespace {

std::int64_t int_at(const core::object& o, std::string_view path) {
  const core::json* j = o.at_path(path);
  return j && j->is_number_integer() ? j->get<std::int64_t>() : 0;
}

}  // namespace

std::string state_of(const core::object& obj) {
  const auto kind = obj.kind();
  if (kind == "Pod") {
    if (!obj.deletion_timestamp().empty()) return "Terminating";
    return std::string(pod_phase(obj));
  }
  if (kind == "Deployment" || kind == "ReplicaSet") {
    return std::to_string(int_at(obj, "status.readyReplicas")) + "/" + std::to_string(int_at(obj, "spec.replicas"));
  }
  if (kind == "Node") {
    auto s = condition_status(obj, "Ready");
    return s == "True" ? "Ready" : "NotReady";
  }
  return {};
}

recorder::recorder(client::client& c, core::clock& clk, core::clock::time_point start)
    : client_(c), clock_(clk), start_(start) {}

recorder::~recorder() { stop(); }

bool recorder::start(std::chrono::milliseconds timeout) {
  for (const auto& kind : {deployment_kind, replicaset_kind, pod_kind, node_kind}) {
    auto inf = std::make_shared<client::cache::shared_informer>(client_, kind, client::cache::informer_options{});
    inf->add_event_handler(client::cache::event_handler_funcs{
        .on_add = [this](const core::object_ptr& o, bool) {
          record("ADDED", *o);
          count(nullptr, o.get());
        },
        .on_update = [this](const core::object_ptr& old_obj, const core::object_ptr& new_obj) {
          if (state_of(*old_obj) != state_of(*new_obj) || pod_node_name(*old_obj) != pod_node_name(*new_obj)) {
            record("MODIFIED", *new_obj);
          } else {
            std::lock_guard lock(mu_);
            ++events_;
          }
          count(old_obj.get(), new_obj.get());
        },
        .on_delete = [this](const client::cache::deleted_object& d) {
          const auto& o = client::cache::last_state(d);
          if (!o) return;
          record("DELETED", *o);
          count(o.get(), nullptr);
        }},
        {.on_informer_thread = true});  // appends under a lock: quick
    inf->start();
    informers_.emplace_back(kind, std::move(inf));
  }
  std::vector<const client::cache::shared_informer*> all;
  for (const auto& [kind, i] : informers_) all.push_back(i.get());
  // Real time: the informers list at once, whatever the (virtual) clock says.
  return client::cache::wait_for_cache_sync(timeout, all, &core::real_clock::instance());
}

void recorder::stop() {
  for (auto& [kind, i] : informers_) i->shutdown();
  informers_.clear();
}

bool recorder::idle() const {
  for (const auto& [kind, i] : informers_) {
    if (!i->handlers_idle()) return false;
  }
  return true;
}

std::vector<std::pair<core::gvk, std::string>> recorder::versions() const {
  std::vector<std::pair<core::gvk, std::string>> out;
  for (const auto& [kind, i] : informers_) out.emplace_back(kind, i->last_sync_resource_version());
  return out;
}

void recorder::record(const char* type, const core::object& obj) {
  transition t{.at = std::chrono::duration_cast<duration>(clock_.now() - start_),
               .type = type,
               .kind = std::string(obj.kind()),
               .namespace_ = std::string(obj.namespace_()),
               .name = std::string(obj.name()),
               .state = state_of(obj),
               .node = obj.kind() == "Pod" ? std::string(pod_node_name(obj)) : std::string()};
  std::lock_guard lock(mu_);
  ++events_;
  transitions_.push_back(std::move(t));
}

void recorder::count(const core::object* old_obj, const core::object* new_obj) {
  const core::object* any = new_obj ? new_obj : old_obj;
  if (!any || any->kind() != "Pod") return;
  std::lock_guard lock(mu_);
  if (old_obj) {
    auto it = pods_.find(state_of(*old_obj));
    if (it != pods_.end() && --it->second == 0) pods_.erase(it);
  }
  if (new_obj) ++pods_[state_of(*new_obj)];
  dirty_ = true;
}

void recorder::sample() {
  std::lock_guard lock(mu_);
  if (!dirty_) return;
  dirty_ = false;
  auto at = std::chrono::duration_cast<duration>(clock_.now() - start_);
  if (!samples_.empty() && samples_.back().at == at) {
    samples_.back().pods = pods_;
  } else {
    samples_.push_back({.at = at, .pods = pods_});
  }
}

void recorder::drain_into(run_report& r) {
  std::lock_guard lock(mu_);
  r.transitions = std::move(transitions_);
  r.samples = std::move(samples_);
  r.events = events_;
}

}  // namespace ktk::sim::detail
