// cache_test_util.hpp — shared helpers of the informer tests: objects, bounded
// waits, a recording handler, and scripted watch streams.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../common/eventually.hpp"

#include "ktk/client/cache/event_handler.hpp"
#include "ktk/client/cache/list_watch.hpp"
#include "ktk/core/object.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace cache_test {

using namespace std::chrono_literals;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;

inline const ktk::core::gvk cm_kind{"", "v1", "ConfigMap"};
inline const ktk::core::gvk pod_kind{"", "v1", "Pod"};

// Runs f when the scope ends. Tests whose handlers or list_watch capture locals
// declare one after those locals, so that the threads stop before the locals go.
template <class F>
struct at_exit {
  F f;
  ~at_exit() { f(); }
};
template <class F>
at_exit(F) -> at_exit<F>;

using ktk_test::eventually;

inline object config_map(const std::string& ns, const std::string& name, std::map<std::string, std::string> labels = {},
                         const std::string& value = "v") {
  object o("v1", "ConfigMap");
  o.set_namespace(ns);
  o.set_name(name);
  if (!labels.empty()) o.set_labels(labels);
  o.data()["data"] = {{"k", value}};
  return o;
}

inline object pod(const std::string& ns, const std::string& name, std::map<std::string, std::string> labels = {}) {
  object o(json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"namespace", ns}, {"name", name}}},
                {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}});
  if (!labels.empty()) o.set_labels(labels);
  return o;
}

inline object namespace_object(const std::string& name) {
  return object(json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
}

// An object as a scripted server would send it: name and resourceVersion only.
inline object_ptr obj(const std::string& ns, const std::string& name, const std::string& rv) {
  object o("v1", "ConfigMap");
  o.set_namespace(ns);
  o.set_name(name);
  o.set_resource_version(rv);
  return ktk::core::make_object_ptr(std::move(o));
}

inline std::size_t count_actions(const ktk::fakeclient::fake_client& fc, const std::string& verb,
                                 const std::string& resource) {
  std::size_t n = 0;
  for (const auto& a : fc.actions()) n += a.verb == verb && a.resource.resource == resource;
  return n;
}

// Logs every callback as a line: "add default/a initial", "update default/a 5->6",
// "delete default/a", "delete default/a tombstone".
class recorder : public ktk::client::cache::event_handler {
 public:
  void on_add(const object_ptr& o, bool initial) override {
    log(std::string("add ") + key(*o) + (initial ? " initial" : ""), o);
  }
  void on_update(const object_ptr& old_obj, const object_ptr& new_obj) override {
    log("update " + key(*new_obj) + " " + std::string(old_obj->resource_version()) + "->" +
            std::string(new_obj->resource_version()) + (old_obj == new_obj ? " sync" : ""),
        new_obj);
  }
  void on_delete(const ktk::client::cache::deleted_object& d) override {
    const auto* t = std::get_if<ktk::client::cache::deleted_final_state_unknown>(&d);
    const auto& o = ktk::client::cache::last_state(d);
    log("delete " + key(*o) + (t ? " tombstone" : ""), o);
  }

  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return lines_.size();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = 10s) const {
    return eventually([&] { return size() >= n; }, limit);
  }
  // The last object each key was told about (erased on delete), to compare with a server.
  std::map<std::string, std::string> state() const {
    std::lock_guard lock(mu_);
    return state_;
  }

 private:
  static std::string key(const object& o) { return std::string(o.namespace_()) + "/" + std::string(o.name()); }
  void log(std::string line, const object_ptr& o) {
    std::lock_guard lock(mu_);
    if (line.starts_with("delete")) {
      state_.erase(key(*o));
    } else {
      state_[key(*o)] = std::string(o->resource_version());
    }
    lines_.push_back(std::move(line));
  }

  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::map<std::string, std::string> state_;
};

// A watch stream that plays a script: batches of events, then ends (cleanly, or with
// the script's final ERROR event). Blocks (until stop) when `hold` is set and the
// script is spent, like an idle server.
class scripted_watch : public ktk::client::watch_stream {
 public:
  explicit scripted_watch(std::deque<std::vector<ktk::client::watch_event>> batches, bool hold = false)
      : batches_(std::move(batches)), hold_(hold) {}
  std::vector<ktk::client::watch_event> next(std::stop_token stop,
                                             std::optional<std::chrono::steady_clock::time_point>) override {
    if (batches_.empty()) {
      if (hold_) {
        while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
        return {};
      }
      ended_ = true;
      return {};
    }
    auto b = std::move(batches_.front());
    batches_.pop_front();
    for (const auto& e : b) {
      if (e.type == ktk::client::event_type::error) ended_ = true;
    }
    if (batches_.empty() && !hold_) ended_ = true;
    return b;
  }
  bool done() const override { return ended_; }

 private:
  std::deque<std::vector<ktk::client::watch_event>> batches_;
  bool hold_;
  bool ended_ = false;
};

// Wraps a real stream and ends it cleanly after `limit` events.
class ending_watch : public ktk::client::watch_stream {
 public:
  ending_watch(std::unique_ptr<ktk::client::watch_stream> w, std::size_t limit) : w_(std::move(w)), left_(limit) {}
  std::vector<ktk::client::watch_event> next(std::stop_token stop,
                                             std::optional<std::chrono::steady_clock::time_point> deadline) override {
    auto evs = w_->next(stop, deadline);
    if (evs.size() >= left_) {
      evs.resize(left_);
      left_ = 0;
    } else {
      left_ -= evs.size();
    }
    return evs;
  }
  bool done() const override { return left_ == 0 || w_->done(); }

 private:
  std::unique_ptr<ktk::client::watch_stream> w_;
  std::size_t left_;
};

}  // namespace cache_test
