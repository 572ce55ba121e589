// storage_fixtures.hpp — shared helpers for the storage tests: a small Pod whose spec
// carries a generation number, so tests can tell versions of one object apart.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/storage/interface.hpp"

namespace ktk::apiserver::storage::testing {

inline object pod(std::string_view ns, std::string_view name, int gen = 0) {
  object o("v1", "Pod");
  o.set_namespace(ns);
  o.set_name(name);
  o.data()["spec"] = {{"gen", gen}};
  return o;
}

}  // namespace ktk::apiserver::storage::testing
