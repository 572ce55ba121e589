#include "ktk/client/controller/leader_election.hpp"

#include <random>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

namespace ktk::client::controller {

namespace {

const core::gvk lease_kind{"coordination.k8s.io", "v1", "Lease"};

core::clock::duration jittered(std::chrono::seconds period, double factor) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> d(0.0, factor);
  auto p = std::chrono::duration_cast<core::clock::duration>(period);
  return p + std::chrono::duration_cast<core::clock::duration>(p * d(rng));
}

std::string string_at(const core::json& spec, const char* key) {
  auto it = spec.find(key);
  return it != spec.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_at(const core::json& spec, const char* key, std::int64_t fallback) {
  auto it = spec.find(key);
  return it != spec.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

}  // namespace

leader_elector::leader_elector(client& c, leader_election_options opts, leader_callbacks cb)
    : client_(c),
      opts_(std::move(opts)),
      cb_(std::move(cb)),
      clock_(opts_.clock ? *opts_.clock : core::real_clock::instance()) {
  if (opts_.lease_name.empty()) throw std::invalid_argument("leader election: lease_name is required");
  if (opts_.identity.empty()) throw std::invalid_argument("leader election: identity is required");
  if (opts_.lease_duration <= opts_.renew_deadline) {
    throw std::invalid_argument("leader election: lease_duration must be greater than renew_deadline");
  }
  // client-go's JitterFactor: the deadline must leave room for a jittered retry.
  if (std::chrono::duration<double>(opts_.renew_deadline).count() <=
      1.2 * std::chrono::duration<double>(opts_.retry_period).count()) {
    throw std::invalid_argument("leader election: renew_deadline must be greater than retry_period*1.2");
  }
}

std::string leader_elector::leader() const {
  std::lock_guard lock(mu_);
  return observed_holder_;
}

void leader_elector::observe(const std::string& holder, const std::string& renew_time) {
  bool new_leader = false;
  {
    std::lock_guard lock(mu_);
    if (holder != observed_holder_ || renew_time != observed_renew_) observed_time_ = clock_.now();
    new_leader = holder != observed_holder_;
    observed_holder_ = holder;
    observed_renew_ = renew_time;
  }
  if (new_leader && !holder.empty() && cb_.on_new_leader) cb_.on_new_leader(holder);
}

bool leader_elector::try_acquire_or_renew() {
  auto now = clock_.now();
  auto stamp = core::format_rfc3339_micro(now);
  auto duration = static_cast<std::int64_t>(opts_.lease_duration.count());
  const std::string where = " Lease " + opts_.lease_namespace + "/" + opts_.lease_name + ": ";
  auto failed = [&](const char* doing, const core::api_error& e) {
    if (cb_.on_error) cb_.on_error(std::string("leader election: ") + doing + where + e.message());
    return false;
  };
  auto current = client_.get(lease_kind, {opts_.lease_namespace, opts_.lease_name});
  if (!current) {
    if (!is_not_found(current.error())) return failed("reading", current.error());
    core::object lease("coordination.k8s.io/v1", "Lease");
    lease.set_namespace(opts_.lease_namespace);
    lease.set_name(opts_.lease_name);
    lease.data()["spec"] = {{"holderIdentity", opts_.identity},
                            {"leaseDurationSeconds", duration},
                            {"acquireTime", stamp},
                            {"renewTime", stamp},
                            {"leaseTransitions", 0}};
    auto created = client_.create(std::move(lease));
    if (!created) return failed("creating", created.error());
    lease_resource_version_ = (*created)->resource_version();
    observe(opts_.identity, stamp);
    return true;
  }

  const core::json empty = core::json::object();
  const auto& data = (*current)->data();
  auto spec_it = data.find("spec");
  const core::json& spec = spec_it != data.end() && spec_it->is_object() ? *spec_it : empty;
  auto holder = string_at(spec, "holderIdentity");
  observe(holder, string_at(spec, "renewTime"));

  bool held_by_me = holder == opts_.identity;
  if (!holder.empty() && !held_by_me) {
    std::lock_guard lock(mu_);
    auto held_for = std::chrono::seconds(int_at(spec, "leaseDurationSeconds", duration));
    if (observed_time_ + held_for > now) return false;  // another candidate holds a live lease
  }

  core::object lease = **current;
  auto& s = lease.data()["spec"];
  if (!s.is_object()) s = core::json::object();
  auto transitions = int_at(spec, "leaseTransitions", 0);
  s["holderIdentity"] = opts_.identity;
  s["leaseDurationSeconds"] = duration;
  s["renewTime"] = stamp;
  if (!held_by_me || !s.contains("acquireTime")) s["acquireTime"] = stamp;
  s["leaseTransitions"] = held_by_me ? transitions : transitions + 1;
  auto updated = client_.update(std::move(lease));
  if (!updated) return failed("updating", updated.error());
  lease_resource_version_ = (*updated)->resource_version();
  observe(opts_.identity, stamp);
  return true;
}

bool leader_elector::acquire(std::stop_token stop) {
  while (!stop.stop_requested()) {
    if (try_acquire_or_renew()) return true;
    if (!clock_.sleep_until(clock_.now() + jittered(opts_.retry_period, 1.2), stop)) return false;
  }
  return false;
}

bool leader_elector::renew(std::stop_token stop) {
  while (!stop.stop_requested()) {
    auto deadline = clock_.now() + opts_.renew_deadline;
    bool renewed = false;
    for (;;) {
      if (try_acquire_or_renew()) {
        renewed = true;
        break;
      }
      auto next = std::min(clock_.now() + std::chrono::duration_cast<core::clock::duration>(opts_.retry_period), deadline);
      if (!clock_.sleep_until(next, stop)) return true;
      if (clock_.now() >= deadline) break;
    }
    if (!renewed) return false;
    if (!clock_.sleep_until(clock_.now() + opts_.retry_period, stop)) return true;
  }
  return true;
}

void leader_elector::release() {
  auto current = client_.get(lease_kind, {opts_.lease_namespace, opts_.lease_name});
  if (!current) return;
  const auto& data = (*current)->data();
  auto spec_it = data.find("spec");
  if (spec_it == data.end() || string_at(*spec_it, "holderIdentity") != opts_.identity) return;
  auto stamp = core::format_rfc3339_micro(clock_.now());
  core::object lease = **current;
  auto& s = lease.data()["spec"];
  s["holderIdentity"] = "";
  s["leaseDurationSeconds"] = 1;
  s["renewTime"] = stamp;
  s["acquireTime"] = stamp;
  (void)client_.update(std::move(lease));
}

bool leader_elector::run(std::stop_token stop) {
  if (!acquire(stop)) return true;
  leading_ = true;
  std::stop_source lead;
  std::stop_callback forward(stop, [&] { lead.request_stop(); });
  std::jthread worker;
  if (cb_.on_started_leading) {
    worker = std::jthread([this, token = lead.get_token()] { cb_.on_started_leading(token); });
  }
  bool kept = renew(stop);
  lead.request_stop();
  if (worker.joinable()) worker.join();
  leading_ = false;
  // Release only after the work stopped, so a successor never runs beside it.
  if (kept && opts_.release_on_cancel) release();
  if (cb_.on_stopped_leading) cb_.on_stopped_leading();
  return kept;
}

}  // namespace ktk::client::controller
