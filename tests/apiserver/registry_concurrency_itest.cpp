// Several writers and watchers on one registry: every watcher sees every change of
// its selection exactly once, in resourceVersion order, and the final state agrees.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "ktk/apiserver/registry.hpp"

namespace {

using ktk::apiserver::watch_event_type;
using ktk::core::json;
using ktk::core::object;

const ktk::core::gvr configmaps{"", "v1", "configmaps"};

TEST(RegistryConcurrency, WritersAndWatchersAgree) {
  constexpr int writers = 4;
  constexpr int writes_per_writer = 300;
  constexpr int keys_per_writer = 10;
  ktk::apiserver::registry reg({.history = 100000, .bookmark_interval = std::chrono::milliseconds(5)});
  const auto start_rv = std::to_string(reg.current_revision());

  struct seen_state {
    std::map<std::string, std::string> last_value;  // name → data.v as last seen
    std::vector<std::int64_t> revisions;
    int events = 0;
  };
  constexpr int watchers = 3;
  std::vector<seen_state> seen(watchers);
  // Set once the writers are done: watchers stop when they have reached it (a
  // filtered watcher learns its position from bookmarks).
  std::atomic<std::int64_t> target{std::numeric_limits<std::int64_t>::max()};
  std::stop_source stop_all;

  std::vector<std::jthread> watch_threads;
  for (int w = 0; w < watchers; ++w) {
    watch_threads.emplace_back([&, w] {
      // Watcher 0 sees everything; the others only writer 0's objects (a label selector).
      ktk::apiserver::watch_options wo{.resource_version = start_rv, .allow_bookmarks = true};
      if (w > 0) wo.label_selector = "writer=w0";
      auto stream = reg.watch(configmaps, "default", wo);
      ASSERT_TRUE(stream) << stream.error().message();
      auto& s = seen[w];
      std::int64_t reached = 0;
      while (!stop_all.get_token().stop_requested() && reached < target.load()) {
        auto evs = (*stream)->next(stop_all.get_token(),
                                   std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
        for (auto& e : evs) {
          ASSERT_NE(e.type, watch_event_type::error) << e.object->dump();
          std::int64_t rv = std::stoll(std::string(e.object->resource_version()));
          reached = std::max(reached, rv);
          if (e.type == watch_event_type::bookmark) continue;
          if (!s.revisions.empty()) {
            ASSERT_GT(rv, s.revisions.back()) << "events out of order or duplicated";
          }
          s.revisions.push_back(rv);
          ++s.events;
          std::string name(e.object->name());
          if (e.type == watch_event_type::deleted) {
            s.last_value.erase(name);
          } else {
            s.last_value[name] = e.object->data()["data"]["v"].get<std::string>();
          }
        }
      }
    });
  }

  std::atomic<int> acknowledged{0};
  std::vector<std::jthread> write_threads;
  for (int w = 0; w < writers; ++w) {
    write_threads.emplace_back([&, w] {
      for (int i = 0; i < writes_per_writer; ++i) {
        object o("v1", "ConfigMap");
        o.set_namespace("default");
        o.set_name("w" + std::to_string(w) + "-" + std::to_string(i % keys_per_writer));
        o.set_label("writer", "w" + std::to_string(w));
        o.data()["data"] = {{"v", std::to_string(i)}};
        auto r = i < keys_per_writer ? reg.create(configmaps, "default", std::move(o))
                                     : reg.update(configmaps, o.key(), std::move(o));
        ASSERT_TRUE(r) << r.error().message();
        acknowledged.fetch_add(1);
        if (i % 97 == 96) {
          // An occasional delete and re-create.
          auto name = "w" + std::to_string(w) + "-0";
          ASSERT_TRUE(reg.remove(configmaps, {"default", name}));
          object again("v1", "ConfigMap");
          again.set_namespace("default");
          again.set_name(name);
          again.set_label("writer", "w" + std::to_string(w));
          again.data()["data"] = {{"v", "recreated-" + std::to_string(i)}};
          ASSERT_TRUE(reg.create(configmaps, "default", std::move(again)));
        }
      }
    });
  }
  write_threads.clear();  // joins

  target.store(reg.current_revision());
  // Bounded: if a watcher never reaches the target, stop it and let the checks fail.
  std::jthread watchdog([&](std::stop_token st) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    // wait_for says false both when the time is up and when asked to stop: only the
    // first is a watcher that did not catch up.
    cv.wait_for(lock, st, std::chrono::seconds(30), [] { return false; });
    if (!st.stop_requested()) stop_all.request_stop();
  });
  watch_threads.clear();
  watchdog.request_stop();
  watchdog.join();
  EXPECT_FALSE(stop_all.stop_requested()) << "a watcher did not catch up within 30 s";

  auto state = reg.list(configmaps, "default").value();
  std::map<std::string, std::string> truth;
  for (auto& o : state.items) truth[std::string(o->name())] = o->data()["data"]["v"].get<std::string>();
  EXPECT_EQ(seen[0].last_value, truth);
  for (int w = 1; w < watchers; ++w) {
    std::map<std::string, std::string> w0;
    for (auto& [k, v] : truth) {
      if (k.starts_with("w0-")) w0[k] = v;
    }
    EXPECT_EQ(seen[w].last_value, w0) << "watcher " << w;
  }
  EXPECT_EQ(acknowledged.load(), writers * writes_per_writer);
}

}  // namespace
