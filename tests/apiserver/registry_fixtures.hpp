// registry_fixtures.hpp — shared helpers for the registry tests: a registry on a
// fake clock with a fixed seed, resource names, object builders, error checks and
// watch draining without sleeps.
#pragma once

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ktk/apiserver/registry.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::apiserver::testing {

using core::json;

inline const gvr configmaps{"", "v1", "configmaps"};
inline const gvr pods{"", "v1", "pods"};
inline const gvr namespaces{"", "v1", "namespaces"};
inline const gvr events{"", "v1", "events"};
inline const gvr deployments{"apps", "v1", "deployments"};
inline const gvr leases{"coordination.k8s.io", "v1", "leases"};
inline const gvr crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
inline const gvr ats{"cnat.programming-kubernetes.info", "v1alpha1", "ats"};

inline object configmap(const std::string& name, json data = json::object(),
                        std::map<std::string, std::string> labels = {}) {
  object o("v1", "ConfigMap");
  o.set_name(name);
  if (!labels.empty()) o.set_labels(labels);
  o.data()["data"] = std::move(data);
  return o;
}

inline object pod(const std::string& name, const std::string& node = "") {
  object o(json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}}},
                {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox:1"}}}}}}});
  if (!node.empty()) o.data()["spec"]["nodeName"] = node;
  return o;
}

inline object deployment(const std::string& name, int replicas = 1) {
  json tmpl = {{"metadata", {{"labels", {{"app", name}}}}},
               {"spec", {{"containers", {{{"name", "web"}, {"image", "nginx:1"}}}}}}};
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"name", name}}},
                     {"spec", {{"replicas", replicas},
                               {"selector", {{"matchLabels", {{"app", name}}}}},
                               {"template", tmpl}}}});
}

// The `At` CRD of Programming Kubernetes: a schema with a default and bounds, the
// status and scale subresources and a printer column.
inline object at_crd() {
  json schema = json::parse(R"({
    "type": "object",
    "properties": {
      "spec": {"type": "object", "required": ["schedule"], "properties": {
        "schedule": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$"},
        "command": {"type": "string", "default": "echo hello"},
        "replicas": {"type": "integer", "minimum": 0}}},
      "status": {"type": "object", "properties": {
        "phase": {"type": "string"}, "replicas": {"type": "integer"}, "selector": {"type": "string"}}}
    }})");
  json version = {{"name", "v1alpha1"},
                  {"served", true},
                  {"storage", true},
                  {"schema", {{"openAPIV3Schema", schema}}},
                  {"subresources",
                   {{"status", json::object()},
                    {"scale",
                     {{"specReplicasPath", ".spec.replicas"},
                      {"statusReplicasPath", ".status.replicas"},
                      {"labelSelectorPath", ".status.selector"}}}}},
                  {"additionalPrinterColumns",
                   {{{"name", "Phase"}, {"type", "string"}, {"jsonPath", ".status.phase"}}}}};
  return object(json{{"apiVersion", "apiextensions.k8s.io/v1"},
                     {"kind", "CustomResourceDefinition"},
                     {"metadata", {{"name", "ats.cnat.programming-kubernetes.info"}}},
                     {"spec",
                      {{"group", "cnat.programming-kubernetes.info"},
                       {"scope", "Namespaced"},
                       {"names", {{"plural", "ats"}, {"singular", "at"}, {"kind", "At"}}},
                       {"versions", json::array({version})}}}});
}

inline object at(const std::string& name, json spec = {{"schedule", "2024-01-01T10:00:00Z"}}) {
  object o("cnat.programming-kubernetes.info/v1alpha1", "At");
  o.set_name(name);
  o.data()["spec"] = std::move(spec);
  return o;
}

// A registry on a fake clock with a fixed seed.
class registry_test : public ::testing::Test {
 protected:
  registry_test() : reg(options()) {}

  registry_options options() {
    registry_options o;
    o.clock = &clk;
    o.seed = 42;
    return o;
  }

  object_ptr must_create(const gvr& r, const std::string& ns, object o, const write_options& w = {}) {
    auto got = reg.create(r, ns, std::move(o), w);
    if (!got) ADD_FAILURE() << "create failed: " << got.error().message();
    return got.value();
  }
  object_ptr must_get(const gvr& r, const std::string& ns, const std::string& name) {
    auto got = reg.get(r, {ns, name});
    if (!got) ADD_FAILURE() << "get failed: " << got.error().message();
    return got.value();
  }
  void install_at_crd() {
    auto got = reg.create(crds, "", at_crd());
    ASSERT_TRUE(got) << got.error().message();
  }

  core::fake_clock clk;
  registry reg;
};

// Checks a failed result's code, reason and (when given) exact message.
template <class T>
::testing::AssertionResult fails_with(const result<T>& r, int code, const std::string& reason,
                                      const std::string& message = {}) {
  if (r) return ::testing::AssertionFailure() << "expected an error " << code << ", got success";
  const auto& e = r.error();
  if (e.code() != code || e.reason() != reason || (!message.empty() && e.message() != message)) {
    return ::testing::AssertionFailure() << "got " << e.code() << " " << e.reason() << " \"" << e.message()
                                         << "\"; want " << code << " " << reason << " \"" << message << "\"";
  }
  return ::testing::AssertionSuccess();
}

inline std::int64_t rv(const object_ptr& o) { return std::stoll(std::string(o->resource_version())); }
inline std::int64_t rv(const object& o) { return std::stoll(std::string(o.resource_version())); }

// Every event a watch has ready now (waits for nothing).
inline std::vector<watch_event> drain(watch_stream& w) {
  std::vector<watch_event> out;
  for (;;) {
    auto got = w.poll();
    if (got.empty()) return out;
    for (auto& e : got) out.push_back(std::move(e));
  }
}

// "ADDED a", "DELETED b", "BOOKMARK 12": compact event descriptions for matchers.
inline std::vector<std::string> describe(const std::vector<watch_event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) {
    std::string s(to_string(e.type));
    if (e.type == watch_event_type::bookmark) {
      s += " " + std::string(e.object->resource_version());
    } else if (e.type == watch_event_type::error) {
      s += " " + std::to_string(e.object->data().value("code", 0));
    } else {
      s += " " + std::string(e.object->name());
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ktk::apiserver::testing
