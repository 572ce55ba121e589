// bench_objects.hpp — the small objects several benchmark programs write: a labelled
// ConfigMap and a one-container Pod, named by index in namespace default.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ktk/core/object.hpp"

namespace ktk::bench {

inline core::object config_map(int i) {
  core::object o("v1", "ConfigMap");
  o.set_namespace("default");
  o.set_name("cm-" + std::to_string(i));
  o.set_label("app", "bench");
  o.data()["data"] = {{"key", "value-" + std::to_string(i)}};
  return o;
}

inline core::object small_pod(int i) {
  using core::json;
  json containers = json::array({{{"name", "web"}, {"image", "nginx:1.25"}, {"ports", json::array({{{"containerPort", 80}}})}}});
  json meta = {{"namespace", "default"}, {"name", "pod-" + std::to_string(i)}, {"labels", {{"app", "web"}}}};
  return core::object(json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta}, {"spec", {{"containers", containers}}}});
}

}  // namespace ktk::bench
