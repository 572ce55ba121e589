// shard_list.hpp — reading a shard's objects in key order, now or at a past revision.
#pragma once

#include "shard.hpp"

namespace ktk::apiserver::storage::detail {

// Lists the shard as of revision `at`, undoing ring events newer than it; `at` is
// also the list's revision. Preconditions: sh.mu held (shared), sh.evicted <= at.
list_result list_locked(const shard& sh, const list_options& opts, revision at);

}  // namespace ktk::apiserver::storage::detail
