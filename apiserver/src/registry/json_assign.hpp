// json_assign.hpp — make one JSON document equal to another by copying only what
// differs. The write path starts from the request's document and puts the stored
// object's fields back into it (a status write keeps everything but the status);
// most of those fields are already equal, and a Pod copied whole is a few hundred
// allocations.
#pragma once

#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::apiserver::detail {

// Afterwards dst == src, with src's exact types (an integer stays an integer).
void assign_changed(core::json& dst, const core::json& src);

// The same for every member of the objects dst and src except `skip`, which dst
// keeps as it is (or keeps lacking). A dst that is not an object becomes a copy of
// src without `skip`; a src that is not an object is copied whole.
void assign_changed_except(core::json& dst, const core::json& src, std::string_view skip);

}  // namespace ktk::apiserver::detail
