// table_test_util.hpp — shared helpers for the Table tests.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/table.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http::table::testing {

using core::json;

// The fixed "now" of every Table test.
inline std::chrono::system_clock::time_point now() { return *core::parse_rfc3339("2024-01-01T12:00:00Z"); }

inline core::object_ptr obj(json j) { return core::make_object_ptr(core::object(std::move(j))); }

inline core::resource_info builtin(std::string_view name) { return *core::rest_mapper::with_builtins().resolve(name); }

// make() for one object with metadata rows.
inline json table_of(std::string_view resource, json o, const json& columns = json()) {
  return make(builtin(resource), {obj(std::move(o))}, columns, include::metadata, now());
}

inline std::vector<std::string> column_names(const json& t) {
  std::vector<std::string> out;
  for (const auto& c : t["columnDefinitions"]) out.push_back(c["name"].get<std::string>());
  return out;
}

// Column names of the priority-0 columns only (what kubectl shows without -o wide).
inline std::vector<std::string> default_column_names(const json& t) {
  std::vector<std::string> out;
  for (const auto& c : t["columnDefinitions"]) {
    if (c["priority"] == 0) out.push_back(c["name"].get<std::string>());
  }
  return out;
}

inline json cells(const json& t, std::size_t row = 0) { return t["rows"][row]["cells"]; }

// A cell by column name.
inline json cell(const json& t, std::string_view column, std::size_t row = 0) {
  const auto& cols = t["columnDefinitions"];
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (cols[i]["name"] == column) return t["rows"][row]["cells"][i];
  }
  return "<no such column>";
}

inline json meta(std::string name, std::string created = "2024-01-01T11:55:00Z") {
  return {{"name", std::move(name)}, {"namespace", "default"}, {"uid", "u-1"}, {"creationTimestamp", created}};
}

}  // namespace ktk::apiserver::http::table::testing
