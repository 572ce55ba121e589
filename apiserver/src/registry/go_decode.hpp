// registry/go_decode.hpp — what kube-apiserver's decoding of a JSON body into the Go
// struct of a built-in kind rejects before anything else looks at the body: a value
// of the wrong JSON type for its field (`data: {k: 1}` in a ConfigMap, `replicas: "3"`
// in a Deployment), a number an int32 cannot hold, []byte data that is not base64.
// kube answers 400 BadRequest, e.g.
//   ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal
//   number into Go struct field ConfigMap.data of type string
// and a client-go informer could not decode such an object either, so ktk refuses it
// too. The field types come from the generated tables of http/protobuf_schema.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/json.hpp"

namespace ktk::apiserver::detail {

// The error Go's encoding/json gives decoding `body` as the built-in `kind` of
// `api_version` ("apps/v1"), worded as Go words it; nullopt when it decodes, or when the
// kind is not a built-in. Fields the kind does not have are not looked at (pruning and
// fieldValidation deal with them). Where several fields are wrong, Go names the first
// in the document; ktk, which keeps object keys sorted, names the first in key order.
std::optional<std::string> go_decode_error(const core::json& body, std::string_view api_version,
                                           std::string_view kind);

// A field the kind's Go structs do not declare.
struct unknown_field {
  std::string path;         // as kube's strict decoding names it: "spec.ports[0].bogus"
  core::json segments{};    // the same path as object keys (strings) and indexes (numbers)
};

struct go_decode_result {
  std::optional<std::string> error{};     // as go_decode_error
  std::vector<unknown_field> unknown{};   // in key order
};

// go_decode_error, and the fields no Go struct of the kind declares (apiVersion and kind
// at the top are TypeMeta's), which decoding into the struct drops. What fieldValidation
// makes of them (a warning each, or an error under Strict) is the caller's.
go_decode_result go_decode_scan(const core::json& body, std::string_view api_version, std::string_view kind);
// Removes what go_decode_scan found unknown from `body`.
void drop_unknown_fields(core::json& body, const std::vector<unknown_field>& unknown);

// What server-side apply's conversion of a configuration into a typed value
// (structured-merge-diff, against the kind's schema) refuses, each with its place as
// keys and indexes and SMD's words: "field not declared in schema", "expected numeric
// (int or float), got string", "expected string, got
// &value.valueUnstructured{Value:1}", "expected boolean, got &{yes}", "expected map,
// got &{x}", "expected list, got &{x}". Quantities, IntOrStrings and raw JSON take any
// value. Empty when the kind is not a built-in of the tables.
struct typed_error {
  core::json segments;
  std::string message;
};
std::vector<typed_error> typed_conversion_errors(const core::json& body, std::string_view api_version,
                                                std::string_view kind);

}  // namespace ktk::apiserver::detail
