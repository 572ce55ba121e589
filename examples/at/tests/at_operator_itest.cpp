// The At operator against a real control plane: the ctest fixture starts one (embedded,
// or on etcd) with examples/at/crd installed and sets KUBECONFIG. The operator runs
// in-process on the real clock; the test plays the user and the kubelet. Each test
// works in a namespace of its own, since every test of the suite shares the server.
#include "at_controller.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "ktk/client/controller/conditions.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"

#include "at_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using namespace at_test;
namespace ctl = ktk::client::controller;

const ktk::core::gvk pod_kind{"", "v1", "Pod"};

// Waits up to 30 s for p(), asking the server every 10 ms; the limit only turns a hang
// into a failure.
template <class Pred>
bool soon(Pred p) {
  return eventually(p, 30s, 10ms);
}

class AtOperator : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* kc = std::getenv("KUBECONFIG");
    ASSERT_NE(kc, nullptr) << "run by ctest: the fixture sets KUBECONFIG";
    auto cfg = ktk::client::rest::load_kubeconfig({.kubeconfig_path = kc}).config;
    // No client-side rate limit (as load_default_config, which at-operator uses): the
    // test polls, and 5 requests a second would make every step wait for a token.
    cfg.qps = -1;
    client = std::make_unique<ktk::client::rest::rest_client>(cfg);
    operator_client = std::make_unique<ktk::client::rest::rest_client>(cfg);
    ktk::core::object ns("v1", "Namespace");
    ns.set_generate_name("test-");
    auto made = client->create(std::move(ns));
    ASSERT_TRUE(made) << made.error().message();
    namespace_ = std::string((*made)->name());
  }

  void TearDown() override {
    stop.request_stop();
    if (run.joinable()) run.join();
    mgr.reset();
    if (client && !namespace_.empty()) (void)client->remove({"", "v1", "Namespace"}, {"", namespace_});
  }

  // The operator, as at-operator runs it, with a client of its own.
  void start_operator() {
    mgr = std::make_unique<ctl::manager>(*operator_client);
    cnat::setup(*mgr);
    run = std::jthread([this] { (void)mgr->start(stop.get_token()); });
  }

  std::optional<cnat::at> read_at(const std::string& name) {
    auto a = client->get<cnat::at>({namespace_, name});
    if (!a) return std::nullopt;
    return *a;
  }
  bool phase_is(const std::string& name, std::string_view phase) {
    auto a = read_at(name);
    return a && a->status.phase == phase;
  }

  std::unique_ptr<ktk::client::rest::rest_client> client;           // the user's and the kubelet's
  std::unique_ptr<ktk::client::rest::rest_client> operator_client;  // the operator's
  std::string namespace_;
  std::unique_ptr<ctl::manager> mgr;
  std::stop_source stop;
  std::jthread run;
};

TEST_F(AtOperator, RunsAnAtAtItsScheduleAndSeesItsPodFinish) {
  start_operator();
  // RFC 3339 with whole seconds: between one and two seconds from now.
  const auto when = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 2s;
  const std::string schedule = ktk::core::format_rfc3339(when);
  ASSERT_TRUE(client->create(make_at(namespace_, "cnrex", schedule)));

  // PENDING until the schedule (or RUNNING already, on a machine slower than that).
  ASSERT_TRUE(soon([&] { return phase_is("cnrex", "PENDING") || phase_is("cnrex", "RUNNING"); }));
  EXPECT_TRUE(ctl::is_status_condition_true(read_at("cnrex")->status.conditions, "ScheduleValid"));

  ktk::core::object_key pod_key{namespace_, "cnrex-pod"};
  ktk::core::object_ptr pod;
  ASSERT_TRUE(soon([&] {
    auto p = client->get(pod_kind, pod_key);
    if (p) pod = *p;
    return p.ok();
  }));
  // Not before its time (the server stamps whole seconds, as the schedule has them).
  auto created = ktk::core::parse_rfc3339(pod->creation_timestamp());
  ASSERT_TRUE(created);
  EXPECT_GE(*created, when);
  auto owner = pod->controller_ref();
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->kind, "At");
  EXPECT_EQ(owner->name, "cnrex");
  EXPECT_EQ(owner->uid, read_at("cnrex")->metadata["uid"]);
  EXPECT_EQ(pod->data()["spec"]["restartPolicy"], "Never");
  EXPECT_EQ(pod->data()["spec"]["containers"][0]["image"], "centos:7");
  ASSERT_TRUE(soon([&] { return phase_is("cnrex", "RUNNING"); }));

  // Acting as the kubelet: the container ran and exited 0.
  auto done = client->status().patch(pod_kind, pod_key, ktk::core::patch_type::merge_patch,
                                     json{{"status", {{"phase", "Succeeded"}}}});
  ASSERT_TRUE(done) << done.error().message();
  ASSERT_TRUE(soon([&] { return phase_is("cnrex", "DONE"); }));
}

TEST_F(AtOperator, TheServerRejectsAScheduleThatIsNoTime) {
  auto made = client->create(make_at(namespace_, "never", "tomorrow at noon"));
  ASSERT_FALSE(made);
  EXPECT_TRUE(ktk::is_invalid(made.error())) << made.error().message();
}

}  // namespace
