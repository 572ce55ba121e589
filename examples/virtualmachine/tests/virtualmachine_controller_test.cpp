// The VirtualMachine controller on the FakeClient: reconciles called one by one (the
// steps are plain to see), then the controller run by a manager on a fake clock
// (retries come from the work queue's backoff, on that clock).
#include "virtualmachine_controller.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fake_provider.hpp"
#include "ktk/client/controller/conditions.hpp"
#include "ktk/core/yaml.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace {

using namespace std::chrono_literals;
namespace ctl = ktk::client::controller;
namespace vm = ktk::examples::virtualmachine;
using ktk::core::json;

const ktk::core::gvk vm_kind = ktk::core::kind_of<vm::virtual_machine>();

vm::virtual_machine make_vm(const std::string& name, std::int64_t cpu = 2, const std::string& memory = "4Gi") {
  return {.metadata = {{"namespace", "default"}, {"name", name}}, .spec = {.cpu = cpu, .memory = memory}};
}

// The CRD as shipped, or without `subresources: status` (the tutorial's mistake).
json crd(bool status_subresource) {
  json c = ktk::core::load_yaml_file(EXAMPLE_DIR "/crd/virtualmachine.yaml").at(0);
  if (!status_subresource) c["spec"]["versions"][0].erase("subresources");
  return c;
}

// Fails the first n writes to /status of VirtualMachines with a 409.
ktk::fakeclient::reactor status_conflicts(int n) {
  auto inner = ktk::fakeclient::fail_times(n, ktk::core::api_error::conflict({"infra.example.com", "virtualmachines"},
                                                                             "vm-1", "injected"));
  return [inner](const ktk::fakeclient::action& a) -> std::optional<ktk::fakeclient::reaction> {
    if (a.subresource != "status") return std::nullopt;
    return inner(a);
  };
}

// A bounded wait; each round moves the fake clock on when one is given, so that
// backoff delays (on that clock) run out.
template <class Pred>
bool eventually(Pred p, ktk::core::fake_clock* clk = nullptr) {
  const auto end = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    if (clk) clk->advance(50ms);
    std::this_thread::sleep_for(1ms);
  }
  return p();
}

class VirtualMachineController : public ::testing::Test {
 protected:
  std::unique_ptr<ktk::fakeclient::fake_client> build(bool status_subresource = true) {
    return ktk::fakeclient::builder()
        .with_crd(ktk::core::object(crd(status_subresource)))
        .with_clock(clk)
        .with_seed(1)
        .build();
  }
  ctl::outcome reconcile(const std::string& name = "vm-1") { return r.reconcile({"default", name}, {}); }
  vm::virtual_machine get(const std::string& name = "vm-1") { return fc->get<vm::virtual_machine>({"default", name}).value(); }
  std::optional<ctl::condition> ready(const vm::virtual_machine& v) {
    return ctl::find_status_condition(v.status.conditions, vm::condition_ready);
  }
  // Creates vm-1 and reconciles it to Running.
  void running() {
    ASSERT_TRUE(fc->create(make_vm("vm-1")));
    ASSERT_TRUE(reconcile().ok());
    ASSERT_EQ(get().status.phase, vm::phase_running);
  }

  ktk::core::fake_clock clk;  // 2024-01-01T00:00:00Z
  vm::fake_provider provider;
  std::unique_ptr<ktk::fakeclient::fake_client> fc = build();
  vm::reconciler r{*fc, provider, &clk};
};

TEST_F(VirtualMachineController, FirstReconcileAddsTheFinalizerAndMakesTheMachine) {
  ASSERT_TRUE(fc->create(make_vm("vm-1", 2, "4Gi")));
  ASSERT_TRUE(reconcile().ok());
  auto v = get();
  EXPECT_EQ(v.metadata["finalizers"], json::array({"infra.example.com/release"}));
  EXPECT_EQ(v.status.phase, "Running");
  auto c = ready(v);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "True");
  EXPECT_EQ(c->reason, "Running");
  EXPECT_EQ(c->observed_generation, 1);
  EXPECT_EQ(c->last_transition_time, "2024-01-01T00:00:00Z");  // the injected clock
  EXPECT_EQ(provider.machines(), (std::vector<vm::machine>{{.name = "default/vm-1", .cpu = 2, .memory = "4Gi"}}));
}

TEST_F(VirtualMachineController, PhasesGoCreatingThenRunning) {
  auto created = fc->create(make_vm("vm-1"));
  ASSERT_TRUE(created);
  auto w = fc->watch(vm_kind, {.namespace_ = "default", .resource_version = created->metadata["resourceVersion"]});
  ASSERT_TRUE(w);
  ASSERT_TRUE(reconcile().ok());
  std::vector<std::string> phases;  // status.phase of each change, in order
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (phases.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    for (const auto& ev : (*w)->next({}, deadline)) {
      phases.push_back(ktk::core::from_object<vm::virtual_machine>(*ev.object).status.phase);
    }
  }
  EXPECT_EQ(phases, (std::vector<std::string>{"", "Creating", "Running"}));  // finalizer, then two status writes
}

TEST_F(VirtualMachineController, ReconcilingAgainChangesNothing) {
  running();
  fc->clear_actions();
  ASSERT_TRUE(reconcile().ok());
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(provider.calls("create"), 1);  // the provider made one machine
  for (const auto& a : fc->actions()) EXPECT_EQ(a.verb, "get") << "unexpected write: " << a.verb << " " << a.subresource;
}

TEST_F(VirtualMachineController, AMissingObjectIsDone) {
  EXPECT_TRUE(reconcile("nobody").ok());
  EXPECT_EQ(provider.calls(), 0);
}

TEST_F(VirtualMachineController, ProviderFailuresAreErrorsAndStatusSaysWhy) {
  ASSERT_TRUE(fc->create(make_vm("vm-1")));
  provider.fail_next(2, "quota exceeded", "create");
  for (int i = 0; i < 2; ++i) {
    auto out = reconcile();
    ASSERT_FALSE(out.ok());
    EXPECT_FALSE(out.err()->is_terminal());  // retried by the work queue
    EXPECT_EQ(out.err()->message(), "quota exceeded");
    auto v = get();
    EXPECT_EQ(v.status.phase, "Creating");
    auto c = ready(v);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, "False");
    EXPECT_EQ(c->reason, "ProvisioningFailed");
    EXPECT_EQ(c->message, "quota exceeded");
  }
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(get().status.phase, "Running");
  EXPECT_EQ(ready(get())->status, "True");
  EXPECT_EQ(provider.calls("create"), 3);
  EXPECT_EQ(provider.machines().size(), 1u);
}

TEST_F(VirtualMachineController, StatusConflictsAreErrorsAndTheNextPassWorks) {
  ASSERT_TRUE(fc->create(make_vm("vm-1")));
  fc->add_reactor("update", "virtualmachines", status_conflicts(2));
  for (int i = 0; i < 2; ++i) {
    auto out = reconcile();
    ASSERT_FALSE(out.ok());
    ASSERT_TRUE(out.err()->api());
    EXPECT_TRUE(ktk::is_conflict(*out.err()->api()));
  }
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(get().status.phase, "Running");
  EXPECT_EQ(provider.calls("create"), 1);  // the failed passes stopped before the provider
}

TEST_F(VirtualMachineController, DeleteReleasesTheMachineThenTheObjectGoes) {
  running();
  ASSERT_TRUE(fc->remove(vm_kind, {"default", "vm-1"}));
  auto v = get();  // held by the finalizer
  EXPECT_TRUE(v.being_deleted());
  EXPECT_TRUE(provider.exists("default/vm-1"));
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(provider.calls("remove"), 1);
  EXPECT_FALSE(provider.exists("default/vm-1"));
  EXPECT_TRUE(ktk::is_not_found(fc->get(vm_kind, {"default", "vm-1"})));
  EXPECT_TRUE(reconcile().ok());  // the event of the delete: nothing left to do
  EXPECT_EQ(provider.calls("remove"), 1);
}

TEST_F(VirtualMachineController, AFailedReleaseKeepsTheFinalizerUntilItWorks) {
  running();
  provider.fail_next(2, "cloud API down", "remove");
  ASSERT_TRUE(fc->remove(vm_kind, {"default", "vm-1"}));
  for (int i = 0; i < 2; ++i) {
    auto out = reconcile();
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.err()->message(), "cloud API down");
    auto v = get();  // still there, still marked for deletion
    EXPECT_TRUE(v.being_deleted());
    EXPECT_EQ(v.metadata["finalizers"], json::array({"infra.example.com/release"}));
    EXPECT_EQ(v.status.phase, "Deleting");
    EXPECT_EQ(ready(v)->reason, "ReleaseFailed");
    EXPECT_EQ(ready(v)->message, "cloud API down");
    EXPECT_TRUE(provider.exists("default/vm-1"));
  }
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(provider.calls("remove"), 3);
  EXPECT_FALSE(provider.exists("default/vm-1"));
  EXPECT_TRUE(ktk::is_not_found(fc->get(vm_kind, {"default", "vm-1"})));
}

TEST_F(VirtualMachineController, AMachineAlreadyGoneCountsAsReleased) {
  running();
  ASSERT_TRUE(provider.remove("default/vm-1"));  // released behind the controller's back
  ASSERT_TRUE(fc->remove(vm_kind, {"default", "vm-1"}));
  ASSERT_TRUE(reconcile().ok());
  EXPECT_TRUE(ktk::is_not_found(fc->get(vm_kind, {"default", "vm-1"})));
}

// The tutorial's pitfall: status written through /status while the CRD does not
// enable the subresource. kube-apiserver answers 404 "the server could not find the
// requested resource"; the reconcile fails with it, every time.
TEST_F(VirtualMachineController, StatusWritesAre404WithoutTheStatusSubresource) {
  fc = build(/*status_subresource=*/false);
  vm::reconciler broken{*fc, provider, &clk};
  ASSERT_TRUE(fc->create(make_vm("vm-1")));
  for (int i = 0; i < 2; ++i) {
    auto out = broken.reconcile({"default", "vm-1"}, {});
    ASSERT_FALSE(out.ok());
    ASSERT_TRUE(out.err()->api());
    EXPECT_EQ(out.err()->api()->code(), 404);
    EXPECT_TRUE(ktk::is_not_found(*out.err()->api()));
    EXPECT_EQ(out.err()->message(), "the server could not find the requested resource");
  }
  auto v = get();
  EXPECT_EQ(v.metadata["finalizers"], json::array({"infra.example.com/release"}));  // main writes work
  EXPECT_EQ(v.status.phase, "");                                                      // status never lands
  EXPECT_EQ(provider.calls(), 0);
}

// The other half: a main-resource update writes status only when the subresource is
// off. With it on, the server keeps the stored status and drops the update's silently.
TEST_F(VirtualMachineController, AMainUpdateKeepsStatusOnlyWithoutTheSubresource) {
  for (bool subresource : {true, false}) {
    SCOPED_TRACE(subresource ? "status subresource on" : "status subresource off");
    auto c = build(subresource);
    auto v = c->create(make_vm("vm-1")).value();
    v.status.phase = "Running";
    auto updated = c->update(v);
    ASSERT_TRUE(updated);  // no error either way
    EXPECT_EQ(updated->status.phase, subresource ? "" : "Running");
    EXPECT_EQ(c->get<vm::virtual_machine>({"default", "vm-1"})->status.phase, subresource ? "" : "Running");
    // Without the subresource status is just another field: changing it moves generation.
    EXPECT_EQ(updated->metadata["generation"], subresource ? 1 : 2);
  }
}

// ---- the controller run by a manager: errors are retried with the queue's backoff ----

class VirtualMachineManager : public VirtualMachineController {
 protected:
  void start() {
    vm::setup(mgr, provider);
    runner = std::jthread([this] { (void)mgr.start(stop.get_token()); });
  }
  void TearDown() override {
    stop.request_stop();
    if (runner.joinable()) runner.join();
  }
  const ctl::controller& controller() { return *mgr.controllers().at(0); }
  bool phase_is(std::string_view p) {
    auto v = fc->get<vm::virtual_machine>({"default", "vm-1"});
    return v && v->status.phase == p;
  }

  ctl::manager mgr{*fc, {.clock = &clk}};
  std::stop_source stop;
  std::jthread runner;
};

TEST_F(VirtualMachineManager, ProviderFailuresAreRetriedUntilTheMachineRuns) {
  provider.fail_next(3, "quota exceeded", "create");
  start();
  ASSERT_TRUE(fc->create(make_vm("vm-1")));
  ASSERT_TRUE(eventually([&] { return phase_is("Running"); }, &clk));
  EXPECT_EQ(provider.calls("create"), 4);
  EXPECT_GE(controller().stats().errors, 3u);
  EXPECT_EQ(ready(get())->status, "True");
}

TEST_F(VirtualMachineManager, StatusConflictsAreRetried) {
  fc->add_reactor("update", "virtualmachines", status_conflicts(3));
  start();
  ASSERT_TRUE(fc->create(make_vm("vm-1")));
  ASSERT_TRUE(eventually([&] { return phase_is("Running"); }, &clk));
  EXPECT_GE(controller().stats().errors, 3u);
  EXPECT_EQ(provider.calls("create"), 1);
}

TEST_F(VirtualMachineManager, DeleteWaitsForARelease) {
  provider.fail_next(2, "cloud API down", "remove");
  start();
  ASSERT_TRUE(fc->create(make_vm("vm-1")));
  ASSERT_TRUE(eventually([&] { return phase_is("Running"); }, &clk));
  ASSERT_TRUE(fc->remove(vm_kind, {"default", "vm-1"}));
  ASSERT_TRUE(eventually([&] { return ktk::is_not_found(fc->get(vm_kind, {"default", "vm-1"})); }, &clk));
  // At least the two failures and a success; a reconcile that read a stale cache may
  // release again after the machine went (a 404, which counts as released).
  EXPECT_GE(provider.calls("remove"), 3);
  EXPECT_TRUE(provider.machines().empty());
}

}  // namespace
