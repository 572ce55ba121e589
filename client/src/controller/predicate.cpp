#include "ktk/client/controller/predicate.hpp"

#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

namespace ktk::client::controller {

namespace {

// An update predicate on one aspect of the two objects: false when either is
// missing (controller-runtime logs and drops such events), otherwise `changed`.
template <class Changed>
predicate update_only(Changed changed) {
  return funcs{.update = [changed](const update_event& e) {
    if (!e.object_old || !e.object_new) return false;
    return changed(*e.object_old, *e.object_new);
  }};
}

// One method of every predicate in `ps`, left to right; the first answer equal to
// `decisive` ends the loop and is the result (false for AND, true for OR).
template <class Event>
std::function<bool(const Event&)> fold(std::shared_ptr<const std::vector<predicate>> ps,
                                       bool (predicate::*method)(const Event&) const, bool decisive) {
  return [ps = std::move(ps), method, decisive](const Event& e) {
    for (const auto& p : *ps) {
      if ((p.*method)(e) == decisive) return decisive;
    }
    return !decisive;
  };
}

predicate combine(std::vector<predicate> ps, bool decisive) {
  auto all = std::make_shared<const std::vector<predicate>>(std::move(ps));
  return funcs{
      .create = fold(all, &predicate::create, decisive),
      .update = fold(all, &predicate::update, decisive),
      .delete_ = fold(all, &predicate::delete_, decisive),
      .generic = fold(all, &predicate::generic, decisive),
  };
}

}  // namespace

predicate new_predicate_funcs(std::function<bool(const core::object&)> filter) {
  auto f = std::make_shared<const std::function<bool(const core::object&)>>(std::move(filter));
  auto on = [f](const core::object_ptr& o) { return o && (!*f || (*f)(*o)); };
  return funcs{
      .create = [on](const create_event& e) { return on(e.object); },
      .update = [on](const update_event& e) { return on(e.object_new); },
      .delete_ = [on](const delete_event& e) { return on(e.object); },
      .generic = [on](const generic_event& e) { return on(e.object); },
  };
}

predicate generation_changed() {
  return update_only([](const core::object& o, const core::object& n) { return o.generation() != n.generation(); });
}

predicate resource_version_changed() {
  return update_only(
      [](const core::object& o, const core::object& n) { return o.resource_version() != n.resource_version(); });
}

predicate labels_changed() {
  return update_only([](const core::object& o, const core::object& n) { return o.labels_json() != n.labels_json(); });
}

predicate annotations_changed() {
  return update_only(
      [](const core::object& o, const core::object& n) { return o.annotations_json() != n.annotations_json(); });
}

predicate label_selector(core::label_selector selector) {
  return new_predicate_funcs(
      [s = std::move(selector)](const core::object& o) { return s.matches(o.labels_json()); });
}

core::result<predicate> label_selector(std::string_view selector) {
  auto s = core::label_selector::parse(selector);
  if (!s) return s.error();
  return label_selector(std::move(*s));
}

predicate and_(std::vector<predicate> ps) { return combine(std::move(ps), false); }

predicate or_(std::vector<predicate> ps) { return combine(std::move(ps), true); }

predicate not_(predicate p) {
  auto inner = std::make_shared<const predicate>(std::move(p));
  return funcs{
      .create = [inner](const create_event& e) { return !inner->create(e); },
      .update = [inner](const update_event& e) { return !inner->update(e); },
      .delete_ = [inner](const delete_event& e) { return !inner->delete_(e); },
      .generic = [inner](const generic_event& e) { return !inner->generic(e); },
  };
}

}  // namespace ktk::client::controller
