#include "fake_provider.hpp"

#include <optional>

namespace ktk::examples::virtualmachine {

namespace {
// The provider's own "resource", for the 404 and 409 it answers.
const core::group_resource machines_gr{"infra.example.com", "machines"};
}  // namespace

std::optional<core::api_error> fake_provider::enter(std::string_view verb, const std::string& what) {
  // Under mu_ so that the log lines come in the order the calls took effect.
  if (log_) log_(std::string(verb) + " " + what);
  ++calls_[std::string(verb)];
  if (failures_left_ > 0 && (failure_verb_.empty() || failure_verb_ == verb)) {
    --failures_left_;
    return core::api_error::service_unavailable(failure_message_);
  }
  return std::nullopt;
}

core::result<machine> fake_provider::create(const machine& m) {
  std::lock_guard lock(mu_);
  if (auto e = enter("create", m.name + " (" + std::to_string(m.cpu) + " CPU, " + m.memory + ")")) return *e;
  if (machines_.contains(m.name)) return core::api_error::already_exists(machines_gr, m.name);
  machines_.emplace(m.name, m);
  return m;
}

core::result<machine> fake_provider::get(std::string_view name) {
  std::lock_guard lock(mu_);
  if (auto e = enter("get", std::string(name))) return *e;
  auto it = machines_.find(name);
  if (it == machines_.end()) return core::api_error::not_found(machines_gr, std::string(name));
  return it->second;
}

core::result<void> fake_provider::remove(std::string_view name) {
  std::lock_guard lock(mu_);
  if (auto e = enter("remove", std::string(name))) return *e;
  auto it = machines_.find(name);
  if (it == machines_.end()) return core::api_error::not_found(machines_gr, std::string(name));
  machines_.erase(it);
  return {};
}

void fake_provider::fail_next(int n, std::string message, std::string verb) {
  std::lock_guard lock(mu_);
  failures_left_ = n;
  failure_message_ = std::move(message);
  failure_verb_ = std::move(verb);
}

int fake_provider::calls(std::string_view verb) const {
  std::lock_guard lock(mu_);
  if (!verb.empty()) {
    auto it = calls_.find(verb);
    return it == calls_.end() ? 0 : it->second;
  }
  int n = 0;
  for (const auto& [v, c] : calls_) n += c;
  return n;
}

bool fake_provider::exists(std::string_view name) const {
  std::lock_guard lock(mu_);
  return machines_.contains(name);
}

std::vector<machine> fake_provider::machines() const {
  std::lock_guard lock(mu_);
  std::vector<machine> out;
  for (const auto& [n, m] : machines_) out.push_back(m);
  return out;
}

}  // namespace ktk::examples::virtualmachine
