// http/table.hpp — server-side printing: `as=Table` and `as=PartialObjectMetadata`.
//
// kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the
// columns the server chooses. Built-in kinds get kube-apiserver's columns (pods:
// Name Ready Status Restarts Age ...), custom resources their CRD's
// additionalPrinterColumns, anything else Name + Age (kube-apiserver's default).
//
//   auto t = table::make(info, items, printer_columns, table::include::metadata, now);
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http::table {

// What each row's `object` holds (the includeObject query parameter).
enum class include { none, metadata, object };

// "None" | "Metadata" | "Object"; nullopt for anything else. Absent → metadata.
std::optional<include> parse_include(std::string_view s);

// The Table (meta.k8s.io/v1) for `items` of resource `info`. `printer_columns` is the
// CRD version's `additionalPrinterColumns` (null json for built-ins or when the CRD
// has none); `now` computes the Age column. The caller sets metadata.resourceVersion
// and continue. The Table's columns are the same whether items is empty or not.
core::json make(const core::resource_info& info, const std::vector<core::object_ptr>& items,
                const core::json& printer_columns, include inc, std::chrono::system_clock::time_point now);

// An object's metadata as PartialObjectMetadata (meta.k8s.io/v1).
core::json partial_metadata(const core::object& o);
// A list as PartialObjectMetadataList; the caller sets list metadata.
core::json partial_metadata_list(const std::vector<core::object_ptr>& items);

// kubectl's human-readable age ("5s", "3m2s", "4h", "12d", "3y45d"), as
// apimachinery's duration.HumanDuration; "<unknown>" for an unparsable timestamp.
std::string age(std::string_view rfc3339_timestamp, std::chrono::system_clock::time_point now);

}  // namespace ktk::apiserver::http::table
