// kube's sync.go: finding (or creating) the new ReplicaSet and syncing revisions,
// scaling events and proportional scaling, paused conditions, history cleanup.
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "deployment/reconciler.hpp"
#include "ktk/core/field_error.hpp"
#include "ktk/sim/deployment_controller.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim::deployment_detail {

namespace {

// kube's FindActiveOrLatest: the only active ReplicaSet, or the newest when none is.
core::object_ptr find_active_or_latest(const core::object_ptr& new_rs, rs_list old) {
  if (!new_rs && old.empty()) return nullptr;
  sort_by_creation(old);
  std::reverse(old.begin(), old.end());
  rs_list all = old;
  if (new_rs) all.push_back(new_rs);
  auto active = filter_active(all);
  if (active.empty()) return new_rs ? new_rs : old.front();
  if (active.size() == 1) return active.front();
  return nullptr;
}

// The new ReplicaSet runs everything the Deployment wants, and it is all available.
bool is_saturated(const core::object& d, const core::object_ptr& rs) {
  if (!rs) return false;
  auto desired = desired_replicas_annotation_of(*rs);
  if (!desired) return false;
  std::int32_t want = spec_replicas(d);
  return spec_replicas(*rs) == want && *desired == want && status_int(*rs, "availableReplicas") == want;
}

// kube's getReplicaSetFraction: rs's share of the new size, from the Deployment size
// it was scaled for (its max-replicas annotation), minus its current size.
std::int32_t rs_fraction(const core::object& rs, const core::object& d) {
  if (spec_replicas(d) == 0) return -spec_replicas(rs);
  std::int32_t max_now = spec_replicas(d) + max_surge(d);
  auto before = max_replicas_annotation_of(rs);
  std::int32_t max_before = before.value_or(0);
  if (max_before == 0) {
    max_before = status_int(d, "replicas");  // scaled by hand: the size the Deployment has
    if (max_before == 0) return 0;
  }
  double size = static_cast<double>(spec_replicas(rs)) * max_now / max_before;
  return static_cast<std::int32_t>(std::lround(size)) - spec_replicas(rs);
}

std::int32_t rs_proportion(const core::object& rs, const core::object& d, std::int32_t to_add, std::int32_t added) {
  if (spec_replicas(rs) == 0 || to_add == 0 || to_add == added) return 0;
  std::int32_t fraction = rs_fraction(rs, d);
  std::int32_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

}  // namespace

core::object_ptr find_new_rs(const core::object& d, const rs_list& rss) {
  rs_list sorted = rss;
  sort_by_creation(sorted);
  for (const auto& rs : sorted) {
    if (equal_ignore_hash(pod_template(*rs), pod_template(d))) return rs;
  }
  return nullptr;
}

result<rs_split> deployment_reconciler::get_all_and_sync_revision(sync_state& s, const rs_list& rss, bool create) {
  rs_split split;
  auto existing = find_new_rs(s.d, rss);
  for (const auto& rs : rss) {
    if (!existing || rs->uid() != existing->uid()) split.old.push_back(rs);
  }
  auto n = get_new_rs(s, rss, split.old, create);
  if (!n) return n.error();
  split.new_rs = *n;
  return split;
}

result<core::object_ptr> deployment_reconciler::get_new_rs(sync_state& s, const rs_list& rss, const rs_list& old,
                                                           bool create) {
  auto existing = find_new_rs(s.d, rss);
  std::int64_t revision = max_revision(old) + 1;
  if (!existing) {
    if (!create) return core::object_ptr{};
    return create_new_rs(s, old, revision);
  }
  // Most syncs change nothing here: find out on the annotations alone before copying
  // the whole ReplicaSet.
  core::object probe(core::json{{"metadata", {{"annotations", existing->annotations_json()}}}});
  bool annotations = set_new_rs_annotations(s.d, probe, revision, true);
  bool min_ready = int_at(*existing, "spec.minReadySeconds") != min_ready_seconds(s.d);
  if (annotations || min_ready) {
    core::object copy = *existing;
    set_new_rs_annotations(s.d, copy, revision, true);
    copy.data()["spec"]["minReadySeconds"] = min_ready_seconds(s.d);
    auto u = client_.update(std::move(copy));
    if (!u) return u.error();
    return *u;
  }
  // The ReplicaSet's revision is the reliable one: the Deployment copies it.
  if (auto r = write_revision(s, existing->annotation(revision_annotation).value_or("")); !r) return r.error();
  if (progress_deadline_seconds(s.d) && !find_condition(status_copy(s.d), cond_progressing)) {
    core::json st = status_copy(s.d);
    set_condition(st, new_condition(cond_progressing, "True", reason_found_new_rs,
                                    "Found new replica set " + core::quote(std::string(existing->name())), s.now));
    set_status(s, st);
  }
  return existing;
}

result<core::object_ptr> deployment_reconciler::create_new_rs(sync_state& s, const rs_list& old,
                                                              std::int64_t revision) {
  const core::json* cc = s.d.at_path("status.collisionCount");
  std::optional<std::int32_t> collisions;
  if (cc && cc->is_number_integer()) collisions = cc->get<std::int32_t>();
  std::string hash = pod_template_hash(pod_template(s.d), collisions);

  core::json tmpl = pod_template(s.d);
  tmpl["metadata"]["labels"][std::string(hash_label)] = hash;
  const core::json* dsel = s.d.at_path("spec.selector");
  core::json selector = dsel ? *dsel : core::json::object();
  selector["matchLabels"][std::string(hash_label)] = hash;

  core::object rs("apps/v1", "ReplicaSet");
  rs.set_namespace(s.d.namespace_());
  rs.set_name(std::string(s.d.name()) + "-" + hash);
  rs.metadata()["labels"] = tmpl["metadata"]["labels"];
  rs.set_owner_references({{.api_version = "apps/v1",
                            .kind = "Deployment",
                            .name = std::string(s.d.name()),
                            .uid = std::string(s.d.uid()),
                            .controller = true,
                            .block_owner_deletion = true}});
  rs.data()["spec"] = {{"replicas", 0}, {"minReadySeconds", min_ready_seconds(s.d)}, {"selector", selector},
                       {"template", tmpl}};
  rs_list all = old;
  all.push_back(core::make_object_ptr(core::object(rs)));
  std::int32_t replicas = new_rs_new_replicas(s.d, all, rs);
  rs.data()["spec"]["replicas"] = replicas;
  set_new_rs_annotations(s.d, rs, revision, false);

  core::json st = status_copy(s.d);
  bool already = false;
  auto created = client_.create(core::object(rs));
  core::object_ptr result_rs;
  if (created) {
    result_rs = *created;
  } else if (core::is_already_exists(created.error())) {
    // A stale cache, or a hash collision with a ReplicaSet that is not ours to take.
    auto found = mgr_.get_api_reader().get(replicaset_kind, rs.key());
    if (!found) return found.error();
    auto ref = (*found)->controller_ref();
    if (ref && ref->uid == s.d.uid() && equal_ignore_hash(pod_template(s.d), pod_template(**found))) {
      result_rs = *found;
      already = true;
    } else {
      st["collisionCount"] = collisions.value_or(0) + 1;
      set_status(s, st);  // the next sync retries with the new count
      return created.error();
    }
  } else {
    if (progress_deadline_seconds(s.d)) {
      set_condition(st, new_condition(cond_progressing, "False", reason_rs_create_error,
                                      "Failed to create new replica set " + core::quote(std::string(rs.name())) + ": " +
                                          created.error().message(),
                                      s.now));
      set_status(s, st);
    }
    return created.error();
  }
  if (auto r = write_revision(s, std::to_string(revision)); !r) return r.error();
  if (!already && progress_deadline_seconds(s.d)) {
    st = status_copy(s.d);
    set_condition(st, new_condition(cond_progressing, "True", reason_new_rs_created,
                                    "Created new replica set " + core::quote(std::string(result_rs->name())), s.now));
    set_status(s, st);
  }
  return result_rs;
}

result<std::pair<bool, core::object_ptr>> deployment_reconciler::scale_rs_and_record(sync_state& s,
                                                                                     const core::object_ptr& rs,
                                                                                     std::int32_t n) {
  if (spec_replicas(*rs) == n) return std::pair{false, rs};
  return scale_replica_set(s, rs, n);
}

result<std::pair<bool, core::object_ptr>> deployment_reconciler::scale_replica_set(sync_state& s,
                                                                                   const core::object_ptr& rs,
                                                                                   std::int32_t n) {
  std::int32_t desired = spec_replicas(s.d), max = desired + max_surge(s.d);
  bool size = spec_replicas(*rs) != n;
  if (!size && !replicas_annotations_need_update(*rs, desired, max)) return std::pair{false, rs};
  core::object copy = *rs;
  copy.data()["spec"]["replicas"] = n;
  set_replicas_annotations(copy, desired, max);
  auto u = client_.update(std::move(copy));
  if (!u) return u.error();
  return std::pair{size, *u};
}

result<void> deployment_reconciler::scale(sync_state& s, const core::object_ptr& new_rs, rs_list old) {
  std::int32_t replicas = spec_replicas(s.d);
  if (auto one = find_active_or_latest(new_rs, old)) {
    if (spec_replicas(*one) == replicas) return {};
    auto r = scale_rs_and_record(s, one, replicas);
    if (!r) return r.error();
    return {};
  }
  if (is_saturated(s.d, new_rs)) {
    for (const auto& rs : filter_active(old)) {
      if (auto r = scale_rs_and_record(s, rs, 0); !r) return r.error();
    }
    return {};
  }
  if (!is_rolling_update(s.d)) return {};

  // Several active ReplicaSets and the Deployment resized mid-rollout: share the
  // difference out in proportion to their sizes (kube's proportional scaling).
  rs_list all = old;
  if (new_rs) all.push_back(new_rs);
  all = filter_active(all);
  std::int32_t allowed = replicas > 0 ? replicas + max_surge(s.d) : 0;
  std::int32_t to_add = allowed - sum_spec_replicas(all);
  if (to_add > 0) sort_by_size_newer(all);
  if (to_add < 0) sort_by_size_older(all);
  std::int32_t added = 0;
  std::vector<std::int32_t> sizes;
  for (const auto& rs : all) {
    std::int32_t p = to_add != 0 ? rs_proportion(*rs, s.d, to_add, added) : 0;
    sizes.push_back(spec_replicas(*rs) + p);
    added += p;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i == 0 && to_add != 0) sizes[0] = std::max(0, sizes[0] + to_add - added);  // leftovers to the largest
    if (auto r = scale_replica_set(s, all[i], sizes[i]); !r) return r.error();
  }
  return {};
}

result<void> deployment_reconciler::sync(sync_state& s, const rs_list& rss) {
  auto split = get_all_and_sync_revision(s, rss, false);
  if (!split) return split.error();
  if (auto r = scale(s, split->new_rs, split->old); !r) return r;
  if (auto r = cleanup(s, split->old); !r) return r;
  return sync_deployment_status(s, split->all(), split->new_rs);
}

result<bool> deployment_reconciler::is_scaling_event(sync_state& s, rs_list& rss) {
  auto split = get_all_and_sync_revision(s, rss, false);
  if (!split) return split.error();
  if (split->new_rs) {
    for (auto& rs : rss) {
      if (rs->uid() == split->new_rs->uid()) rs = split->new_rs;
    }
  }
  for (const auto& rs : filter_active(split->all())) {
    auto desired = desired_replicas_annotation_of(*rs);
    if (desired && *desired != spec_replicas(s.d)) return true;
  }
  return false;
}

result<void> deployment_reconciler::check_paused_conditions(sync_state& s) {
  if (!progress_deadline_seconds(s.d)) return {};
  core::json st = status_copy(s.d);
  const core::json* cond = find_condition(st, cond_progressing);
  std::string reason = cond && cond->contains("reason") ? cond->value("reason", "") : "";
  if (reason == reason_timed_out) return {};  // keep reporting the lack of progress
  bool paused_cond = reason == reason_paused;
  if (is_paused(s.d) && !paused_cond) {
    set_condition(st, new_condition(cond_progressing, "Unknown", reason_paused, "Deployment is paused", s.now));
  } else if (!is_paused(s.d) && paused_cond) {
    set_condition(st, new_condition(cond_progressing, "Unknown", reason_resumed, "Deployment is resumed", s.now));
  } else {
    return {};
  }
  set_status(s, st);
  return {};
}

result<void> deployment_reconciler::cleanup(sync_state& s, const rs_list& old) {
  auto limit = revision_history_limit(s.d);
  if (!limit) return {};
  rs_list alive;
  for (const auto& rs : old) {
    if (rs->deletion_timestamp().empty()) alive.push_back(rs);
  }
  std::int64_t diff = static_cast<std::int64_t>(alive.size()) - *limit;
  if (diff <= 0) return {};
  sort_by_revision(alive);
  for (std::int64_t i = 0; i < diff; ++i) {
    const auto& rs = alive[static_cast<std::size_t>(i)];
    // Only ReplicaSets that are empty and whose controller has seen that.
    if (status_int(*rs, "replicas") != 0 || spec_replicas(*rs) != 0 ||
        rs->generation() > int_at(*rs, "status.observedGeneration")) {
      continue;
    }
    auto r = client_.remove(replicaset_kind, rs->key(), {.precondition_uid = std::string(rs->uid())});
    if (!r && !core::is_not_found(r.error())) return r.error();
  }
  return {};
}

}  // namespace ktk::sim::deployment_detail
