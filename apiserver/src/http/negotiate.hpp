// http/negotiate.hpp — content negotiation: which form of an answer the client wants
// (Accept), and how a request body is decoded (Content-Type).
#pragma once

#include <string>
#include <string_view>

#include "http/table.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::http {

enum class output_form { json, yaml, table, partial_metadata };

struct output {
  output_form form = output_form::json;
  std::string table_version = "v1";  // meta.k8s.io version asked for (Table, PartialObjectMetadata)
  table::include include = table::include::metadata;
};

// The first acceptable media range of `accept` (JSON, YAML, Table, PartialObjectMetadata,
// */*); protobuf ranges are skipped so clients fall back to JSON. 406 NotAcceptable
// when nothing offered is servable. `include_object` is the includeObject parameter.
core::result<output> negotiate(std::string_view accept, std::string_view include_object);

// The Content-Type of an answer in `form` ("application/json", "application/yaml", or
// JSON with the as= parameters of a Table / PartialObjectMetadata).
std::string content_type_of(const output& o, bool list);

// The media type of a Content-Type value, lower-cased, without parameters.
std::string media_type(std::string_view content_type);

// A create/update/delete body as JSON: application/json (or no Content-Type),
// application/yaml, application/vnd.kubernetes.protobuf (built-in kinds, see
// protobuf.hpp); 415 for anything else (CBOR); 400 for a malformed document.
core::result<core::json> decode_body(std::string_view content_type, std::string_view body);

// Parses JSON with kube-apiserver's wording on failure (400 BadRequest).
core::result<core::json> parse_json(std::string_view body);

}  // namespace ktk::apiserver::http
