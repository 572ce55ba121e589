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

#include "ktk/core/json.hpp"

namespace ktk::apiserver::detail {

// The error Go's encoding/json gives decoding `body` as the built-in `kind` of
// `api_version` ("apps/v1"), worded as Go words it; nullopt when it decodes, or when the
// kind is not a built-in. Fields the kind does not have are not looked at (pruning and
// fieldValidation deal with them). Where several fields are wrong, Go names the first
// in the document; ktk, which keeps object keys sorted, names the first in key order.
std::optional<std::string> go_decode_error(const core::json& body, std::string_view api_version,
                                           std::string_view kind);

}  // namespace ktk::apiserver::detail
