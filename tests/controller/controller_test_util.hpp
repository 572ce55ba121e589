// controller_test_util.hpp — backends the controller suites run on (the FakeClient,
// and an embedded server reached over HTTP), objects, bounded waits.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "../common/eventually.hpp"

#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/client/client.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace controller_test {

using namespace std::chrono_literals;
using ktk::core::json;
using ktk::core::object;

inline const ktk::core::gvk deploy_kind{"apps", "v1", "Deployment"};
inline const ktk::core::gvk cm_kind{"", "v1", "ConfigMap"};
inline const ktk::core::gvk secret_kind{"", "v1", "Secret"};

using ktk_test::eventually;

inline object deployment(const std::string& name, int replicas, const std::string& ns = "default") {
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"namespace", ns}, {"name", name}}},
                     {"spec",
                      {{"replicas", replicas},
                       {"selector", {{"matchLabels", {{"app", name}}}}},
                       {"template",
                        {{"metadata", {{"labels", {{"app", name}}}}},
                         {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}}}}}});
}

inline object config_map(const std::string& name, const std::string& value = "v", const std::string& ns = "default") {
  object o("v1", "ConfigMap");
  o.set_namespace(ns);
  o.set_name(name);
  o.data()["data"] = {{"k", value}};
  return o;
}

// A server the suite talks to through ktk::client::client.
class backend {
 public:
  virtual ~backend() = default;
  virtual ktk::client::client& client() = 0;
  // A second, independent client of the same server (another replica).
  virtual ktk::client::client& other_client() = 0;
};

class fake_backend final : public backend {
 public:
  fake_backend()
      : reg_(std::make_shared<ktk::apiserver::registry>()),
        fc_(std::make_unique<ktk::fakeclient::fake_client>(reg_)),
        other_(std::make_unique<ktk::fakeclient::fake_client>(reg_)) {}
  ktk::client::client& client() override { return *fc_; }
  ktk::client::client& other_client() override { return *other_; }

 private:
  std::shared_ptr<ktk::apiserver::registry> reg_;
  std::unique_ptr<ktk::fakeclient::fake_client> fc_;
  std::unique_ptr<ktk::fakeclient::fake_client> other_;
};

// The embedded server on 127.0.0.1 and two REST clients of it.
class http_backend final : public backend {
 public:
  http_backend() : srv_(reg_, {.port = 0}) {
    srv_.start();
    ktk::client::rest::rest_config cfg{.server = srv_.url(), .qps = -1};
    c1_ = std::make_unique<ktk::client::rest::rest_client>(cfg);
    c2_ = std::make_unique<ktk::client::rest::rest_client>(cfg);
  }
  ~http_backend() override {
    c1_.reset();
    c2_.reset();
    srv_.stop();
  }
  ktk::client::client& client() override { return *c1_; }
  ktk::client::client& other_client() override { return *c2_; }

 private:
  ktk::apiserver::registry reg_;
  ktk::apiserver::server srv_;
  std::unique_ptr<ktk::client::rest::rest_client> c1_, c2_;
};

// "fake" or "http".
inline std::unique_ptr<backend> make_backend(const std::string& name) {
  if (name == "fake") return std::make_unique<fake_backend>();
  if (name == "http") return std::make_unique<http_backend>();
  return nullptr;
}

// Parameter names for INSTANTIATE_TEST_SUITE_P.
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace controller_test
