// http/openapi_v2_proto.hpp — /openapi/v2 in the protobuf form kubectl asks for.
//
// client-go's discovery OpenAPISchema() (kubectl explain, client-side validation and
// apply in kubectl ≤ 1.26, and the v2 fallback of later ones) sends only
//   Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf
// and decodes the body as gnostic's openapi.v2.Document; a JSON body fails to parse.
// This encodes the Swagger 2.0 JSON of openapi::v2() into that message: info, paths
// (operations, parameters, responses, extensions) and definitions. Vendor extensions,
// defaults and enum values travel as YAML text (JSON, which YAML reads), as gnostic does.
#pragma once

#include <string>
#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::apiserver::http::openapi {

// The media type clients ask for (Accept), and the one the answer carries: kube-openapi
// answers with the dotted form, because Go's MIME parser rejects the '@'.
inline constexpr std::string_view v2_protobuf_accept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
inline constexpr std::string_view v2_protobuf_content_type =
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

// Encodes a Swagger 2.0 document (as openapi::v2 returns it) as openapi.v2.Document bytes.
std::string v2_protobuf(const core::json& swagger);

}  // namespace ktk::apiserver::http::openapi
