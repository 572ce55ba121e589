// etcd_storage.hpp — storage::interface on etcd (see ktk/apiserver/storage/etcd.hpp).
//
// Reads and writes go to etcd (etcd_client). Watches are served from per-shard rings
// (shard.hpp, memory_watcher.hpp: the memory storage's), fed by one etcd watch on the
// whole prefix (etcd_feed). An event goes to the ring of the longest touched shard
// whose prefix its key starts with; a shard is "touched" by any call naming it, and
// its ring starts at the feed's position then. Events of shards nobody touched are
// not kept.
//
// Lock order: map_mu_, then a shard's mu. No lock is held across I/O. The feed thread
// is the only writer of the rings; it routes a batch of events under map_mu_ shared
// (so that a shard created under map_mu_ exclusive starts exactly at the position the
// feed reached) and appends to the rings after releasing it.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>

#include "etcd_client.hpp"
#include "etcd_feed.hpp"
#include "ktk/apiserver/storage/etcd.hpp"
#include "shard.hpp"

namespace ktk::apiserver::storage::detail {

using json = nlohmann::json;

class etcd_storage final : public interface {
 public:
  // Connects (waiting up to connect_timeout for an endpoint to answer) and starts the
  // feed. Throws as make_etcd_storage documents.
  explicit etcd_storage(etcd_options opts);
  ~etcd_storage() override;
  etcd_storage(const etcd_storage&) = delete;
  etcd_storage& operator=(const etcd_storage&) = delete;

  revision current_revision() const override { return seen_.load(); }
  revision shard_revision(std::string_view shard) const override;

  core::result<object_ptr> get(std::string_view shard, const object_key& key) const override;
  core::result<list_result> list(std::string_view shard, const list_options& opts) const override;
  std::size_t count(std::string_view shard, std::string_view namespace_) const override;

  core::result<object_ptr> create(std::string_view shard, const object_key& key, object&& obj) override;
  core::result<object_ptr> update(std::string_view shard, const object_key& key, object&& obj,
                                  revision expected) override;
  core::result<object_ptr> remove(std::string_view shard, const object_key& key, revision expected) override;

  core::result<std::unique_ptr<watcher>> watch(std::string_view shard, const watch_options& opts) override;
  void drop_shard(std::string_view shard) override;
  bool shared() const override { return true; }

  // The client the storage talks through (tests read etcd with it).
  const etcd_client& client() const { return client_; }

 private:
  // A call to etcd whose answer's header revision is taken into seen_.
  core::result<json> call(std::string_view path, const json& body) const;
  core::result<json> call_text(std::string_view path, std::string body) const;
  // Raises seen_ to r.
  void observe(revision r) const;
  std::shared_ptr<shard> find(std::string_view name) const;
  // The shard, created (touched) when new.
  std::shared_ptr<shard> obtain(std::string_view name) const;
  // The touched shard with the longest name that `key` falls under, and the object
  // key. Precondition: map_mu_ held.
  std::pair<std::shared_ptr<shard>, object_key> route(std::string_view key) const;

  void on_events(std::vector<feed_event>&& batch, revision header);
  void on_compacted(revision compacted);
  void compact_loop(std::stop_token stop);

  etcd_options opts_;
  std::string prefix_;  // without a trailing slash
  etcd_client client_;
  // The highest etcd revision seen in any answer.
  mutable std::atomic<revision> seen_{0};
  mutable std::shared_mutex map_mu_;
  mutable std::map<std::string, std::shared_ptr<shard>, std::less<>> shards_;  // guarded by map_mu_
  // Dropped shards: a shard of that name made later keeps no event before this.
  std::map<std::string, revision, std::less<>> floors_;  // guarded by map_mu_
  // The revision of the last event the feed routed. Written by the feed with map_mu_
  // held shared; read with map_mu_ held exclusively.
  std::atomic<revision> position_{0};
  std::unique_ptr<etcd_feed> feed_;  // after what its handlers use
  std::jthread compactor_;
};

}  // namespace ktk::apiserver::storage::detail
