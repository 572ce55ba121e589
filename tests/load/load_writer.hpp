// load_writer.hpp — a writer of the load-and-fault test: a fixed number of creates,
// updates and deletes of its own ConfigMaps, each a compare-and-swap on the
// resourceVersion it knows, and a model of what the server must hold.
//
// Only this writer writes its objects, so the model is exact: an acknowledged write
// sets it. A write without an answer (connection refused or reset, 5xx, timeout) may
// or may not have happened; the writer then reads the object back and requires it to
// be either as before or as the write would have left it (the write happened), and
// takes what it read. A write the server refused (404, 409) although the model says
// it must succeed is an anomaly unless the read-back shows the write in place (the
// client retried a request whose answer was lost); otherwise an acknowledged write
// was lost. `history` keeps every write that took effect, in order, for the watchers'
// exactly-once check.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/client/rest/rest_client.hpp"

namespace ktk::load_test {

using json = nlohmann::json;
inline const core::gvk configmap_kind{"", "v1", "ConfigMap"};

// What a test compares: labels and data.
inline json content_of(const core::object& o) {
  const json* data = o.field("data");
  return {{"labels", o.labels_json()}, {"data", data ? *data : json::object()}};
}

struct write_record {
  char op;         // 'C' create, 'U' update, 'D' delete
  std::int64_t rv;  // the object's resourceVersion after it; 0 for a delete
};

struct object_model {
  bool exists = false;
  std::int64_t rv = 0;
  json content;
  std::vector<write_record> history;
};

struct writer_stats {
  std::uint64_t ops = 0;
  std::uint64_t acked = 0;
  std::uint64_t unanswered = 0;          // outcome unknown at the time
  std::uint64_t unanswered_applied = 0;  // ... and found to have happened
  std::uint64_t refused_applied = 0;     // 404/409 but the write was in place (a retried request)
  std::vector<std::string> anomalies;
};

class load_writer {
 public:
  load_writer(int index, const client::rest::rest_config& cfg, std::string ns, int objects, int ops,
              std::uint64_t seed, std::atomic<std::uint64_t>& acked_total)
      : index_(index), client_(cfg), ns_(std::move(ns)), ops_(ops), rng_(seed), acked_total_(acked_total) {
    for (int j = 0; j < objects; ++j) models_["w" + std::to_string(index_) + "-o" + std::to_string(j)];
  }

  void run(std::stop_token stop) {
    std::uniform_int_distribution<int> pick(0, static_cast<int>(models_.size()) - 1);
    std::uniform_int_distribution<int> pct(0, 99);
    std::uniform_int_distribution<int> pad(16, 2000);
    for (int n = 0; n < ops_ && !stop.stop_requested(); ++n) {
      auto it = std::next(models_.begin(), pick(rng_));
      object_model& m = it->second;
      const char op = !m.exists ? 'C' : (pct(rng_) < 65 ? 'U' : 'D');
      json content = {{"labels", {{"writer", "w" + std::to_string(index_)}, {"color", pct(rng_) < 50 ? "red" : "blue"}}},
                      {"data", {{"seq", std::to_string(n)}, {"pad", std::string(static_cast<std::size_t>(pad(rng_)), 'x')}}}};
      ++stats_.ops;
      write(stop, it->first, m, op, std::move(content));
    }
  }

  const std::map<std::string, object_model>& models() const { return models_; }
  const writer_stats& stats() const { return stats_; }

 private:
  core::object make(const std::string& name, const json& content) const {
    core::object o("v1", "ConfigMap");
    o.set_namespace(ns_);
    o.set_name(name);
    o.metadata()["labels"] = content["labels"];
    o.data()["data"] = content["data"];
    return o;
  }

  void write(std::stop_token stop, const std::string& name, object_model& m, char op, json content) {
    std::optional<core::api_error> err;
    std::int64_t rv = 0;
    if (op == 'D') {
      auto r = client_.remove(configmap_kind, {ns_, name},
                              {.precondition_resource_version = std::to_string(m.rv)});
      if (!r) err = r.error();
    } else {
      auto o = make(name, content);
      if (op == 'U') o.set_resource_version(std::to_string(m.rv));
      auto r = op == 'C' ? client_.create(std::move(o)) : client_.update(std::move(o));
      if (r) {
        rv = std::stoll(std::string((*r)->resource_version()));
        if (content_of(**r) != content) anomaly(name, std::string("the answer to ") + op + " holds other content");
      } else {
        err = r.error();
      }
    }
    if (!err) {
      apply(m, op, rv, std::move(content));
      ++stats_.acked;
      acked_total_.fetch_add(1);
      return;
    }
    const int code = err->code();
    const bool unanswered = code == 0 || code >= 500;
    const bool refused = code == 404 || code == 409;
    if (unanswered) ++stats_.unanswered;
    if (!unanswered && !refused) anomaly(name, std::string("unexpected error on ") + op + ": " + err->message());
    // Read back: the write happened or it did not; nothing else.
    auto now = read_back(stop, name);
    if (!now) {
      anomaly(name, "could not read it back within 30 s after: " + err->message());
      return;
    }
    const bool as_before = now->exists == m.exists && (!m.exists || now->rv == m.rv);
    const bool as_written = op == 'D' ? !now->exists : (now->exists && now->content == content && now->rv != m.rv);
    if (as_written) {
      apply(m, op, now->rv, std::move(content));
      if (unanswered) ++stats_.unanswered_applied;
      if (refused) ++stats_.refused_applied;
    } else if (!as_before || refused) {
      anomaly(name, std::string(refused ? "refused " : "unanswered ") + op + " (" + err->message() +
                        ") and the object is " + (now->exists ? "rv " + std::to_string(now->rv) : "absent") +
                        ", the model says " + (m.exists ? "rv " + std::to_string(m.rv) : "absent"));
      m.exists = now->exists;
      m.rv = now->rv;
      m.content = now->content;
    }
  }

  void apply(object_model& m, char op, std::int64_t rv, json content) {
    m.exists = op != 'D';
    m.rv = rv;
    m.content = op == 'D' ? json() : std::move(content);
    m.history.push_back({op, rv});
  }

  struct observed {
    bool exists = false;
    std::int64_t rv = 0;
    json content;
  };

  // GET until it answers 200 or 404 (the server may be restarting).
  std::optional<observed> read_back(std::stop_token stop, const std::string& name) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto pause = std::chrono::milliseconds(20);
    while (std::chrono::steady_clock::now() < deadline && !stop.stop_requested()) {
      auto g = client_.get(configmap_kind, {ns_, name});
      if (g) return observed{true, std::stoll(std::string((*g)->resource_version())), content_of(**g)};
      if (is_not_found(g)) return observed{};
      std::this_thread::sleep_for(pause);  // a server or etcd restart: back off
      pause = std::min(pause * 2, std::chrono::milliseconds(250));
    }
    return std::nullopt;
  }

  void anomaly(const std::string& name, const std::string& what) {
    stats_.anomalies.push_back(ns_ + "/" + name + ": " + what);
  }

  int index_;
  client::rest::rest_client client_;
  std::string ns_;
  int ops_;
  std::mt19937_64 rng_;
  std::atomic<std::uint64_t>& acked_total_;
  std::map<std::string, object_model> models_;  // only the writer's thread, until it is joined
  writer_stats stats_;
};

}  // namespace ktk::load_test
