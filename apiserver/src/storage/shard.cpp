#include "shard.hpp"

#include <algorithm>
#include <utility>

namespace ktk::apiserver::storage::detail {

void notify_entry::deactivate() {
  std::lock_guard lk(call_mu);
  active = false;
}

void notify_entry::run() {
  std::lock_guard lk(call_mu);
  if (active && fn) fn();
}

shard::shard(std::string name, std::size_t history, revision floor)
    : evicted(floor),
      notifiers(std::make_shared<const notify_list>()),
      name_(std::move(name)),
      history_(std::max<std::size_t>(history, 1)) {}

event_ptr shard::append(event_type type, const object_key& key, object_ptr obj, object_ptr prev, revision rev) {
  ring.push_back({std::make_shared<const event>(event{type, std::move(obj), std::move(prev), rev}), key});
  if (ring.size() <= history_) return nullptr;
  event_ptr out = std::move(ring.front().ev);
  evicted = out->rev;
  ring.pop_front();
  return out;
}

std::deque<ring_entry>::const_iterator shard::after(revision rev) const {
  return std::upper_bound(ring.begin(), ring.end(), rev,
                          [](revision r, const ring_entry& e) { return r < e.ev->rev; });
}

revision shard::oldest_minus_one() const {
  return ring.empty() ? evicted : ring.front().ev->rev - 1;
}

void shard::add_notifier(std::shared_ptr<notify_entry> n) {
  auto next = std::make_shared<notify_list>(*notifiers);
  next->push_back(std::move(n));
  notifiers = std::move(next);
}

void shard::remove_notifier(const notify_entry* n) {
  auto next = std::make_shared<notify_list>(*notifiers);
  std::erase_if(*next, [n](const auto& e) { return e.get() == n; });
  notifiers = std::move(next);
}

void shard::wake(const std::shared_ptr<const notify_list>& snapshot, const std::string& ns) {
  if (waiters.load() > 0) cv.notify_all();
  for (const auto& n : *snapshot) {
    if (!n->namespace_.empty() && n->namespace_ != ns) continue;
    if (n->armed.load(std::memory_order_relaxed) && n->armed.exchange(false)) n->run();
  }
}

}  // namespace ktk::apiserver::storage::detail
