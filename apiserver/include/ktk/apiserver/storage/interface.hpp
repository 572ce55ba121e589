// ktk/apiserver/storage/interface.hpp — the MVCC store under the registry.
//
// One global revision counter; every write gets the next revision, which becomes the
// object's resourceVersion (a decimal string). Objects are immutable snapshots
// (`object_ptr`). Keys are grouped by resource ("shard": "apps/deployments",
// "pods"); within a shard an object is addressed by namespace and name. The model is
// etcd's: reads at a revision, compare-and-swap writes on the object's mod revision,
// a bounded history of events (compaction), and watches from a revision that fail
// with 410 Expired once that revision has left the history.
//
//   auto s = ktk::apiserver::storage::make_memory_storage({.history = 1000});
//   auto created = s->create("pods", {"default", "web"}, std::move(pod));
//   auto w = s->watch("pods", {.from_revision = rev});
//   while (auto batch = w->wait_next(stop)) ...
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::storage {

using revision = std::int64_t;
using core::object;
using core::object_key;
using core::object_ptr;

enum class event_type { added, modified, deleted };

// One change to one object. `object` is the new state (for deleted: the last state,
// with resourceVersion set to the deletion revision, as kube-apiserver sends it);
// `prev` the state before (null for added).
struct event {
  event_type type{};
  object_ptr object{};
  object_ptr prev{};
  revision rev = 0;
};
using event_ptr = std::shared_ptr<const event>;

struct list_result {
  std::vector<object_ptr> items{};  // sorted by namespace, then name
  revision rev = 0;               // the revision the list was read at
  // With a limit: the key to continue after, when more remain.
  std::optional<object_key> continue_after{};
  // With a limit and more remaining: how many items remain (kube's remainingItemCount);
  // -1 when not counted (a predicate was given: kube leaves the count unset then).
  std::int64_t remaining = 0;
};

struct list_options {
  std::string namespace_{};  // "" = all namespaces
  // 0 = the current revision. Otherwise the list as it was at that revision; 410
  // Expired when that revision has left the history.
  revision at = 0;
  // 0 = no limit. Otherwise at most `limit` items after `start_after` (exclusive).
  std::int64_t limit = 0;
  std::optional<object_key> start_after{};
  // Items for which this returns false are skipped (and do not count toward limit).
  // With a predicate the remaining items are not counted: the walk stops at the first
  // match past the page.
  std::function<bool(const object&)> predicate{};
  // How many items there are after start_after at revision `at` (the previous page's
  // `remaining`, carried in its continue token): lets a page end without walking the
  // rest of the shard to count it. Only used without a predicate.
  std::optional<std::int64_t> remaining_after_start{};
};

// A cursor over one shard's event log. Not thread-safe: one consumer.
class watcher {
 public:
  virtual ~watcher() = default;
  // Events after the cursor, oldest first, at most max; empty when none yet. Returns
  // 410 Expired when the cursor has fallen off the history, and 410 Gone (reason Gone)
  // once the shard was dropped and its last events were read; the watcher is then done.
  virtual core::result<std::vector<event_ptr>> poll(std::size_t max = 1024) = 0;
  // Blocks until events are available, the stop is requested (→ empty vector) or the
  // deadline passes (→ empty vector).
  virtual core::result<std::vector<event_ptr>> wait_next(
      std::stop_token stop,
      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt,
      std::size_t max = 1024) = 0;
  // Registers a callback run (on the writer's thread, outside any storage lock) when new
  // events arrive after the previous poll found none; for asynchronous consumers.
  // It must be cheap and must not call back into the storage. nullptr removes it.
  virtual void set_notify(std::function<void()> fn) = 0;
  // The revision of the last event handed out (or the start revision).
  virtual revision cursor() const = 0;
};

struct watch_options {
  std::string namespace_{};  // "" = all namespaces
  // Events with revision > from_revision. 0 = from now (no past events).
  revision from_revision = 0;
};

struct storage_options {
  // Events kept per shard for watches and reads at past revisions.
  std::size_t history = 10000;
};

class interface {
 public:
  virtual ~interface() = default;

  // The last revision handed out.
  virtual revision current_revision() const = 0;
  // The revision of a shard's newest event (0 when it has none): a watcher of the
  // shard that has read up to it has seen every write so far.
  virtual revision shard_revision(std::string_view shard) const = 0;

  // 404 NotFound when absent (the error names `resource`, which callers rewrap).
  virtual core::result<object_ptr> get(std::string_view shard, const object_key& key) const = 0;
  virtual core::result<list_result> list(std::string_view shard, const list_options& opts) const = 0;
  // How many objects a shard holds (namespace "" = all).
  virtual std::size_t count(std::string_view shard, std::string_view namespace_ = {}) const = 0;

  // Stores a new object; AlreadyExists when the key is taken. The stored copy gets
  // resourceVersion = its revision. On any error `obj` is left as it was, so that a
  // caller can retry with it (under another name, say) without having copied it.
  virtual core::result<object_ptr> create(std::string_view shard, const object_key& key, object&& obj) = 0;
  // Replaces an object if its current revision equals `expected` (0 = any); Conflict
  // otherwise, NotFound when absent.
  virtual core::result<object_ptr> update(std::string_view shard, const object_key& key, object&& obj,
                                          revision expected) = 0;
  // Removes an object if its current revision equals `expected` (0 = any). Returns the
  // last state, with resourceVersion = the deletion revision.
  virtual core::result<object_ptr> remove(std::string_view shard, const object_key& key,
                                          revision expected) = 0;

  // A watcher over a shard's events; 410 Expired when from_revision is older than
  // the shard's history.
  virtual core::result<std::unique_ptr<watcher>> watch(std::string_view shard, const watch_options& opts) = 0;

  // Drops a whole shard; used when a CRD goes away. Its watchers read the events
  // they have not read yet, then get 410 Gone.
  virtual void drop_shard(std::string_view shard) = 0;

  // Whether other processes may write to this store too (etcd): a registry on it then
  // follows the CRD shard to serve CRDs created elsewhere, and tolerates objects it
  // did not create (default namespaces that already exist).
  virtual bool shared() const { return false; }

  // A new store holding what this one holds now — objects, revisions, each shard's
  // event history and floor — sharing the immutable objects and events; watchers are
  // not copied. Consistent: no write is half in it. Null when the backend cannot be
  // copied (etcd: the data lives in another process).
  virtual std::unique_ptr<interface> copy() const { return nullptr; }
};

// The in-memory backend.
std::unique_ptr<interface> make_memory_storage(storage_options opts = {});

// Parses a resourceVersion string: "" → 0; non-numeric → 400 BadRequest
// ("Invalid value: \"x\": ..." as kube-apiserver's).
core::result<revision> parse_revision(std::string_view rv);

}  // namespace ktk::apiserver::storage
