// rest_fixture.hpp — an embedded API server on 127.0.0.1 (port 0) and a rest_client
// talking to it, with the object builders of the registry tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../apiserver/registry_fixtures.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/client/rest/rest_client.hpp"

namespace ktk::client::rest::testing {

using apiserver::testing::at;
using apiserver::testing::at_crd;
using apiserver::testing::configmap;
using apiserver::testing::deployment;
using apiserver::testing::pod;
using core::json;

inline const core::gvk pod_kind{"", "v1", "Pod"};
inline const core::gvk configmap_kind{"", "v1", "ConfigMap"};
inline const core::gvk namespace_kind{"", "v1", "Namespace"};
inline const core::gvk deployment_kind{"apps", "v1", "Deployment"};
inline const core::gvk crd_kind{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};
inline const core::gvk at_kind{"cnat.programming-kubernetes.info", "v1alpha1", "At"};

// A configmap in a namespace.
inline core::object cm(const std::string& ns, const std::string& name, json data = json::object(),
                       std::map<std::string, std::string> labels = {}) {
  auto o = configmap(name, std::move(data), std::move(labels));
  o.set_namespace(ns);
  return o;
}

inline core::object in_ns(core::object o, const std::string& ns) {
  o.set_namespace(ns);
  return o;
}

// A registry served over HTTP, and a client of it.
class rest_test : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void start(apiserver::registry_options ropts = {}, apiserver::server_options sopts = {}) {
    client_.reset();
    srv_.reset();
    reg_ = std::make_unique<apiserver::registry>(std::move(ropts));
    srv_ = std::make_unique<apiserver::server>(*reg_, std::move(sopts));
    srv_->start();
    client_ = std::make_unique<rest_client>(config());
  }

  // Unlimited QPS; a timeout that bounds any hang.
  virtual rest_config config() {
    return {.server = srv_->url(), .qps = 0, .timeout = std::chrono::seconds(30)};
  }

  rest_client& c() { return *client_; }

  std::unique_ptr<apiserver::registry> reg_;
  std::unique_ptr<apiserver::server> srv_;
  std::unique_ptr<rest_client> client_;
};

// Checks a failed result's code, reason and (when given) exact message.
using apiserver::testing::fails_with;

}  // namespace ktk::client::rest::testing
