// registry_watch.cpp — watch: initial events, selectors with enter/leave semantics,
// bookmarks, and 410 Expired as a final ERROR event, as kube-apiserver's cacher does.
#include <deque>

#include <nlohmann/json.hpp>

#include "impl.hpp"
#include "selection.hpp"

namespace ktk::apiserver {

using core::json;
using detail::resource_handler;

namespace {

class registry_watch final : public watch_stream {
 public:
  registry_watch(const registry::impl& reg, detail::handler_ptr h, detail::selection sel, bool bookmarks,
                 std::chrono::milliseconds bookmark_interval)
      : reg_(reg), h_(std::move(h)), sel_(std::move(sel)), bookmarks_(bookmarks), interval_(bookmark_interval),
        last_sent_(std::chrono::steady_clock::now()) {}

  void start(std::unique_ptr<storage::watcher> w) { w_ = std::move(w); }
  void push(watch_event ev) { pending_.push_back(std::move(ev)); }
  void add_initial(object_ptr o) {
    if (sel_.matches(*o)) pending_.push_back({watch_event_type::added, reg_.present(*h_, std::move(o))});
  }
  // Ends the stream. An ERROR event carries the Status, except when the resource
  // itself went away (a CRD deleted): kube-apiserver just closes such watches.
  void fail(const api_error& e) {
    if (e.reason() != core::reason::gone) {
      pending_.push_back({watch_event_type::error, core::make_object_ptr(object(e.to_status()))});
    }
    failed_ = true;
  }

  object_ptr bookmark(storage::revision rev, bool initial_end) const {
    object b(h_->info->resource.gv().str(), h_->info->kind);
    b.set_resource_version(std::to_string(rev));
    if (initial_end) b.set_annotation("k8s.io/initial-events-end", "true");
    return core::make_object_ptr(std::move(b));
  }

  std::vector<watch_event> poll() override {
    if (!failed_ && w_) {
      auto got = w_->poll();
      if (!got) {
        fail(got.error());
      } else {
        translate(*got);
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (pending_.empty() && !failed_ && w_ && bookmarks_ && now >= last_sent_ + interval_) {
      pending_.push_back({watch_event_type::bookmark, bookmark(w_->cursor(), false)});
    }
    if (!pending_.empty()) last_sent_ = now;
    return drain();
  }

  std::optional<std::chrono::steady_clock::time_point> bookmark_due() const override {
    if (!bookmarks_ || failed_ || !w_) return std::nullopt;
    return last_sent_ + interval_;
  }

  std::vector<watch_event> next(std::stop_token stop,
                                std::optional<std::chrono::steady_clock::time_point> deadline) override {
    for (;;) {
      auto ready = poll();
      if (!ready.empty() || failed_ || !w_) {
        if (!ready.empty()) last_sent_ = std::chrono::steady_clock::now();
        return ready;
      }
      auto wake = deadline;
      std::optional<std::chrono::steady_clock::time_point> bm;
      if (bookmarks_) {
        bm = last_sent_ + interval_;
        if (!wake || *bm < *wake) wake = bm;
      }
      auto got = w_->wait_next(stop, wake);
      if (!got) {
        fail(got.error());
        return drain();
      }
      translate(*got);
      if (!pending_.empty()) continue;
      if (stop.stop_requested()) return {};
      auto now = std::chrono::steady_clock::now();
      if (bm && now >= *bm) {
        pending_.push_back({watch_event_type::bookmark, bookmark(w_->cursor(), false)});
        last_sent_ = now;
        return drain();
      }
      if (deadline && now >= *deadline) return {};
    }
  }

  bool done() const override { return failed_ && pending_.empty(); }

  void set_notify(std::function<void()> fn) override {
    if (w_) w_->set_notify(std::move(fn));
  }

 private:
  std::vector<watch_event> drain() {
    std::vector<watch_event> out(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
    pending_.clear();
    return out;
  }

  // Storage events → API watch events for this watcher's selection. An update that
  // moves an object into the selection is ADDED, out of it DELETED (with the
  // previous content and the event's resourceVersion).
  void translate(const std::vector<storage::event_ptr>& evs) {
    for (const auto& e : evs) {
      switch (e->type) {
        case storage::event_type::added:
          if (sel_.matches(*e->object)) pending_.push_back({watch_event_type::added, reg_.present(*h_, e->object)});
          break;
        case storage::event_type::deleted:
          if (sel_.matches(*e->object)) pending_.push_back({watch_event_type::deleted, reg_.present(*h_, e->object)});
          break;
        case storage::event_type::modified: {
          bool cur = sel_.matches(*e->object);
          bool old = e->prev && sel_.matches(*e->prev);
          if (cur && old) {
            pending_.push_back({watch_event_type::modified, reg_.present(*h_, e->object)});
          } else if (cur) {
            pending_.push_back({watch_event_type::added, reg_.present(*h_, e->object)});
          } else if (old) {
            object gone = *e->prev;
            gone.set_resource_version(std::to_string(e->rev));
            pending_.push_back({watch_event_type::deleted, reg_.present(*h_, core::make_object_ptr(std::move(gone)))});
          }
          break;
        }
      }
    }
  }

  const registry::impl& reg_;
  detail::handler_ptr h_;
  detail::selection sel_;
  bool bookmarks_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_sent_;
  std::unique_ptr<storage::watcher> w_;
  std::deque<watch_event> pending_;
  bool failed_ = false;
};

}  // namespace

result<std::unique_ptr<watch_stream>> registry::watch(const gvr& r, std::string_view ns, const watch_options& opts) {
  auto hr = impl_->handler(r);
  if (!hr) return hr.error();
  const auto& h = **hr;
  if (!h.info->has_verb("watch")) return api_error::method_not_supported(h.gr(), "watch");
  auto sel = detail::parse_selection(h, opts.label_selector, opts.field_selector);
  if (!sel) return sel.error();

  const auto& rv = opts.resource_version;
  const auto& match = opts.resource_version_match;
  // kube-apiserver's validateWatchOptions.
  core::field_errors errs;
  if (opts.send_initial_events.has_value() && match != "NotOlderThan") {
    errs.push_back(core::field_error::forbidden("resourceVersionMatch",
                                                "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
  }
  if (!match.empty()) {
    if (!opts.send_initial_events.has_value()) {
      errs.push_back(core::field_error::forbidden(
          "resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
    }
    if (match != "NotOlderThan") {
      errs.push_back(core::field_error::not_supported("resourceVersionMatch", core::quote(match), {"NotOlderThan"}));
    }
  }
  if (!errs.empty()) return api_error::invalid({"meta.k8s.io", "ListOptions"}, "", errs);
  storage::revision from = 0;
  if (!rv.empty() && rv != "0") {
    auto parsed = storage::parse_revision(rv);
    if (!parsed) return parsed.error();
    from = *parsed;
  }
  const bool initial = opts.send_initial_events.value_or(rv.empty() || rv == "0");
  auto w = std::make_unique<registry_watch>(*impl_, *hr, std::move(*sel), opts.allow_bookmarks,
                                            impl_->opts.bookmark_interval);
  std::string list_ns = h.namespaced() ? std::string(ns) : std::string();
  if (initial) {
    // The state at one revision as ADDED events, then the changes after it.
    auto snap = impl_->store->list(h.shard, {.namespace_ = list_ns});
    if (!snap) return snap.error();
    from = snap->rev;
    for (auto& item : snap->items) w->add_initial(std::move(item));
    if (opts.send_initial_events.value_or(false)) {
      w->push({watch_event_type::bookmark, w->bookmark(from, true)});
    }
  }
  auto sw = impl_->store->watch(h.shard, {.namespace_ = list_ns, .from_revision = from});
  if (!sw) {
    // As kube-apiserver: the watch is accepted and its only event is the 410.
    w->fail(sw.error());
  } else {
    w->start(std::move(*sw));
  }
  return std::unique_ptr<watch_stream>(std::move(w));
}

}  // namespace ktk::apiserver
