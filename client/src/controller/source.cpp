#include "ktk/client/controller/source.hpp"

#include <chrono>
#include <condition_variable>
#include <thread>

namespace ktk::client::controller {

namespace {

class informer_source final : public source {
 public:
  informer_source(std::shared_ptr<cache::shared_informer> inf, std::shared_ptr<handler> h,
                  std::vector<predicate> preds, std::function<void(std::stop_token)> start_informer)
      : informer_(std::move(inf)),
        handler_(std::move(h)),
        predicates_(std::move(preds)),
        start_informer_(std::move(start_informer)) {}

  ~informer_source() override { stop(); }

  void start(std::stop_token stop, work_queue& q) override {
    auto h = handler_;
    auto preds = predicates_;
    work_queue* queue = &q;
    cache::event_handler_funcs f{
        .on_add =
            [h, preds, queue](const core::object_ptr& o, bool initial) {
              create_event e{.object = o, .is_in_initial_list = initial};
              for (const auto& p : preds) {
                if (!p.create(e)) return;
              }
              h->create(e, *queue);
            },
        .on_update =
            [h, preds, queue](const core::object_ptr& old_obj, const core::object_ptr& new_obj) {
              update_event e{.object_old = old_obj, .object_new = new_obj};
              for (const auto& p : preds) {
                if (!p.update(e)) return;
              }
              h->update(e, *queue);
            },
        .on_delete =
            [h, preds, queue](const cache::deleted_object& d) {
              delete_event e{.object = cache::last_state(d),
                             .delete_state_unknown = std::holds_alternative<cache::deleted_final_state_unknown>(d)};
              for (const auto& p : preds) {
                if (!p.delete_(e)) return;
              }
              h->delete_(e, *queue);
            }};
    {
      std::lock_guard lock(mu_);
      registration_ = informer_->add_event_handler(std::move(f), {.on_informer_thread = h->quick()});
    }
    if (start_informer_) {
      start_informer_(stop);
    } else {
      informer_->start(stop);
    }
  }

  bool wait_for_sync(std::stop_token stop) override {
    if (!informer_->wait_for_sync(stop)) return false;
    // The handler's own replay of the cache follows the informer's sync.
    std::shared_ptr<cache::handler_registration> reg;
    {
      std::lock_guard lock(mu_);
      reg = registration_;
    }
    if (!reg) return false;
    while (!reg->has_synced()) {
      if (stop.stop_requested() || informer_->is_stopped()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  void stop() override {
    std::shared_ptr<cache::handler_registration> reg;
    {
      std::lock_guard lock(mu_);
      reg = std::move(registration_);
    }
    if (reg) informer_->remove_event_handler(reg);
  }

 private:
  std::shared_ptr<cache::shared_informer> informer_;
  std::shared_ptr<handler> handler_;
  std::vector<predicate> predicates_;
  std::function<void(std::stop_token)> start_informer_;
  std::mutex mu_;
  std::shared_ptr<cache::handler_registration> registration_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<source> kind_source(std::shared_ptr<cache::shared_informer> informer, std::shared_ptr<handler> h,
                                    std::vector<predicate> predicates,
                                    std::function<void(std::stop_token)> start_informer) {
  return std::make_unique<informer_source>(std::move(informer), std::move(h), std::move(predicates),
                                           std::move(start_informer));
}

channel_source::channel_source(std::shared_ptr<handler> h, std::vector<predicate> predicates)
    : handler_(std::move(h)), predicates_(std::move(predicates)) {}

void channel_source::start(std::stop_token, work_queue& q) {
  std::lock_guard lock(mu_);
  queue_ = &q;
}

void channel_source::stop() {
  std::lock_guard lock(mu_);
  queue_ = nullptr;
}

void channel_source::push(core::object_ptr obj) {
  generic_event e{.object = std::move(obj)};
  for (const auto& p : predicates_) {
    if (!p.generic(e)) return;
  }
  std::lock_guard lock(mu_);
  if (queue_) handler_->generic(e, *queue_);
}

}  // namespace ktk::client::controller
