// ktk/apiserver/watch.hpp — a watch on one resource, as the registry hands it out.
//
// A `watch_stream` yields the events a kube-apiserver watch would send for the same
// request: ADDED / MODIFIED / DELETED filtered by the watch's selectors (an object
// that stops matching arrives as DELETED, one that starts matching as ADDED),
// BOOKMARKs when asked for, and a final ERROR carrying a Status (410 Expired when
// the watcher fell behind the history) after which the stream is done.
//
//   auto w = registry.watch(pods, "default", {.resource_version = rv});
//   while (!w->done()) for (auto& ev : w->next(stop)) handle(ev);
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string_view>
#include <vector>

#include "ktk/core/object.hpp"

namespace ktk::apiserver {

enum class watch_event_type { added, modified, deleted, bookmark, error };

// "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR".
std::string_view to_string(watch_event_type t);

struct watch_event {
  watch_event_type type{};
  // The object; for bookmarks an object carrying only apiVersion, kind and
  // metadata.resourceVersion (and annotations); for errors a Status.
  core::object_ptr object{};
};

// One consumer; not thread-safe except set_notify's callback, which may fire on any thread.
class watch_stream {
 public:
  virtual ~watch_stream() = default;
  // Events ready now (possibly none); a BOOKMARK when one is due (see bookmark_due).
  virtual std::vector<watch_event> poll() = 0;
  // Waits for events until stop or deadline; empty on stop or timeout.
  virtual std::vector<watch_event> next(
      std::stop_token stop, std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) = 0;
  // True once the stream has ended (after an ERROR event, or when the resource went away).
  virtual bool done() const = 0;
  // Called (from a writer's thread) when poll() may have something new. Must be cheap.
  virtual void set_notify(std::function<void()> fn) = 0;
  // When poll() will next owe an idle BOOKMARK (bookmarks asked for and nothing sent
  // since); nullopt when bookmarks are off. Asynchronous consumers set a timer to it.
  virtual std::optional<std::chrono::steady_clock::time_point> bookmark_due() const { return std::nullopt; }
};

}  // namespace ktk::apiserver
