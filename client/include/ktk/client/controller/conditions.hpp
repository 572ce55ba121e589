// ktk/client/controller/conditions.hpp — metav1.Condition helpers, as apimachinery's meta/conditions.go.
//
// Work on a JSON array of conditions (an object's `status.conditions`) or on the
// object itself. set_status_condition moves lastTransitionTime only when the status
// changes, so a reconciler can set the same condition on every pass without making
// the object look new.
//
//   namespace ctl = ktk::client::controller;
//   ctl::set_status_condition(obj, {.type = "Ready", .status = ctl::condition_true,
//                                   .reason = "Available", .observed_generation = obj.generation()}, clk);
//   if (ctl::is_status_condition_true(obj, "Ready")) ...
//
// Plain functions; not synchronised (callers own the object they modify).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "ktk/core/clock.hpp"
#include "ktk/core/object.hpp"

namespace ktk::client::controller {

inline constexpr std::string_view condition_true = "True";
inline constexpr std::string_view condition_false = "False";
inline constexpr std::string_view condition_unknown = "Unknown";

// metav1.Condition. In JSON: type, status, observedGeneration (omitted when 0),
// lastTransitionTime, reason, message.
struct condition {
  std::string type{};  // "Ready"; CamelCase
  std::string status{};  // condition_true / condition_false / condition_unknown
  std::string reason{};  // CamelCase, required by the API
  std::string message{};
  std::int64_t observed_generation = 0;
  // RFC 3339. When empty, set_status_condition stamps the clock's time.
  std::string last_transition_time{};

  auto operator<=>(const condition&) const = default;
};
void to_json(core::json& j, const condition& c);
void from_json(const core::json& j, condition& c);

// Sets the condition of c.type in `conditions` (a JSON array; null becomes one;
// anything else is std::invalid_argument) and returns whether anything changed.
// A new condition is appended, its lastTransitionTime c's or else now. An existing
// one takes c's reason, message and observedGeneration; its status and
// lastTransitionTime change only when c.status differs, the time then being c's or
// else now. Other fields of the existing entry are kept.
bool set_status_condition(core::json& conditions, const condition& c,
                          const core::clock& clk = core::real_clock::instance());
// Removes every condition of `type`; returns whether one was there.
bool remove_status_condition(core::json& conditions, std::string_view type);
// The condition of `type`, or nullopt (also when `conditions` is not an array).
std::optional<condition> find_status_condition(const core::json& conditions, std::string_view type);
// Whether the condition of `type` is present with this status.
bool is_status_condition_present_and_equal(const core::json& conditions, std::string_view type,
                                           std::string_view status);
bool is_status_condition_true(const core::json& conditions, std::string_view type);
bool is_status_condition_false(const core::json& conditions, std::string_view type);

// The same on an object's status.conditions (status and the array are created on a
// set; a non-object status is std::invalid_argument).
bool set_status_condition(core::object& obj, const condition& c,
                          const core::clock& clk = core::real_clock::instance());
bool remove_status_condition(core::object& obj, std::string_view type);
std::optional<condition> find_status_condition(const core::object& obj, std::string_view type);
bool is_status_condition_present_and_equal(const core::object& obj, std::string_view type, std::string_view status);
bool is_status_condition_true(const core::object& obj, std::string_view type);
bool is_status_condition_false(const core::object& obj, std::string_view type);

}  // namespace ktk::client::controller
