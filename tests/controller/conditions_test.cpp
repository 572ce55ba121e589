#include "ktk/client/controller/conditions.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

namespace ctl = ktk::client::controller;
using ktk::core::json;
using ktk::core::object;
using namespace std::chrono_literals;

TEST(Conditions, JsonForm) {
  ctl::condition c{.type = "Ready", .status = "True", .reason = "Up", .message = "", .last_transition_time = "t"};
  EXPECT_EQ(json(c), (json{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", "t"}, {"reason", "Up"},
                           {"message", ""}}));
  c.observed_generation = 4;
  EXPECT_EQ(json(c)["observedGeneration"], 4);
  EXPECT_EQ(json(c).get<ctl::condition>(), c);
}

TEST(Conditions, SetStampsTheTransitionOnlyWhenStatusChanges) {
  ktk::core::fake_clock clk;  // 2024-01-01T00:00:00Z
  json conds;                 // null becomes an array
  EXPECT_TRUE(ctl::set_status_condition(conds, {.type = "Ready", .status = "False", .reason = "Starting"}, clk));
  ASSERT_TRUE(conds.is_array());
  ASSERT_EQ(conds.size(), 1u);
  EXPECT_EQ(conds[0]["lastTransitionTime"], "2024-01-01T00:00:00Z");

  // Same status, new reason and message: changed, but the transition time stays.
  clk.advance(30s);
  EXPECT_TRUE(ctl::set_status_condition(
      conds, {.type = "Ready", .status = "False", .reason = "Pulling", .message = "image", .observed_generation = 2},
      clk));
  auto c = ctl::find_status_condition(conds, "Ready");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->reason, "Pulling");
  EXPECT_EQ(c->message, "image");
  EXPECT_EQ(c->observed_generation, 2);
  EXPECT_EQ(c->last_transition_time, "2024-01-01T00:00:00Z");

  // Exactly the same again: nothing changed.
  clk.advance(30s);
  EXPECT_FALSE(ctl::set_status_condition(
      conds, {.type = "Ready", .status = "False", .reason = "Pulling", .message = "image", .observed_generation = 2},
      clk));
  EXPECT_EQ(conds[0]["lastTransitionTime"], "2024-01-01T00:00:00Z");

  // The status flips: now.
  EXPECT_TRUE(ctl::set_status_condition(conds, {.type = "Ready", .status = "True", .reason = "Up"}, clk));
  c = ctl::find_status_condition(conds, "Ready");
  EXPECT_EQ(c->last_transition_time, "2024-01-01T00:01:00Z");
  EXPECT_EQ(c->message, "");
  EXPECT_EQ(c->observed_generation, 0);
  EXPECT_FALSE(conds[0].contains("observedGeneration"));  // omitted when 0

  // A given transition time wins over the clock, for a new condition and a flip.
  EXPECT_TRUE(ctl::set_status_condition(
      conds, {.type = "Degraded", .status = "False", .reason = "Fine", .last_transition_time = "2020-02-02T00:00:00Z"},
      clk));
  EXPECT_EQ(ctl::find_status_condition(conds, "Degraded")->last_transition_time, "2020-02-02T00:00:00Z");
  EXPECT_TRUE(ctl::set_status_condition(
      conds, {.type = "Ready", .status = "False", .reason = "Down", .last_transition_time = "2021-01-01T00:00:00Z"},
      clk));
  EXPECT_EQ(ctl::find_status_condition(conds, "Ready")->last_transition_time, "2021-01-01T00:00:00Z");
  EXPECT_EQ(conds.size(), 2u);
  EXPECT_EQ(conds[0]["type"], "Ready");  // order kept

  json not_array = json::object();
  EXPECT_THROW(ctl::set_status_condition(not_array, {.type = "Ready"}, clk), std::invalid_argument);
}

TEST(Conditions, SetKeepsFieldsItDoesNotKnow) {
  ktk::core::fake_clock clk;
  json conds = json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "Up"}, {"severity", "Info"}}});
  EXPECT_TRUE(ctl::set_status_condition(conds, {.type = "Ready", .status = "True", .reason = "Still"}, clk));
  EXPECT_EQ(conds[0]["severity"], "Info");
  EXPECT_FALSE(conds[0].contains("lastTransitionTime"));  // no status change, no stamp
  // An absent message reads as "", so setting "" is no change.
  EXPECT_FALSE(ctl::set_status_condition(conds, {.type = "Ready", .status = "True", .reason = "Still"}, clk));
}

TEST(Conditions, FindRemoveAndPredicates) {
  ktk::core::fake_clock clk;
  json conds = json::array();
  ctl::set_status_condition(conds, {.type = "Ready", .status = "True", .reason = "Up"}, clk);
  ctl::set_status_condition(conds, {.type = "Degraded", .status = "False", .reason = "Fine"}, clk);
  ctl::set_status_condition(conds, {.type = "Progressing", .status = "Unknown", .reason = "Wait"}, clk);

  EXPECT_TRUE(ctl::is_status_condition_true(conds, "Ready"));
  EXPECT_FALSE(ctl::is_status_condition_false(conds, "Ready"));
  EXPECT_TRUE(ctl::is_status_condition_false(conds, "Degraded"));
  EXPECT_FALSE(ctl::is_status_condition_true(conds, "Progressing"));
  EXPECT_FALSE(ctl::is_status_condition_false(conds, "Progressing"));
  EXPECT_TRUE(ctl::is_status_condition_present_and_equal(conds, "Progressing", ctl::condition_unknown));
  EXPECT_FALSE(ctl::is_status_condition_true(conds, "Missing"));
  EXPECT_FALSE(ctl::is_status_condition_false(conds, "Missing"));
  EXPECT_FALSE(ctl::find_status_condition(conds, "Missing"));
  EXPECT_FALSE(ctl::find_status_condition(json(), "Ready"));
  EXPECT_FALSE(ctl::find_status_condition(json("nope"), "Ready"));

  EXPECT_TRUE(ctl::remove_status_condition(conds, "Degraded"));
  EXPECT_FALSE(ctl::remove_status_condition(conds, "Degraded"));
  EXPECT_EQ(conds.size(), 2u);
  EXPECT_EQ(conds[1]["type"], "Progressing");
  json none;
  EXPECT_FALSE(ctl::remove_status_condition(none, "Ready"));
}

TEST(Conditions, OnAnObject) {
  ktk::core::fake_clock clk;
  object o("example.com/v1", "Widget");
  o.set_name("w");
  EXPECT_FALSE(ctl::find_status_condition(o, "Ready"));
  EXPECT_FALSE(ctl::remove_status_condition(o, "Ready"));
  EXPECT_FALSE(o.data().contains("status"));  // reading and removing create nothing

  EXPECT_TRUE(ctl::set_status_condition(o, {.type = "Ready", .status = "False", .reason = "Starting"}, clk));
  ASSERT_NE(o.at_path("status.conditions"), nullptr);
  EXPECT_TRUE(ctl::is_status_condition_false(o, "Ready"));
  clk.advance(5s);
  EXPECT_FALSE(ctl::set_status_condition(o, {.type = "Ready", .status = "False", .reason = "Starting"}, clk));
  EXPECT_TRUE(ctl::set_status_condition(o, {.type = "Ready", .status = "True", .reason = "Up"}, clk));
  EXPECT_TRUE(ctl::is_status_condition_true(o, "Ready"));
  EXPECT_TRUE(ctl::is_status_condition_present_and_equal(o, "Ready", "True"));
  EXPECT_EQ(ctl::find_status_condition(o, "Ready")->last_transition_time, "2024-01-01T00:00:05Z");
  EXPECT_TRUE(ctl::remove_status_condition(o, "Ready"));
  EXPECT_FALSE(ctl::is_status_condition_true(o, "Ready"));

  // Other status fields are left alone; a status that is not an object is misuse.
  object p("v1", "Pod");
  p.data()["status"] = {{"phase", "Running"}};
  ctl::set_status_condition(p, {.type = "Ready", .status = "True", .reason = "Up"}, clk);
  EXPECT_EQ(p.at_path("status.phase")->get<std::string>(), "Running");
  object bad("v1", "Pod");
  bad.data()["status"] = "weird";
  EXPECT_THROW(ctl::set_status_condition(bad, {.type = "Ready"}, clk), std::invalid_argument);
}

}  // namespace
