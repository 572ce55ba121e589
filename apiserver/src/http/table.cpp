// table.cpp — Table and PartialObjectMetadata rendering.
#include "http/table.hpp"

#include "http/table_crd.hpp"
#include "http/table_descriptions.hpp"
#include "http/table_format.hpp"
#include "http/table_printer.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::apiserver::http::table {

using core::json;

namespace detail {

json column_json(const column& c) {
  return {{"name", std::string(c.name)},
          {"type", std::string(c.type)},
          {"format", std::string(c.format)},
          {"description", std::string(c.description)},
          {"priority", c.priority}};
}

const printer* builtin_printer(const core::group_resource& gr) {
  if (gr.group.empty()) {
    if (const printer* p = pod_printer(gr.resource)) return p;
    if (const printer* p = node_event_printer(gr.resource)) return p;
    return core_printer(gr);
  }
  if (gr.group == "apps" || gr.group == "batch") return workload_printer(gr);
  if (gr.group == "admissionregistration.k8s.io") return admission_printer(gr);
  if (gr.group == "rbac.authorization.k8s.io") return rbac_printer(gr);
  return core_printer(gr);
}

namespace {

bool is_builtin(const core::resource_info& info) {
  for (const auto& r : core::builtin_resources()) {
    if (r.resource.group == info.resource.group && r.resource.resource == info.resource.resource) return true;
  }
  return false;
}

// rest.defaultTableConvertor: Name and Created At (RFC 3339, UTC).
json default_columns() {
  return json::array({column_json({"Name", "string", "name", desc::name}),
                      column_json({"Created At", "date", "", desc::creation_timestamp})});
}

json created_at(const core::object& o) {
  auto t = timestamp(at(o.data(), "metadata.creationTimestamp"));
  return t ? core::format_rfc3339(*t) : std::string("0001-01-01T00:00:00Z");
}

}  // namespace
}  // namespace detail

std::optional<include> parse_include(std::string_view s) {
  if (s == "Metadata" || s.empty()) return include::metadata;
  if (s == "None") return include::none;
  if (s == "Object") return include::object;
  return std::nullopt;
}

json partial_metadata(const core::object& o) {
  return {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", o.metadata()}};
}

json partial_metadata_list(const std::vector<core::object_ptr>& items) {
  json list = {{"kind", "PartialObjectMetadataList"},
               {"apiVersion", "meta.k8s.io/v1"},
               {"metadata", json::object()},
               {"items", json::array()}};
  for (const auto& o : items) list["items"].push_back(partial_metadata(*o));
  return list;
}

json make(const core::resource_info& info, const std::vector<core::object_ptr>& items, const json& printer_columns,
          include inc, std::chrono::system_clock::time_point now) {
  json columns = json::array();
  json rows = json::array();
  const auto add_row = [&](const core::object& o, json row) {
    if (inc == include::metadata) {
      row["object"] = partial_metadata(o);
    } else if (inc == include::object) {
      row["object"] = o.data();
    }
    rows.push_back(std::move(row));
  };

  if (const detail::printer* p = detail::builtin_printer(info.gr())) {
    for (const auto& c : p->columns) columns.push_back(detail::column_json(c));
    for (const auto& o : items) {
      json row = json::object();
      p->row(*o, now, row);
      add_row(*o, std::move(row));
    }
  } else if (detail::is_builtin(info)) {
    columns = detail::default_columns();
    for (const auto& o : items) {
      add_row(*o, {{"cells", json::array({std::string(o->name()), detail::created_at(*o)})}});
    }
  } else {
    const auto conv = detail::make_crd_convertor(printer_columns);
    columns = conv.columns;
    for (const auto& o : items) add_row(*o, {{"cells", detail::crd_cells(conv, *o, now)}});
  }

  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", json::object()},
          {"columnDefinitions", std::move(columns)},
          {"rows", std::move(rows)}};
}

std::string age(std::string_view rfc3339_timestamp, std::chrono::system_clock::time_point now) {
  if (rfc3339_timestamp.empty()) return "<unknown>";
  auto t = core::parse_rfc3339(rfc3339_timestamp);
  if (!t) return "<unknown>";
  return detail::human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *t));
}

}  // namespace ktk::apiserver::http::table
