// informer_factory.cpp — informers by (kind, scope).
#include "ktk/client/cache/informer_factory.hpp"

#include <algorithm>
#include <utility>

namespace ktk::client::cache {

shared_informer_factory::shared_informer_factory(client& c, informer_options defaults)
    : client_(c), defaults_(std::move(defaults)) {}

shared_informer_factory::~shared_informer_factory() { shutdown(); }

std::shared_ptr<shared_informer> shared_informer_factory::informer_for(const core::gvk& kind) {
  return informer_for(kind, defaults_);
}

std::shared_ptr<shared_informer> shared_informer_factory::informer_for(const core::gvk& kind,
                                                                       informer_options opts) {
  informer_key key{kind, {opts.namespace_, opts.label_selector, opts.field_selector}};
  std::lock_guard lock(mu_);
  auto it = informers_.find(key);
  if (it != informers_.end()) return it->second;
  auto inf = std::make_shared<shared_informer>(client_, kind, std::move(opts));
  informers_.emplace(std::move(key), inf);
  return inf;
}

void shared_informer_factory::start(std::stop_token stop) {
  std::lock_guard lock(mu_);
  if (shut_down_) return;
  for (auto& [key, inf] : informers_) {
    if (std::find(started_.begin(), started_.end(), key) != started_.end()) continue;
    inf->start(stop);
    started_.push_back(key);
  }
}

std::vector<const shared_informer*> shared_informer_factory::started() const {
  std::lock_guard lock(mu_);
  std::vector<const shared_informer*> out;
  for (const auto& key : started_) out.push_back(informers_.at(key).get());
  return out;
}

bool shared_informer_factory::wait_for_cache_sync(std::chrono::nanoseconds timeout) {
  return cache::wait_for_cache_sync(timeout, started(), defaults_.clock);
}

bool shared_informer_factory::wait_for_cache_sync(std::stop_token stop) {
  return cache::wait_for_cache_sync(stop, started());
}

void shared_informer_factory::shutdown() {
  std::vector<std::shared_ptr<shared_informer>> all;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    for (auto& [key, inf] : informers_) all.push_back(inf);
  }
  for (auto& inf : all) inf->shutdown();
}

std::vector<std::pair<informer_key, std::shared_ptr<shared_informer>>> shared_informer_factory::informers() const {
  std::lock_guard lock(mu_);
  return {informers_.begin(), informers_.end()};
}

}  // namespace ktk::client::cache
