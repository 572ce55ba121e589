#include "ktk/client/controller/builder.hpp"

#include <cctype>
#include <stdexcept>

namespace ktk::client::controller {

builder& builder::named(std::string name) {
  name_ = std::move(name);
  return *this;
}

builder& builder::for_(core::gvk kind, std::vector<predicate> predicates) {
  if (for_spec_) for_twice_ = true;
  for_spec_ = watch_spec{std::move(kind), enqueue_request_for_object(), std::move(predicates)};
  return *this;
}

builder& builder::owns(core::gvk kind, std::vector<predicate> predicates, bool only_controller) {
  owns_.push_back({kind, nullptr, std::move(predicates)});
  owned_kinds_.emplace_back(std::move(kind), only_controller);
  return *this;
}

builder& builder::watches(core::gvk kind, std::shared_ptr<handler> h, std::vector<predicate> predicates) {
  watches_.push_back({std::move(kind), std::move(h), std::move(predicates)});
  return *this;
}

builder& builder::watches(core::gvk kind, map_func f, std::vector<predicate> predicates) {
  return watches(std::move(kind), enqueue_requests_from_map_func(std::move(f)), std::move(predicates));
}

builder& builder::watches_source(std::unique_ptr<source>&& src) {
  sources_.push_back(std::move(src));
  return *this;
}

builder& builder::with_event_filter(predicate p) {
  global_.push_back(std::move(p));
  return *this;
}

builder& builder::with_options(controller_options opts) {
  opts_ = std::move(opts);
  return *this;
}

std::shared_ptr<controller> builder::complete(reconcile_func::fn f) {
  return complete(std::make_shared<reconcile_func>(std::move(f)));
}

std::shared_ptr<controller> builder::complete(std::shared_ptr<reconciler> r) {
  if (for_twice_) throw std::invalid_argument("controller builder: for_() may only be called once");
  if (!for_spec_ && !owns_.empty()) {
    throw std::invalid_argument("controller builder: owns() needs for_() (the owner type)");
  }
  std::string name = !name_.empty() ? name_ : opts_.name;
  if (name.empty() && for_spec_) {
    name = for_spec_->kind.kind;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (name.empty()) {
    throw std::invalid_argument("controller builder: one of for_() or named() is required");
  }
  if (!mgr_.reserve_name(name)) {
    throw std::invalid_argument("controller builder: a controller named \"" + name +
                                "\" already exists; controller names must be unique");
  }
  auto opts = std::move(opts_);
  opts.name = name;
  if (!opts.clock) opts.clock = mgr_.options().clock;
  if (!opts.log && mgr_.options().log) opts.log = mgr_.options().log;
  auto ctrl = std::make_shared<controller>(std::move(r), std::move(opts));

  auto start_cache = [m = &mgr_](std::stop_token) { (void)m->start_cache(); };
  auto add = [&](const watch_spec& w, std::shared_ptr<handler> h) {
    auto preds = global_;
    preds.insert(preds.end(), w.predicates.begin(), w.predicates.end());
    ctrl->watch(kind_source(mgr_.get_cache().informer_for(w.kind), std::move(h), std::move(preds), start_cache));
  };
  if (for_spec_) add(*for_spec_, for_spec_->h);
  for (std::size_t i = 0; i < owns_.size(); ++i) {
    auto h = enqueue_request_for_owner({for_spec_->kind.group, for_spec_->kind.kind},
                                       {.only_controller = owned_kinds_[i].second,
                                        .mapper = &mgr_.get_client().mapper()});
    add(owns_[i], std::move(h));
  }
  for (const auto& w : watches_) add(w, w.h);
  for (auto& s : sources_) ctrl->watch(std::move(s));
  sources_.clear();
  mgr_.add(ctrl);
  return ctrl;
}

}  // namespace ktk::client::controller
