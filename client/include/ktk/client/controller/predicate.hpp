// ktk/client/controller/predicate.hpp — event filters, as controller-runtime's pkg/predicate.
//
// A `predicate` answers, for each kind of event, whether the event should reach the
// handler (and so the work queue). It is a value holding up to four functions; a
// function left empty lets its events through. The standard predicates and the
// and_/or_/not_ combinators behave exactly as controller-runtime's.
//
//   namespace ctl = ktk::client::controller;
//   ctl::predicate p = ctl::or_(ctl::generation_changed(), ctl::labels_changed());
//   ctl::predicate only_updates = ctl::funcs{.create = [](const ctl::create_event&) { return false; }};
//   if (p.update({.object_old = before, .object_new = after})) ...
//
// Thread-safety: a predicate is immutable once built; calling it from several
// threads at once is safe when the functions it holds are (the standard ones are).
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "ktk/client/controller/event.hpp"
#include "ktk/core/label_selector.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::controller {

// The four functions of a predicate (controller-runtime's predicate.Funcs); an empty
// one answers true.
struct funcs {
  std::function<bool(const create_event&)> create{};
  std::function<bool(const update_event&)> update{};
  std::function<bool(const delete_event&)> delete_{};
  std::function<bool(const generic_event&)> generic{};
};

class predicate {
 public:
  // Lets every event through.
  predicate() = default;
  predicate(funcs f) : f_(std::move(f)) {}  // NOLINT: implicit by design, `predicate p = funcs{...}`

  // Whether the event should be processed.
  bool create(const create_event& e) const { return !f_.create || f_.create(e); }
  bool update(const update_event& e) const { return !f_.update || f_.update(e); }
  bool delete_(const delete_event& e) const { return !f_.delete_ || f_.delete_(e); }
  bool generic(const generic_event& e) const { return !f_.generic || f_.generic(e); }

 private:
  funcs f_;
};

// Applies `filter` to the object of create, delete and generic events and to
// object_new of update events (controller-runtime's NewPredicateFuncs). An event
// whose object is null is filtered out (controller-runtime would panic).
predicate new_predicate_funcs(std::function<bool(const core::object&)> filter);

// Update events pass only when both objects are present and metadata.generation
// differs; create, delete and generic events pass. (GenerationChangedPredicate.)
// Generation moves on spec changes, so status-only writes are filtered out.
predicate generation_changed();
// As generation_changed, on metadata.resourceVersion (ResourceVersionChangedPredicate).
predicate resource_version_changed();
// As generation_changed, on the label map; absent and empty are equal (LabelChangedPredicate).
predicate labels_changed();
// As labels_changed, on annotations (AnnotationChangedPredicate).
predicate annotations_changed();

// Only objects whose labels match `selector` pass, for every kind of event (on
// object_new for updates); controller-runtime's LabelSelectorPredicate. The string
// form is parsed with core::label_selector::parse; a bad selector is the 400
// BadRequest it gives. For a metav1.LabelSelector JSON object, use
// `label_selector(core::label_selector::from_json(j).value())`.
predicate label_selector(core::label_selector selector);
core::result<predicate> label_selector(std::string_view selector);

// Logical AND / OR of predicates, per kind of event, evaluated left to right with
// short-circuit. An empty and_ lets everything through; an empty or_ nothing.
predicate and_(std::vector<predicate> ps);
predicate or_(std::vector<predicate> ps);
// Logical NOT of every answer of p.
predicate not_(predicate p);

// Variadic forms: and_(a, b, c), or_(a, b). Arguments are predicates or funcs.
template <std::convertible_to<predicate>... P>
  requires(sizeof...(P) >= 1)
predicate and_(const P&... ps) {
  return and_(std::vector<predicate>{predicate(ps)...});
}
template <std::convertible_to<predicate>... P>
  requires(sizeof...(P) >= 1)
predicate or_(const P&... ps) {
  return or_(std::vector<predicate>{predicate(ps)...});
}

}  // namespace ktk::client::controller
