// ktk/fakeclient/fake_client.hpp — a ktk::client::client over the registry, in-process.
//
// No sockets and no serialization: calls go straight to the same registry the HTTP
// server uses, so everything a real kube-apiserver does happens here too —
// resourceVersion conflicts, generation, uid, creationTimestamp, defaulting and
// validation, CRD schemas, field and label selectors, limit/continue, watch with
// resourceVersion, finalizers. On top: reactors (injected errors and latency) and
// recorded actions.
//
//   auto fc = ktk::fakeclient::builder().with_object(deploy).with_crd_files({"crds/at.yaml"}).build();
//   my_reconciler r{*fc};
//   r.reconcile({"default", "web"});
//   EXPECT_TRUE(fc->get({"apps", "v1", "Deployment"}, {"default", "web"}));
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "ktk/client/client.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/fakeclient/reactor.hpp"

namespace ktk::apiserver {
class registry;
}

namespace ktk::fakeclient {

using core::object;
using core::object_key;
using core::object_ptr;
using core::result;

class fake_client final : public ktk::client::client {
 public:
  // Wraps a registry (shared: an HTTP server may serve the same one).
  explicit fake_client(std::shared_ptr<apiserver::registry> reg);
  ~fake_client() override;

  using ktk::client::client::get;
  using ktk::client::client::list;
  using ktk::client::client::create;
  using ktk::client::client::update;
  using ktk::client::client::remove;

  result<object_ptr> get(const core::gvk& kind, const object_key& key, const ktk::client::get_options& opts = {}) override;
  result<ktk::client::object_list> list(const core::gvk& kind, const ktk::client::list_options& opts = {}) override;
  result<object_ptr> create(object&& obj, const ktk::client::write_options& opts = {}) override;
  result<object_ptr> update(object&& obj, const ktk::client::write_options& opts = {}) override;
  result<object_ptr> patch(const core::gvk& kind, const object_key& key, core::patch_type type, const core::json& patch,
                           const ktk::client::patch_options& opts = {}) override;
  result<object_ptr> apply(object&& obj, const ktk::client::patch_options& opts) override;
  result<void> remove(const core::gvk& kind, const object_key& key, const ktk::client::delete_options& opts = {}) override;
  result<void> delete_all_of(const core::gvk& kind, const ktk::client::list_options& which,
                             const ktk::client::delete_options& opts = {}) override;
  result<std::unique_ptr<ktk::client::watch_stream>> watch(const core::gvk& kind,
                                                      const ktk::client::watch_options& opts = {}) override;
  ktk::client::status_writer& status() override;
  result<object_ptr> get_scale(const core::gvk& kind, const object_key& key) override;
  result<object_ptr> update_scale(const core::gvk& kind, const object_key& key, std::int64_t replicas,
                                  const ktk::client::write_options& opts = {}) override;
  // pods/binding only (answered, as kube-apiserver does, with a Status Success); other
  // subresources are NotFound.
  result<object_ptr> create_subresource(const core::gvk& kind, const object_key& key, std::string_view subresource,
                                        object&& body, const ktk::client::write_options& opts = {}) override;
  const core::rest_mapper& mapper() override;

  // Reactors run in the order added. Thread-safe.
  reactor_id add_reactor(std::string verb, std::string resource, reactor r);
  void remove_reactor(reactor_id id);
  void clear_reactors();

  // Every call so far, in order. Thread-safe.
  std::vector<action> actions() const;
  void clear_actions();
  // Whether calls are recorded (on by default; long simulations turn it off so that
  // the record does not grow without bound). Thread-safe.
  void record_actions(bool on);

  // Ends every open watch of `resource` (its plural name, or "*" for all): their
  // consumers see the stream done and watch again, as after a server closed it — the
  // fault a scenario's watch_cut injects. Returns how many were cut. Thread-safe.
  std::size_t cut_watches(std::string_view resource = "*");
  // How many watches of `resource` (or "*") are open now: to check, say, that
  // informers meant to share a watch do. Thread-safe.
  std::size_t open_watches(std::string_view resource = "*") const;

  apiserver::registry& registry() const { return *reg_; }
  // The registry, to share with another client or an HTTP server.
  const std::shared_ptr<apiserver::registry>& shared_registry() const { return reg_; }

  class impl;

 private:
  std::shared_ptr<apiserver::registry> reg_;
  std::unique_ptr<impl> impl_;
};

class builder;

// What a builder makes, made once and handed out as copies: each client() is a new
// fake_client holding the same objects and CRDs (same uids, resourceVersions and
// timestamps, the same watch history), its own from then on — a write in one test is
// not seen by the next. For a suite whose tests start from the same objects; copying
// costs a fraction of creating them again (fakeclient_bench BM_FakeClientFromSnapshot).
// Cheap to copy (shared); client() may be called from several threads at once.
//
//   static const auto seeded = ktk::fakeclient::builder().with_objects(objs).build_snapshot();
//   auto fc = seeded.client();
class snapshot {
 public:
  std::unique_ptr<fake_client> client() const;
  // With another clock (not owned), e.g. a fake clock per test.
  std::unique_ptr<fake_client> client(core::clock& c) const;

 private:
  friend class builder;
  explicit snapshot(std::shared_ptr<const apiserver::registry> reg) : reg_(std::move(reg)) {}
  std::shared_ptr<const apiserver::registry> reg_;  // never written after the build
};

// Builds a fake_client with objects and CRDs in place.
class builder {
 public:
  builder();
  ~builder();
  builder(builder&&) noexcept;
  builder& operator=(builder&&) noexcept;

  // Objects to create first (after the CRDs). A namespace an object names is created
  // if no object creates it. They go through the full create path: an invalid object
  // makes build() throw.
  builder& with_object(object obj);
  builder& with_objects(std::vector<object> objs);
  template <core::kind_typed T>
  builder& with(const T& v) {
    return with_object(core::to_object(v));
  }
  // CRDs (apiextensions.k8s.io/v1, or v1beta1 documents, which are converted).
  builder& with_crd(object crd);
  // CRDs from YAML files or folders.
  builder& with_crd_files(const std::vector<std::filesystem::path>& paths);
  // The clock for timestamps and reactor delays (default: the real clock). Not owned.
  builder& with_clock(core::clock& c);
  // Events of past revisions kept per resource for watches (default 10000).
  builder& with_watch_history(std::size_t events);
  // A fixed seed for generateName suffixes and uids (reproducible tests).
  builder& with_seed(std::uint64_t seed);

  // Throws std::runtime_error naming the object and the server's message when an
  // object or CRD is rejected.
  std::unique_ptr<fake_client> build();
  // Builds once for many clients (see snapshot). Throws as build() does.
  snapshot build_snapshot();

 private:
  std::shared_ptr<apiserver::registry> make_registry();

  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace ktk::fakeclient
