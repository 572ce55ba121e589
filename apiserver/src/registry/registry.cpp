// registry.cpp — construction, resource lookup, get, and the steps every verb shares.
#include "ktk/apiserver/registry.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "go_decode.hpp"
#include "impl.hpp"
#include "request_errors.hpp"

namespace ktk::apiserver {

using detail::handler_ptr;
using detail::resource_handler;

std::string_view to_string(watch_event_type t) {
  switch (t) {
    case watch_event_type::added: return "ADDED";
    case watch_event_type::modified: return "MODIFIED";
    case watch_event_type::deleted: return "DELETED";
    case watch_event_type::bookmark: return "BOOKMARK";
    case watch_event_type::error: return "ERROR";
  }
  return "ERROR";
}

core::json object_list::to_json() const {
  core::json items_json = core::json::array();
  for (const auto& i : items) items_json.push_back(i->data());
  core::json meta = {{"resourceVersion", resource_version}};
  if (!continue_token.empty()) meta["continue"] = continue_token;
  if (remaining_item_count) meta["remainingItemCount"] = *remaining_item_count;
  return {{"apiVersion", api_version}, {"kind", kind}, {"metadata", std::move(meta)}, {"items", std::move(items_json)}};
}

registry::impl::impl(registry_options o) : opts(std::move(o)) {
  store = opts.storage ? opts.storage : std::shared_ptr<storage::interface>(
                                            storage::make_memory_storage({.history = opts.history}));
  rng_.seed(opts.seed ? opts.seed : std::random_device{}());
  for (const auto& info : core::builtin_resources()) {
    auto h = std::make_shared<resource_handler>();
    h->info = std::make_shared<const core::resource_info>(info);
    h->shard = detail::shard_of(info.resource);
    h->strat = builtin_strategy(info.gr());
    add_handler(std::move(h));
  }
  admission = std::make_unique<admission::dispatcher>(*store, mapper);
  signer = std::make_shared<auth::token_signer>(opts.service_account_signing_key_pem);
}

result<handler_ptr> registry::impl::handler(const gvr& r) const {
  std::shared_lock lock(handlers_mu_);
  auto it = handlers_.find(r);
  if (it == handlers_.end()) {
    return detail::not_served({.group = r.group, .kind = r.resource});
  }
  return it->second;
}

void registry::impl::add_handler(handler_ptr h) {
  mapper.add(*h->info);
  std::unique_lock lock(handlers_mu_);
  handlers_[h->info->resource] = std::move(h);
}

void registry::impl::remove_handler(const gvr& r) {
  mapper.remove(r);
  std::unique_lock lock(handlers_mu_);
  handlers_.erase(r);
}

std::vector<handler_ptr> registry::impl::handlers() const {
  std::shared_lock lock(handlers_mu_);
  std::vector<handler_ptr> out;
  out.reserve(handlers_.size());
  for (const auto& [_, h] : handlers_) out.push_back(h);
  return out;
}

std::string registry::impl::now() const { return core::format_rfc3339(opts.clock->now()); }

namespace {

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

// With a seed, what a name or uid gets depends only on the seed, its key and how
// many times that key asked before — not on what other objects did in between — so
// that concurrent writers (a simulation's controllers) get the same names run after
// run. Without one, the generator is seeded from the system.
std::uint64_t registry::impl::draw_state(std::string_view key) {
  if (!opts.seed) return rng_();
  std::uint64_t n = draws_[std::string(key)]++;
  std::uint64_t x = opts.seed ^ fnv1a(key);
  x ^= splitmix(x) + n * 0xd1b54a32d192ed03ULL;
  return x;
}

std::string registry::impl::new_uid(std::string_view key) {
  std::uint64_t a, b;
  {
    std::lock_guard lock(rng_mu_);
    std::uint64_t x = draw_state(key);
    if (opts.seed) {
      a = splitmix(x);
      b = splitmix(x);
    } else {
      a = x;
      b = rng_();
    }
  }
  // RFC 4122 version 4.
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string registry::impl::random_suffix(std::string_view key) {
  // apimachinery's utilrand.String alphabet: no vowels, no confusable characters.
  static constexpr std::string_view alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string s(5, ' ');
  std::lock_guard lock(rng_mu_);
  std::uint64_t x = draw_state(key);
  for (auto& c : s) c = alphabet[(opts.seed ? splitmix(x) : rng_()) % alphabet.size()];
  return s;
}

result<std::string> registry::impl::request_namespace(const resource_handler& h, std::string_view url_ns,
                                                      const object& body) const {
  if (!h.namespaced()) return std::string();
  std::string_view body_ns = body.namespace_();
  if (!url_ns.empty() && !body_ns.empty() && url_ns != body_ns) {
    return detail::namespace_mismatch();
  }
  std::string ns(url_ns.empty() ? body_ns : url_ns);
  if (ns.empty()) {
    return api_error::bad_request("a namespace is required for namespaced resource " + h.gr().str());
  }
  return ns;
}

result<void> registry::impl::check_namespace_open(std::string_view ns, const core::group_resource& gr,
                                                  const std::string& name) const {
  bool cached = false;
  std::uint64_t epoch = 0;
  if (store->shared()) {
    std::shared_lock lock(open_ns_mu_);
    cached = open_ns_live_;
    if (cached && open_namespaces_.count(std::string(ns))) return {};
    epoch = open_ns_epoch_;
  }
  auto got = store->get("namespaces", {"", std::string(ns)});
  if (!got) return api_error::not_found({"", "namespaces"}, std::string(ns));
  if (!(*got)->deletion_timestamp().empty()) {
    return api_error::forbidden(gr, name,
                                "unable to create new content in namespace " + std::string(ns) +
                                    " because it is being terminated");
  }
  if (cached) {
    std::unique_lock lock(open_ns_mu_);
    if (open_ns_epoch_ == epoch) open_namespaces_.insert(std::string(ns));
  }
  return {};
}

std::optional<std::string> registry::impl::unknown_fields(const std::vector<std::string>& paths,
                                                          const write_options& o) const {
  if (paths.empty()) return std::nullopt;
  const auto mode = o.validation.value_or(field_validation::warn);
  if (mode == field_validation::ignore) return std::nullopt;
  std::string msg;
  for (const auto& p : paths) {
    std::string w = "unknown field " + core::quote(p);
    if (mode == field_validation::warn && o.warnings) o.warnings->push_back(w);
    msg += (msg.empty() ? "" : ", ") + w;
  }
  if (mode == field_validation::strict) return "strict decoding error: " + msg;
  return std::nullopt;
}

namespace {

// "spec.items[0].x" → ["spec", "items", 0, "x"] (a structural schema's pruned path).
core::json path_segments(const std::string& path) {
  core::json out = core::json::array();
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      flush();
    } else if (c == '[') {
      flush();
      auto close = path.find(']', i);
      if (close == std::string::npos) break;
      out.push_back(std::stoull(path.substr(i + 1, close - i - 1)));
      i = close;
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

}  // namespace

std::vector<std::string> registry::impl::undeclared_fields(const resource_handler& h, const core::json& body,
                                                           std::vector<core::json>* segments) const {
  std::vector<std::string> paths;
  if (h.custom) {
    if (!h.schema) return paths;
    core::json copy = body;
    paths = h.schema->prune(copy);
    for (auto& p : paths) {
      if (!p.empty() && p[0] == '.') p.erase(0, 1);
      if (segments) segments->push_back(path_segments(p));
    }
    return paths;
  }
  auto d = detail::go_decode_scan(body, h.info->resource.gv().str(), h.info->kind);
  for (auto& u : d.unknown) {
    paths.push_back(std::move(u.path));
    if (segments) segments->push_back(std::move(u.segments));
  }
  return paths;
}

result<void> registry::impl::check_type(const resource_handler& h, object& obj, const write_options& o) const {
  const auto& info = *h.info;
  std::string want_av = info.resource.gv().str();
  if (obj.api_version().empty()) {
    obj.set_api_version(want_av);
  } else if (obj.api_version() != want_av) {
    return api_error::bad_request("the API version in the data (" + std::string(obj.api_version()) +
                                  ") does not match the expected API version (" + want_av + ")");
  }
  if (obj.kind().empty()) {
    obj.set_kind(info.kind);
  } else if (obj.kind() != info.kind) {
    return api_error::bad_request("the kind in the data (" + std::string(obj.kind()) +
                                  ") does not match the expected kind (" + info.kind + ")");
  }
  if (!h.custom) {
    // Decoding into the Go struct: a value of the wrong type is 400; fields the struct
    // does not have are dropped, and fieldValidation says what the client hears of them
    // (kube's transformDecodeError words both the same way).
    auto d = detail::go_decode_scan(obj.data(), want_av, info.kind);
    const std::string cannot = info.kind + " in version " + core::quote(info.resource.version) +
                               " cannot be handled as a " + info.kind + ": ";
    if (d.error) return api_error::bad_request(cannot + *d.error);
    if (!d.unknown.empty()) {
      std::vector<std::string> paths;
      for (const auto& u : d.unknown) paths.push_back(u.path);
      if (auto strict = unknown_fields(paths, o)) return api_error::bad_request(cannot + *strict);
      detail::drop_unknown_fields(obj.data(), d.unknown);
    }
  } else if (h.schema) {
    // A custom resource's decoder prunes what its structural schema does not declare
    // (nulls of non-nullable fields too), with the same words for a strict client.
    auto pruned = h.schema->prune(obj.data());
    if (!pruned.empty()) {
      for (auto& p : pruned) {
        if (!p.empty() && p[0] == '.') p.erase(0, 1);
      }
      if (auto strict = unknown_fields(pruned, o)) {
        return api_error::bad_request(info.kind + " in version " + core::quote(info.resource.version) +
                                      " cannot be handled as a " + info.kind + ": " + *strict);
      }
    }
  }
  return {};
}

namespace {

// The CreateOptions / UpdateOptions an admission webhook is shown.
core::json write_options_json(const write_options& o, bool create) {
  core::json j = {{"kind", create ? "CreateOptions" : "UpdateOptions"}, {"apiVersion", "meta.k8s.io/v1"}};
  if (o.dry_run) j["dryRun"] = core::json::array({"All"});
  if (!o.field_manager.empty()) j["fieldManager"] = o.field_manager;
  return j;
}

}  // namespace

admission::attributes registry::impl::admission_attributes(const resource_handler& h, const object& obj,
                                                           const object* old, const write_options& o) const {
  return {.operation = old ? "UPDATE" : "CREATE",
          .info = h.info.get(),
          .subresource = o.subresource,
          .namespace_ = std::string(obj.namespace_()),
          .name = std::string(obj.name()),
          .dry_run = o.dry_run,
          .options = write_options_json(o, old == nullptr),
          .user = o.user};
}

result<void> registry::impl::admit(const resource_handler& h, object& obj, const object* old,
                                   const write_options& o) const {
  if (auto r = apply_defaults(h, obj, o); !r) return r;
  const bool webhooks = !admission->idle();
  if (webhooks) {
    // Mutating admission webhooks see the defaulted object; what they change is
    // defaulted (and pruned) again, then validated like the rest.
    auto mutated = admission->mutate(admission_attributes(h, obj, old, o), &obj, old, o.warnings);
    if (!mutated) return mutated.error();
    if (*mutated) {
      if (auto r = apply_defaults(h, obj, o); !r) return r;
    }
  }
  if (o.policy && o.user) {
    if (auto r = o.policy->check(h.info->resource, obj, old, *o.user); !r) return r;
  }
  if (auto r = validate(h, obj, old, o); !r) return r;
  if (!webhooks) return {};
  return admission->validate(admission_attributes(h, obj, old, o), &obj, old, o.warnings);
}

result<void> registry::impl::apply_defaults(const resource_handler& h, object& obj, const write_options& o) const {
  if (h.custom && h.schema) {
    auto pruned = h.schema->prune(obj.data());
    if (!pruned.empty()) {
      for (auto& p : pruned) {
        if (!p.empty() && p[0] == '.') p.erase(0, 1);
      }
      if (auto strict = unknown_fields(pruned, o)) return api_error::bad_request(*strict);
    }
    h.schema->apply_defaults(obj.data());
  } else if (h.strat) {
    h.strat->apply_defaults(obj);
  }
  return {};
}

result<void> registry::impl::validate(const resource_handler& h, object& obj, const object* old,
                                      const write_options& o) const {
  if (h.info->resource.resource == "customresourcedefinitions" && h.info->resource.group == "apiextensions.k8s.io") {
    if (auto r = admit_crd(obj, old); !r) return r;
  }

  core::field_errors errs;
  if (!old) {
    auto rule = h.strat ? h.strat->names() : name_rule::dns1123_subdomain;
    for (auto& m : validate_name(std::string(obj.name()), rule)) {
      errs.push_back(core::field_error::invalid("metadata.name", core::quote(std::string(obj.name())), m));
    }
  }
  auto meta = validate_object_meta_fields(obj);
  errs.insert(errs.end(), meta.begin(), meta.end());
  if (h.custom) {
    if (h.schema) {
      auto s = h.schema->validate(obj.data());
      errs.insert(errs.end(), s.begin(), s.end());
    }
  } else if (h.strat) {
    // A status write keeps the stored spec, valid when it was stored: only the status is checked.
    auto s = !old                         ? h.strat->validate_create(obj)
             : o.subresource == "status" ? h.strat->validate_status_update(obj, *old)
                                         : h.strat->validate_update(obj, *old);
    errs.insert(errs.end(), s.begin(), s.end());
  }
  if (old && !old->deletion_timestamp().empty()) {
    for (const auto& f : obj.finalizers()) {
      if (!old->has_finalizer(f)) {
        errs.push_back(core::field_error::forbidden("metadata.finalizers",
                                                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{" +
                                                        core::quote(f) + "}"));
      }
    }
  }
  if (!errs.empty()) return api_error::invalid(h.gk(), std::string(obj.name()), errs);
  return {};
}

api_error registry::impl::rename_error(const resource_handler& h, const api_error& e, const std::string& name) const {
  if (core::is_not_found(e)) return api_error::not_found(h.gr(), name);
  if (core::is_already_exists(e)) return api_error::already_exists(h.gr(), name);
  if (core::is_conflict(e)) return api_error::stale_resource_version(h.gr(), name);
  return e;
}

object_ptr registry::impl::present(const resource_handler& h, object_ptr stored) const {
  if (!h.custom || stored->api_version() == h.info->resource.gv().str()) return stored;
  object copy = *stored;
  copy.set_api_version(h.info->resource.gv().str());
  return core::make_object_ptr(std::move(copy));
}

void registry::impl::copy_bookkeeping_to(impl& out) {
  {
    std::scoped_lock lock(rng_mu_, out.rng_mu_);
    out.draws_ = draws_;
  }
  std::scoped_lock lock(events_mu_, out.events_mu_);
  out.event_expiry_ = event_expiry_;
}

void registry::impl::note_event_write(const object_key& key) {
  std::lock_guard lock(events_mu_);
  event_expiry_[key] = opts.clock->now() + opts.event_ttl;
}

void registry::impl::expire_events() {
  std::vector<object_key> due;
  {
    std::lock_guard lock(events_mu_);
    auto now = opts.clock->now();
    for (auto it = event_expiry_.begin(); it != event_expiry_.end();) {
      if (it->second <= now) {
        due.push_back(it->first);
        it = event_expiry_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& k : due) (void)store->remove("events", k, 0);
}

// --- registry (public) ---

registry::registry(registry_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {
  if (impl_->store->shared()) {
    // Watching from now, before any request: every change after a lookup is seen.
    if (auto w = impl_->store->watch("namespaces", {})) {
      impl_->ns_follower = std::jthread([i = impl_.get(), w = std::move(*w)](std::stop_token stop) mutable {
        i->follow_namespaces(std::move(w), std::move(stop));
      });
    }
    impl_->sync_crds();  // served before the constructor returns
    impl_->crd_follower = std::jthread([i = impl_.get()](std::stop_token stop) { i->follow_crds(std::move(stop)); });
  }
  if (impl_->opts.create_default_namespaces) {
    auto h = impl_->handler({"", "v1", "namespaces"}).value();
    for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      object o("v1", "Namespace");
      o.set_name(ns);
      (void)impl_->create(*h, "", std::move(o), {.field_manager = "ktk"});
    }
  }
}

registry::~registry() = default;

std::unique_ptr<registry> registry::copy(core::clock* clock) const {
  std::shared_ptr<storage::interface> store = impl_->store->copy();
  if (!store) throw std::logic_error("ktk::apiserver::registry::copy: this registry's storage cannot be copied");
  registry_options o = impl_->opts;
  o.storage = std::move(store);
  o.create_default_namespaces = false;  // copied with the rest
  if (clock != nullptr) o.clock = clock;
  auto out = std::make_unique<registry>(std::move(o));
  out->impl_->signer = impl_->signer;
  out->impl_->sync_crds();
  impl_->copy_bookkeeping_to(*out->impl_);
  return out;
}

const core::rest_mapper& registry::mapper() const { return impl_->mapper; }
core::clock& registry::clock() const { return *impl_->opts.clock; }
storage::revision registry::current_revision() const { return impl_->store->current_revision(); }
storage::revision registry::resource_revision(const gvr& r) const {
  auto h = impl_->handler(r);
  return h ? impl_->store->shard_revision((*h)->shard) : 0;
}

result<object_ptr> registry::get(const gvr& r, const object_key& key, const get_options& opts, std::string_view sub) {
  auto h = impl_->handler(r);
  if (!h) return h.error();
  const auto& hd = **h;
  if (!sub.empty() && sub != "status" && sub != "scale") {
    return detail::not_served();
  }
  if ((sub == "status" && !hd.has_status()) || (sub == "scale" && !hd.has_scale())) {
    return detail::not_served();
  }
  if (!opts.resource_version.empty() && opts.resource_version != "0") {
    auto rv = storage::parse_revision(opts.resource_version);
    if (!rv) return rv.error();
  }
  if (auto bad = detail::invalid_path_name(key.name)) return *bad;
  if (r.resource == "events" && r.group.empty()) impl_->expire_events();
  object_key k{hd.namespaced() ? key.namespace_ : "", key.name};
  auto got = impl_->store->get(hd.shard, k);
  if (!got) return impl_->rename_error(hd, got.error(), key.name);
  if (sub == "scale") return impl_->scale_of(hd, **got);
  return impl_->present(hd, *got);
}

}  // namespace ktk::apiserver
