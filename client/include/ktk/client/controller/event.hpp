// ktk/client/controller/event.hpp — what a watch source hands to predicates and handlers.
//
// controller-runtime's event types (pkg/event) over immutable object snapshots. An
// informer turns each watch notification into one of these; predicates filter them
// (predicate.hpp) and handlers map them to reconcile requests.
//
//   ktk::client::controller::update_event e{.object_old = before, .object_new = after};
//   if (ktk::client::controller::generation_changed().update(e)) enqueue(e.object_new->key());
//
// Plain values; the snapshots they point to never change, so events may be shared
// between threads freely.
#pragma once

#include "ktk/core/object.hpp"

namespace ktk::client::controller {

// An object appeared: created, or seen in the informer's initial list.
struct create_event {
  core::object_ptr object{};
  // True when the event comes from the initial list rather than a watch ADDED.
  bool is_in_initial_list = false;
};

// An object changed from object_old to object_new.
struct update_event {
  core::object_ptr object_old{};
  core::object_ptr object_new{};
};

// An object went away.
struct delete_event {
  core::object_ptr object{};
  // True when the deletion was missed (a relist no longer had the object) and
  // `object` is the last state known, which may be stale.
  bool delete_state_unknown = false;
};

// An event from outside the cluster (a timer, a channel); the operation is unknown.
struct generic_event {
  core::object_ptr object;
};

}  // namespace ktk::client::controller
