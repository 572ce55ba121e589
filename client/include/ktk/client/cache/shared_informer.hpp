// ktk/client/cache/shared_informer.hpp — one cache and one watch of a type, many handlers.
//
// client-go's sharedIndexInformer. A reflector lists and watches one GVK (in a
// namespace, through selectors: a scoped informer sees only what matches, and an
// object that stops matching is deleted for it) into an indexer; each change is
// then told to every handler on the handler's own thread (or, for a quick handler
// that asks for it, on the informer's thread as the cache changes). After a re-list the
// informer compares: new objects are adds, objects whose resourceVersion moved are
// updates, objects gone are deletes with a deleted_final_state_unknown tombstone.
//
//   ktk::client::cache::shared_informer pods(client, {"", "v1", "Pod"}, {.clock = &clk});
//   auto reg = pods.add_event_handler({.on_add = [](const auto& o, bool) { ... }});
//   pods.start(stop);
//   ktk::client::cache::wait_for_cache_sync(std::chrono::seconds(10), {&pods});
//   auto web = pods.get_lister().get("default", "web");
//
// Thread-safe. The cache holds the very object_ptr each event delivered (after the
// transform, if any): no copies.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ktk/client/cache/event_handler.hpp"
#include "ktk/client/cache/indexer.hpp"
#include "ktk/client/cache/lister.hpp"
#include "ktk/client/cache/list_watch.hpp"
#include "ktk/client/cache/reflector.hpp"

namespace ktk::client::cache {

namespace detail {
class processor_listener;
struct notification;
}  // namespace detail

// Applied to every object before it is cached or told to handlers (e.g. to strip
// managedFields); runs on the reflector's thread. An object it returns null for is
// skipped; one it throws on is reported (on_handler_error) and skipped.
using transform_func = std::function<core::object_ptr(core::object_ptr)>;

struct informer_options {
  // Scope (used by the (client, gvk) constructor and the factory).
  std::string namespace_{};
  std::string label_selector{};
  std::string field_selector{};
  // Handlers' default resync period (0 = none).
  std::chrono::milliseconds resync_period{0};
  transform_func transform{};
  indexers indexes{};                // besides "namespace"; index functions must not throw
  core::clock* clock = nullptr;      // not owned; the real clock when null
  reflector_options reflector{};     // paging, watch timeout, backoff (its clock: the one above)
  // Handler (and transform) exceptions, reported as one line; the default writes
  // to stderr. Must not throw.
  std::function<void(const std::string&)> on_handler_error{};
};

class shared_informer {
 public:
  // Over a list_watch (options' scope fields unused).
  explicit shared_informer(list_watch lw, informer_options opts = {});
  // Over a client: kind, within the options' namespace and selectors. c must outlive.
  shared_informer(client& c, core::gvk kind, informer_options opts = {});
  // shutdown(). Not from one of its own handlers' callbacks.
  ~shared_informer();
  shared_informer(const shared_informer&) = delete;
  shared_informer& operator=(const shared_informer&) = delete;

  // Adds a handler with its own thread and buffer (or, with on_informer_thread,
  // called on the informer's thread). It is first told the current cache as adds
  // (is_initial_list = true), then every change. std::logic_error once the informer
  // has stopped, and from a callback of one of its on_informer_thread handlers.
  std::shared_ptr<handler_registration> add_event_handler(std::shared_ptr<event_handler> h, handler_options opts = {});
  std::shared_ptr<handler_registration> add_event_handler(event_handler_funcs h, handler_options opts = {});
  // Stops the handler after the callback in flight (events still queued for it are
  // dropped) and joins its thread, unless called from that handler's own callback.
  // Not from a callback of an on_informer_thread handler of this informer
  // (std::logic_error).
  void remove_event_handler(const std::shared_ptr<handler_registration>& reg);

  // Runs the reflector on the calling thread until stop or shutdown(); then stops
  // the handlers. Called at most once (std::logic_error otherwise), or use start().
  void run(std::stop_token stop = {});
  // run() on a thread of the informer's own. Once; later calls do nothing.
  void start(std::stop_token stop = {});
  // Stops the reflector and every handler and joins the threads the informer
  // started. With run() on your own thread, join that thread afterwards. From a
  // handler's callback (of any informer) it only asks for the stop: run() then ends
  // the handlers. Idempotent.
  void shutdown();

  // The first list has reached the cache (and the handlers' queues).
  bool has_synced() const;
  // Waits until synced (true), or until stop or the informer stops (false).
  bool wait_for_sync(std::stop_token stop) const;
  bool is_stopped() const;
  std::string last_sync_resource_version() const;
  // Every handler has handled every event handed to it and waits for more. For
  // whoever steps a virtual clock; another thread may change it right after.
  bool handlers_idle() const;

  const indexer& get_indexer() const { return *indexer_; }
  lister get_lister() const { return lister(*indexer_, resource_); }
  // More indexes, built over what is cached.
  void add_indexers(indexers more) { indexer_->add_indexers(std::move(more)); }
  // Sets the transform; std::logic_error once running.
  void set_transform(transform_func f);

 private:
  class sink;
  friend class sink;
  using listener_ptr = std::shared_ptr<detail::processor_listener>;

  core::object_ptr transformed(core::object_ptr obj);  // null: skip it
  void on_upsert(core::object_ptr obj);
  void on_remove(core::object_ptr obj);
  void on_replace(std::vector<core::object_ptr> items, std::string rv);
  void on_resync();
  void distribute(detail::notification&& n);  // under mu_
  void distribute(std::vector<detail::notification>&& batch);
  void stop_listeners();
  void stop_and_join();
  void report(const std::string& what);

  list_watch lw_;
  informer_options opts_;
  core::clock* clock_;
  core::group_resource resource_;
  std::unique_ptr<indexer> indexer_;
  std::unique_ptr<sink> sink_;
  std::shared_ptr<std::atomic<bool>> synced_;

  // Serialises cache writes with the fan-out to handlers, so that a new handler's
  // replay and the events after it come in order.
  mutable std::mutex mu_;
  std::vector<listener_ptr> listeners_;  // guarded by mu_
  std::vector<listener_ptr> retired_;    // guarded by mu_: removed from their own thread, joined at shutdown
  bool started_ = false;                 // guarded by mu_
  std::atomic<bool> stopped_{false};     // written under mu_
  std::chrono::milliseconds resync_check_{0};  // guarded by mu_
  std::unique_ptr<reflector> reflector_;       // set under mu_ when run() begins

  mutable std::mutex sync_mu_;
  mutable std::condition_variable_any sync_cv_;  // synced or stopped
  std::stop_source stop_;
  std::jthread thread_;  // start()'s; guarded by mu_
};

// Waits for every informer to sync: true when all did, false at stop (or when one
// stopped).
bool wait_for_cache_sync(std::stop_token stop, const std::vector<const shared_informer*>& informers);
// The same with a timeout measured on clk (the real clock when null).
bool wait_for_cache_sync(std::chrono::nanoseconds timeout, const std::vector<const shared_informer*>& informers,
                         core::clock* clk = nullptr);

}  // namespace ktk::client::cache
