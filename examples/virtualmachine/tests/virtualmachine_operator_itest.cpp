// The VirtualMachine operator against a real control plane: the ctest fixture starts
// one (embedded, or on etcd) with crd/ installed and sets KUBECONFIG; each test runs
// the operator in-process with a fake provider, in a namespace of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "fake_provider.hpp"
#include "ktk/client/controller/conditions.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/core/yaml.hpp"
#include "virtualmachine_controller.hpp"

namespace {

using namespace std::chrono_literals;
namespace ctl = ktk::client::controller;
namespace vm = ktk::examples::virtualmachine;
using ktk::core::json;

const ktk::core::gvk vm_kind = ktk::core::kind_of<vm::virtual_machine>();

// A bounded wait on the real clock: the limit turns a hang into a failure.
template <class Pred>
bool eventually(Pred p, std::chrono::seconds limit = 30s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return p();
}

class VirtualMachineOperator : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* kubeconfig = std::getenv("KUBECONFIG");
    if (!kubeconfig || !*kubeconfig) GTEST_SKIP() << "KUBECONFIG is not set: run me with ctest -R example.virtualmachine";
    auto cfg = ktk::client::rest::load_kubeconfig({.kubeconfig_path = kubeconfig});
    // client-go's default client-side limit (5 requests/s after a burst of 10) would
    // pace every write here; controller-runtime turns it off too (load_default_config).
    cfg.config.qps = -1;
    client = std::make_unique<ktk::client::rest::rest_client>(cfg.config);
    ktk::core::object n("v1", "Namespace");
    n.set_generate_name("test-");
    auto created = client->create(std::move(n));
    ASSERT_TRUE(created) << created.error().message();
    ns = std::string((*created)->name());

    // Scoped to this test's namespace: other tests (other processes, with providers of
    // their own) share the control plane, and two operators must not manage one object.
    mgr = std::make_unique<ctl::manager>(*client, ctl::manager_options{.cache = {.namespace_ = ns}});
    vm::setup(*mgr, provider);
    runner = std::jthread([this] { result = mgr->start(stop.get_token()); });
  }
  void TearDown() override {
    stop.request_stop();
    if (runner.joinable()) runner.join();
    mgr.reset();
    if (client && !ns.empty()) (void)client->remove({"", "v1", "Namespace"}, {"", ns});
  }

  // The sample of samples/, in this test's namespace.
  ktk::core::object sample() {
    ktk::core::object o(ktk::core::load_yaml_file(EXAMPLE_DIR "/samples/virtualmachine.yaml").at(0));
    o.set_namespace(ns);
    return o;
  }
  std::optional<vm::virtual_machine> get(const std::string& name) {
    auto v = client->get<vm::virtual_machine>({ns, name});
    if (!v) return std::nullopt;
    return *v;
  }
  bool running_and_ready(const std::string& name) {
    auto v = get(name);
    return v && v->status.phase == vm::phase_running &&
           ctl::is_status_condition_true(v->status.conditions, vm::condition_ready);
  }

  vm::fake_provider provider;
  std::unique_ptr<ktk::client::rest::rest_client> client;
  std::string ns;
  std::unique_ptr<ctl::manager> mgr;
  std::stop_source stop;
  std::jthread runner;
  ktk::core::result<void> result;  // the manager's, once it stopped
};

TEST_F(VirtualMachineOperator, TheSampleRunsAndIsReleasedOnDelete) {
  ASSERT_TRUE(client->create(sample()));
  const std::string machine = ns + "/virtualmachine-sample";
  ASSERT_TRUE(eventually([&] { return running_and_ready("virtualmachine-sample"); }));
  EXPECT_TRUE(provider.exists(machine));
  EXPECT_EQ(provider.calls("create"), 1);
  EXPECT_EQ(get("virtualmachine-sample")->metadata["finalizers"], json::array({"infra.example.com/release"}));

  ASSERT_TRUE(client->remove(vm_kind, {ns, "virtualmachine-sample"}));
  ASSERT_TRUE(eventually([&] { return ktk::is_not_found(client->get(vm_kind, {ns, "virtualmachine-sample"})); }));
  EXPECT_GE(provider.calls("remove"), 1);
  EXPECT_FALSE(provider.exists(machine));
}

TEST_F(VirtualMachineOperator, ProviderFailuresAreRetriedAndReleaseFailuresHoldTheObject) {
  provider.fail_next(2, "quota exceeded", "create");
  ASSERT_TRUE(client->create(sample()));
  ASSERT_TRUE(eventually([&] { return running_and_ready("virtualmachine-sample"); }));
  EXPECT_EQ(provider.calls("create"), 3);

  // Release fails until the provider is back: the object stays, marked for deletion.
  provider.fail_next(1000000, "cloud API down", "remove");
  ASSERT_TRUE(client->remove(vm_kind, {ns, "virtualmachine-sample"}));
  ASSERT_TRUE(eventually([&] {
    auto v = get("virtualmachine-sample");
    auto c = v ? ctl::find_status_condition(v->status.conditions, vm::condition_ready) : std::nullopt;
    return c && c->reason == "ReleaseFailed" && c->message == "cloud API down";
  }));
  auto held = get("virtualmachine-sample");
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->being_deleted());
  EXPECT_EQ(held->status.phase, vm::phase_deleting);
  EXPECT_TRUE(provider.exists(ns + "/virtualmachine-sample"));

  provider.fail_next(0);  // the provider is back
  ASSERT_TRUE(eventually([&] { return ktk::is_not_found(client->get(vm_kind, {ns, "virtualmachine-sample"})); }));
  EXPECT_FALSE(provider.exists(ns + "/virtualmachine-sample"));
}

TEST_F(VirtualMachineOperator, TheSchemaRejectsBadSpecs) {
  auto bad_cpu = sample();
  bad_cpu.data()["spec"]["cpu"] = 0;
  auto r = client->create(std::move(bad_cpu));
  ASSERT_FALSE(r);
  EXPECT_TRUE(ktk::is_invalid(r.error())) << r.error().message();

  auto bad_memory = sample();
  bad_memory.data()["spec"]["memory"] = "lots";
  r = client->create(std::move(bad_memory));
  ASSERT_FALSE(r);
  EXPECT_TRUE(ktk::is_invalid(r.error())) << r.error().message();
}

}  // namespace
