#include "virtualmachine_controller.hpp"

#include "ktk/client/controller/builder.hpp"
#include "ktk/client/controller/conditions.hpp"
#include "ktk/client/controller/controllerutil.hpp"

namespace ktk::examples::virtualmachine {

namespace ctl = client::controller;

std::string machine_name(const virtual_machine& vm) {
  auto key = vm.key();
  return key.namespace_ + "/" + key.name;
}

reconciler::reconciler(client::client& c, provider& p, core::clock* clk)
    : client_(c), provider_(p), clock_(clk ? *clk : core::real_clock::instance()) {}

ctl::outcome reconciler::reconcile(const ctl::request& req, std::stop_token) {
  auto got = client_.get<virtual_machine>(req);
  if (is_not_found(got)) return ctl::done();  // gone: nothing left to release
  if (!got) return got.error();
  virtual_machine vm = std::move(*got);

  if (vm.being_deleted()) return release(vm);

  // The finalizer goes on before the machine exists, so that a delete can never
  // forget a machine: kube keeps the object until the finalizer is removed.
  if (ctl::add_finalizer(vm, finalizer)) {
    auto updated = client_.update(vm);
    if (!updated) return updated.error();  // a 409 is retried like any error
    vm = std::move(*updated);
  }
  return ensure_running(vm);
}

ctl::outcome reconciler::ensure_running(virtual_machine& vm) {
  if (vm.status.phase.empty()) {
    if (auto r = set_status(vm, phase_creating, ctl::condition_false, "Creating", "creating the machine"); !r) {
      return r.error();
    }
  }
  // Level-triggered: ask the provider what exists rather than trusting status, which
  // may lag (a status write can fail after the machine was made).
  const std::string name = machine_name(vm);
  auto m = provider_.get(name);
  if (is_not_found(m)) m = provider_.create({.name = name, .cpu = vm.spec.cpu, .memory = vm.spec.memory});
  if (!m) {
    // Say why in status (best effort: the provider's error is what gets retried).
    (void)set_status(vm, phase_creating, ctl::condition_false, "ProvisioningFailed", m.error().message());
    return m.error();
  }
  if (auto r = set_status(vm, phase_running, ctl::condition_true, "Running", "the machine is running"); !r) {
    return r.error();
  }
  return ctl::done();
}

ctl::outcome reconciler::release(virtual_machine& vm) {
  if (!ctl::contains_finalizer(vm, finalizer)) return ctl::done();  // not ours to hold
  if (vm.status.phase != phase_deleting) {  // once: a retry keeps the failure's message
    if (auto r = set_status(vm, phase_deleting, ctl::condition_false, "Deleting", "releasing the machine"); !r) {
      return r.error();
    }
  }
  // A machine that is already gone counts as released (a retry after a success the
  // status write did not record, say).
  if (auto r = ignore_not_found(provider_.remove(machine_name(vm))); !r) {
    (void)set_status(vm, phase_deleting, ctl::condition_false, "ReleaseFailed", r.error().message());
    return r.error();  // the finalizer stays: the object stays until release works
  }
  ctl::remove_finalizer(vm, finalizer);
  // With the last finalizer gone the server deletes the object. A 404 means someone
  // else removed the finalizer first: the object is gone either way.
  if (auto updated = client_.update(vm); !updated && !is_not_found(updated)) return updated.error();
  return ctl::done();
}

core::result<void> reconciler::set_status(virtual_machine& vm, std::string_view phase, std::string_view ready,
                                          std::string_view reason, const std::string& message) {
  bool changed = vm.status.phase != phase;
  vm.status.phase = std::string(phase);
  changed |= ctl::set_status_condition(vm.status.conditions,
                                       {.type = std::string(condition_ready),
                                        .status = std::string(ready),
                                        .reason = std::string(reason),
                                        .message = message,
                                        .observed_generation = vm.metadata.value("generation", std::int64_t{0})},
                                       clock_);
  if (!changed) return {};
  // The /status subresource: only status is written, with the resourceVersion read
  // (a stale one is a 409). Without `subresources: status` in the CRD this is a 404.
  auto written = client_.status().update(core::to_object(vm));
  if (!written) return written.error();
  vm = core::from_object<virtual_machine>(**written);
  return {};
}

void setup(ctl::manager& mgr, provider& p, options opts) {
  core::clock* clk = opts.clock ? opts.clock : mgr.options().clock;
  ctl::builder(mgr)
      .for_<virtual_machine>()
      .with_options({.max_concurrent_reconciles = opts.max_concurrent_reconciles,
                     .rate_limiter = std::move(opts.rate_limiter)})
      .complete(std::make_shared<reconciler>(mgr.get_client(), p, clk));
}

}  // namespace ktk::examples::virtualmachine
