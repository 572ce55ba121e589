// ktk/client/watch.hpp — the events of a watch, as a client receives them.
//
//   auto w = client.watch(pods, {.namespace_ = "default", .resource_version = rv});
//   while (!w->done())
//     for (auto& ev : w->next(stop)) if (ev.type == event_type::error) ...;
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string_view>
#include <vector>

#include "ktk/core/object.hpp"

namespace ktk::client {

enum class event_type { added, modified, deleted, bookmark, error };

// "ADDED" ... "ERROR"; and back (nullopt for anything else).
std::string_view to_string(event_type t);
std::optional<event_type> event_type_from_string(std::string_view s);

struct watch_event {
  event_type type{};
  core::object_ptr object{};  // for error: the Status object
};

// A stream of events for one consumer (not thread-safe).
class watch_stream {
 public:
  virtual ~watch_stream() = default;
  // Waits for the next events until stop or the deadline; empty when either came first.
  virtual std::vector<watch_event> next(
      std::stop_token stop, std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) = 0;
  // The stream has ended: the server closed it or sent an ERROR. A consumer re-watches
  // (or, after a 410, re-lists).
  virtual bool done() const = 0;
};

}  // namespace ktk::client
