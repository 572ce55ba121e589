// continue_token.hpp — the `continue` parameter of paginated lists, encoded as
// kube-apiserver encodes it: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key"},
// plus "remaining" when ktk knows how many items follow (kube ignores the field; ktk
// uses it so that a page does not walk the rest of the collection to count it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ktk/apiserver/storage/interface.hpp"

namespace ktk::apiserver::detail {

struct continue_position {
  storage::revision rev = 0;  // -1: at the newest revision
  core::object_key after{};  // the last key of the previous page
  std::optional<std::int64_t> remaining{};  // items after `after` at rev, when known
};

std::string encode_continue(const continue_position& p);
// 400 BadRequest "invalid continue token: continue key is not valid: ..." for
// anything that is not a token.
core::result<continue_position> decode_continue(std::string_view token);

}  // namespace ktk::apiserver::detail
