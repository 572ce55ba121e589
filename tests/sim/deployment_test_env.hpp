// deployment_test_env.hpp — the Deployment controller on a FakeClient and a fake
// clock, with the test playing the ReplicaSet controller by hand (ReplicaSet status,
// Pods). Waits are bounded (eventually); settle() waits until the controller has
// acted on everything written so far.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../common/eventually.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/workqueue/rate_limiter.hpp"
#include "ktk/fakeclient/fake_client.hpp"
#include "ktk/sim/deployment_controller.hpp"
#include "ktk/sim/kinds.hpp"

namespace deploy_test {

using namespace std::chrono_literals;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
namespace ctl = ktk::client::controller;
using ktk_test::eventually;

inline constexpr const char* revision_key = "deployment.kubernetes.io/revision";

inline object deployment(const std::string& name, int replicas, const std::string& image = "nginx:1.25") {
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"namespace", "default"}, {"name", name}}},
                     {"spec",
                      {{"replicas", replicas},
                       {"selector", {{"matchLabels", {{"app", name}}}}},
                       {"template",
                        {{"metadata", {{"labels", {{"app", name}}}}},
                         {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}}}}});
}

inline std::int64_t int_at(const object& o, std::string_view path) {
  const json* v = o.at_path(path);
  return v && v->is_number_integer() ? v->get<std::int64_t>() : 0;
}
inline std::string str_at(const object& o, std::string_view path) {
  const json* v = o.at_path(path);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}
// The first container's image of spec.template.
inline std::string image_of(const object& o) {
  const json* cs = o.at_path("spec.template.spec.containers");
  return cs && cs->is_array() && !cs->empty() ? cs->at(0).value("image", "") : std::string();
}

// The condition of `type` in status.conditions ({} when absent).
inline json condition(const object& o, const std::string& type) {
  const json* cs = o.at_path("status.conditions");
  if (cs && cs->is_array()) {
    for (const auto& c : *cs) {
      if (c.value("type", "") == type) return c;
    }
  }
  return json::object();
}

class env {
 public:
  explicit env(std::vector<object> objects = {}) {
    auto b = ktk::fakeclient::builder();
    b.with_clock(clk).with_seed(7);
    for (auto& o : objects) b.with_object(std::move(o));
    fc = b.build();
    mgr = std::make_unique<ctl::manager>(*fc, ctl::manager_options{.clock = &clk, .log = [](const std::string&) {}});
  }
  ~env() {
    stop.request_stop();
    if (t.joinable()) t.join();
  }

  // Adds the controller (immediate retries: the fake clock does not move by itself)
  // and runs the manager until the test ends.
  void start() {
    ctrl = ktk::sim::add_deployment_controller(
        *mgr, {.rate_limiter = std::make_shared<ktk::client::workqueue::exponential_failure_rate_limiter<ctl::request>>(
                   ktk::client::workqueue::exponential_failure_options{.base_delay = 0ns, .max_delay = 0ns})});
    t = std::jthread([this] { (void)mgr->start(stop.get_token()); });
    ASSERT_TRUE(eventually([&] { return ctrl->started(); }));
  }

  object_ptr get(const ktk::core::gvk& kind, const std::string& name) {
    auto r = fc->get(kind, {"default", name});
    return r ? *r : nullptr;
  }
  object_ptr deploy(const std::string& name = "web") { return get(ktk::sim::deployment_kind, name); }

  // The ReplicaSets the Deployment controls, oldest revision first.
  std::vector<object_ptr> replicasets(const std::string& dname = "web") {
    auto d = deploy(dname);
    std::vector<object_ptr> out;
    auto l = fc->list(ktk::sim::replicaset_kind, {.namespace_ = "default"});
    if (!l || !d) return out;
    for (auto& rs : l->items) {
      auto ref = rs->controller_ref();
      if (ref && ref->uid == d->uid()) out.push_back(rs);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::stoll(a->annotation(revision_key).value_or("0")) < std::stoll(b->annotation(revision_key).value_or("0"));
    });
    return out;
  }
  std::vector<std::int64_t> sizes(const std::string& dname = "web") {
    std::vector<std::int64_t> out;
    for (auto& rs : replicasets(dname)) out.push_back(int_at(*rs, "spec.replicas"));
    return out;
  }

  // Retries fn on the latest object until the write is not a conflict.
  void modify(const ktk::core::gvk& kind, const std::string& name, const std::function<void(object&)>& fn,
              bool status = false) {
    for (int i = 0; i < 200; ++i) {
      auto cur = get(kind, name);
      ASSERT_TRUE(cur) << name;
      object o = *cur;
      fn(o);
      auto r = status ? fc->status().update(std::move(o)) : fc->update(std::move(o));
      if (r) return;
      ASSERT_TRUE(ktk::is_conflict(r.error())) << r.error().message();
    }
    FAIL() << "kept conflicting: " << name;
  }
  void modify_deploy(const std::function<void(object&)>& fn, const std::string& name = "web") {
    modify(ktk::sim::deployment_kind, name, fn);
  }
  // A new template (a new image); the clock moves a second so that creation times order.
  void set_image(const std::string& image, const std::string& name = "web") {
    clk.advance(1s);
    modify_deploy([&](object& o) { o.data()["spec"]["template"]["spec"]["containers"][0]["image"] = image; }, name);
  }

  // What the ReplicaSet controller would report.
  void set_rs_status(const std::string& rs, std::int64_t replicas, std::int64_t ready, std::int64_t available) {
    modify(
        ktk::sim::replicaset_kind, rs,
        [&](object& o) {
          o.data()["status"] = {{"replicas", replicas},
                                {"fullyLabeledReplicas", replicas},
                                {"readyReplicas", ready},
                                {"availableReplicas", available},
                                {"observedGeneration", o.generation()}};
        },
        true);
  }
  // Every ReplicaSet of the Deployment runs its spec.replicas, all available.
  void all_available(const std::string& dname = "web") {
    for (auto& rs : replicasets(dname)) {
      auto n = int_at(*rs, "spec.replicas");
      set_rs_status(std::string(rs->name()), n, n, n);
    }
  }

  // The cache holds exactly what the server holds for kind.
  bool caught_up(const ktk::core::gvk& kind) {
    auto inf = mgr->get_cache().informer_for(kind);
    auto l = fc->list(kind);
    if (!l || !inf->handlers_idle()) return false;
    const auto& idx = inf->get_indexer();
    if (idx.size() != l->items.size()) return false;
    for (const auto& o : l->items) {
      auto c = idx.get(*o);
      if (!c || c->resource_version() != o->resource_version()) return false;
    }
    return true;
  }
  bool quiet() {
    auto busy = [&] {
      auto a = ctrl->queue().activity();
      return a.queued > 0 || a.processing > 0;
    };
    if (busy()) return false;
    if (!caught_up(ktk::sim::deployment_kind) || !caught_up(ktk::sim::replicaset_kind) ||
        !caught_up(ktk::sim::pod_kind)) {
      return false;
    }
    return !busy();
  }
  // Waits until the controller has acted on everything written so far.
  void settle() {
    int in_a_row = 0;
    ASSERT_TRUE(eventually([&] {
      in_a_row = quiet() ? in_a_row + 1 : 0;
      return in_a_row >= 5;
    })) << "the controller did not settle";
  }
  // Plays the ReplicaSet controller with every Pod available at once, until the
  // rollout is done (bounded).
  void roll_to_completion(const std::string& dname = "web") {
    for (int i = 0; i < 50; ++i) {
      settle();
      auto before = sizes(dname);
      all_available(dname);
      settle();
      auto d = deploy(dname);
      if (sizes(dname) == before && int_at(*d, "status.updatedReplicas") == int_at(*d, "spec.replicas") &&
          int_at(*d, "status.replicas") == int_at(*d, "spec.replicas")) {
        return;
      }
    }
    FAIL() << "the rollout did not complete";
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc;
  std::unique_ptr<ctl::manager> mgr;
  std::shared_ptr<ctl::controller> ctrl;
  std::stop_source stop;
  std::jthread t;
};

}  // namespace deploy_test
