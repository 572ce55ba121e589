#include "ktk/client/controller/conditions.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace ktk::client::controller {

namespace {

std::string string_field(const core::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_field(const core::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

bool is_type(const core::json& entry, std::string_view type) {
  if (!entry.is_object()) return false;
  auto it = entry.find("type");
  return it != entry.end() && it->is_string() && it->get_ref<const std::string&>() == type;
}

// The entry of `type` in an array of conditions, or null.
const core::json* find_entry(const core::json& conditions, std::string_view type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& c : conditions) {
    if (is_type(c, type)) return &c;
  }
  return nullptr;
}

// Sets a string member, returning whether it changed (absent reads as "", as a Go
// struct field would).
bool assign(core::json& entry, const char* key, const std::string& v) {
  if (string_field(entry, key) == v) return false;
  entry[key] = v;
  return true;
}

// status.conditions of obj, created when `create`; null when absent and not created.
core::json* conditions_of(core::object& obj, bool create) {
  core::json& root = obj.data();
  auto st = root.find("status");
  if (st == root.end() || st->is_null()) {
    if (!create) return nullptr;
    root["status"] = core::json::object();
    st = root.find("status");
  }
  if (!st->is_object()) throw std::invalid_argument("status of " + obj.key().str() + " is not an object");
  auto c = st->find("conditions");
  if (c == st->end()) {
    if (!create) return nullptr;
    return &((*st)["conditions"] = core::json::array());
  }
  return &*c;
}

const core::json& conditions_of(const core::object& obj) {
  static const core::json empty = core::json::array();
  const core::json* c = obj.at_path("status.conditions");
  return c ? *c : empty;
}

}  // namespace

void to_json(core::json& j, const condition& c) {
  j = core::json::object();
  j["type"] = c.type;
  j["status"] = c.status;
  if (c.observed_generation != 0) j["observedGeneration"] = c.observed_generation;
  j["lastTransitionTime"] = c.last_transition_time;
  j["reason"] = c.reason;
  j["message"] = c.message;
}

void from_json(const core::json& j, condition& c) {
  c.type = string_field(j, "type");
  c.status = string_field(j, "status");
  c.reason = string_field(j, "reason");
  c.message = string_field(j, "message");
  c.observed_generation = int_field(j, "observedGeneration");
  c.last_transition_time = string_field(j, "lastTransitionTime");
}

bool set_status_condition(core::json& conditions, const condition& c, const core::clock& clk) {
  if (conditions.is_null()) conditions = core::json::array();
  if (!conditions.is_array()) throw std::invalid_argument("conditions must be a JSON array");
  auto stamp = [&] { return c.last_transition_time.empty() ? core::format_rfc3339(clk.now()) : c.last_transition_time; };

  core::json* existing = nullptr;
  for (auto& e : conditions) {
    if (is_type(e, c.type)) {
      existing = &e;
      break;
    }
  }
  if (!existing) {
    condition added = c;
    added.last_transition_time = stamp();
    conditions.push_back(added);
    return true;
  }

  bool changed = false;
  if (string_field(*existing, "status") != c.status) {
    (*existing)["status"] = c.status;
    (*existing)["lastTransitionTime"] = stamp();
    changed = true;
  }
  changed |= assign(*existing, "reason", c.reason);
  changed |= assign(*existing, "message", c.message);
  if (int_field(*existing, "observedGeneration") != c.observed_generation) {
    if (c.observed_generation == 0) {
      existing->erase("observedGeneration");
    } else {
      (*existing)["observedGeneration"] = c.observed_generation;
    }
    changed = true;
  }
  return changed;
}

bool remove_status_condition(core::json& conditions, std::string_view type) {
  if (!conditions.is_array()) return false;
  auto before = conditions.size();
  core::json kept = core::json::array();
  for (auto& e : conditions) {
    if (!is_type(e, type)) kept.push_back(std::move(e));
  }
  conditions = std::move(kept);
  return conditions.size() != before;
}

std::optional<condition> find_status_condition(const core::json& conditions, std::string_view type) {
  const core::json* e = find_entry(conditions, type);
  if (!e) return std::nullopt;
  return e->get<condition>();
}

bool is_status_condition_present_and_equal(const core::json& conditions, std::string_view type,
                                           std::string_view status) {
  const core::json* e = find_entry(conditions, type);
  return e && string_field(*e, "status") == status;
}

bool is_status_condition_true(const core::json& conditions, std::string_view type) {
  return is_status_condition_present_and_equal(conditions, type, condition_true);
}

bool is_status_condition_false(const core::json& conditions, std::string_view type) {
  return is_status_condition_present_and_equal(conditions, type, condition_false);
}

bool set_status_condition(core::object& obj, const condition& c, const core::clock& clk) {
  return set_status_condition(*conditions_of(obj, true), c, clk);
}

bool remove_status_condition(core::object& obj, std::string_view type) {
  if (!obj.at_path("status.conditions")) return false;  // not even a status to create
  core::json* c = conditions_of(obj, false);
  return c && remove_status_condition(*c, type);
}

std::optional<condition> find_status_condition(const core::object& obj, std::string_view type) {
  return find_status_condition(conditions_of(obj), type);
}

bool is_status_condition_present_and_equal(const core::object& obj, std::string_view type, std::string_view status) {
  return is_status_condition_present_and_equal(conditions_of(obj), type, status);
}

bool is_status_condition_true(const core::object& obj, std::string_view type) {
  return is_status_condition_true(conditions_of(obj), type);
}

bool is_status_condition_false(const core::object& obj, std::string_view type) {
  return is_status_condition_false(conditions_of(obj), type);
}

}  // namespace ktk::client::controller
