// The in-memory backend of storage::interface: a map of shards (one per resource)
// and one global revision counter. See shard.hpp for the per-shard locking rules.
//
// Lock order: the shard map's lock, then a shard's lock; never the other way round.
// A dropped shard is replaced in the map by a fresh one whose history starts at the
// drop; watchers of the dropped one read the events left in its ring, then get 410
// Gone (reason Gone): the watch is over.
#include <atomic>
#include <map>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "ktk/apiserver/storage/interface.hpp"
#include "memory_watcher.hpp"
#include "shard.hpp"
#include "shard_list.hpp"

namespace ktk::apiserver::storage {
namespace {

using detail::shard;

class memory_storage final : public interface {
 public:
  explicit memory_storage(storage_options opts) : opts_(opts) {}

  revision current_revision() const override { return counter_.load(); }

  revision shard_revision(std::string_view name) const override {
    for (;;) {
      auto sh = find(name);
      if (!sh) return 0;
      std::shared_lock lk(sh->mu);
      if (sh->dropped) continue;
      return sh->ring.empty() ? sh->evicted : sh->ring.back().ev->rev;
    }
  }

  core::result<object_ptr> get(std::string_view name, const object_key& key) const override {
    for (;;) {
      auto sh = find(name);
      if (!sh) return detail::not_found(name, key);
      std::shared_lock lk(sh->mu);
      if (sh->dropped) continue;
      auto it = sh->objects.find(key);
      if (it == sh->objects.end()) return detail::not_found(name, key);
      return it->second.obj;
    }
  }

  core::result<list_result> list(std::string_view name, const list_options& opts) const override {
    if (opts.at > counter_.load()) return detail::too_large(opts.at, counter_.load());
    for (;;) {
      auto [sh, floor] = find_with_floor(name);
      if (!sh) {
        if (opts.at != 0 && opts.at < floor) return detail::list_expired(opts.start_after.has_value());
        return list_result{.rev = opts.at != 0 ? opts.at : counter_.load()};
      }
      std::shared_lock lk(sh->mu);
      if (sh->dropped) continue;
      // Under the shard lock no write to this shard is in flight, so every event of
      // it up to the counter's value is in the ring.
      revision at = opts.at != 0 ? opts.at : counter_.load();
      if (at < sh->evicted) return detail::list_expired(opts.start_after.has_value());
      return detail::list_locked(*sh, opts, at);
    }
  }

  std::size_t count(std::string_view name, std::string_view ns) const override {
    for (;;) {
      auto sh = find(name);
      if (!sh) return 0;
      std::shared_lock lk(sh->mu);
      if (sh->dropped) continue;
      if (ns.empty()) return sh->objects.size();
      auto it = sh->ns_counts.find(ns);
      return it == sh->ns_counts.end() ? 0 : it->second;
    }
  }

  core::result<object_ptr> create(std::string_view name, const object_key& key, object&& obj) override {
    for (;;) {
      auto sh = obtain(name);
      std::unique_lock lk(sh->mu);
      if (sh->dropped) continue;
      if (sh->objects.contains(key)) return detail::already_exists(name, key);  // obj untouched, as promised
      revision rev = ++counter_;
      obj.set_resource_version(std::to_string(rev));
      object_ptr stored = std::make_shared<const object>(std::move(obj));
      sh->objects.emplace(key, detail::stored{stored, rev});
      ++sh->ns_counts[key.namespace_];
      auto evicted = sh->append(event_type::added, key, stored, nullptr, rev);  // freed after the unlock
      auto snapshot = sh->notifiers;
      lk.unlock();
      sh->wake(snapshot, key.namespace_);
      return stored;
    }
  }

  core::result<object_ptr> update(std::string_view name, const object_key& key, object&& obj,
                                  revision expected) override {
    auto next = std::make_shared<object>(std::move(obj));
    for (;;) {
      auto sh = find(name);
      if (!sh) return detail::not_found(name, key);
      std::unique_lock lk(sh->mu);
      if (sh->dropped) continue;
      auto it = sh->objects.find(key);
      if (it == sh->objects.end()) return detail::not_found(name, key);
      if (expected != 0 && it->second.mod != expected) return detail::stale(name, key);
      revision rev = ++counter_;
      next->set_resource_version(std::to_string(rev));
      object_ptr stored = std::move(next);
      object_ptr prev = std::exchange(it->second, {stored, rev}).obj;
      auto evicted = sh->append(event_type::modified, key, stored, std::move(prev), rev);  // freed after the unlock
      auto snapshot = sh->notifiers;
      lk.unlock();
      sh->wake(snapshot, key.namespace_);
      return stored;
    }
  }

  core::result<object_ptr> remove(std::string_view name, const object_key& key, revision expected) override {
    for (;;) {
      auto sh = find(name);
      if (!sh) return detail::not_found(name, key);
      object_ptr last;
      {
        std::shared_lock lk(sh->mu);
        if (sh->dropped) continue;
        auto it = sh->objects.find(key);
        if (it == sh->objects.end()) return detail::not_found(name, key);
        if (expected != 0 && it->second.mod != expected) return detail::stale(name, key);
        last = it->second.obj;
      }
      // The copy that carries the deletion revision is made outside the exclusive
      // lock; if the object changed meanwhile, start over.
      auto gone = std::make_shared<object>(*last);
      std::unique_lock lk(sh->mu);
      if (sh->dropped) continue;
      auto it = sh->objects.find(key);
      if (it == sh->objects.end() || it->second.obj != last) continue;
      revision rev = ++counter_;
      gone->set_resource_version(std::to_string(rev));
      object_ptr stored = std::move(gone);
      sh->objects.erase(it);
      auto ns = sh->ns_counts.find(key.namespace_);
      if (--ns->second == 0) sh->ns_counts.erase(ns);
      auto evicted = sh->append(event_type::deleted, key, stored, std::move(last), rev);  // freed after the unlock
      auto snapshot = sh->notifiers;
      lk.unlock();
      sh->wake(snapshot, key.namespace_);
      return stored;
    }
  }

  core::result<std::unique_ptr<watcher>> watch(std::string_view name, const watch_options& opts) override {
    for (;;) {
      auto sh = obtain(name);
      std::shared_lock lk(sh->mu);
      if (sh->dropped) continue;
      revision from = opts.from_revision;
      if (from == 0) {
        from = counter_.load();
      } else if (from < sh->evicted) {
        return detail::watch_expired(from, sh->oldest_minus_one());
      }
      return std::unique_ptr<watcher>(std::make_unique<detail::memory_watcher>(sh, opts.namespace_, from));
    }
  }

  std::unique_ptr<interface> copy() const override {
    auto out = std::make_unique<memory_storage>(opts_);
    // Every shard held shared at once (after the map, as the lock order wants): no
    // write is in flight, so the counter and every ring agree.
    std::shared_lock map_lk(map_mu_);
    std::vector<std::shared_lock<std::shared_mutex>> held;
    held.reserve(shards_.size());
    for (const auto& [name, sh] : shards_) held.emplace_back(sh->mu);
    out->counter_.store(counter_.load());
    out->floors_ = floors_;
    for (const auto& [name, sh] : shards_) {
      auto c = std::make_shared<shard>(name, opts_.history, sh->evicted);
      c->objects = sh->objects;
      c->ns_counts = sh->ns_counts;
      c->ring = sh->ring;
      out->shards_.emplace(name, std::move(c));
    }
    return out;
  }

  void drop_shard(std::string_view name) override {
    std::shared_ptr<shard> sh;
    detail::object_map objects;
    std::shared_ptr<const detail::notify_list> notifiers;
    {
      std::unique_lock map_lk(map_mu_);
      auto it = shards_.find(name);
      if (it == shards_.end()) return;
      sh = std::move(it->second);
      shards_.erase(it);
      std::unique_lock lk(sh->mu);
      sh->dropped = true;
      floors_[std::string(name)] = counter_.load();
      objects.swap(sh->objects);
      sh->ns_counts.clear();
      notifiers = sh->notifiers;
      // The ring stays: watchers read what is left of it, then learn the shard is gone.
    }
    sh->cv.notify_all();
    for (const auto& n : *notifiers) n->run();
    // `objects` is freed here, outside every lock.
  }

 private:
  std::shared_ptr<shard> find(std::string_view name) const {
    std::shared_lock lk(map_mu_);
    auto it = shards_.find(name);
    return it == shards_.end() ? nullptr : it->second;
  }

  // The shard, or null and the revision before which a dropped shard of that name
  // has no history.
  std::pair<std::shared_ptr<shard>, revision> find_with_floor(std::string_view name) const {
    std::shared_lock lk(map_mu_);
    auto it = shards_.find(name);
    if (it != shards_.end()) return {it->second, 0};
    auto f = floors_.find(name);
    return {nullptr, f == floors_.end() ? 0 : f->second};
  }

  std::shared_ptr<shard> obtain(std::string_view name) {
    if (auto sh = find(name)) return sh;
    std::unique_lock lk(map_mu_);
    auto it = shards_.find(name);
    if (it != shards_.end()) return it->second;
    auto f = floors_.find(name);
    auto sh = std::make_shared<shard>(std::string(name), opts_.history, f == floors_.end() ? 0 : f->second);
    shards_.emplace(std::string(name), sh);
    return sh;
  }

  storage_options opts_;
  std::atomic<revision> counter_{0};
  mutable std::shared_mutex map_mu_;
  std::map<std::string, std::shared_ptr<shard>, std::less<>> shards_;  // guarded by map_mu_
  std::map<std::string, revision, std::less<>> floors_;                 // guarded by map_mu_
};

}  // namespace

std::unique_ptr<interface> make_memory_storage(storage_options opts) {
  return std::make_unique<memory_storage>(opts);
}

}  // namespace ktk::apiserver::storage
