// fake_client.cpp — the client verbs, each: record, run reactors, call the registry.
#include "ktk/fakeclient/fake_client.hpp"

#include <atomic>
#include <mutex>
#include <stop_token>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/registry.hpp"

namespace ktk::fakeclient {

using core::api_error;
using core::gvk;
using core::gvr;

// Types fake_client::impl holds (named, not anonymous: impl is not in an anonymous namespace).
namespace detail {

struct reactor_entry {
  reactor_id id;
  std::string verb;
  std::string resource;
  reactor fn;
};

// Lets fake_client::cut_watches() end a stream another thread may be waiting on.
struct cut_flag {
  core::gvr resource;
  std::mutex mu;
  bool cut = false;                       // guarded by mu
  std::stop_source* waiting = nullptr;    // guarded by mu: the next() in progress

  // False when it was cut already.
  bool fire() {
    std::lock_guard lock(mu);
    if (cut) return false;
    cut = true;
    if (waiting) waiting->request_stop();
    return true;
  }
};

}  // namespace detail

namespace {

using detail::cut_flag;
using detail::reactor_entry;

std::optional<apiserver::field_validation> validation_of(const std::string& v) {
  if (v == "Strict") return apiserver::field_validation::strict;
  if (v == "Warn") return apiserver::field_validation::warn;
  if (v == "Ignore") return apiserver::field_validation::ignore;
  return std::nullopt;
}

apiserver::write_options to_registry(const ktk::client::write_options& o, std::string sub = {}) {
  return {.dry_run = o.dry_run,
          .field_manager = o.field_manager,
          .validation = validation_of(o.field_validation),
          .subresource = std::move(sub),
          .warnings = o.warnings};
}

apiserver::write_options to_registry(const ktk::client::patch_options& o, std::string sub = {}) {
  return {.dry_run = o.dry_run,
          .field_manager = o.field_manager,
          .validation = validation_of(o.field_validation),
          .subresource = std::move(sub),
          .force = o.force,
          .warnings = o.warnings};
}

apiserver::delete_options to_registry(const ktk::client::delete_options& o) {
  return {.dry_run = o.dry_run,
          .grace_period_seconds = o.grace_period_seconds,
          .propagation_policy = o.propagation_policy,
          .precondition_uid = o.precondition_uid,
          .precondition_resource_version = o.precondition_resource_version};
}

apiserver::list_options to_registry(const ktk::client::list_options& o) {
  return {.label_selector = o.label_selector,
          .field_selector = o.field_selector,
          .limit = o.limit,
          .continue_token = o.continue_token,
          .resource_version = o.resource_version,
          .resource_version_match = o.resource_version_match};
}

// Adapts a registry watch to the client's watch_stream, ending it after the timeout
// or when cut.
class fake_watch final : public ktk::client::watch_stream {
 public:
  fake_watch(std::unique_ptr<apiserver::watch_stream> w, std::optional<std::chrono::steady_clock::time_point> end,
             std::shared_ptr<cut_flag> flag)
      : w_(std::move(w)), end_(end), flag_(std::move(flag)) {}

  std::vector<ktk::client::watch_event> next(std::stop_token stop,
                                        std::optional<std::chrono::steady_clock::time_point> deadline) override {
    if (done()) return {};
    auto until = deadline;
    if (end_ && (!until || *end_ < *until)) until = end_;
    std::stop_source local;
    {
      std::lock_guard lock(flag_->mu);
      if (flag_->cut) return finish_cut();
      flag_->waiting = &local;
    }
    std::vector<apiserver::watch_event> evs;
    {
      std::stop_callback forward(stop, [&local] { local.request_stop(); });
      evs = w_->next(local.get_token(), until);
    }
    {
      std::lock_guard lock(flag_->mu);
      flag_->waiting = nullptr;
      if (flag_->cut) cut_ = true;
    }
    if (end_ && std::chrono::steady_clock::now() >= *end_ && evs.empty()) timed_out_ = true;
    std::vector<ktk::client::watch_event> out;
    out.reserve(evs.size());
    for (auto& e : evs) out.push_back({static_cast<ktk::client::event_type>(e.type), std::move(e.object)});
    return out;
  }

  bool done() const override { return timed_out_ || cut_ || w_->done(); }

 private:
  std::vector<ktk::client::watch_event> finish_cut() {
    cut_ = true;
    return {};
  }

  std::unique_ptr<apiserver::watch_stream> w_;
  std::optional<std::chrono::steady_clock::time_point> end_;
  std::shared_ptr<cut_flag> flag_;
  bool cut_ = false;
  bool timed_out_ = false;
};

}  // namespace

class fake_client::impl : public ktk::client::status_writer {
 public:
  impl(fake_client& owner, core::clock& clk) : owner_(owner), clock_(clk) {}

  // The resource of a kind ("PodList" names "Pod"). A kind that is not served is a
  // client-side mapping failure (client-go's NoKindMatchError), reported as a 400 so
  // that it is never mistaken for a NotFound of an object.
  result<core::resource_info_ptr> resource_of(const gvk& k) const {
    const auto& m = owner_.reg_->mapper();
    if (auto info = m.by_kind(k)) return info;
    if (k.kind.size() > 4 && k.kind.ends_with("List")) {
      if (auto info = m.by_kind({k.group, k.version, k.kind.substr(0, k.kind.size() - 4)})) return info;
    }
    return api_error::bad_request("no matches for kind " + core::quote(k.kind) + " in version " +
                                  core::quote(k.api_version()));
  }

  // A namespaced type addressed without a namespace: the HTTP path has no such route,
  // so a server answers 404 for an object path and 405 for a collection one. The fake
  // fails the same way, so that a test that forgot the namespace fails here too.
  static result<void> scope_check(const core::resource_info& info, const std::string& ns, bool collection) {
    if (!ns.empty() || !info.namespaced) return {};
    if (collection) {
      return api_error(405, core::reason::method_not_allowed,
                       "the server does not allow this method on the requested resource");
    }
    return api_error(404, core::reason::not_found, "the server could not find the requested resource");
  }

  // Records the call and runs the reactors; an error means the call fails with it.
  result<void> intercept(action a) {
    std::vector<reactor> matched;
    {
      std::lock_guard lock(mu_);
      for (const auto& r : reactors_) {
        if ((r.verb == "*" || r.verb == a.verb) && (r.resource == "*" || r.resource == a.resource.resource)) {
          matched.push_back(r.fn);
        }
      }
      if (record_) actions_.push_back(a);
    }
    for (const auto& fn : matched) {
      auto re = fn(a);
      if (!re) continue;
      if (re->delay.count() > 0) {
        clock_.sleep_until(clock_.now() + std::chrono::duration_cast<core::clock::duration>(re->delay), {});
      }
      if (re->error) return *re->error;
    }
    return {};
  }

  result<object_ptr> update(object&& obj, const ktk::client::write_options& opts) override {
    auto info = resource_of(obj.group_version_kind());
    if (!info) return info.error();
    const gvr& r = (*info)->resource;
    object_key key = obj.key();
    if (auto i = intercept({"update", r, key.namespace_, key.name, "status"}); !i) return i.error();
    if (auto s = scope_check(**info, key.namespace_, false); !s) return s.error();
    return owner_.reg_->update(r, key, std::move(obj), to_registry(opts, "status"));
  }

  result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type, const core::json& p,
                           const ktk::client::patch_options& opts) override {
    auto info = resource_of(kind);
    if (!info) return info.error();
    const gvr& r = (*info)->resource;
    if (auto i = intercept({"patch", r, key.namespace_, key.name, "status"}); !i) return i.error();
    if (auto s = scope_check(**info, key.namespace_, false); !s) return s.error();
    return owner_.reg_->patch(r, key, type, p, to_registry(opts, "status"));
  }

  fake_client& owner_;
  core::clock& clock_;
  void track(const std::shared_ptr<cut_flag>& f) {
    std::lock_guard lock(mu_);
    std::erase_if(watches_, [](const std::weak_ptr<cut_flag>& w) { return w.expired(); });
    watches_.push_back(f);
  }

  // The watches of `resource` ("*": all) whose streams still exist.
  std::vector<std::shared_ptr<cut_flag>> watches_of(std::string_view resource) const {
    std::vector<std::shared_ptr<cut_flag>> out;
    std::lock_guard lock(mu_);
    for (const auto& w : watches_) {
      auto f = w.lock();
      if (f && (resource == "*" || f->resource.resource == resource)) out.push_back(std::move(f));
    }
    return out;
  }

  std::size_t open(std::string_view resource) const {
    std::size_t n = 0;
    for (const auto& f : watches_of(resource)) {
      std::lock_guard flag(f->mu);
      n += f->cut ? 0 : 1;  // a cut one is over, whenever its consumer lets it go
    }
    return n;
  }

  std::size_t cut(std::string_view resource) {
    std::size_t n = 0;
    for (const auto& f : watches_of(resource)) n += f->fire();
    return n;
  }

  mutable std::mutex mu_;
  std::vector<reactor_entry> reactors_;  // guarded by mu_
  std::vector<std::weak_ptr<cut_flag>> watches_;  // guarded by mu_: open watches
  bool record_ = true;                   // guarded by mu_
  std::vector<action> actions_;          // guarded by mu_
  reactor_id next_id_ = 1;               // guarded by mu_
};

fake_client::fake_client(std::shared_ptr<apiserver::registry> reg)
    : reg_(std::move(reg)), impl_(std::make_unique<impl>(*this, reg_->clock())) {}

fake_client::~fake_client() = default;

result<object_ptr> fake_client::get(const gvk& kind, const object_key& key, const ktk::client::get_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"get", r, key.namespace_, key.name, ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  return reg_->get(r, key, {.resource_version = opts.resource_version});
}

result<ktk::client::object_list> fake_client::list(const gvk& kind, const ktk::client::list_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"list", r, opts.namespace_, "", ""}); !i) return i.error();
  auto l = reg_->list(r, opts.namespace_, to_registry(opts));
  if (!l) return l.error();
  return ktk::client::object_list{std::move(l->items), std::move(l->resource_version), std::move(l->continue_token),
                             l->remaining_item_count};
}

result<object_ptr> fake_client::create(object&& obj, const ktk::client::write_options& opts) {
  auto info = impl_->resource_of(obj.group_version_kind());
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  std::string ns(obj.namespace_());
  if (auto i = impl_->intercept({"create", r, ns, std::string(obj.name()), ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, ns, true); !s) return s.error();
  return reg_->create(r, ns, std::move(obj), to_registry(opts));
}

result<object_ptr> fake_client::update(object&& obj, const ktk::client::write_options& opts) {
  auto info = impl_->resource_of(obj.group_version_kind());
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  object_key key = obj.key();
  if (auto i = impl_->intercept({"update", r, key.namespace_, key.name, ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  return reg_->update(r, key, std::move(obj), to_registry(opts));
}

result<object_ptr> fake_client::patch(const gvk& kind, const object_key& key, core::patch_type type,
                                      const core::json& p, const ktk::client::patch_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"patch", r, key.namespace_, key.name, ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  return reg_->patch(r, key, type, p, to_registry(opts));
}

result<object_ptr> fake_client::apply(object&& obj, const ktk::client::patch_options& opts) {
  auto info = impl_->resource_of(obj.group_version_kind());
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  object_key key = obj.key();
  if (auto i = impl_->intercept({"patch", r, key.namespace_, key.name, ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  return reg_->patch(r, key, core::patch_type::apply_yaml, obj.data(), to_registry(opts));
}

result<void> fake_client::remove(const gvk& kind, const object_key& key, const ktk::client::delete_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"delete", r, key.namespace_, key.name, ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  auto d = reg_->remove(r, key, to_registry(opts));
  if (!d) return d.error();
  return {};
}

result<void> fake_client::delete_all_of(const gvk& kind, const ktk::client::list_options& which,
                                        const ktk::client::delete_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"deletecollection", r, which.namespace_, "", ""}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, which.namespace_, true); !s) return s.error();
  auto d = reg_->delete_collection(r, which.namespace_, to_registry(opts), to_registry(which));
  if (!d) return d.error();
  return {};
}

result<std::unique_ptr<ktk::client::watch_stream>> fake_client::watch(const gvk& kind, const ktk::client::watch_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"watch", r, opts.namespace_, "", ""}); !i) return i.error();
  auto w = reg_->watch(r, opts.namespace_,
                       {.label_selector = opts.label_selector,
                        .field_selector = opts.field_selector,
                        .resource_version = opts.resource_version,
                        .resource_version_match = opts.resource_version_match,
                        .allow_bookmarks = opts.allow_bookmarks,
                        .send_initial_events = opts.send_initial_events});
  if (!w) return w.error();
  std::optional<std::chrono::steady_clock::time_point> end;
  if (opts.timeout) end = std::chrono::steady_clock::now() + *opts.timeout;
  auto flag = std::make_shared<cut_flag>();
  flag->resource = r;
  impl_->track(flag);
  return std::unique_ptr<ktk::client::watch_stream>(std::make_unique<fake_watch>(std::move(*w), end, std::move(flag)));
}

ktk::client::status_writer& fake_client::status() { return *impl_; }

result<object_ptr> fake_client::get_scale(const gvk& kind, const object_key& key) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"get", r, key.namespace_, key.name, "scale"}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  return reg_->get(r, key, {}, "scale");
}

result<object_ptr> fake_client::update_scale(const gvk& kind, const object_key& key, std::int64_t replicas,
                                             const ktk::client::write_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"update", r, key.namespace_, key.name, "scale"}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  object scale("autoscaling/v1", "Scale");
  scale.set_name(key.name);
  scale.set_namespace(key.namespace_);
  scale.data()["spec"]["replicas"] = replicas;
  return reg_->update(r, key, std::move(scale), to_registry(opts, "scale"));
}

result<object_ptr> fake_client::create_subresource(const gvk& kind, const object_key& key,
                                                   std::string_view subresource, object&& body,
                                                   const ktk::client::write_options& opts) {
  auto info = impl_->resource_of(kind);
  if (!info) return info.error();
  const gvr& r = (*info)->resource;
  if (auto i = impl_->intercept({"create", r, key.namespace_, key.name, std::string(subresource)}); !i) return i.error();
  if (auto s = impl_->scope_check(**info, key.namespace_, false); !s) return s.error();
  if (subresource == "token" && r == gvr{"", "v1", "serviceaccounts"}) {
    return reg_->request_token(key, std::move(body), to_registry(opts));
  }
  if (subresource != "binding" || r != gvr{"", "v1", "pods"}) {
    return api_error(404, core::reason::not_found, "the server could not find the requested resource");
  }
  auto bound = reg_->bind(key, std::move(body), to_registry(opts));
  if (!bound) return bound.error();
  core::json st = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", core::json::object()},
                   {"status", "Success"}, {"code", 201}};
  return std::make_shared<const object>(std::move(st));
}

const core::rest_mapper& fake_client::mapper() { return reg_->mapper(); }

reactor_id fake_client::add_reactor(std::string verb, std::string resource, reactor r) {
  std::lock_guard lock(impl_->mu_);
  auto id = impl_->next_id_++;
  impl_->reactors_.push_back({id, std::move(verb), std::move(resource), std::move(r)});
  return id;
}

void fake_client::remove_reactor(reactor_id id) {
  std::lock_guard lock(impl_->mu_);
  std::erase_if(impl_->reactors_, [&](const reactor_entry& e) { return e.id == id; });
}

void fake_client::clear_reactors() {
  std::lock_guard lock(impl_->mu_);
  impl_->reactors_.clear();
}

std::vector<action> fake_client::actions() const {
  std::lock_guard lock(impl_->mu_);
  return impl_->actions_;
}

void fake_client::record_actions(bool on) {
  std::lock_guard lock(impl_->mu_);
  impl_->record_ = on;
}

std::size_t fake_client::cut_watches(std::string_view resource) { return impl_->cut(resource); }

std::size_t fake_client::open_watches(std::string_view resource) const { return impl_->open(resource); }

void fake_client::clear_actions() {
  std::lock_guard lock(impl_->mu_);
  impl_->actions_.clear();
}

}  // namespace ktk::fakeclient
