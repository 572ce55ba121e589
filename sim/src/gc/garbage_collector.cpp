// garbage_collector.cpp — the collector's event handling (kube's GraphBuilder, without
// the graph: the informers' owner-uid index stands in for it) and its reconcile loop.
#include "ktk/sim/garbage_collector.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "gc/context.hpp"
#include "ktk/client/controller/builder.hpp"

namespace ktk::sim {
namespace {

namespace ctl = client::controller;
using detail::gc_context;
using detail::gc_kind;

std::vector<std::string> owner_uids(const core::object& o) {
  std::vector<std::string> out;
  for (const auto& r : o.owner_references_json()) {
    auto uid = r.find("uid");
    if (uid != r.end() && uid->is_string()) out.push_back(uid->get<std::string>());
  }
  return out;
}

void ensure_index(client::cache::shared_informer& inf) {
  for (const auto& n : inf.get_indexer().index_names()) {
    if (n == detail::gc_owner_index) return;
  }
  inf.add_indexers({{detail::gc_owner_index, owner_uids}});
}

// Queues what an event of one kind may have made collectable.
class gc_handler final : public ctl::handler {
 public:
  gc_handler(std::shared_ptr<gc_context> ctx, const gc_kind& kind) : ctx_(std::move(ctx)), kind_(kind) {}
  bool quick() const override { return true; }  // cache lookups only

  void create(const ctl::create_event& e, ctl::work_queue& q) override {
    if (e.object && ctx_->needs_attention(*e.object, true)) q.add(ctx_->request_for(kind_, *e.object));
  }

  void update(const ctl::update_event& e, ctl::work_queue& q) override {
    if (!e.object_new) return;
    const core::object& cur = *e.object_new;
    if (e.object_old && e.object_old->resource_version() == cur.resource_version()) return;  // a resync
    // Compared as JSON first: most updates (every status write) leave the references be.
    const bool refs_changed =
        !e.object_old || e.object_old->owner_references_json() != cur.owner_references_json();
    if (ctx_->needs_attention(cur, refs_changed)) q.add(ctx_->request_for(kind_, cur));
    if (!refs_changed) return;
    auto old_refs = e.object_old ? e.object_old->owner_references() : std::vector<core::owner_reference>{};
    auto new_refs = cur.owner_references();
    // A reference dropped or unblocked may be what a deleting owner waits for.
    for (const auto& ref : old_refs) {
      if (std::find(new_refs.begin(), new_refs.end(), ref) != new_refs.end()) continue;
      enqueue_waiting_owner(ref, cur.namespace_(), q);
    }
  }

  void delete_(const ctl::delete_event& e, ctl::work_queue& q) override {
    if (!e.object) return;
    const core::object& gone = *e.object;
    // Its dependents may now have no owner left.
    for (const auto& d : ctx_->dependents_of(gone.uid())) q.add(ctx_->request_for(*d.kind, *d.object));
    // Its owners may have been waiting for it.
    for (const auto& ref : gone.owner_references()) enqueue_waiting_owner(ref, gone.namespace_(), q);
  }

  void generic(const ctl::generic_event& e, ctl::work_queue& q) override {
    if (e.object) q.add(ctx_->request_for(kind_, *e.object));
  }

 private:
  void enqueue_waiting_owner(const core::owner_reference& ref, std::string_view ns, ctl::work_queue& q) const {
    auto owner = ctx_->cached_owner(ref, ns);
    if (owner && owner->uid() == ref.uid && detail::waits_for_dependents(*owner)) {
      q.add(ctx_->request_for(*ctx_->watched(ref), *owner));
    }
  }

  std::shared_ptr<gc_context> ctx_;
  const gc_kind& kind_;  // an element of ctx_->kinds, which never changes
};

class gc_reconciler final : public ctl::reconciler {
 public:
  explicit gc_reconciler(std::shared_ptr<gc_context> ctx) : ctx_(std::move(ctx)) {}

  ctl::outcome reconcile(const ctl::request& req, std::stop_token) override {
    auto [kind, key] = ctx_->parse(req);
    if (!kind) return ctl::terminal("garbage collector: no watched kind for work item " + req.str());
    auto obj = kind->informer->get_indexer().get_by_key(key.str());
    if (!obj) return ctl::done();  // gone; its delete event queued its dependents
    core::result<void> r;
    if (!obj->deletion_timestamp().empty()) {
      if (obj->has_finalizer(detail::orphan_finalizer)) {
        r = detail::process_orphan(*ctx_, *kind, *obj);
      } else if (obj->has_finalizer(detail::foreground_finalizer)) {
        r = detail::process_foreground(*ctx_, *kind, *obj);
      }
    } else {
      r = detail::attempt_to_delete(*ctx_, *kind, *obj);
    }
    if (!r) return r.error();
    return ctl::done();
  }

 private:
  std::shared_ptr<gc_context> ctx_;
};

}  // namespace

std::shared_ptr<ctl::controller> add_garbage_collector(ctl::manager& mgr, garbage_collector_options opts) {
  auto log = mgr.options().log;
  if (!log) log = [](const std::string& line) { std::cerr << line << '\n'; };
  auto ctx = std::shared_ptr<gc_context>(new gc_context{.writer = mgr.get_client(),
                                                        .api_reader = mgr.get_api_reader(),
                                                        .kinds = {}});
  const auto& mapper = mgr.get_api_reader().mapper();
  for (const auto& k : opts.kinds) {
    auto info = mapper.by_kind(k);
    if (!info) {
      log("garbage-collector: not watching " + k.str() + ": the server does not know it");
      continue;
    }
    bool dup = false;
    for (const auto& have : ctx->kinds) dup |= have.kind.group == k.group && have.kind.kind == k.kind;
    if (dup) continue;
    auto inf = mgr.get_cache().informer_for(k);
    ensure_index(*inf);
    ctx->kinds.push_back({.kind = k,
                          .namespaced = info->namespaced,
                          .token = k.group.empty() ? k.kind : k.kind + "." + k.group,
                          .informer = std::move(inf)});
  }
  ctl::builder b(mgr);
  b.named("garbage-collector")
      .with_options({.name = "garbage-collector", .max_concurrent_reconciles = std::max(1, opts.workers)});
  for (const auto& k : ctx->kinds) b.watches(k.kind, std::make_shared<gc_handler>(ctx, k));
  return b.complete(std::make_shared<gc_reconciler>(ctx));
}

}  // namespace ktk::sim
