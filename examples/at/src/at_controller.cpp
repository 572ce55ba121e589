#include "at_controller.hpp"

#include <chrono>
#include <utility>

#include "ktk/client/controller/builder.hpp"
#include "ktk/client/controller/conditions.hpp"
#include "ktk/client/controller/controllerutil.hpp"
#include "ktk/core/typed.hpp"

namespace ktk::examples::at {

namespace ctl = client::controller;

namespace {

const core::gvk pod_kind{"", "v1", "Pod"};

// What the Pod of an At looks like: its containers, run once.
core::object pod_for(const at& a) {
  core::object pod("v1", "Pod");
  pod.set_namespace(a.metadata.value("namespace", ""));
  pod.set_name(pod_name(a.metadata.value("name", "")));
  pod.data()["spec"] = {{"restartPolicy", "Never"}, {"containers", a.spec.containers}};
  return pod;
}

}  // namespace

std::string pod_name(std::string_view at_name) { return std::string(at_name) + "-pod"; }

ctl::outcome at_reconciler::reconcile(const ctl::request& req, std::stop_token) {
  auto got = client_.get<at>(req);
  // Deleted: nothing to do; its Pod goes with it (the garbage collector follows the
  // owner reference).
  if (is_not_found(got)) return ctl::done();
  if (!got) return got.error();
  at a = std::move(*got);
  if (a.metadata.contains("deletionTimestamp")) return ctl::done();

  // Work on a copy of the status and write it once at the end, if it changed.
  const at_status before = a.status;
  if (a.status.phase.empty()) a.status.phase = phase_pending;
  ctl::outcome next;
  if (a.status.phase == phase_pending) {
    next = pending(a);
  } else if (a.status.phase == phase_running) {
    next = running(a);
  }  // DONE: nothing left to do.
  if (!next.ok()) return next;  // retried; the status is written on a later pass

  if (a.status != before) {
    auto written = client_.status().update(core::to_object(a));
    // Someone wrote the At since we read it: read it again, without an error in the log.
    if (is_conflict(written)) return ctl::outcome::requeue();
    if (is_not_found(written)) return ctl::done();
    if (!written) return written.error();
  }
  return next;
}

ctl::outcome at_reconciler::pending(at& a) {
  auto when = core::parse_rfc3339(a.spec.schedule);
  if (!when) {
    // Retrying would not help: only a new schedule can, and editing the spec brings
    // the At back to the queue by itself.
    set_schedule_condition(a, false, "InvalidSchedule",
                           "spec.schedule \"" + a.spec.schedule +
                               "\" is not an RFC 3339 time such as \"2023-05-21T02:00:00Z\"");
    return ctl::done();
  }
  set_schedule_condition(a, true, "ValidSchedule", "runs at " + core::format_rfc3339(*when));
  if (auto now = clock_.now(); now < *when) {
    // Called again when the time comes: the queue's delay runs on the manager's clock.
    return ctl::requeue_after(std::chrono::duration_cast<std::chrono::nanoseconds>(*when - now));
  }
  if (auto made = ensure_pod(a); !made) return made.error();
  a.status.phase = phase_running;
  return ctl::done();
}

ctl::outcome at_reconciler::running(at& a) {
  auto pod = client_.get(pod_kind, {a.metadata.value("namespace", ""), pod_name(a.metadata.value("name", ""))});
  if (is_not_found(pod)) {
    // Deleted before it finished (or not in the cache yet): make sure it exists.
    if (auto made = ensure_pod(a); !made) return made.error();
    return ctl::done();
  }
  if (!pod) return pod.error();
  const core::json* phase = (*pod)->at_path("status.phase");
  if (phase && phase->is_string() && (*phase == "Succeeded" || *phase == "Failed")) a.status.phase = phase_done;
  // Otherwise the Pod's next change brings the At back.
  return ctl::done();
}

core::result<void> at_reconciler::ensure_pod(const at& a) {
  core::object pod = pod_for(a);
  // The controller reference lets the Pod's events find their At, and lets the
  // garbage collector delete the Pod with it.
  if (auto owned = ctl::set_controller_reference(core::to_object(a), pod, {.mapper = &client_.mapper()}); !owned) {
    return owned;
  }
  auto made = client_.create(std::move(pod));
  // Already there: an earlier pass made it, and its status write was lost or is late.
  if (made || is_already_exists(made)) return {};
  return made.error();
}

void at_reconciler::set_schedule_condition(at& a, bool valid, std::string reason, std::string message) {
  ctl::set_status_condition(a.status.conditions,
                            {.type = std::string(condition_schedule_valid),
                             .status = std::string(valid ? ctl::condition_true : ctl::condition_false),
                             .reason = std::move(reason),
                             .message = std::move(message),
                             .observed_generation = a.metadata.value("generation", std::int64_t{0})},
                            clock_);
}

void setup(ctl::manager& mgr, at_options opts) {
  core::clock& clk = mgr.options().clock ? *mgr.options().clock : core::real_clock::instance();
  ctl::builder(mgr)
      .named(opts.name)
      .for_<at>()
      .owns(pod_kind)
      .with_options({.max_concurrent_reconciles = opts.max_concurrent_reconciles})
      .complete(std::make_shared<at_reconciler>(mgr.get_client(), clk));
}

}  // namespace ktk::examples::at
