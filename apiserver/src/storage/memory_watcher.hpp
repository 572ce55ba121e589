// memory_watcher.hpp — a cursor over one shard's ring (the memory storage's watcher).
//
// The watcher holds its shard by shared_ptr, so it stays valid after the storage is
// destroyed or the shard dropped; it then sees no further events.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "shard.hpp"

namespace ktk::apiserver::storage::detail {

class memory_watcher final : public watcher {
 public:
  // `from`: events with revision > from are delivered. Precondition: the caller has
  // checked `from` against the shard's history.
  memory_watcher(std::shared_ptr<shard> sh, std::string namespace_, revision from);
  ~memory_watcher() override;
  memory_watcher(const memory_watcher&) = delete;
  memory_watcher& operator=(const memory_watcher&) = delete;

  core::result<std::vector<event_ptr>> poll(std::size_t max) override;
  core::result<std::vector<event_ptr>> wait_next(
      std::stop_token stop, std::optional<std::chrono::steady_clock::time_point> deadline,
      std::size_t max) override;
  void set_notify(std::function<void()> fn) override;
  // The revision up to which the ring has been read: the last event handed out, or a
  // later event of another namespace this watcher skipped.
  revision cursor() const override { return cursor_; }

 private:
  // Events after the cursor (at most max), advancing it; 410 once the cursor has
  // fallen off the ring. Precondition: sh_->mu held (shared).
  core::result<std::vector<event_ptr>> collect_locked(std::size_t max);
  // Whether collect_locked has anything to say. Precondition: sh_->mu held.
  bool ready_locked() const;

  std::shared_ptr<shard> sh_;
  std::string namespace_;
  revision cursor_;
  std::optional<core::api_error> failed_;  // set once the cursor fell off the ring
  std::shared_ptr<notify_entry> notify_;
};

}  // namespace ktk::apiserver::storage::detail
