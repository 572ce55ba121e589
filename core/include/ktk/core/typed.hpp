// ktk/core/typed.hpp — users' own structs as Kubernetes objects.
//
// A type becomes usable with `client.get<T>(key)` when it says which kind it is and
// has nlohmann `to_json` / `from_json` (by hand or NLOHMANN_DEFINE_TYPE_*):
//
//   struct at { static constexpr std::string_view api_version = "cnat.io/v1alpha1";
//               static constexpr std::string_view kind = "At";
//               ktk::core::json metadata; at_spec spec; at_status status; };
//   auto obj = ktk::core::to_object(my_at);          // apiVersion/kind filled in
//   at back  = ktk::core::from_object<at>(obj);
#pragma once

#include <string_view>

#include "ktk/core/object.hpp"

namespace ktk::core {

// Types that name their apiVersion and kind.
template <class T>
concept kind_typed = requires {
  { T::api_version } -> std::convertible_to<std::string_view>;
  { T::kind } -> std::convertible_to<std::string_view>;
};

template <kind_typed T>
gvk kind_of() {
  return gvk::from_api_version(T::api_version, T::kind);
}

template <kind_typed T>
object to_object(const T& v) {
  json j = v;
  object o(std::move(j));
  o.set_api_version(T::api_version);
  o.set_kind(T::kind);
  return o;
}

template <class T>
T from_object(const object& o) {
  return o.data().get<T>();
}

}  // namespace ktk::core
