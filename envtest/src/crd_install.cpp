// crd_install.cpp — CRDs through a client: create or update, then wait for Established
// (watching) and for discovery (listing with a short backoff; discovery has no watch).
#include "ktk/envtest/crd_install.hpp"

#include "poll.hpp"

#include <map>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

namespace ktk::envtest {

namespace {

using core::json;
using clock_type = std::chrono::steady_clock;

const core::gvk crd_kind{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

bool established(const core::object& crd) {
  const json* conds = crd.at_path("status.conditions");
  if (!conds || !conds->is_array()) return false;
  for (const auto& c : *conds) {
    if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
  }
  return false;
}

// Creates the CRD, or replaces the stored one (a conflict retries with the new version).
void create_or_update(client::client& c, const core::object& crd) {
  auto created = c.create(core::object(crd));
  if (created) return;
  if (!core::is_already_exists(created.error())) {
    throw std::runtime_error("CustomResourceDefinition \"" + std::string(crd.name()) +
                             "\": " + created.error().message());
  }
  for (int attempt = 0;; ++attempt) {
    auto live = c.get(crd_kind, {"", std::string(crd.name())});
    if (!live) throw std::runtime_error("CustomResourceDefinition \"" + std::string(crd.name()) + "\": " + live.error().message());
    core::object next = crd;
    next.set_resource_version((*live)->resource_version());
    auto updated = c.update(std::move(next));
    if (updated) return;
    if (!core::is_conflict(updated.error()) || attempt == 4) {
      throw std::runtime_error("CustomResourceDefinition \"" + std::string(crd.name()) +
                               "\": " + updated.error().message());
    }
  }
}

std::string pending_names(const std::map<std::string, bool>& ready) {
  std::string out;
  for (const auto& [name, ok] : ready) {
    if (ok) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

void wait_established(client::client& c, std::map<std::string, bool>& ready, clock_type::time_point deadline) {
  auto note = [&](const core::object& crd) {
    auto it = ready.find(std::string(crd.name()));
    if (it != ready.end()) it->second = established(crd);
  };
  auto all = [&] {
    for (const auto& [_, ok] : ready) {
      if (!ok) return false;
    }
    return true;
  };
  while (clock_type::now() < deadline) {
    auto listed = c.list(crd_kind);
    if (!listed) throw std::runtime_error("listing CustomResourceDefinitions: " + listed.error().message());
    for (const auto& crd : listed->items) note(*crd);
    if (all()) return;
    auto w = c.watch(crd_kind, {.resource_version = listed->resource_version});
    if (!w) continue;  // e.g. 410: list again
    while (!(*w)->done() && clock_type::now() < deadline) {
      for (const auto& e : (*w)->next(std::stop_token{}, deadline)) {
        if (e.type == client::event_type::added || e.type == client::event_type::modified) note(*e.object);
      }
      if (all()) return;
    }
  }
  throw std::runtime_error("CustomResourceDefinitions not Established in time: " + pending_names(ready));
}

using detail::poll_until;

// Each served version answers a list: discovery knows it and the resource is served.
void wait_discoverable(client::client& c, const std::vector<core::object>& crds, clock_type::time_point deadline) {
  for (const auto& crd : crds) {
    const json& spec = crd.data().value("spec", json::object());
    const std::string group = spec.value("group", "");
    const std::string kind = spec.value("names", json::object()).value("kind", "");
    for (const auto& v : spec.value("versions", json::array())) {
      if (!v.value("served", false)) continue;
      const core::gvk gvk{group, v.value("name", ""), kind};
      std::string last_error;
      auto served = [&] {
        auto listed = c.list(gvk, {.limit = 1});
        if (!listed) last_error = listed.error().message();
        return listed.ok();
      };
      if (!poll_until(served, deadline)) {
        throw std::runtime_error("CustomResourceDefinition \"" + std::string(crd.name()) + "\": " + group + "/" +
                                 gvk.version + " " + kind + " not served in time: " + last_error);
      }
    }
  }
}

}  // namespace

std::vector<std::string> install_crds(client::client& c, const std::vector<core::object>& crds,
                                      const crd_install_options& opts) {
  const auto deadline = clock_type::now() + opts.timeout;
  std::vector<std::string> names;
  std::map<std::string, bool> ready;
  for (const auto& crd : crds) {
    create_or_update(c, crd);
    names.emplace_back(crd.name());
    ready[std::string(crd.name())] = false;
  }
  if (crds.empty()) return names;
  wait_established(c, ready, deadline);
  wait_discoverable(c, crds, deadline);
  return names;
}

void uninstall_crds(client::client& c, const std::vector<std::string>& names, const crd_install_options& opts) {
  const auto deadline = clock_type::now() + opts.timeout;
  for (const auto& name : names) {
    auto r = c.remove(crd_kind, {"", name});
    if (!r && !core::is_not_found(r.error())) {
      throw std::runtime_error("deleting CustomResourceDefinition \"" + name + "\": " + r.error().message());
    }
  }
  for (const auto& name : names) {
    if (!poll_until([&] { return !c.get(crd_kind, {"", name}).ok(); }, deadline)) {
      throw std::runtime_error("CustomResourceDefinition \"" + name + "\" still there after delete");
    }
  }
}

}  // namespace ktk::envtest
