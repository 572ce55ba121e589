// shard.hpp — one resource's slice of the memory storage: its objects, its ring of
// recent events, and what watchers of it wait on.
//
// Every member marked "guarded by mu" is read under a shared lock and written under
// an exclusive lock. Revisions are taken from the global counter while `mu` is held
// exclusively, so the ring is in strictly increasing revision order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "ktk/apiserver/storage/interface.hpp"

namespace ktk::apiserver::storage::detail {

// A stored object and the revision that last wrote it.
struct stored {
  object_ptr obj;
  revision mod = 0;
};

// One event of the ring, with the key it touched (the object may not carry it).
struct ring_entry {
  event_ptr ev;
  object_key key;
};

// A watcher's notification callback. `armed` is set (under the shard lock) when the
// watcher's consumer has drained every event; a writer clears it and runs `fn`.
struct notify_entry {
  std::string namespace_;
  std::function<void()> fn;
  std::atomic<bool> armed{true};
  // Serialises calls with deactivation, so that once a watcher drops its callback
  // no call of it is in flight or will start.
  std::mutex call_mu;
  bool active = true;  // guarded by call_mu

  void deactivate();
  void run();
};
using notify_list = std::vector<std::shared_ptr<notify_entry>>;

// A shard's objects, ordered by namespace then name.
using object_map = std::map<object_key, stored>;

class shard {
 public:
  // `floor`: the revision before which this shard has no history (non-zero when a
  // shard of that name was dropped before). A history of 0 is taken as 1.
  shard(std::string name, std::size_t history, revision floor);

  const std::string& name() const { return name_; }

  mutable std::shared_mutex mu;
  object_map objects;                                 // guarded by mu
  std::map<std::string, std::size_t, std::less<>> ns_counts;  // guarded by mu
  std::deque<ring_entry> ring;                        // guarded by mu
  // The revision of the newest event evicted from the ring (or the floor): reads and
  // watches at revisions below it cannot be served.
  revision evicted = 0;                               // guarded by mu
  bool dropped = false;                               // guarded by mu
  // Copy-on-write so that writers snapshot it with one pointer copy.
  std::shared_ptr<const notify_list> notifiers;       // guarded by mu

  // Waiters block on `mu` held shared; writers notify after unlocking.
  std::condition_variable_any cv;
  std::atomic<int> waiters{0};

  // Appends an event and evicts the oldest one past the history bound, which it
  // returns: the caller lets it go after unlocking, so that freeing its objects
  // (often the last copies) does not hold the lock. Precondition: mu held exclusively.
  [[nodiscard]] event_ptr append(event_type type, const object_key& key, object_ptr obj, object_ptr prev,
                                 revision rev);
  // The first ring position with a revision > rev. Precondition: mu held.
  std::deque<ring_entry>::const_iterator after(revision rev) const;
  // "oldest available revision - 1", as kube-apiserver reports it in 410 messages.
  // Precondition: mu held.
  revision oldest_minus_one() const;

  // Adds/removes a notifier (copy-on-write). Precondition: mu held exclusively.
  void add_notifier(std::shared_ptr<notify_entry> n);
  void remove_notifier(const notify_entry* n);

  // After a write, outside the lock: wakes blocked waiters and runs armed callbacks.
  void wake(const std::shared_ptr<const notify_list>& snapshot, const std::string& ns);

 private:
  std::string name_;
  std::size_t history_;
};

}  // namespace ktk::apiserver::storage::detail
