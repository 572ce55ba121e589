// ktk/client/cache/event_handler.hpp — what a shared informer tells its handlers.
//
// A handler hears of adds, updates (old, new) and deletes, in the order the informer
// saw them, on a thread of its own. A delete carries the object's last known state,
// or, for an object that vanished while the informer was not watching (found gone
// by a re-list), a `deleted_final_state_unknown` tombstone with the last state the
// cache had. Resyncs arrive as updates whose old and new are the same pointer.
//
//   auto reg = informer.add_event_handler(ktk::client::cache::event_handler_funcs{
//       .on_add = [&](const object_ptr& o, bool initial) { queue.add(o->key()); },
//       .on_delete = [&](const deleted_object& d) { queue.add(last_state(d)->key()); }});
//   reg->has_synced();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "ktk/core/object.hpp"

namespace ktk::client::cache {

// An object deleted while the informer was not watching; `last_object` is the state
// the cache held (client-go's DeletedFinalStateUnknown).
struct deleted_final_state_unknown {
  std::string key{};
  core::object_ptr last_object{};
};

// What on_delete receives: the object's final state, or a tombstone.
using deleted_object = std::variant<core::object_ptr, deleted_final_state_unknown>;

// The object a deletion is about, whichever form it came in.
inline const core::object_ptr& last_state(const deleted_object& d) {
  if (const auto* t = std::get_if<deleted_final_state_unknown>(&d)) return t->last_object;
  return std::get<core::object_ptr>(d);
}

// Callbacks run on the handler's own thread, one at a time. An exception a callback
// throws is caught, counted (handler_registration::handler_errors) and reported; the
// handler goes on with the next event.
class event_handler {
 public:
  virtual ~event_handler() = default;
  // is_initial_list: the object is part of the state the handler started from (the
  // first list, or the replay to a handler added later).
  virtual void on_add(const core::object_ptr& obj, bool is_initial_list) = 0;
  virtual void on_update(const core::object_ptr& old_obj, const core::object_ptr& new_obj) = 0;
  virtual void on_delete(const deleted_object& obj) = 0;
};

// Handler callbacks as functions; any may be left empty. add_event_handler takes
// these directly (or make_event_handler adapts them).
struct event_handler_funcs {
  std::function<void(const core::object_ptr& obj, bool is_initial_list)> on_add{};
  std::function<void(const core::object_ptr& old_obj, const core::object_ptr& new_obj)> on_update{};
  std::function<void(const deleted_object& obj)> on_delete{};
};
std::shared_ptr<event_handler> make_event_handler(event_handler_funcs f);

struct handler_options {
  // How often this handler gets every cached object again as an update(o, o);
  // nullopt = the informer's resync_period, 0 = never. A handler added after the
  // informer started cannot resync more often than the informer's own period (and
  // not at all if the informer started without one), as in client-go.
  std::optional<std::chrono::milliseconds> resync_period{};
  std::string name{};  // in error reports
  // Run the callbacks on the informer's own thread, as the cache changes, instead
  // of on a thread and buffer of the handler's own: one thread hand-off less per
  // event. Only for handlers that are quick and never block, such as those that
  // turn events into work-queue keys: a slow one holds up the cache and every other
  // handler of the informer. Its callbacks may read any cache but must not add or
  // remove handlers of the same informer (std::logic_error).
  bool on_informer_thread = false;
};

// The handle add_event_handler returns. Thread-safe.
class handler_registration {
 public:
  virtual ~handler_registration() = default;
  // The informer has synced and this handler has been through its initial list.
  virtual bool has_synced() const = 0;
  // How many callbacks threw.
  virtual std::uint64_t handler_errors() const = 0;
};

}  // namespace ktk::client::cache
