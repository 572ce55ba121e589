// http/table_crd.hpp — Tables for custom resources, from additionalPrinterColumns.
//
// apiextensions-apiserver's tableconvertor: Name, then one column per printer column,
// each cell the first value its jsonPath finds, typed by the column's type. A CRD
// version without printer columns gets a single Age column
// (`.metadata.creationTimestamp`, type date).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/table_format.hpp"
#include "http/table_jsonpath.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"

namespace ktk::apiserver::http::table::detail {

struct crd_convertor {
  core::json columns = core::json::array();  // TableColumnDefinitions, Name first
  std::vector<std::string> types;             // each printer column's type
  std::vector<jsonpath> paths;                // each printer column's parsed jsonPath
};

// The convertor for a version's additionalPrinterColumns (null or [] → the Age
// column). As in kube, a column whose jsonPath does not parse ends the column list:
// the columns before it are kept.
crd_convertor make_crd_convertor(const core::json& printer_columns);

// One row's cells.
core::json crd_cells(const crd_convertor& c, const core::object& o, time_point now);

// cellForJSONValue: a found value as a cell of a column of `type` (null when the value
// does not fit the type). "string" columns print any value; see crd_cells.
core::json typed_cell(std::string_view type, const core::json& v, time_point now);

}  // namespace ktk::apiserver::http::table::detail
