// processor_listener.cpp — the per-handler buffer and thread.
#include "processor_listener.hpp"

#include <exception>
#include <utility>

namespace ktk::client::cache {

namespace {

class funcs_handler final : public event_handler {
 public:
  explicit funcs_handler(event_handler_funcs f) : f_(std::move(f)) {}
  void on_add(const core::object_ptr& obj, bool initial) override {
    if (f_.on_add) f_.on_add(obj, initial);
  }
  void on_update(const core::object_ptr& old_obj, const core::object_ptr& new_obj) override {
    if (f_.on_update) f_.on_update(old_obj, new_obj);
  }
  void on_delete(const deleted_object& obj) override {
    if (f_.on_delete) f_.on_delete(obj);
  }

 private:
  event_handler_funcs f_;
};

}  // namespace

std::shared_ptr<event_handler> make_event_handler(event_handler_funcs f) {
  return std::make_shared<funcs_handler>(std::move(f));
}

namespace detail {

namespace {
thread_local bool handler_thread = false;
}  // namespace

bool on_handler_thread() noexcept { return handler_thread; }

processor_listener::processor_listener(std::shared_ptr<event_handler> h, std::string name,
                                       std::shared_ptr<const std::atomic<bool>> informer_synced, error_func on_error,
                                       bool on_informer_thread)
    : handler_(std::move(h)),
      name_(std::move(name)),
      informer_synced_(std::move(informer_synced)),
      on_error_(std::move(on_error)),
      inline_(on_informer_thread) {}

processor_listener::~processor_listener() {
  stop();
  join();
}

void processor_listener::start() {
  if (inline_) return;
  thread_ = std::jthread([self = shared_from_this()](std::stop_token st) {
    handler_thread = true;
    self->thread_id_.store(std::this_thread::get_id());
    self->loop(st);
  });
}

bool processor_listener::idle() const {
  if (inline_) return true;
  std::lock_guard lock(mu_);
  return buf_.empty() && waiting_;
}

void processor_listener::push(notification n) {
  if (inline_) {
    dispatch_here(n);
    return;
  }
  if (n.initial) pending_initial_.fetch_add(1, std::memory_order_acq_rel);
  bool wake;
  {
    std::lock_guard lock(mu_);
    buf_.push_back(std::move(n));
    wake = waiting_;
  }
  if (wake) cv_.notify_one();
}

void processor_listener::push_batch(std::vector<notification>&& batch) {
  if (batch.empty()) return;
  if (inline_) {
    for (const auto& n : batch) dispatch_here(n);
    return;
  }
  std::int64_t initial = 0;
  for (const auto& n : batch) initial += n.initial;
  if (initial) pending_initial_.fetch_add(initial, std::memory_order_acq_rel);
  bool wake;
  {
    std::lock_guard lock(mu_);
    if (buf_.empty()) {
      buf_ = std::move(batch);
    } else {
      buf_.reserve(buf_.size() + batch.size());
      for (auto& n : batch) buf_.push_back(std::move(n));
    }
    wake = waiting_;
  }
  if (wake) cv_.notify_one();
}

void processor_listener::stop() {
  stopped_.store(true, std::memory_order_release);
  thread_.request_stop();  // wakes the wait on cv_
}

void processor_listener::dispatch_here(const notification& n) {
  if (stopped_.load(std::memory_order_acquire)) return;
  if (n.initial) pending_initial_.fetch_add(1, std::memory_order_acq_rel);
  // A callback here counts as a handler's (shutdown() from it only asks for the stop).
  const bool was = handler_thread;
  handler_thread = true;
  dispatch(n);
  handler_thread = was;
}

void processor_listener::join() {
  if (!thread_.joinable()) return;
  if (on_own_thread()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

bool processor_listener::has_synced() const {
  return informer_synced_->load(std::memory_order_acquire) && pending_initial_.load(std::memory_order_acquire) == 0;
}

void processor_listener::loop(std::stop_token st) {
  std::vector<notification> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      waiting_ = true;
      cv_.wait(lock, st, [&] { return !buf_.empty(); });
      waiting_ = false;
      if (st.stop_requested()) return;
      batch.swap(buf_);
    }
    for (const auto& n : batch) {
      if (st.stop_requested()) return;
      dispatch(n);
    }
    batch.clear();
  }
}

void processor_listener::report(const std::string& what) noexcept {
  errors_.fetch_add(1, std::memory_order_relaxed);
  try {
    if (on_error_) on_error_(what);
  } catch (...) {  // NOLINT(bugprone-empty-catch): the reporter failing must not end the handler's thread
  }
}

void processor_listener::dispatch(const notification& n) {
  try {
    switch (n.type) {
      case notification::kind::add: handler_->on_add(n.obj, n.initial); break;
      case notification::kind::update: handler_->on_update(n.old, n.obj); break;
      case notification::kind::remove:
        if (n.tombstone) {
          handler_->on_delete(deleted_object(deleted_final_state_unknown{n.key, n.obj}));
        } else {
          handler_->on_delete(deleted_object(n.obj));
        }
        break;
    }
  } catch (const std::exception& e) {
    report("handler " + name_ + " threw: " + e.what());
  } catch (...) {
    report("handler " + name_ + " threw a non-standard exception");
  }
  if (n.initial) pending_initial_.fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace detail
}  // namespace ktk::client::cache
