// http/protobuf.hpp — request bodies in Kubernetes' protobuf encoding
// (application/vnd.kubernetes.protobuf), which client-go and kubectl 1.32 and later send
// for built-in kinds. The body is the 4-byte prefix "k8s\0" and a runtime.Unknown
// message: typeMeta (apiVersion, kind) and raw, the typed message. decode_protobuf_body
// turns it into the JSON object a JSON client would have sent, so everything after the
// HTTP layer sees one form.
//
//   auto j = decode_protobuf_body(req.body);  // {"apiVersion":"v1","kind":"ConfigMap",...}
//
// Zero values follow Go's encoding/json: a field whose JSON tag has omitempty is left
// out when zero, unless it is a pointer (sent means set); fields without omitempty keep
// their zero value. Unknown field numbers are skipped, as the Go decoder skips them.
#pragma once

#include <string_view>

#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::http {

inline constexpr std::string_view protobuf_media_type = "application/vnd.kubernetes.protobuf";

// 400 BadRequest for a body without the prefix or with a malformed message; 415 for a
// kind with no protobuf form here (custom resources take only JSON and YAML, as in
// kube-apiserver).
core::result<core::json> decode_protobuf_body(std::string_view body);

}  // namespace ktk::apiserver::http
