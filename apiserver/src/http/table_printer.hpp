// http/table_printer.hpp — the per-kind printers behind table::make.
//
// A printer is kube's TableHandler: the column definitions and a function producing
// one row's cells. kube-apiserver always prints with Wide on, so every row carries the
// priority-1 cells too; kubectl hides them unless asked for -o wide.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/table_format.hpp"
#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"

namespace ktk::apiserver::http::table::detail {

struct column {
  std::string_view name;
  std::string_view type;  // "string", "integer", "boolean", "date", "number"
  std::string_view format;
  std::string_view description;
  int priority = 0;
};

// A TableColumnDefinition as JSON; every field is present, as in kube's output.
core::json column_json(const column& c);

// Fills `row` ("cells", and "conditions" where kube sets them) for one object.
using row_fn = void (*)(const core::object& o, time_point now, core::json& row);

struct printer {
  std::vector<column> columns;
  row_fn row;
};

// The built-in printer for a group/resource, or nullptr when kube has none for it.
const printer* builtin_printer(const core::group_resource& gr);

// Per-group registries (each defined in its own table_*.cpp).
const printer* pod_printer(std::string_view resource);       // core: pods
const printer* workload_printer(const core::group_resource& gr);  // apps, batch
const printer* core_printer(const core::group_resource& gr);  // the other core/v1 kinds, leases
const printer* node_event_printer(std::string_view resource);  // core: nodes, events
const printer* admission_printer(const core::group_resource& gr);  // webhook configurations
const printer* rbac_printer(const core::group_resource& gr);  // role bindings (roles: the default table)

}  // namespace ktk::apiserver::http::table::detail
