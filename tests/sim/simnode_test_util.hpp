// simnode_test_util.hpp — a FakeClient, a fake clock and a running manager for the
// scheduler and kubelet suites, objects they use, and bounded waits.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../common/eventually.hpp"

#include "ktk/client/controller/manager.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/fakeclient/fake_client.hpp"
#include "ktk/sim/kinds.hpp"

namespace simnode_test {

using namespace std::chrono_literals;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
using ktk_test::eventually;
namespace ctl = ktk::client::controller;

// The fake API server, a fake clock and a manager on it, run on a thread of its own.
class env {
 public:
  env() {
    fc_ = ktk::fakeclient::builder().with_clock(clk).with_seed(7).build();
    renew();
  }
  ~env() { stop(); }
  env(const env&) = delete;
  env& operator=(const env&) = delete;

  void start() {
    thread_ = std::jthread([this] { (void)mgr_->start(stop_.get_token()); });
  }
  // Stops the manager and what runs on it (the API server stays).
  void stop() {
    stop_.request_stop();
    if (thread_.joinable()) thread_.join();
    mgr_.reset();
  }
  // A new manager on the same API server and clock (after stop(): a restarted process).
  void renew() {
    stop();
    stop_ = std::stop_source();
    mgr_ = std::make_unique<ctl::manager>(*fc_, ctl::manager_options{.clock = &clk, .log = [](const std::string& l) {
                                            std::fprintf(stderr, "manager: %s\n", l.c_str());
                                          }});
  }

  ktk::fakeclient::fake_client& client() { return *fc_; }
  ctl::manager& mgr() { return *mgr_; }

  // Every informer's handlers and every controller's queue are idle (nothing queued,
  // in a reconcile or due), several times in a row. Items delayed past now may wait.
  bool settle(const std::vector<std::shared_ptr<ctl::controller>>& ctrls) {
    int quiet = 0;
    return eventually([&] {
      bool idle = true;
      if (mgr_)
        for (const auto& [key, inf] : mgr_->get_cache().informers()) idle = idle && inf->handlers_idle();
      for (const auto& c : ctrls) {
        auto a = c->queue().activity();
        idle = idle && a.queued == 0 && a.processing == 0 && !(a.next_ready_at && *a.next_ready_at <= clk.now());
      }
      quiet = idle ? quiet + 1 : 0;
      return quiet >= 5;
    });
  }

  // Moves the clock in steps of at most `step`, settling before and after each (a
  // reconcile in flight computes its requeue_after from the time it started).
  void advance(std::chrono::milliseconds total, const std::vector<std::shared_ptr<ctl::controller>>& ctrls,
               std::chrono::milliseconds step = 1000ms) {
    EXPECT_TRUE(settle(ctrls));
    while (total.count() > 0) {
      auto d = std::min(total, step);
      clk.advance(d);
      total -= d;
      EXPECT_TRUE(settle(ctrls));
    }
  }

  // Waits until c holds a delayed item (a reconcile asked to look again later).
  bool delayed(const std::shared_ptr<ctl::controller>& c) {
    return eventually([&] { return c->queue().activity().waiting > 0; });
  }

  // How many writes of `verb` went to resource/subresource.
  int count(const std::string& verb, const std::string& resource, const std::string& sub = "") {
    int n = 0;
    for (const auto& a : fc_->actions())
      if (a.verb == verb && a.resource.resource == resource && a.subresource == sub) ++n;
    return n;
  }

  object_ptr get(const ktk::core::gvk& kind, const std::string& ns, const std::string& name) {
    auto r = fc_->get(kind, {ns, name});
    return r ? *r : nullptr;
  }

  ktk::core::fake_clock clk;

 private:
  std::unique_ptr<ktk::fakeclient::fake_client> fc_;
  std::unique_ptr<ctl::manager> mgr_;
  std::stop_source stop_;
  std::jthread thread_;
};

inline object pod(const std::string& name, json spec_extra = json::object(), const std::string& ns = "default",
                  json labels = json::object()) {
  json spec = {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}};
  for (auto& [k, v] : spec_extra.items()) spec[k] = v;
  return object(json{{"apiVersion", "v1"},
                     {"kind", "Pod"},
                     {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
                     {"spec", spec}});
}

// A Pod whose one container requests cpu and memory.
inline object pod_requesting(const std::string& name, const std::string& cpu, const std::string& memory,
                             json spec_extra = json::object()) {
  object p = pod(name, std::move(spec_extra));
  p.data()["spec"]["containers"][0]["resources"] = {{"requests", {{"cpu", cpu}, {"memory", memory}}}};
  return p;
}

// A Ready Node with this capacity (as a kubelet would post it).
inline object node(const std::string& name, const std::string& cpu = "4", const std::string& memory = "16Gi",
                   json labels = json::object(), json spec = json::object(), bool ready = true) {
  labels["kubernetes.io/hostname"] = name;
  json res = {{"cpu", cpu}, {"memory", memory}, {"pods", "110"}};
  return object(json{{"apiVersion", "v1"},
                     {"kind", "Node"},
                     {"metadata", {{"name", name}, {"labels", labels}}},
                     {"spec", spec},
                     {"status",
                      {{"capacity", res},
                       {"allocatable", res},
                       {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}});
}

inline std::string node_of(const object_ptr& p) { return p ? std::string(ktk::sim::pod_node_name(*p)) : ""; }
inline std::string phase_of(const object_ptr& p) { return p ? std::string(ktk::sim::pod_phase(*p)) : ""; }

// A condition of obj's status.conditions as JSON ({} when absent).
inline json condition(const object_ptr& obj, const std::string& type) {
  if (!obj) return json::object();
  const json* conds = obj->at_path("status.conditions");
  if (!conds || !conds->is_array()) return json::object();
  for (const auto& c : *conds)
    if (c.value("type", "") == type) return c;
  return json::object();
}

}  // namespace simnode_test
