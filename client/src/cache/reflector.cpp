// reflector.cpp — the list-and-watch loop (client-go's reflector.go, without the
// watch-list streaming and the metrics).
#include "ktk/client/cache/reflector.hpp"

#include <atomic>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

namespace ktk::client::cache {

namespace {

// What the loop does next after a list-and-watch round.
enum class next_step { relist_now, backoff_then_relist, stopped };

bool is_too_large_resource_version(const core::api_error& e) {
  if (e.code() != 504) return false;
  for (const auto& c : e.details().causes) {
    if (c.reason == "ResourceVersionTooLarge") return true;
  }
  return false;
}

// A watch or list that asked for a revision past the history: 410, Gone or Expired
// (or any reason: an ERROR event's Status is taken at its code).
bool is_expired(const core::api_error& e) { return e.code() == 410 || core::is_gone(e); }

// Server trouble a watch is retried on, without a new list (client-go retries 429s
// and connection failures; ktk retries 5xx too: a list would meet the same server).
// Code 0 is a transport failure (connection refused or reset: a server restarting),
// as the REST client reports it; the history may well still hold what was missed.
bool watch_retriable(const core::api_error& e) { return e.code() == 0 || e.code() == 429 || e.code() >= 500; }

}  // namespace

class reflector::impl {
 public:
  impl(list_watch lw, reflector_store& store, reflector_options opts)
      : lw_(std::move(lw)),
        store_(store),
        opts_(std::move(opts)),
        clock_(opts_.clock ? opts_.clock : &core::real_clock::instance()),
        rng_(opts_.seed ? opts_.seed : std::random_device{}()),
        backoff_(backoff_with_defaults(opts_, clock_)) {}

  void run(std::stop_token stop) {
    std::jthread resync;
    if (opts_.resync_period > std::chrono::milliseconds{0}) {
      resync = std::jthread([this](std::stop_token st) { resync_loop(st); });
    }
    std::stop_callback end_resync(stop, [&] { resync.request_stop(); });
    while (!stop.stop_requested()) {
      auto step = list_and_watch(stop);
      if (step == next_step::stopped || stop.stop_requested()) break;
      if (step == next_step::backoff_then_relist && !backoff_.wait(stop)) break;
    }
  }

  std::string last_sync_resource_version() const {
    std::lock_guard lock(mu_);
    return last_rv_;
  }
  std::uint64_t list_count() const { return lists_.load(std::memory_order_acquire); }

 private:
  static backoff_options backoff_with_defaults(const reflector_options& o, core::clock* clk) {
    auto b = o.backoff;
    if (!b.clock) b.clock = clk;
    if (!b.seed && o.seed) b.seed = o.seed + 1;
    return b;
  }

  void set_rv(std::string rv) {
    std::lock_guard lock(mu_);
    last_rv_ = std::move(rv);
  }

  void report(const core::api_error& e) {
    if (opts_.on_error) {
      opts_.on_error(e);
      return;
    }
    std::cerr << "ktk: reflector " << (opts_.name.empty() ? "?" : opts_.name) << ": " << e.code() << " "
              << e.reason() << ": " << e.message() << "\n";
  }

  void resync_loop(std::stop_token st) {
    auto next = clock_->now() + opts_.resync_period;
    while (clock_->sleep_until(next, st)) {
      store_.resync();
      next += opts_.resync_period;
      if (auto now = clock_->now(); next <= now) next = now + opts_.resync_period;
    }
  }

  // The resourceVersion to list at: "0" (anything) the first time, then no older
  // than what was seen, or "" (the newest) after that proved unavailable.
  std::string relist_resource_version() const {
    if (rv_unavailable_) return "";
    auto rv = last_sync_resource_version();
    return rv.empty() ? "0" : rv;
  }

  // One list in pages. An expired continue token falls back to one full list with
  // the first page's options (client-go's pager does the same).
  result<object_list> list_pages(std::stop_token stop) {
    list_options first{.limit = opts_.page_size, .resource_version = relist_resource_version()};
    list_options opts = first;
    object_list all;
    for (;;) {
      auto page = lw_.list(opts);
      if (!page) {
        if (!opts.continue_token.empty() && core::is_resource_expired(page.error())) {
          first.limit = 0;
          return lw_.list(first);
        }
        return page.error();
      }
      if (all.items.empty()) {
        all.items = std::move(page->items);
      } else {
        all.items.reserve(all.items.size() + page->items.size());
        for (auto& i : page->items) all.items.push_back(std::move(i));
      }
      if (page->continue_token.empty()) {
        all.resource_version = std::move(page->resource_version);
        return all;
      }
      if (stop.stop_requested()) return core::api_error::internal("stopped");
      opts.continue_token = std::move(page->continue_token);
      opts.resource_version.clear();  // a continue token carries its revision
    }
  }

  next_step list_and_watch(std::stop_token stop) {
    auto got = list_pages(stop);
    if (!got && (is_expired(got.error()) || is_too_large_resource_version(got.error())) && !rv_unavailable_ &&
        !stop.stop_requested()) {
      // The revision asked for is gone (or not there yet): list the newest instead.
      rv_unavailable_ = true;
      got = list_pages(stop);
    }
    if (stop.stop_requested()) return next_step::stopped;
    if (!got) {
      report(got.error());
      return next_step::backoff_then_relist;
    }
    rv_unavailable_ = false;
    // The store first: whoever sees the new resourceVersion may count on the handlers
    // having been handed the list.
    std::string rv = got->resource_version;
    store_.replace(std::move(got->items), std::move(got->resource_version));
    set_rv(std::move(rv));
    lists_.fetch_add(1, std::memory_order_acq_rel);
    return watch_loop(stop);
  }

  std::chrono::seconds watch_timeout() {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    auto min = opts_.min_watch_timeout.count();
    return std::chrono::seconds(min + static_cast<std::int64_t>(static_cast<double>(min) * u(rng_)));
  }

  next_step watch_loop(std::stop_token stop) {
    for (;;) {
      if (stop.stop_requested()) return next_step::stopped;
      auto started = clock_->now();
      auto w = lw_.watch({.resource_version = last_sync_resource_version(),
                          .allow_bookmarks = true,
                          .timeout = watch_timeout()});
      std::optional<core::api_error> failed;
      std::size_t events = 0;
      if (!w) {
        failed = std::move(w).error();
      } else {
        failed = consume(stop, **w, events);
      }
      if (stop.stop_requested()) return next_step::stopped;
      if (failed) {
        if (is_expired(*failed)) return next_step::relist_now;
        report(*failed);
        if (!watch_retriable(*failed)) return next_step::backoff_then_relist;
        if (!backoff_.wait(stop)) return next_step::stopped;
        continue;
      }
      // A clean end. One that came at once and empty-handed (a server closing
      // watches straight away) waits a backoff step before the next, so as not to spin.
      if (events == 0 && clock_->now() - started < std::chrono::seconds(1) && !backoff_.wait(stop)) {
        return next_step::stopped;
      }
    }
  }

  // Feeds one watch's events to the store until it ends; the ERROR it ended with, if any.
  std::optional<core::api_error> consume(std::stop_token stop, watch_stream& w, std::size_t& events) {
    while (!w.done()) {
      auto batch = w.next(stop);
      if (stop.stop_requested()) return std::nullopt;
      const core::object* last = nullptr;
      for (auto& ev : batch) {
        if (ev.type == event_type::error) {
          if (last) set_rv(std::string(last->resource_version()));
          return ev.object ? core::api_error::from_status(ev.object->data())
                           : core::api_error::internal("watch ended with an empty ERROR event");
        }
        if (!ev.object) continue;
        ++events;
        last = ev.object.get();
        switch (ev.type) {
          case event_type::added: store_.add(ev.object); break;
          case event_type::modified: store_.update(ev.object); break;
          case event_type::deleted: store_.remove(ev.object); break;
          default: break;
        }
      }
      // `last` stays valid: the batch still holds its pointer.
      if (last && !last->resource_version().empty()) set_rv(std::string(last->resource_version()));
    }
    return std::nullopt;
  }

  list_watch lw_;
  reflector_store& store_;
  reflector_options opts_;
  core::clock* clock_;
  std::mt19937_64 rng_;        // reflector thread only
  backoff backoff_;            // reflector thread only
  bool rv_unavailable_ = false;  // reflector thread only
  std::atomic<std::uint64_t> lists_{0};
  mutable std::mutex mu_;
  std::string last_rv_;  // guarded by mu_
};

reflector::reflector(list_watch lw, reflector_store& store, reflector_options opts)
    : impl_(std::make_unique<impl>(std::move(lw), store, std::move(opts))) {}
reflector::~reflector() = default;

void reflector::run(std::stop_token stop) { impl_->run(stop); }
std::string reflector::last_sync_resource_version() const { return impl_->last_sync_resource_version(); }
std::uint64_t reflector::list_count() const { return impl_->list_count(); }

}  // namespace ktk::client::cache
