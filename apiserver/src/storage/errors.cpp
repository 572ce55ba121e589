#include "errors.hpp"

#include <string>

namespace ktk::apiserver::storage::detail {

core::group_resource shard_resource(std::string_view shard) {
  auto slash = shard.find('/');
  if (slash == std::string_view::npos) return {"", std::string(shard)};
  return {std::string(shard.substr(0, slash)), std::string(shard.substr(slash + 1))};
}

core::api_error not_found(std::string_view shard, const object_key& key) {
  return core::api_error::not_found(shard_resource(shard), key.name);
}

core::api_error already_exists(std::string_view shard, const object_key& key) {
  return core::api_error::already_exists(shard_resource(shard), key.name);
}

core::api_error stale(std::string_view shard, const object_key& key) {
  return core::api_error::stale_resource_version(shard_resource(shard), key.name);
}

core::api_error watch_expired(revision from, revision oldest_minus_one) {
  return core::api_error::resource_expired("too old resource version: " + std::to_string(from) + " (" +
                                           std::to_string(oldest_minus_one) + ")");
}

core::api_error list_expired(bool continuing) {
  if (continuing) {
    return core::api_error::resource_expired(
        "The provided continue parameter is too old to display a consistent list result. "
        "You can start a new list without the continue parameter.");
  }
  return core::api_error::resource_expired("The resourceVersion for the provided list is too old.");
}

core::api_error too_large(revision at, revision current) {
  core::status_details details;
  details.retry_after_seconds = 1;
  details.causes.push_back({"ResourceVersionTooLarge", "Too large resource version", ""});
  return {504, core::reason::timeout,
          "Timeout: Too large resource version: " + std::to_string(at) + ", current: " + std::to_string(current),
          std::move(details)};
}

}  // namespace ktk::apiserver::storage::detail
