// etcd_fixture.hpp — what the etcd storage tests share: an etcd per test binary, a
// key prefix per test, direct reads of etcd, and bounded waits on watchers.
//
// The etcd is started with ktk::envtest::etcd_server on first use and stopped at exit;
// KTK_TEST_ETCD_URL=http://host:port uses an etcd already running instead.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/storage/etcd.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/envtest/etcd_server.hpp"
#include "storage/etcd_client.hpp"

namespace ktk::test {

namespace storage = ktk::apiserver::storage;
using namespace std::chrono_literals;
using json = nlohmann::json;
using core::object_key;

// The etcd of this test binary.
inline std::string shared_etcd_url() {
  if (const char* url = std::getenv("KTK_TEST_ETCD_URL"); url && *url) return url;
  static std::unique_ptr<envtest::etcd_server> server = [] {
    auto s = std::make_unique<envtest::etcd_server>();
    s->start();
    return s;
  }();
  return server->client_url();
}

// A key prefix of the running test's own, so that tests never see each other's keys.
inline std::string test_prefix() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (auto& c : name) {
    if (c == '/') c = '_';
  }
  return "/ktk-test/" + name;
}

// etcd read (and written) directly, as a test's witness.
class etcd_witness {
 public:
  explicit etcd_witness(const std::string& url) : client_({.endpoints = {url}}) {}

  // The raw value at key; nullopt when absent.
  std::optional<std::string> value(const std::string& key) const {
    auto r = call("/v3/kv/range", {{"key", core::base64_encode(key)}});
    auto kvs = r.find("kvs");
    if (kvs == r.end() || kvs->empty()) return std::nullopt;
    return core::base64_decode(kvs->front().value("value", std::string())).value_or("");
  }
  // Every key under prefix.
  std::vector<std::string> keys(const std::string& prefix) const {
    std::string end = prefix;
    end.back() = static_cast<char>(end.back() + 1);
    auto r = call("/v3/kv/range", {{"key", core::base64_encode(prefix)},
                                   {"range_end", core::base64_encode(end)},
                                   {"keys_only", true}});
    std::vector<std::string> out;
    for (const auto& kv : r.value("kvs", json::array())) out.push_back(*core::base64_decode(kv["key"].get<std::string>()));
    return out;
  }
  // Writes key directly; returns the revision.
  std::int64_t put(const std::string& key, const std::string& value) const {
    auto r = call("/v3/kv/put", {{"key", core::base64_encode(key)}, {"value", core::base64_encode(value)}});
    return std::stoll(r["header"]["revision"].get<std::string>());
  }
  std::int64_t revision() const {
    auto r = call("/v3/kv/range", {{"key", core::base64_encode("/")}});
    return std::stoll(r["header"]["revision"].get<std::string>());
  }
  void compact(std::int64_t rev) const { call("/v3/kv/compaction", {{"revision", std::to_string(rev)}}); }

  json call(const std::string& path, const json& body) const {
    auto r = client_.call(path, body.dump());
    if (!r) throw std::runtime_error(r.error().message());
    return *r;
  }

 private:
  storage::detail::etcd_client client_;
};

// The etcd of this test binary with nothing under the running test's prefix (left
// over from an earlier run on an etcd given by KTK_TEST_ETCD_URL).
inline std::string fresh_etcd_url() {
  auto url = shared_etcd_url();
  std::string p = test_prefix() + "/";
  std::string end = p;
  end.back() = static_cast<char>(end.back() + 1);
  etcd_witness(url).call("/v3/kv/deleterange", {{"key", core::base64_encode(p)}, {"range_end", core::base64_encode(end)}});
  return url;
}

inline storage::etcd_options options_for(const std::string& url) {
  return {.endpoints = {url},
          .prefix = test_prefix(),
          .request_timeout = 5s,
          .connect_timeout = 10s};
}

// Reads events from w until n arrived or 10 s passed.
inline std::vector<storage::event_ptr> read_events(storage::watcher& w, std::size_t n,
                                                   std::chrono::milliseconds timeout = 10s) {
  std::vector<storage::event_ptr> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto r = w.wait_next(std::stop_token{}, deadline, n - out.size());
    if (!r) break;
    out.insert(out.end(), r->begin(), r->end());
  }
  return out;
}

// The error a watcher ends with, waiting up to 10 s (nullopt when it has none).
inline std::optional<core::api_error> read_error(storage::watcher& w, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = w.wait_next(std::stop_token{}, deadline);
    if (!r) return r.error();
  }
  return std::nullopt;
}

// Polls pred until it holds or the timeout passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

inline core::object make_obj(const std::string& ns, const std::string& name, json extra = json::object()) {
  json j = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) j["metadata"]["namespace"] = ns;
  for (auto& [k, v] : extra.items()) j[k] = v;
  return core::object(std::move(j));
}

inline std::int64_t rv(const core::object_ptr& o) { return std::stoll(std::string(o->resource_version())); }

}  // namespace ktk::test
