// shared_informer.cpp — cache writes, the fan-out to handlers, re-list diffs and
// resyncs. Every cache write and its fan-out happen under mu_, so each handler sees
// the changes in the order the cache took them.
#include "ktk/client/cache/shared_informer.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <stdexcept>
#include <utility>

#include "processor_listener.hpp"

namespace ktk::client::cache {

using detail::notification;

// The reflector's view of the informer. An index function that throws is the user's
// bug; it is reported and the event skipped, so the watch goes on.
class shared_informer::sink final : public reflector_store {
 public:
  explicit sink(shared_informer& inf) : inf_(inf) {}
  void add(core::object_ptr obj) override {
    guard([&] { inf_.on_upsert(std::move(obj)); });
  }
  void update(core::object_ptr obj) override {
    guard([&] { inf_.on_upsert(std::move(obj)); });
  }
  void remove(core::object_ptr obj) override {
    guard([&] { inf_.on_remove(std::move(obj)); });
  }
  void replace(std::vector<core::object_ptr> items, std::string rv) override {
    guard([&] { inf_.on_replace(std::move(items), std::move(rv)); });
  }
  void resync() override {
    guard([&] { inf_.on_resync(); });
  }

 private:
  template <class F>
  void guard(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      inf_.opts_.on_handler_error(std::string("transform or index function threw: ") + e.what());
    } catch (...) {
      inf_.opts_.on_handler_error("transform or index function threw a non-standard exception");
    }
  }

  shared_informer& inf_;
};

namespace {

// The informer whose handlers are being called on this thread under its lock (by
// the reflector's thread, or by add_event_handler's replay): its on_informer_thread
// handlers must not re-enter what takes that lock.
thread_local const shared_informer* calling_handlers_of = nullptr;

class calling_handlers {
 public:
  explicit calling_handlers(const shared_informer* inf) : prev_(calling_handlers_of) { calling_handlers_of = inf; }
  ~calling_handlers() { calling_handlers_of = prev_; }
  calling_handlers(const calling_handlers&) = delete;
  calling_handlers& operator=(const calling_handlers&) = delete;

 private:
  const shared_informer* prev_;
};

void refuse_from_own_handler(const shared_informer* inf, const char* what) {
  if (calling_handlers_of == inf) {
    throw std::logic_error(std::string("ktk::client::cache::shared_informer: ") + what +
                           " from a callback of one of its own on_informer_thread handlers");
  }
}

scope scope_of(const informer_options& o) { return {o.namespace_, o.label_selector, o.field_selector}; }

core::group_resource resource_of(client& c, const core::gvk& kind) {
  if (auto info = c.mapper().by_kind(kind)) return info->gr();
  std::string plural = kind.kind;
  std::transform(plural.begin(), plural.end(), plural.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return {kind.group, plural + "s"};
}

}  // namespace

shared_informer::shared_informer(list_watch lw, informer_options opts)
    : lw_(std::move(lw)),
      opts_(std::move(opts)),
      clock_(opts_.clock ? opts_.clock : &core::real_clock::instance()),
      indexer_(std::make_unique<indexer>(opts_.indexes)),
      sink_(std::make_unique<sink>(*this)),
      synced_(std::make_shared<std::atomic<bool>>(false)),
      resync_check_(opts_.resync_period) {
  if (!opts_.on_handler_error) {
    opts_.on_handler_error = [name = opts_.reflector.name](const std::string& what) {
      std::cerr << "ktk: informer " << (name.empty() ? "?" : name) << ": " << what << "\n";
    };
  }
}

shared_informer::shared_informer(client& c, core::gvk kind, informer_options opts)
    : shared_informer(make_list_watch(c, kind, scope_of(opts)), [&] {
        if (opts.reflector.name.empty()) opts.reflector.name = kind.str();
        return opts;
      }()) {
  resource_ = resource_of(c, kind);
}

shared_informer::~shared_informer() { stop_and_join(); }

std::shared_ptr<handler_registration> shared_informer::add_event_handler(event_handler_funcs h, handler_options opts) {
  return add_event_handler(make_event_handler(std::move(h)), std::move(opts));
}

std::shared_ptr<handler_registration> shared_informer::add_event_handler(std::shared_ptr<event_handler> h,
                                                                         handler_options opts) {
  if (!h) throw std::invalid_argument("ktk::client::cache::shared_informer: null event handler");
  refuse_from_own_handler(this, "add_event_handler");
  std::lock_guard lock(mu_);
  if (stopped_) throw std::logic_error("ktk::client::cache::shared_informer: the informer has stopped");
  auto name = opts.name.empty() ? "#" + std::to_string(listeners_.size() + retired_.size()) : opts.name;
  auto l = std::make_shared<detail::processor_listener>(std::move(h), std::move(name), synced_, opts_.on_handler_error,
                                                        opts.on_informer_thread);
  auto period = opts.resync_period.value_or(opts_.resync_period);
  if (period > std::chrono::milliseconds{0}) {
    if (!started_) {
      if (resync_check_ == std::chrono::milliseconds{0} || period < resync_check_) resync_check_ = period;
    } else if (period < resync_check_) {
      period = resync_check_;
    }
  }
  l->resync_period = period;
  l->next_resync = clock_->now() + period;
  l->start();
  std::vector<notification> replay;
  replay.reserve(indexer_->size());
  indexer_->for_each([&](const std::string&, const core::object_ptr& o) {
    replay.push_back({.type = notification::kind::add, .initial = true, .obj = o});
  });
  {
    calling_handlers here(this);
    l->push_batch(std::move(replay));
  }
  listeners_.push_back(l);
  return l;
}

void shared_informer::remove_event_handler(const std::shared_ptr<handler_registration>& reg) {
  refuse_from_own_handler(this, "remove_event_handler");
  listener_ptr l;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(listeners_.begin(), listeners_.end(),
                           [&](const listener_ptr& x) { return static_cast<handler_registration*>(x.get()) == reg.get(); });
    if (it == listeners_.end()) return;
    l = std::move(*it);
    listeners_.erase(it);
    if (l->on_own_thread()) retired_.push_back(l);
  }
  l->stop();
  if (!l->on_own_thread()) l->join();
}

void shared_informer::run(std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    if (started_) throw std::logic_error("ktk::client::cache::shared_informer: run() called twice");
    if (stopped_) return;
    started_ = true;
    auto ropts = opts_.reflector;
    if (!ropts.clock) ropts.clock = clock_;
    ropts.resync_period = resync_check_;
    reflector_ = std::make_unique<reflector>(lw_, *sink_, std::move(ropts));
  }
  {
    std::stop_callback forward(stop, [this] { stop_.request_stop(); });
    reflector_->run(stop_.get_token());
  }
  stop_listeners();
}

void shared_informer::start(std::stop_token stop) {
  std::lock_guard lock(mu_);
  if (started_ || stopped_ || thread_.joinable()) return;
  thread_ = std::jthread([this, stop] {
    try {
      run(stop);
    } catch (const std::logic_error&) {  // run() was called directly meanwhile: that one runs
    }
  });
}

void shared_informer::shutdown() {
  stop_.request_stop();
  // From a handler's callback, joining could wait on ourselves (the run thread joins
  // the handlers): the stop is asked for, and run() finishes the rest.
  if (detail::on_handler_thread()) return;
  stop_and_join();
}

void shared_informer::stop_and_join() {
  stop_.request_stop();
  std::jthread t;
  {
    std::lock_guard lock(mu_);
    t = std::move(thread_);
  }
  if (t.joinable()) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();
    } else {
      t.join();
    }
  }
  stop_listeners();
}

void shared_informer::stop_listeners() {
  std::vector<listener_ptr> ls;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    ls.swap(listeners_);
    for (auto& r : retired_) ls.push_back(std::move(r));
    retired_.clear();
  }
  {
    std::lock_guard lock(sync_mu_);
  }
  sync_cv_.notify_all();
  for (auto& l : ls) l->stop();
  for (auto& l : ls) l->join();
}

bool shared_informer::has_synced() const { return synced_->load(std::memory_order_acquire); }

bool shared_informer::is_stopped() const { return stopped_.load(std::memory_order_acquire); }

bool shared_informer::wait_for_sync(std::stop_token stop) const {
  std::unique_lock lock(sync_mu_);
  sync_cv_.wait(lock, stop, [&] { return has_synced() || is_stopped(); });
  return has_synced();
}

std::string shared_informer::last_sync_resource_version() const {
  reflector* r;
  if (calling_handlers_of == this) {
    r = reflector_.get();  // this thread holds mu_ already
  } else {
    std::lock_guard lock(mu_);
    r = reflector_.get();
  }
  return r ? r->last_sync_resource_version() : std::string();
}

bool shared_informer::handlers_idle() const {
  if (calling_handlers_of == this) return false;  // a handler of ours is running: this one
  std::lock_guard lock(mu_);
  for (const auto& l : listeners_) {
    if (!l->idle()) return false;
  }
  return true;
}

void shared_informer::set_transform(transform_func f) {
  refuse_from_own_handler(this, "set_transform");
  std::lock_guard lock(mu_);
  if (started_) throw std::logic_error("ktk::client::cache::shared_informer: set_transform after start");
  opts_.transform = std::move(f);
}

void shared_informer::distribute(notification&& n) {
  if (listeners_.empty()) return;
  calling_handlers here(this);
  for (std::size_t i = 0; i + 1 < listeners_.size(); ++i) listeners_[i]->push(n);
  listeners_.back()->push(std::move(n));
}

void shared_informer::distribute(std::vector<notification>&& batch) {
  if (listeners_.empty() || batch.empty()) return;
  calling_handlers here(this);
  for (std::size_t i = 0; i + 1 < listeners_.size(); ++i) listeners_[i]->push_batch(std::vector<notification>(batch));
  listeners_.back()->push_batch(std::move(batch));
}

core::object_ptr shared_informer::transformed(core::object_ptr obj) {
  if (!opts_.transform) return obj;
  try {
    return opts_.transform(std::move(obj));
  } catch (const std::exception& e) {
    opts_.on_handler_error(std::string("transform or index function threw: ") + e.what());
  } catch (...) {
    opts_.on_handler_error("transform or index function threw a non-standard exception");
  }
  return nullptr;
}

void shared_informer::on_upsert(core::object_ptr obj) {
  if (!(obj = transformed(std::move(obj)))) return;
  auto key = meta_namespace_key(*obj);
  std::lock_guard lock(mu_);
  auto old = indexer_->put(std::move(key), obj);
  if (old) {
    distribute({.type = notification::kind::update, .obj = std::move(obj), .old = std::move(old)});
  } else {
    distribute({.type = notification::kind::add, .obj = std::move(obj)});
  }
}

void shared_informer::on_remove(core::object_ptr obj) {
  if (!(obj = transformed(std::move(obj)))) return;
  auto key = meta_namespace_key(*obj);
  std::lock_guard lock(mu_);
  if (!indexer_->erase(key)) return;  // never cached: nothing to tell
  distribute({.type = notification::kind::remove, .obj = std::move(obj)});
}

void shared_informer::on_replace(std::vector<core::object_ptr> items, std::string rv) {
  std::vector<std::pair<std::string, core::object_ptr>> keyed;
  keyed.reserve(items.size());
  for (auto& o : items) {
    if (!(o = transformed(std::move(o)))) continue;
    auto key = meta_namespace_key(*o);
    keyed.emplace_back(std::move(key), std::move(o));
  }
  std::lock_guard lock(mu_);
  const bool initial = !synced_->load(std::memory_order_acquire);
  auto old = indexer_->replace_keyed(std::move(keyed), std::move(rv));
  if (!listeners_.empty()) {
    std::vector<notification> batch;
    batch.reserve(indexer_->size());
    indexer_->for_each([&](const std::string& k, const core::object_ptr& o) {
      auto it = old.find(k);
      if (it == old.end()) {
        batch.push_back({.type = notification::kind::add, .initial = initial, .obj = o});
        return;
      }
      // An unchanged resourceVersion is no news (client-go counts it a sync).
      if (it->second != o && it->second->resource_version() != o->resource_version()) {
        batch.push_back({.type = notification::kind::update, .obj = o, .old = it->second});
      }
      old.erase(it);
    });
    for (auto& [k, o] : old) {
      batch.push_back({.type = notification::kind::remove, .tombstone = true, .obj = std::move(o), .key = k});
    }
    distribute(std::move(batch));
  }
  if (initial) {
    synced_->store(true, std::memory_order_release);
    {
      std::lock_guard sl(sync_mu_);
    }
    sync_cv_.notify_all();
  }
}

void shared_informer::on_resync() {
  std::lock_guard lock(mu_);
  auto now = clock_->now();
  std::vector<detail::processor_listener*> due;
  for (const auto& l : listeners_) {
    if (l->resync_period > std::chrono::milliseconds{0} && now >= l->next_resync) {
      due.push_back(l.get());
      l->next_resync = now + l->resync_period;
    }
  }
  if (due.empty()) return;
  calling_handlers here(this);
  std::vector<notification> batch;
  batch.reserve(indexer_->size());
  indexer_->for_each([&](const std::string&, const core::object_ptr& o) {
    batch.push_back({.type = notification::kind::update, .obj = o, .old = o});
  });
  for (std::size_t i = 0; i + 1 < due.size(); ++i) due[i]->push_batch(std::vector<notification>(batch));
  due.back()->push_batch(std::move(batch));
}

bool wait_for_cache_sync(std::stop_token stop, const std::vector<const shared_informer*>& informers) {
  for (const auto* inf : informers) {
    if (!inf->wait_for_sync(stop)) return false;
  }
  return true;
}

bool wait_for_cache_sync(std::chrono::nanoseconds timeout, const std::vector<const shared_informer*>& informers,
                         core::clock* clk) {
  if (!clk) clk = &core::real_clock::instance();
  auto deadline = clk->now() + std::chrono::duration_cast<core::clock::duration>(timeout);
  std::stop_source expired;
  std::jthread timer([&](std::stop_token st) {
    if (clk->sleep_until(deadline, st)) expired.request_stop();
  });
  bool ok = wait_for_cache_sync(expired.get_token(), informers);
  timer.request_stop();
  return ok;
}

}  // namespace ktk::client::cache
