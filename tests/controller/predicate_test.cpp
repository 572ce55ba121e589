#include "ktk/client/controller/predicate.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

namespace ctl = ktk::client::controller;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;

object_ptr make(std::int64_t generation, const std::string& rv, std::map<std::string, std::string> labels = {},
                std::map<std::string, std::string> annotations = {}) {
  object o("v1", "ConfigMap");
  o.set_namespace("default");
  o.set_name("cm");
  o.set_generation(generation);
  o.set_resource_version(rv);
  o.set_labels(labels);
  o.set_annotations(annotations);
  return ktk::core::make_object_ptr(std::move(o));
}

// Every answer of p on the four events built from `obj` (update: old = obj, new = obj).
struct answers {
  bool create, update, del, generic;
  bool operator==(const answers&) const = default;
};
answers all_of(const ctl::predicate& p, const object_ptr& obj) {
  return {p.create({.object = obj}), p.update({.object_old = obj, .object_new = obj}), p.delete_({.object = obj}),
          p.generic({.object = obj})};
}

TEST(Predicate, DefaultAndFuncsLetMissingFunctionsThrough) {
  auto o = make(1, "1");
  EXPECT_EQ(all_of(ctl::predicate{}, o), (answers{true, true, true, true}));
  ctl::predicate no_create = ctl::funcs{.create = [](const ctl::create_event&) { return false; }};
  EXPECT_EQ(all_of(no_create, o), (answers{false, true, true, true}));
  ctl::predicate only_initial = ctl::funcs{.create = [](const ctl::create_event& e) { return e.is_in_initial_list; },
                                           .delete_ = [](const ctl::delete_event& e) { return e.delete_state_unknown; }};
  EXPECT_TRUE(only_initial.create({.object = o, .is_in_initial_list = true}));
  EXPECT_FALSE(only_initial.create({.object = o}));
  EXPECT_TRUE(only_initial.delete_({.object = o, .delete_state_unknown = true}));
  EXPECT_FALSE(only_initial.delete_({.object = o}));
}

TEST(Predicate, GenerationChanged) {
  auto p = ctl::generation_changed();
  auto g1 = make(1, "10"), g1b = make(1, "11"), g2 = make(2, "12");
  EXPECT_TRUE(p.update({.object_old = g1, .object_new = g2}));
  EXPECT_FALSE(p.update({.object_old = g1, .object_new = g1b}));  // status or metadata write
  EXPECT_FALSE(p.update({.object_old = nullptr, .object_new = g2}));
  EXPECT_FALSE(p.update({.object_old = g1, .object_new = nullptr}));
  EXPECT_TRUE(p.create({.object = g1}));
  EXPECT_TRUE(p.delete_({.object = g1}));
  EXPECT_TRUE(p.generic({.object = g1}));
  EXPECT_TRUE(p.create({.object = nullptr}));  // only update looks at objects
}

TEST(Predicate, ResourceVersionChanged) {
  auto p = ctl::resource_version_changed();
  auto a = make(1, "10"), b = make(1, "11"), a2 = make(5, "10");
  EXPECT_TRUE(p.update({.object_old = a, .object_new = b}));
  EXPECT_FALSE(p.update({.object_old = a, .object_new = a2}));  // a resync: same revision
  EXPECT_FALSE(p.update({.object_old = nullptr, .object_new = b}));
  EXPECT_FALSE(p.update({.object_old = a, .object_new = nullptr}));
  EXPECT_EQ(all_of(p, a).create, true);
  EXPECT_EQ(all_of(p, a).del, true);
  EXPECT_EQ(all_of(p, a).generic, true);
}

TEST(Predicate, LabelsChanged) {
  auto p = ctl::labels_changed();
  auto none = make(1, "1"), web = make(1, "2", {{"app", "web"}}), web2 = make(2, "3", {{"app", "web"}});
  auto db = make(1, "4", {{"app", "db"}}), more = make(1, "5", {{"app", "web"}, {"tier", "fe"}});
  EXPECT_FALSE(p.update({.object_old = web, .object_new = web2}));
  EXPECT_TRUE(p.update({.object_old = web, .object_new = db}));
  EXPECT_TRUE(p.update({.object_old = web, .object_new = more}));
  EXPECT_TRUE(p.update({.object_old = none, .object_new = web}));
  EXPECT_TRUE(p.update({.object_old = web, .object_new = none}));
  // Absent and empty label maps are equal.
  object empty_labels = *none;
  empty_labels.metadata()["labels"] = json::object();
  EXPECT_FALSE(p.update({.object_old = none, .object_new = ktk::core::make_object_ptr(std::move(empty_labels))}));
  EXPECT_FALSE(p.update({.object_old = nullptr, .object_new = web}));
  EXPECT_EQ(all_of(p, web), (answers{true, false, true, true}));
}

TEST(Predicate, AnnotationsChanged) {
  auto p = ctl::annotations_changed();
  auto a = make(1, "1", {}, {{"note", "a"}}), a2 = make(2, "2", {{"x", "y"}}, {{"note", "a"}});
  auto b = make(1, "3", {}, {{"note", "b"}}), none = make(1, "4");
  EXPECT_FALSE(p.update({.object_old = a, .object_new = a2}));  // labels and generation do not count
  EXPECT_TRUE(p.update({.object_old = a, .object_new = b}));
  EXPECT_TRUE(p.update({.object_old = a, .object_new = none}));
  EXPECT_FALSE(p.update({.object_old = a, .object_new = nullptr}));
  EXPECT_EQ(all_of(p, a), (answers{true, false, true, true}));
}

TEST(Predicate, NewPredicateFuncsFiltersEveryEventOnTheNewObject) {
  auto named = ctl::new_predicate_funcs([](const object& o) { return o.generation() > 1; });
  auto g1 = make(1, "1"), g2 = make(2, "2");
  EXPECT_EQ(all_of(named, g1), (answers{false, false, false, false}));
  EXPECT_EQ(all_of(named, g2), (answers{true, true, true, true}));
  EXPECT_TRUE(named.update({.object_old = g1, .object_new = g2}));
  EXPECT_FALSE(named.update({.object_old = g2, .object_new = g1}));
  EXPECT_FALSE(named.create({.object = nullptr}));  // no object, nothing to pass
  EXPECT_FALSE(named.update({.object_old = g2, .object_new = nullptr}));
}

TEST(Predicate, LabelSelectorFromStringAndSelector) {
  auto web = make(1, "1", {{"app", "web"}, {"tier", "fe"}}), db = make(1, "2", {{"app", "db"}}), none = make(1, "3");
  auto p = ctl::label_selector("app=web,tier in (fe,be)");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(all_of(*p, web), (answers{true, true, true, true}));
  EXPECT_EQ(all_of(*p, db), (answers{false, false, false, false}));
  EXPECT_EQ(all_of(*p, none), (answers{false, false, false, false}));
  EXPECT_TRUE(p->update({.object_old = db, .object_new = web}));
  EXPECT_FALSE(p->update({.object_old = web, .object_new = db}));

  auto not_canary = ctl::label_selector(ktk::core::label_selector::from_json(
                                            json{{"matchExpressions", {{{"key", "canary"}, {"operator", "DoesNotExist"}}}}})
                                            .value());
  EXPECT_TRUE(not_canary.create({.object = none}));
  EXPECT_FALSE(not_canary.create({.object = make(1, "4", {{"canary", "yes"}})}));
  // The empty selector matches everything.
  EXPECT_TRUE(ctl::label_selector(ktk::core::label_selector{}).create({.object = none}));

  auto bad = ctl::label_selector("app in (web");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(ktk::is_bad_request(bad.error()));
}

TEST(Predicate, AndOrNot) {
  const auto yes = ctl::predicate{};
  const ctl::funcs no{.create = [](const ctl::create_event&) { return false; },
                      .update = [](const ctl::update_event&) { return false; },
                      .delete_ = [](const ctl::delete_event&) { return false; },
                      .generic = [](const ctl::generic_event&) { return false; }};
  auto o = make(1, "1");
  const answers t{true, true, true, true}, f{false, false, false, false};

  EXPECT_EQ(all_of(ctl::and_(yes, yes), o), t);
  EXPECT_EQ(all_of(ctl::and_(yes, no), o), f);
  EXPECT_EQ(all_of(ctl::or_(no, yes), o), t);
  EXPECT_EQ(all_of(ctl::or_(no, no), o), f);
  EXPECT_EQ(all_of(ctl::not_(no), o), t);
  EXPECT_EQ(all_of(ctl::not_(yes), o), f);
  EXPECT_EQ(all_of(ctl::and_(std::vector<ctl::predicate>{}), o), t);  // nothing to object
  EXPECT_EQ(all_of(ctl::or_(std::vector<ctl::predicate>{}), o), f);   // nothing to agree

  // Per kind of event: generation_changed only decides updates.
  auto g1 = make(1, "1"), g1b = make(1, "2"), g2 = make(2, "3");
  auto either = ctl::or_(ctl::generation_changed(), ctl::labels_changed());
  EXPECT_FALSE(either.update({.object_old = g1, .object_new = g1b}));
  EXPECT_TRUE(either.update({.object_old = g1, .object_new = g2}));
  EXPECT_TRUE(either.update({.object_old = g1, .object_new = make(1, "4", {{"a", "b"}})}));
  auto neither = ctl::not_(either);
  EXPECT_TRUE(neither.update({.object_old = g1, .object_new = g1b}));
  EXPECT_FALSE(neither.create({.object = g1}));

  // Short-circuit, left to right.
  int calls = 0;
  ctl::funcs counting{.create = [&calls](const ctl::create_event&) {
    ++calls;
    return true;
  }};
  EXPECT_FALSE(ctl::and_({no, counting}).create({.object = o}));
  EXPECT_TRUE(ctl::or_({yes, counting}).create({.object = o}));
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(ctl::and_({yes, counting}).create({.object = o}));
  EXPECT_EQ(calls, 1);
}

TEST(Predicate, CopiesShareNothingMutable) {
  ctl::predicate p = ctl::and_(ctl::generation_changed(), ctl::not_(ctl::labels_changed()));
  ctl::predicate q = p;  // a value
  auto g1 = make(1, "1"), g2 = make(2, "2");
  EXPECT_EQ(p.update({.object_old = g1, .object_new = g2}), q.update({.object_old = g1, .object_new = g2}));
  EXPECT_TRUE(q.update({.object_old = g1, .object_new = g2}));
}

}  // namespace
