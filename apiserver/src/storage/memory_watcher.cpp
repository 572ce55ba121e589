#include "memory_watcher.hpp"

#include <utility>

#include "errors.hpp"

namespace ktk::apiserver::storage::detail {

memory_watcher::memory_watcher(std::shared_ptr<shard> sh, std::string namespace_, revision from)
    : sh_(std::move(sh)), namespace_(std::move(namespace_)), cursor_(from) {}

memory_watcher::~memory_watcher() { set_notify(nullptr); }

bool memory_watcher::ready_locked() const {
  if (failed_) return true;
  if (sh_->dropped) return true;
  if (cursor_ < sh_->evicted) return true;
  return !sh_->ring.empty() && sh_->ring.back().ev->rev > cursor_;
}

core::result<std::vector<event_ptr>> memory_watcher::collect_locked(std::size_t max) {
  if (failed_) return *failed_;
  std::vector<event_ptr> out;
  if (cursor_ < sh_->evicted) {
    failed_ = watch_expired(cursor_, sh_->oldest_minus_one());
    return *failed_;
  }
  auto it = sh_->after(cursor_);
  for (; it != sh_->ring.end() && out.size() < max; ++it) {
    cursor_ = it->ev->rev;
    if (namespace_.empty() || it->key.namespace_ == namespace_) out.push_back(it->ev);
  }
  if (sh_->dropped && out.empty() && it == sh_->ring.end()) {
    failed_ = core::api_error::gone("the watch was closed: its resource was removed");
    return *failed_;
  }
  // Drained: the next write is news to this consumer. Armed under the lock so that a
  // write racing with this poll either is seen here or sees the flag.
  if (it == sh_->ring.end() && notify_) notify_->armed.store(true);
  return out;
}

core::result<std::vector<event_ptr>> memory_watcher::poll(std::size_t max) {
  std::shared_lock lk(sh_->mu);
  return collect_locked(max);
}

core::result<std::vector<event_ptr>> memory_watcher::wait_next(
    std::stop_token stop, std::optional<std::chrono::steady_clock::time_point> deadline, std::size_t max) {
  std::shared_lock lk(sh_->mu);
  for (;;) {
    auto r = collect_locked(max);
    if (!r.ok() || !r->empty()) return r;
    if (stop.stop_requested()) return r;
    if (deadline && std::chrono::steady_clock::now() >= *deadline) return r;
    sh_->waiters.fetch_add(1);
    auto ready = [this] { return ready_locked(); };
    bool woke = deadline ? sh_->cv.wait_until(lk, stop, *deadline, ready) : sh_->cv.wait(lk, stop, ready);
    sh_->waiters.fetch_sub(1);
    if (!woke) return std::vector<event_ptr>{};
  }
}

void memory_watcher::set_notify(std::function<void()> fn) {
  std::shared_ptr<notify_entry> old;
  {
    std::unique_lock lk(sh_->mu);
    old = std::exchange(notify_, nullptr);
    if (old) sh_->remove_notifier(old.get());
    if (fn) {
      notify_ = std::make_shared<notify_entry>();
      notify_->namespace_ = namespace_;
      notify_->fn = std::move(fn);
      sh_->add_notifier(notify_);
    }
  }
  // Outside the shard lock: waits for a call of the old callback in flight.
  if (old) old->deactivate();
}

}  // namespace ktk::apiserver::storage::detail
