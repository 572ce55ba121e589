// load_watcher.hpp — a watcher of the load-and-fault test: list, then watch from the
// list's resourceVersion, as client-go's reflector does, and check every event.
//
// Checks on each event: resourceVersions strictly increase along the stream and past
// the point a watch resumed from (so no duplicate and no reordering); ADDED only for an
// object the watcher does not hold, MODIFIED and DELETED only for one it holds. A 410
// (from watch() or as an ERROR event) means a relist, and the watch goes on from the
// list's resourceVersion. A watcher may be slow (a pause per event: it falls behind the
// server's history) and may close its connection at random and resume from the last
// resourceVersion it saw. Every event is logged for the exactly-once check against the
// writers' histories at the end.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "ktk/client/cache/store.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "load_writer.hpp"

namespace ktk::load_test {

struct watcher_spec {
  std::string name{};
  std::string label_selector{};
  std::function<bool(const json& labels)> selects{};  // the same selection, client-side
  bool slow = false;
  bool disconnects = false;
  bool constant_selection = true;  // false when writes move objects in and out of it
};

struct watcher_stats {
  std::uint64_t events = 0;
  std::uint64_t disconnects = 0;  // connections this watcher closed on purpose
  std::uint64_t gone = 0;         // 410s
  std::uint64_t gone_mid_stream = 0;  // ... after events of that stream: the server's history moved past it
  std::uint64_t relists = 0;      // lists after the first
  std::uint64_t broken = 0;       // streams the server or the network ended
  std::uint64_t errors = 0;       // failed lists and watches (the server was down)
  std::vector<std::string> violations;
};

// What a watcher holds: name → (resourceVersion, content).
using watcher_state = std::map<std::string, std::pair<std::int64_t, json>>;

// Applies one event to `state` with the checks above; returns a violation or "".
inline std::string apply_event(watcher_state& state, char type, const core::object& o, std::int64_t& last_rv) {
  const std::string name(o.name());
  const std::int64_t rv = std::stoll(std::string(o.resource_version()));
  std::string bad;
  if (rv <= last_rv) bad = "rv " + std::to_string(rv) + " after rv " + std::to_string(last_rv);
  const bool held = state.contains(name);
  if (type == 'A' && held) bad += " ADDED for an object held";
  if (type != 'A' && !held) bad += std::string(" ") + (type == 'M' ? "MODIFIED" : "DELETED") + " for an object not held";
  if (type == 'D') {
    state.erase(name);
  } else {
    state[name] = {rv, content_of(o)};
  }
  last_rv = std::max(last_rv, rv);
  return bad.empty() ? "" : name + ": " + bad;
}

class load_watcher {
 public:
  load_watcher(watcher_spec spec, const client::rest::rest_config& cfg, std::string ns, std::uint64_t seed)
      : spec_(std::move(spec)), client_(cfg), ns_(std::move(ns)), rng_(seed) {}

  void run(std::stop_token stop) {
    bool need_list = true;
    std::int64_t last_rv = 0;
    std::uniform_int_distribution<int> budget_of(10, 60);
    auto pause = std::chrono::milliseconds(20);
    auto back_off = [&] {
      std::this_thread::sleep_for(pause);  // the server is down: retry soon, not in a loop
      pause = std::min(pause * 2, std::chrono::milliseconds(250));
    };
    while (!stop.stop_requested()) {
      if (need_list) {
        auto l = client_.list(configmap_kind, {.namespace_ = ns_, .label_selector = spec_.label_selector});
        if (!l) {
          count_error();
          back_off();
          continue;
        }
        watcher_state fresh;
        listing snapshot;
        for (const auto& o : l->items) {
          const std::int64_t rv = std::stoll(std::string(o->resource_version()));
          fresh[std::string(o->name())] = {rv, content_of(*o)};
          snapshot.items[std::string(o->name())] = rv;
        }
        last_rv = std::stoll(l->resource_version);
        snapshot.rv = last_rv;
        std::lock_guard lk(mu_);
        state_ = std::move(fresh);
        listings_.push_back(std::move(snapshot));
        if (listed_) ++stats_.relists;
        listed_ = true;
        ++epoch_;
        need_list = false;
      }
      auto w = client_.watch(configmap_kind,
                             {.namespace_ = ns_, .label_selector = spec_.label_selector, .resource_version = std::to_string(last_rv)});
      if (!w) {
        if (is_gone(w.error())) {
          std::lock_guard lk(mu_);
          ++stats_.gone;
          need_list = true;
        } else {
          count_error();
          back_off();
        }
        continue;
      }
      pause = std::chrono::milliseconds(20);
      watching_.store(true);
      int budget = spec_.disconnects ? budget_of(rng_) : -1;
      bool leave = false;
      std::uint64_t in_stream = 0;
      while (!leave && !stop.stop_requested() && !(*w)->done()) {
        for (auto& ev : (*w)->next(stop, std::chrono::steady_clock::now() + std::chrono::milliseconds(200))) {
          if (ev.type == client::event_type::bookmark) continue;
          if (ev.type == client::event_type::error) {
            std::lock_guard lk(mu_);
            if (ev.object->data().value("code", 0) == 410) {
              ++stats_.gone;
              if (in_stream > 0) ++stats_.gone_mid_stream;
              need_list = true;
            } else {
              ++stats_.errors;
            }
            leave = true;
            break;
          }
          const char type = ev.type == client::event_type::added ? 'A' : ev.type == client::event_type::modified ? 'M' : 'D';
          {
            std::lock_guard lk(mu_);
            auto bad = apply_event(state_, type, *ev.object, last_rv);
            if (!bad.empty()) stats_.violations.push_back(bad);
            if (!spec_.selects(ev.object->labels_json()) && type != 'D') {
              stats_.violations.push_back(std::string(ev.object->name()) + ": outside the selector");
            }
            log_.push_back({std::string(ev.object->name()), type, std::stoll(std::string(ev.object->resource_version())), epoch_});
            ++stats_.events;
            ++in_stream;
          }
          // A slow watcher: a consumer that takes its time while the writers run, so
          // that the server's history moves past it.
          if (spec_.slow && !hurry_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
          if (budget > 0 && --budget == 0) {
            std::lock_guard lk(mu_);
            ++stats_.disconnects;
            leave = true;
            break;
          }
        }
      }
      if (!leave && !stop.stop_requested()) {
        std::lock_guard lk(mu_);
        ++stats_.broken;
      }
      // `w` goes out of scope here: the client closes the connection.
    }
  }

  // Set once the first watch is open (the writers start after that).
  bool watching() const { return watching_.load(); }
  // A slow watcher stops being slow (the writes are over: it may catch up).
  void hurry() { hurry_.store(true); }

  watcher_state state() const {
    std::lock_guard lk(mu_);
    return state_;
  }
  watcher_stats stats() const {
    std::lock_guard lk(mu_);
    return stats_;
  }
  const watcher_spec& spec() const { return spec_; }

  struct listing {
    std::int64_t rv = 0;                          // the list's resourceVersion
    std::map<std::string, std::int64_t> items;    // name → resourceVersion
  };
  struct logged {
    std::string name;
    char type;
    std::int64_t rv;
    std::uint64_t epoch;  // which list it followed (1 = the first)
  };
  // After run() returned.
  const std::vector<logged>& log() const { return log_; }
  // What each list returned: listings()[epoch - 1] began that epoch. After run() returned.
  const std::vector<listing>& listings() const { return listings_; }

 private:
  void count_error() {
    std::lock_guard lk(mu_);
    ++stats_.errors;
  }

  watcher_spec spec_;
  client::rest::rest_client client_;
  std::string ns_;
  std::mt19937_64 rng_;
  std::atomic<bool> watching_{false};
  std::atomic<bool> hurry_{false};
  mutable std::mutex mu_;
  watcher_state state_;       // guarded by mu_
  watcher_stats stats_;       // guarded by mu_
  std::vector<logged> log_;   // guarded by mu_
  std::vector<listing> listings_;  // guarded by mu_
  std::uint64_t epoch_ = 0;   // guarded by mu_
  bool listed_ = false;       // guarded by mu_
};

// ktk's own reflector feeding this store: the same event checks, on the client cache.
class checking_store final : public client::cache::reflector_store {
 public:
  void add(core::object_ptr obj) override { event('A', obj); }
  void update(core::object_ptr obj) override { event('M', obj); }
  void remove(core::object_ptr obj) override { event('D', obj); }
  void replace(std::vector<core::object_ptr> items, std::string resource_version) override {
    std::lock_guard lk(mu_);
    state_.clear();
    for (const auto& o : items) state_[std::string(o->name())] = {std::stoll(std::string(o->resource_version())), content_of(*o)};
    last_rv_ = std::stoll(resource_version);
    ++replaces_;
  }

  watcher_state state() const {
    std::lock_guard lk(mu_);
    return state_;
  }
  std::uint64_t events() const {
    std::lock_guard lk(mu_);
    return events_;
  }
  std::uint64_t replaces() const {
    std::lock_guard lk(mu_);
    return replaces_;
  }
  std::vector<std::string> violations() const {
    std::lock_guard lk(mu_);
    return violations_;
  }

 private:
  void event(char type, const core::object_ptr& obj) {
    std::lock_guard lk(mu_);
    auto bad = apply_event(state_, type, *obj, last_rv_);
    if (!bad.empty()) violations_.push_back(bad);
    ++events_;
  }

  mutable std::mutex mu_;
  watcher_state state_;  // guarded by mu_
  std::int64_t last_rv_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t replaces_ = 0;
  std::vector<std::string> violations_;
};

}  // namespace ktk::load_test
