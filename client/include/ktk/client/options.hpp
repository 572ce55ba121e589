// ktk/client/options.hpp — options of client calls, named after the API's query parameters.
//
//   client.list(pods, {.namespace_ = "default", .label_selector = "app=web", .limit = 500});
//   client.remove(pods, {"default", "web"}, {.grace_period_seconds = 0});
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktk/core/object.hpp"

namespace ktk::client {

struct get_options {
  std::string resource_version{};
};

struct list_options {
  std::string namespace_{};  // "" = all namespaces (or a cluster-scoped kind)
  std::string label_selector{};
  std::string field_selector{};
  std::int64_t limit = 0;
  std::string continue_token{};
  std::string resource_version{};
  std::string resource_version_match{};
};

struct watch_options {
  std::string namespace_{};
  std::string label_selector{};
  std::string field_selector{};
  std::string resource_version{};
  std::string resource_version_match{};
  bool allow_bookmarks = false;
  std::optional<bool> send_initial_events{};
  std::optional<std::chrono::seconds> timeout{};  // the server ends the watch after this
};

// fieldValidation for writes: "" (server default: Warn), "Ignore", "Warn", "Strict".
struct write_options {
  bool dry_run = false;
  std::string field_manager{};
  std::string field_validation{};
  // Warnings the server sent (HTTP Warning headers) are appended here when not null.
  std::vector<std::string>* warnings = nullptr;
};

struct patch_options {
  bool dry_run = false;
  std::string field_manager{};
  std::string field_validation{};
  bool force = false;  // server-side apply only
  std::vector<std::string>* warnings = nullptr;
};

struct delete_options {
  bool dry_run = false;
  std::optional<std::int64_t> grace_period_seconds{};
  std::string propagation_policy{};  // "", "Orphan", "Background", "Foreground"
  std::optional<std::string> precondition_uid{};
  std::optional<std::string> precondition_resource_version{};
};

// What a list returns: the items, the revision they were read at, and the token for
// the next page when a limit cut the list short.
struct object_list {
  std::vector<core::object_ptr> items{};
  std::string resource_version{};
  std::string continue_token{};
  std::optional<std::int64_t> remaining_item_count{};
};

}  // namespace ktk::client
