// table_crd.cpp — custom resource Tables from additionalPrinterColumns.
#include "http/table_crd.hpp"

#include <cmath>

#include "http/table_descriptions.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::apiserver::http::table::detail {

using core::json;

namespace {

std::string text_of(const json& v, const char* key, std::string dflt = {}) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : dflt;
}

// What jsonpath's PrintResults writes for a value: strings as is, numbers and booleans
// as fmt.Sprint, maps and lists as encoding/json, a null as "<no value>".
std::string printed(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
    case json::value_t::number_float: return go_float(v.get<double>());
    case json::value_t::null: return "<no value>";
    default: return go_json(v);
  }
}

// A float64 cell; integral values are kept as JSON integers, as Go's encoder writes them.
json float_cell(double d) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) {
    return static_cast<std::int64_t>(d);
  }
  return d;
}

}  // namespace

crd_convertor make_crd_convertor(const json& printer_columns) {
  crd_convertor c;
  c.columns.push_back({{"name", "Name"},
                       {"type", "string"},
                       {"format", "name"},
                       {"description", std::string(desc::name)},
                       {"priority", 0}});
  json cols = printer_columns;
  if (!cols.is_array() || cols.empty()) {
    cols = json::array({{{"name", "Age"},
                         {"type", "date"},
                         {"description", std::string(desc::creation_timestamp)},
                         {"jsonPath", ".metadata.creationTimestamp"}}});
  }
  for (const auto& col : cols) {
    if (!col.is_object()) break;
    std::string path = text_of(col, "jsonPath", text_of(col, "JSONPath"));
    auto parsed = parse_jsonpath(path);
    if (!parsed) break;  // kube logs "invalid printer specification" and keeps what it has
    std::string description = text_of(col, "description");
    if (description.empty()) description = "Custom resource definition column (in JSONPath format): " + path;
    std::int64_t priority = 0;
    if (auto p = col.find("priority"); p != col.end() && p->is_number()) priority = p->get<std::int64_t>();
    const std::string type = text_of(col, "type");
    c.columns.push_back({{"name", text_of(col, "name")},
                         {"type", type},
                         {"format", text_of(col, "format")},
                         {"description", description},
                         {"priority", priority}});
    c.types.push_back(type);
    c.paths.push_back(std::move(*parsed));
  }
  return c;
}

json typed_cell(std::string_view type, const json& v, time_point now) {
  if (v.is_null()) return nullptr;
  if (type == "integer") {
    if (v.is_number_integer()) return v;
    if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  } else if (type == "number") {
    if (v.is_number_integer()) return v;
    if (v.is_number_float()) return float_cell(v.get<double>());
  } else if (type == "boolean") {
    if (v.is_boolean()) return v;
  } else if (type == "string") {
    if (v.is_string()) return v;
  } else if (type == "date") {
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s.empty() || s == "null") return "<unknown>";
      auto t = core::parse_rfc3339(s);
      if (!t) return "<invalid>";
      return human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *t));
    }
  }
  return nullptr;
}

json crd_cells(const crd_convertor& c, const core::object& o, time_point now) {
  json cells = json::array({std::string(o.name())});
  for (std::size_t i = 0; i < c.paths.size(); ++i) {
    const json* v = first_result(c.paths[i], o.data());
    if (v == nullptr) {
      cells.push_back(nullptr);
    } else if (c.types[i] == "string") {
      cells.push_back(printed(*v));
    } else {
      cells.push_back(typed_cell(c.types[i], *v, now));
    }
  }
  return cells;
}

}  // namespace ktk::apiserver::http::table::detail
