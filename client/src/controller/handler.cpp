#include "ktk/client/controller/handler.hpp"

#include <atomic>

namespace ktk::client::controller {

namespace {

request key_of(const core::object& o) { return o.key(); }

class for_object final : public handler {
 public:
  bool quick() const override { return true; }
  void create(const create_event& e, work_queue& q) override {
    if (e.object) q.add(key_of(*e.object));
  }
  void update(const update_event& e, work_queue& q) override {
    if (e.object_new) {
      q.add(key_of(*e.object_new));
    } else if (e.object_old) {
      q.add(key_of(*e.object_old));
    }
  }
  void delete_(const delete_event& e, work_queue& q) override {
    if (e.object) q.add(key_of(*e.object));
  }
  void generic(const generic_event& e, work_queue& q) override {
    if (e.object) q.add(key_of(*e.object));
  }
};

// Queues requests derived from each object an event carries; for updates, from both
// the old and the new object.
class per_object : public handler {
 public:
  void create(const create_event& e, work_queue& q) final { add(e.object, q); }
  void update(const update_event& e, work_queue& q) final {
    add(e.object_old, q);
    add(e.object_new, q);
  }
  void delete_(const delete_event& e, work_queue& q) final { add(e.object, q); }
  void generic(const generic_event& e, work_queue& q) final { add(e.object, q); }

 protected:
  // o may be null.
  virtual void add(const core::object_ptr& o, work_queue& q) const = 0;
};

class for_owner final : public per_object {
 public:
  for_owner(core::group_kind owner, owner_options opts) : owner_(std::move(owner)), opts_(opts) {}
  bool quick() const override { return true; }

 private:
  // The owner's scope, looked up once the mapper knows the kind (a CRD may come later).
  bool owner_namespaced() const {
    int known = scope_.load(std::memory_order_relaxed);
    if (known >= 0) return known == 1;
    if (!opts_.mapper) return true;
    for (const auto& info : opts_.mapper->all()) {
      if (info->resource.group == owner_.group && info->kind == owner_.kind) {
        scope_.store(info->namespaced ? 1 : 0, std::memory_order_relaxed);
        return info->namespaced;
      }
    }
    return true;
  }

  void add(const core::object_ptr& o, work_queue& q) const override {
    if (!o) return;
    for (const auto& ref : o->owner_references()) {
      if (opts_.only_controller && !ref.controller.value_or(false)) continue;
      if (ref.kind != owner_.kind) continue;
      auto slash = ref.api_version.find('/');
      std::string group = slash == std::string::npos ? std::string() : ref.api_version.substr(0, slash);
      if (group != owner_.group) continue;
      q.add({owner_namespaced() ? std::string(o->namespace_()) : std::string(), ref.name});
    }
  }

  core::group_kind owner_;
  owner_options opts_;
  mutable std::atomic<int> scope_{-1};  // -1 not known yet, 0 cluster-scoped, 1 namespaced
};

class from_map final : public per_object {
 public:
  from_map(map_func f, map_options opts) : f_(std::move(f)), opts_(opts) {}
  bool quick() const override { return opts_.quick; }

 private:
  void add(const core::object_ptr& o, work_queue& q) const override {
    if (!o) return;
    for (const auto& r : f_(*o)) q.add(r);
  }
  map_func f_;
  map_options opts_;
};

}  // namespace

std::shared_ptr<handler> enqueue_request_for_object() { return std::make_shared<for_object>(); }

std::shared_ptr<handler> enqueue_request_for_owner(core::group_kind owner, owner_options opts) {
  return std::make_shared<for_owner>(std::move(owner), opts);
}

std::shared_ptr<handler> enqueue_requests_from_map_func(map_func f, map_options opts) {
  return std::make_shared<from_map>(std::move(f), opts);
}

}  // namespace ktk::client::controller
