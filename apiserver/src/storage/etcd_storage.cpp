#include "etcd_storage.hpp"

#include <stdexcept>

#include "errors.hpp"
#include "etcd_codec.hpp"
#include "ktk/core/clock.hpp"
#include "memory_watcher.hpp"

namespace ktk::apiserver::storage {
namespace detail {
namespace {

using steady = std::chrono::steady_clock;

std::string strip_slash(std::string p) {
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The object of a delete event whose previous state etcd did not send.
object_ptr bare_object(const object_key& key, revision rev) {
  auto o = std::make_shared<object>();
  o->set_name(key.name);
  if (!key.namespace_.empty()) o->set_namespace(key.namespace_);
  o->set_resource_version(std::to_string(rev));
  return o;
}

}  // namespace

etcd_storage::etcd_storage(etcd_options opts)
    : opts_(std::move(opts)),
      prefix_(strip_slash(opts_.prefix)),
      client_({.endpoints = opts_.endpoints, .connections = opts_.connections, .request_timeout = opts_.request_timeout}) {
  const auto deadline = steady::now() + opts_.connect_timeout;
  const json probe = {{"key", b64(prefix_ + "/")}};
  std::string last_error;
  for (;;) {
    auto r = client_.call("/v3/kv/range", probe.dump(), std::min(deadline, steady::now() + opts_.request_timeout));
    if (r) {
      observe(header_revision(*r));
      break;
    }
    last_error = r.error().message();
    if (r.error().code() != 503 && r.error().code() != 504) {
      throw std::runtime_error("etcd at " + joined(opts_.endpoints) + ": " + last_error);
    }
    auto now = steady::now();
    if (now >= deadline) {
      throw std::runtime_error("etcd: no endpoint answered within " + std::to_string(opts_.connect_timeout.count()) +
                               "ms (" + joined(opts_.endpoints) + "): " + last_error);
    }
    std::this_thread::sleep_for(std::min<steady::duration>(deadline - now, std::chrono::milliseconds(100)));
  }
  position_.store(seen_.load());
  const std::string all = prefix_ + "/";
  feed_ = std::make_unique<etcd_feed>(client_, all, prefix_end(all), seen_.load(),
                                      etcd_feed_handlers{
                                          .events = [this](std::vector<feed_event>&& b, revision h) { on_events(std::move(b), h); },
                                          .compacted = [this](revision c) { on_compacted(c); },
                                      });
  if (!feed_->wait_started(deadline)) {
    feed_.reset();
    throw std::runtime_error("etcd: the watch on " + all + " did not start within " +
                             std::to_string(opts_.connect_timeout.count()) + "ms (" + joined(opts_.endpoints) + ")");
  }
  if (opts_.compaction_interval.count() > 0) {
    compactor_ = std::jthread([this](std::stop_token stop) { compact_loop(stop); });
  }
}

etcd_storage::~etcd_storage() {
  // Stops the threads that call back into this object before the members go.
  if (compactor_.joinable()) {
    compactor_.request_stop();
    compactor_.join();
  }
  feed_.reset();
}

void etcd_storage::observe(revision r) const {
  revision cur = seen_.load(std::memory_order_relaxed);
  while (r > cur && !seen_.compare_exchange_weak(cur, r)) {
  }
}

core::result<json> etcd_storage::call(std::string_view path, const json& body) const {
  return call_text(path, body.dump());
}

core::result<json> etcd_storage::call_text(std::string_view path, std::string body) const {
  auto r = client_.call(path, std::move(body));
  if (r) observe(header_revision(*r));
  return r;
}

std::shared_ptr<shard> etcd_storage::find(std::string_view name) const {
  std::shared_lock lk(map_mu_);
  auto it = shards_.find(name);
  return it == shards_.end() ? nullptr : it->second;
}

std::shared_ptr<shard> etcd_storage::obtain(std::string_view name) const {
  if (auto sh = find(name)) return sh;
  std::unique_lock lk(map_mu_);
  auto it = shards_.find(name);
  if (it != shards_.end()) return it->second;
  revision floor = position_.load();
  if (auto f = floors_.find(name); f != floors_.end()) floor = std::max(floor, f->second);
  auto sh = std::make_shared<shard>(std::string(name), opts_.history, floor);
  shards_.emplace(std::string(name), sh);
  return sh;
}

std::pair<std::shared_ptr<shard>, object_key> etcd_storage::route(std::string_view key) const {
  if (key.size() <= prefix_.size() + 1 || !key.starts_with(prefix_) || key[prefix_.size()] != '/') return {};
  std::string_view rest = key.substr(prefix_.size() + 1);
  // Longest shard name first: "apps/deployments" before "apps".
  for (auto slash = rest.rfind('/'); slash != std::string_view::npos && slash > 0;
       slash = rest.rfind('/', slash - 1)) {
    if (auto it = shards_.find(rest.substr(0, slash)); it != shards_.end()) {
      return {it->second, key_of(rest.substr(slash + 1))};
    }
  }
  return {};
}

revision etcd_storage::shard_revision(std::string_view name) const {
  auto sh = find(name);
  if (!sh) return 0;
  std::shared_lock lk(sh->mu);
  return sh->ring.empty() ? sh->evicted : sh->ring.back().ev->rev;
}

void etcd_storage::on_events(std::vector<feed_event>&& batch, revision header) {
  std::vector<std::pair<std::shared_ptr<shard>, object_key>> routes;
  routes.reserve(batch.size());
  {
    std::shared_lock lk(map_mu_);
    for (const auto& ev : batch) routes.push_back(route(ev.key));
    position_.store(std::max(position_.load(), batch.back().rev));
  }
  // After routing: once current_revision() shows an event, a shard touched since
  // starts after it.
  observe(std::max(header, batch.back().rev));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& [sh, key] = routes[i];
    if (!sh) continue;
    const auto& ev = batch[i];
    event_type type;
    object_ptr obj;
    object_ptr prev = ev.prev_kv.is_object() ? decode_kv(ev.prev_kv) : nullptr;
    if (ev.deleted) {
      type = event_type::deleted;
      obj = ev.prev_kv.is_object() ? decode_kv(ev.prev_kv, ev.rev) : nullptr;
      if (!obj) obj = bare_object(key, ev.rev);
      if (!prev) prev = bare_object(key, int_field(ev.prev_kv, "mod_revision"));
    } else {
      type = ev.create == ev.rev ? event_type::added : event_type::modified;
      obj = decode_kv(ev.kv);
      if (!obj) continue;  // not an object: nothing a watcher could be given
      if (type == event_type::added) prev = nullptr;
    }
    std::unique_lock lk(sh->mu);
    if (sh->dropped || ev.rev <= sh->evicted) continue;
    auto evicted = sh->append(type, key, std::move(obj), std::move(prev), ev.rev);  // freed after the unlock
    auto snapshot = sh->notifiers;
    lk.unlock();
    sh->wake(snapshot, key.namespace_);
  }
}

void etcd_storage::on_compacted(revision compacted) {
  observe(compacted);  // etcd is at least there
  std::vector<std::pair<std::shared_ptr<shard>, std::shared_ptr<const notify_list>>> woken;
  {
    std::unique_lock map_lk(map_mu_);
    // Events up to compacted - 1 are lost: every ring restarts there, and a watcher
    // whose cursor is before it has missed some and gets 410 Expired.
    position_.store(std::max(position_.load(), compacted - 1));
    for (auto& [name, sh] : shards_) {
      std::unique_lock lk(sh->mu);
      sh->ring.clear();
      sh->evicted = std::max(sh->evicted, compacted - 1);
      woken.emplace_back(sh, sh->notifiers);
    }
  }
  for (auto& [sh, notifiers] : woken) {
    sh->cv.notify_all();
    for (const auto& n : *notifiers) n->run();
  }
}

core::result<std::unique_ptr<watcher>> etcd_storage::watch(std::string_view name, const watch_options& opts) {
  for (;;) {
    auto sh = obtain(name);
    std::shared_lock lk(sh->mu);
    if (sh->dropped) continue;
    revision from = opts.from_revision;
    if (from == 0) {
      // From now: the newest revision this store has seen, at or past every event
      // routed so far (events routed and not yet appended are older).
      from = std::max(seen_.load(), sh->evicted);
    } else if (from < sh->evicted) {
      return watch_expired(from, sh->oldest_minus_one());
    }
    return std::unique_ptr<watcher>(std::make_unique<memory_watcher>(sh, opts.namespace_, from));
  }
}

void etcd_storage::drop_shard(std::string_view name) {
  const std::string start = shard_prefix(prefix_, name);
  auto r = call("/v3/kv/deleterange", {{"key", b64(start)}, {"range_end", b64(prefix_end(start))}});
  const revision at = r ? header_revision(*r) : seen_.load();
  std::shared_ptr<shard> sh;
  std::shared_ptr<const notify_list> notifiers;
  {
    std::unique_lock map_lk(map_mu_);
    auto& floor = floors_[std::string(name)];
    floor = std::max(floor, at);
    auto it = shards_.find(name);
    if (it == shards_.end()) return;
    sh = std::move(it->second);
    shards_.erase(it);
    std::unique_lock lk(sh->mu);
    // The ring stays: watchers read what is left of it, then learn the shard is gone.
    sh->dropped = true;
    notifiers = sh->notifiers;
  }
  sh->cv.notify_all();
  for (const auto& n : *notifiers) n->run();
}

void etcd_storage::compact_loop(std::stop_token stop) {
  core::clock& clk = opts_.clock ? *opts_.clock : core::real_clock::instance();
  const json probe = {{"key", b64(prefix_ + "/")}};
  revision previous = 0;
  while (clk.sleep_until(clk.now() + opts_.compaction_interval, stop)) {
    auto r = call("/v3/kv/range", probe);
    if (!r) continue;
    // kube-apiserver's rule: compact to the revision current one interval ago.
    if (previous > 0) (void)call("/v3/kv/compaction", {{"revision", std::to_string(previous)}});
    previous = header_revision(*r);
  }
}

}  // namespace detail

std::unique_ptr<interface> make_etcd_storage(etcd_options opts) {
  return std::make_unique<detail::etcd_storage>(std::move(opts));
}

std::vector<std::string> split_endpoints(std::string_view urls) {
  std::vector<std::string> out;
  while (!urls.empty()) {
    auto comma = urls.find(',');
    auto part = urls.substr(0, comma);
    urls = comma == std::string_view::npos ? std::string_view() : urls.substr(comma + 1);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

}  // namespace ktk::apiserver::storage
