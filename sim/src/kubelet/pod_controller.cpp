#include "kubelet/pod_controller.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ktk/client/controller/builder.hpp"
#include "ktk/sim/kinds.hpp"
#include "kubelet/pod_status.hpp"

namespace ktk::sim::detail {
namespace {

namespace ctl = client::controller;
using time_point = core::clock::time_point;
using namespace std::chrono_literals;

// When the Pod was bound, as far as the object tells (PodScheduled, else creation).
// A time under a second old is taken as now: the object has whole seconds only, and
// a Pod seen that fresh was bound a moment ago.
time_point bound_time(const core::object& pod, time_point now) {
  std::optional<time_point> t;
  if (const core::json* conds = pod.at_path("status.conditions"); conds && conds->is_array()) {
    for (const auto& c : *conds)
      if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "True")
        t = core::parse_rfc3339(c.value("lastTransitionTime", ""));
  }
  if (!t) t = core::parse_rfc3339(pod.creation_timestamp());
  if (!t || now - *t < 1s) return now;
  return *t;
}

class pod_reconciler final : public ctl::reconciler {
 public:
  pod_reconciler(ctl::manager& mgr, std::shared_ptr<kubelet_state> st, std::shared_ptr<client::cache::shared_informer> pods)
      : client_(mgr.get_client()), st_(std::move(st)), pods_(std::move(pods)) {}

  ctl::outcome reconcile(const ctl::request& req, std::stop_token) override {
    const std::string key = req.namespace_ + "/" + req.name;
    auto got = pods_->get_lister().get(req);
    if (!got) {
      st_->forget_pod(key);
      return ctl::done();
    }
    pod_memory mem = st_->recall_pod(key, (*got)->uid(), (*got)->resource_version());
    // The newer of the two; held here, as mem.written moves on with our next write.
    const core::object_ptr current = mem.written ? mem.written : *got;
    const core::object& pod = *current;
    const std::string node(pod_node_name(pod));
    if (!st_->owns(node)) {
      st_->forget_pod(key);
      return ctl::done();
    }
    const time_point now = st_->clock().now();
    auto failed_at = st_->with_node(node, [](node_state& n) { return n.failed ? std::optional(n.failed_at) : std::nullopt; });
    if (failed_at) {  // nobody runs this Pod now; only eviction moves it
      if (now >= eviction_time(st_->options(), *failed_at)) return remove(pod, key);
      return ctl::done();
    }
    if (!pod.deletion_timestamp().empty()) return terminate(pod, key, mem, now);
    if (is_pod_terminal(pod)) {
      st_->release_ip(key);
      return ctl::done();
    }
    return advance(pod, key, node, mem, now);
  }

 private:
  ctl::outcome advance(const core::object& pod, const std::string& key, const std::string& node, pod_memory& mem,
                       time_point now) {
    const kubelet_options& o = st_->options();
    const pod_timing& t = st_->timings().for_labels(pod.labels_json());
    pod_view v = read_pod(pod);
    if (!mem.bound_at) {
      mem.bound_at = bound_time(pod, now);
      st_->with_pod(key, [&](pod_memory& m) { m.bound_at = mem.bound_at; });  // kept even if the write fails
    }
    time_point running_at = mem.running_at.value_or(v.started_at.value_or(now));
    time_point finished_at = mem.finished_at.value_or(v.finished_at.value_or(*mem.bound_at));
    std::optional<status_work> work;
    std::optional<time_point> next;
    bool ended = false;
    auto j = [&](std::string_view what) { return jitter(t, o.seed, pod, what, v.restarts); };
    // At most a few transitions per write (zero delays could cycle restarts forever);
    // what is still due then is looked at again at once.
    int step = 0;
    for (; step < 8 && v.stage != pod_stage::terminated; ++step) {
      if (v.stage == pod_stage::waiting) {
        time_point due = (v.restarts == 0 ? *mem.bound_at : finished_at) + t.start_delay + j("start");
        if (due > now) {
          next = due;
          break;
        }
        if (!work) work = status_work::of(pod);
        work->start(pod, {host_ip(node), pod_ip(node, key, pod)}, now);
        running_at = now;
        v.stage = pod_stage::running;
        continue;
      }
      std::optional<time_point> ready_due, exit_due;
      if (v.stage == pod_stage::running) ready_due = running_at + t.ready_delay + j("ready");
      if (t.complete_after) exit_due = running_at + *t.complete_after + j("complete");
      const bool exit_first = exit_due && (!ready_due || *exit_due < *ready_due);
      std::optional<time_point> due = exit_first ? exit_due : ready_due;
      if (!due) break;  // running and ready for good
      if (*due > now) {
        next = due;
        break;
      }
      if (!work) work = status_work::of(pod);
      if (!exit_first) {
        work->make_ready(pod, now);
        v.stage = pod_stage::ready;
        continue;
      }
      const bool restart = restarts_after(pod, t.exit_code);
      work->exit(pod, t.exit_code, restart, now);
      finished_at = now;
      if (restart) {
        ++v.restarts;
        v.stage = pod_stage::waiting;
      } else {
        v.stage = pod_stage::terminated;
        ended = true;
      }
    }
    if (step == 8 && !next && v.stage != pod_stage::terminated) next = now;
    if (work) {
      auto r = client_.status().patch(pod_kind, pod.key(), core::patch_type::merge_patch,
                                      core::json{{"status", work->status()}});
      if (!r) {
        if (is_not_found(r.error())) {
          st_->forget_pod(key);
          return ctl::done();
        }
        return r.error();
      }
      mem.written = *r;
      mem.running_at = running_at;
      mem.finished_at = finished_at;
    }
    st_->with_pod(key, [&](pod_memory& m) {
      m.bound_at = mem.bound_at;
      m.running_at = mem.running_at;
      m.finished_at = mem.finished_at;
      if (mem.written) m.written = mem.written;
    });
    if (ended) st_->release_ip(key);
    if (!next) return ctl::done();
    return ctl::requeue_after(std::max(*next - now, time_point::duration(1)));
  }

  ctl::outcome terminate(const core::object& pod, const std::string& key, pod_memory& mem, time_point now) {
    const auto delay = st_->options().termination_delay;
    pod_view v = read_pod(pod);
    const bool running = v.stage == pod_stage::running || v.stage == pod_stage::ready;
    // Never started, or no time to take: gone at once.
    if (delay.count() <= 0 || v.stage == pod_stage::waiting) return remove(pod, key);
    if (!mem.deleting_at) mem.deleting_at = now;
    const time_point due = *mem.deleting_at + delay;
    if (running && now < due) {
      auto work = status_work::of(pod);
      work.terminate(pod, now);
      auto r = client_.status().patch(pod_kind, pod.key(), core::patch_type::merge_patch,
                                      core::json{{"status", work.status()}});
      if (!r && !is_not_found(r.error())) return r.error();
      if (r) mem.written = *r;
    }
    st_->with_pod(key, [&](pod_memory& m) {
      m.deleting_at = mem.deleting_at;
      if (mem.written) m.written = mem.written;
    });
    if (now >= due) return remove(pod, key);
    return ctl::requeue_after(due - now);
  }

  // Deletes with grace 0 (the containers are gone, or nobody is there to stop them).
  ctl::outcome remove(const core::object& pod, const std::string& key) {
    auto r = client_.remove(pod_kind, pod.key(),
                            {.grace_period_seconds = 0, .precondition_uid = std::string(pod.uid())});
    st_->release_ip(key);
    if (r || is_not_found(r.error()) || is_conflict(r.error())) return ctl::done();
    return r.error();
  }

  std::string host_ip(const std::string& node) {
    return st_->with_node(node, [](node_state& n) { return n.ip; });
  }

  // The Pod's address: the one it reports (a restart), else a free one of its Node.
  std::string pod_ip(const std::string& node, const std::string& key, const core::object& pod) {
    const core::json* ip = pod.at_path("status.podIP");
    if (ip && ip->is_string() && !ip->get_ref<const std::string&>().empty()) return ip->get<std::string>();
    return st_->acquire_ip(node, key, [&] {
      std::vector<std::pair<std::string, std::string>> held;
      for (const auto& p : pods_->get_indexer().by_index(pods_by_node_index, node)) {
        const core::json* pip = p->at_path("status.podIP");
        if (is_pod_terminal(*p) || !pip || !pip->is_string()) continue;
        held.emplace_back(std::string(p->namespace_()) + "/" + std::string(p->name()), pip->get<std::string>());
      }
      return held;
    });
  }

  client::client& client_;
  std::shared_ptr<kubelet_state> st_;
  std::shared_ptr<client::cache::shared_informer> pods_;
};

}  // namespace

core::clock::time_point eviction_time(const kubelet_options& o, core::clock::time_point failed_at) {
  return failed_at + o.node_monitor_grace + o.pod_eviction_timeout;
}

std::shared_ptr<client::controller::controller> make_pod_controller(client::controller::manager& mgr,
                                                                    std::shared_ptr<kubelet_state> state,
                                                                    std::shared_ptr<client::cache::shared_informer> pods) {
  auto ours = [st = state](const core::object_ptr& p) { return p && st->owns(pod_node_name(*p)); };
  ctl::predicate filter = ctl::funcs{
      .create = [ours](const ctl::create_event& e) { return ours(e.object); },
      .update =
          [ours](const ctl::update_event& e) {
            if (!ours(e.object_new)) return false;
            if (!e.object_old) return true;
            const core::object& a = *e.object_old;
            const core::object& b = *e.object_new;
            // Our own status writes need no reconcile; binding, deletion and spec do.
            return pod_node_name(a) != pod_node_name(b) || a.deletion_timestamp() != b.deletion_timestamp() ||
                   a.uid() != b.uid() || a.generation() != b.generation() || a.labels_json() != b.labels_json();
          },
      .delete_ = [ours](const ctl::delete_event& e) { return ours(e.object); },
  };
  auto r = std::make_shared<pod_reconciler>(mgr, state, pods);
  return ctl::builder(mgr)
      .named("kubelet-pods")
      .for_(pod_kind, {filter})
      .with_options({.max_concurrent_reconciles = std::max(1, state->options().workers)})
      .complete(r);
}

}  // namespace ktk::sim::detail
