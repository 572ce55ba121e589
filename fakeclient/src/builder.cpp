// builder.cpp — a fake_client with CRDs and objects in place.
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_schema.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/core/yaml.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace ktk::fakeclient {

struct builder::state {
  std::vector<core::object> objects;
  std::vector<core::object> crds;
  core::clock* clock = &core::real_clock::instance();
  std::size_t history = 10000;
  std::uint64_t seed = 0;
};

builder::builder() : s_(std::make_unique<state>()) {}
builder::~builder() = default;
builder::builder(builder&&) noexcept = default;
builder& builder::operator=(builder&&) noexcept = default;

builder& builder::with_object(core::object obj) {
  s_->objects.push_back(std::move(obj));
  return *this;
}

builder& builder::with_objects(std::vector<core::object> objs) {
  for (auto& o : objs) s_->objects.push_back(std::move(o));
  return *this;
}

builder& builder::with_crd(core::object crd) {
  s_->crds.emplace_back(apiserver::crd::convert_v1beta1_crd(crd.data()));
  return *this;
}

builder& builder::with_crd_files(const std::vector<std::filesystem::path>& paths) {
  for (const auto& p : paths) {
    for (auto& doc : core::load_yaml_path(p)) {
      if (!doc.is_object() || doc.value("kind", "") != "CustomResourceDefinition") continue;
      with_crd(core::object(std::move(doc)));
    }
  }
  return *this;
}

builder& builder::with_clock(core::clock& c) {
  s_->clock = &c;
  return *this;
}

builder& builder::with_watch_history(std::size_t events) {
  s_->history = events;
  return *this;
}

builder& builder::with_seed(std::uint64_t seed) {
  s_->seed = seed;
  return *this;
}

std::unique_ptr<fake_client> builder::build() { return std::make_unique<fake_client>(make_registry()); }

snapshot builder::build_snapshot() { return snapshot(make_registry()); }

std::unique_ptr<fake_client> snapshot::client() const { return std::make_unique<fake_client>(reg_->copy()); }

std::unique_ptr<fake_client> snapshot::client(core::clock& c) const {
  return std::make_unique<fake_client>(reg_->copy(&c));
}

std::shared_ptr<apiserver::registry> builder::make_registry() {
  auto reg = std::make_shared<apiserver::registry>(
      apiserver::registry_options{.clock = s_->clock, .history = s_->history, .seed = s_->seed});
  auto fail = [](const core::object& o, const core::api_error& e) {
    throw std::runtime_error("ktk::fakeclient::builder: " + std::string(o.kind()) + " " + o.key().str() + ": " +
                             e.message());
  };
  const core::gvr crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
  for (auto& crd : s_->crds) {
    core::object copy = crd;
    if (auto r = reg->create(crds, "", std::move(copy)); !r) fail(crd, r.error());
  }
  // Namespaces the objects live in, unless the objects create them themselves.
  std::set<std::string> wanted, given;
  for (const auto& o : s_->objects) {
    if (o.kind() == "Namespace" && o.api_version() == "v1") given.insert(std::string(o.name()));
    if (!o.namespace_().empty()) wanted.insert(std::string(o.namespace_()));
  }
  const core::gvr namespaces{"", "v1", "namespaces"};
  for (const auto& ns : wanted) {
    if (given.count(ns) || reg->get(namespaces, {"", ns})) continue;
    core::object n("v1", "Namespace");
    n.set_name(ns);
    if (auto r = reg->create(namespaces, "", std::move(n)); !r) fail(n, r.error());
  }
  for (auto& o : s_->objects) {
    auto info = reg->mapper().by_kind(o.group_version_kind());
    if (!info) {
      throw std::runtime_error("ktk::fakeclient::builder: " + o.key().str() + ": no matches for kind " +
                               core::quote(std::string(o.kind())) + " in version " +
                               core::quote(std::string(o.api_version())));
    }
    core::object copy = o;
    copy.set_resource_version("");
    std::string ns(copy.namespace_());
    if (auto r = reg->create(info->resource, ns, std::move(copy)); !r) fail(o, r.error());
  }
  return reg;
}

}  // namespace ktk::fakeclient
