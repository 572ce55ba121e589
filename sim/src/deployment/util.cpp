#include "deployment/util.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

namespace ktk::sim::deployment_detail {
namespace {

constexpr std::int32_t max_int32 = std::numeric_limits<std::int32_t>::max();

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::int32_t clamp32(std::int64_t v) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, std::numeric_limits<std::int32_t>::min(), max_int32));
}

const core::json* rolling_field(const core::object& d, std::string_view field) {
  const core::json* ru = d.at_path("spec.strategy.rollingUpdate");
  if (!ru || !ru->is_object()) return nullptr;
  auto it = ru->find(field);
  return it == ru->end() ? nullptr : &*it;
}

core::clock::time_point created_at(const core::object& o) {
  return core::parse_rfc3339(o.creation_timestamp()).value_or(core::clock::time_point{});
}

std::string_view str_field(const core::json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

}  // namespace

std::int64_t int_at(const core::object& o, std::string_view path, std::int64_t def) {
  const core::json* v = o.at_path(path);
  if (!v || !v->is_number_integer()) return def;
  return v->get<std::int64_t>();
}

std::int32_t spec_replicas(const core::object& o) { return clamp32(int_at(o, "spec.replicas", 1)); }

std::int32_t status_int(const core::object& o, std::string_view field) {
  const core::json* st = o.field("status");
  if (!st || !st->is_object()) return 0;
  auto it = st->find(field);
  if (it == st->end() || !it->is_number_integer()) return 0;
  return clamp32(it->get<std::int64_t>());
}

bool is_recreate(const core::object& d) {
  const core::json* t = d.at_path("spec.strategy.type");
  return t && t->is_string() && t->get_ref<const std::string&>() == "Recreate";
}

bool is_rolling_update(const core::object& d) { return !is_recreate(d); }

bool is_paused(const core::object& d) {
  const core::json* p = d.at_path("spec.paused");
  return p && p->is_boolean() && p->get<bool>();
}

std::int32_t min_ready_seconds(const core::object& d) { return clamp32(int_at(d, "spec.minReadySeconds", 0)); }

std::optional<std::int32_t> revision_history_limit(const core::object& d) {
  auto v = clamp32(int_at(d, "spec.revisionHistoryLimit", 10));
  if (v == max_int32) return std::nullopt;
  return v;
}

std::optional<std::int32_t> progress_deadline_seconds(const core::object& d) {
  auto v = clamp32(int_at(d, "spec.progressDeadlineSeconds", 600));
  if (v == max_int32) return std::nullopt;
  return v;
}

core::json status_copy(const core::object& o) {
  const core::json* st = o.field("status");
  return st && st->is_object() ? *st : core::json::object();
}

const core::json& pod_template(const core::object& o) {
  static const core::json null_json;
  const core::json* t = o.at_path("spec.template");
  return t ? *t : null_json;
}

std::optional<std::int32_t> scaled_value(const core::json* v, std::int32_t total, bool round_up) {
  if (!v || v->is_null()) return 0;
  if (v->is_number_integer()) return clamp32(v->get<std::int64_t>());
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->get_ref<const std::string&>();
  if (s.empty() || s.back() != '%') return std::nullopt;
  auto pct = parse_int(s.substr(0, s.size() - 1));
  if (!pct) return std::nullopt;
  std::int64_t prod = *pct * static_cast<std::int64_t>(total);
  // ceil / floor of prod / 100 for either sign.
  std::int64_t q = prod / 100, r = prod % 100;
  if (r != 0 && round_up && prod > 0) ++q;
  if (r != 0 && !round_up && prod < 0) --q;
  return clamp32(q);
}

fenceposts resolve_fenceposts(const core::object& d) {
  static const core::json quarter = "25%";
  const core::json* surge_v = rolling_field(d, "maxSurge");
  const core::json* unav_v = rolling_field(d, "maxUnavailable");
  std::int32_t replicas = spec_replicas(d);
  // An invalid value counts as 0, as kube ignores the error (validation rejects it).
  fenceposts f{.surge = scaled_value(surge_v ? surge_v : &quarter, replicas, true).value_or(0),
               .unavailable = scaled_value(unav_v ? unav_v : &quarter, replicas, false).value_or(0)};
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

std::int32_t max_surge(const core::object& d) {
  if (!is_rolling_update(d)) return 0;
  return resolve_fenceposts(d).surge;
}

std::int32_t max_unavailable(const core::object& d) {
  std::int32_t replicas = spec_replicas(d);
  if (!is_rolling_update(d) || replicas == 0) return 0;
  return std::min(resolve_fenceposts(d).unavailable, replicas);
}

std::int32_t new_rs_new_replicas(const core::object& d, const rs_list& all, const core::object& new_rs) {
  std::int32_t replicas = spec_replicas(d);
  if (is_recreate(d)) return replicas;
  std::int32_t current = sum_spec_replicas(all);
  std::int32_t max_total = replicas + max_surge(d);
  std::int32_t now = spec_replicas(new_rs);
  if (current >= max_total) return now;
  return now + std::min(max_total - current, replicas - now);
}

std::int32_t sum_spec_replicas(const rs_list& rss) {
  std::int64_t n = 0;
  for (const auto& rs : rss) {
    if (rs) n += spec_replicas(*rs);
  }
  return clamp32(n);
}

std::int32_t sum_status(const rs_list& rss, std::string_view field) {
  std::int64_t n = 0;
  for (const auto& rs : rss) {
    if (rs) n += status_int(*rs, field);
  }
  return clamp32(n);
}

rs_list filter_active(const rs_list& rss) {
  rs_list out;
  for (const auto& rs : rss) {
    if (rs && spec_replicas(*rs) > 0) out.push_back(rs);
  }
  return out;
}

std::optional<std::int64_t> revision_of(const core::object& o) {
  auto a = o.annotation(revision_annotation);
  if (!a) return 0;
  return parse_int(*a);
}

std::int64_t max_revision(const rs_list& rss) {
  std::int64_t m = 0;
  for (const auto& rs : rss) {
    if (!rs) continue;
    if (auto v = revision_of(*rs); v && *v > m) m = *v;
  }
  return m;
}

std::int64_t last_revision(const rs_list& rss) {
  std::int64_t max = 0, second = 0;
  for (const auto& rs : rss) {
    if (!rs) continue;
    auto v = revision_of(*rs);
    if (!v) continue;
    if (*v >= max) {
      second = max;
      max = *v;
    } else if (*v > second) {
      second = *v;
    }
  }
  return second;
}

bool older(const core::object& a, const core::object& b) {
  auto ta = created_at(a), tb = created_at(b);
  if (ta != tb) return ta < tb;
  return a.name() < b.name();
}

void sort_by_creation(rs_list& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const auto& a, const auto& b) { return older(*a, *b); });
}

void sort_by_size_newer(rs_list& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const auto& a, const auto& b) {
    auto sa = spec_replicas(*a), sb = spec_replicas(*b);
    if (sa != sb) return sa > sb;
    return older(*b, *a);
  });
}

void sort_by_size_older(rs_list& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const auto& a, const auto& b) {
    auto sa = spec_replicas(*a), sb = spec_replicas(*b);
    if (sa != sb) return sa > sb;
    return older(*a, *b);
  });
}

void sort_by_revision(rs_list& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const auto& a, const auto& b) {
    auto ra = revision_of(*a), rb = revision_of(*b);
    if (!ra || !rb || *ra == *rb) return older(*a, *b);
    return *ra < *rb;
  });
}

namespace {

// What EqualIgnoreHash drops: labels that are null, or empty once the hash label is
// gone; metadata that is empty once such labels are gone.
bool labels_dropped(const core::json& labels) {
  if (labels.is_null()) return true;
  if (!labels.is_object()) return false;
  return labels.empty() || (labels.size() == 1 && labels.contains(hash_label));
}

bool metadata_dropped(const core::json& md) {
  if (!md.is_object()) return false;
  for (const auto& [k, v] : md.items()) {
    if (k != "labels" || !labels_dropped(v)) return false;
  }
  return true;
}

// Whether two objects have the same members, but for `skip` and for those `dropped`
// says are as good as absent; `same` compares the `skip` member (nullptr: absent).
template <class Dropped, class Same>
bool equal_except(const core::json& a, const core::json& b, std::string_view skip, Dropped dropped, Same same) {
  std::size_t na = 0, nb = 0;
  for (const auto& [k, v] : a.items()) {
    if (k == skip) continue;
    ++na;
    auto it = b.find(k);
    if (it == b.end() || *it != v) return false;
  }
  for (const auto& [k, v] : b.items()) nb += k == skip ? 0 : 1;
  if (na != nb) return false;
  auto ia = a.find(skip), ib = b.find(skip);
  const core::json* sa = ia == a.end() || dropped(*ia) ? nullptr : &*ia;
  const core::json* sb = ib == b.end() || dropped(*ib) ? nullptr : &*ib;
  if (!sa || !sb) return sa == sb;
  return same(*sa, *sb);
}

bool labels_equal(const core::json& a, const core::json& b) {
  if (!a.is_object() || !b.is_object()) return a == b;
  return equal_except(a, b, hash_label, [](const core::json&) { return true; },
                      [](const core::json&, const core::json&) { return true; });
}

bool metadata_equal(const core::json& a, const core::json& b) {
  if (!a.is_object() || !b.is_object()) return a == b;
  return equal_except(a, b, "labels", labels_dropped, labels_equal);
}

}  // namespace

// Compared in place, not on stripped copies: every sync of every Deployment compares
// its template with each of its ReplicaSets'.
bool equal_ignore_hash(const core::json& t1, const core::json& t2) {
  if (!t1.is_object() || !t2.is_object()) return t1 == t2;
  return equal_except(t1, t2, "metadata", metadata_dropped, metadata_equal);
}

bool skip_copy_annotation(std::string_view k) {
  return k == last_applied_annotation || k == revision_annotation || k == revision_history_annotation ||
         k == desired_replicas_annotation || k == max_replicas_annotation || k == rollback_to_annotation;
}

bool replicas_annotations_need_update(const core::object& rs, std::int32_t desired, std::int32_t max) {
  return rs.annotation(desired_replicas_annotation) != std::to_string(desired) ||
         rs.annotation(max_replicas_annotation) != std::to_string(max);
}

bool set_replicas_annotations(core::object& rs, std::int32_t desired, std::int32_t max) {
  if (!replicas_annotations_need_update(rs, desired, max)) return false;
  rs.set_annotation(desired_replicas_annotation, std::to_string(desired));
  rs.set_annotation(max_replicas_annotation, std::to_string(max));
  return true;
}

bool set_new_rs_annotations(const core::object& d, core::object& rs, std::int64_t new_revision, bool exists) {
  bool changed = false;
  const core::json& da = d.annotations_json();
  if (da.is_object()) {
    for (const auto& [k, v] : da.items()) {
      if (skip_copy_annotation(k) || !v.is_string()) continue;
      if (rs.annotation(k) == v.get_ref<const std::string&>()) continue;
      rs.set_annotation(k, v.get_ref<const std::string&>());
      changed = true;
    }
  }
  auto old_text = rs.annotation(revision_annotation);
  std::int64_t old_rev = 0;
  if (old_text) {
    auto p = parse_int(*old_text);
    if (!p) return changed;  // an unreadable revision is left alone, as kube does
    old_rev = *p;
  }
  if (old_rev < new_revision) {
    rs.set_annotation(revision_annotation, std::to_string(new_revision));
    changed = true;
    if (old_text) {
      // Rolling back to this ReplicaSet: remember the revisions it had.
      std::string history = rs.annotation(revision_history_annotation).value_or("");
      std::vector<std::string> parts;
      for (std::size_t start = 0; !history.empty() && start <= history.size();) {
        auto comma = history.find(',', start);
        if (comma == std::string::npos) comma = history.size();
        parts.push_back(history.substr(start, comma - start));
        start = comma + 1;
      }
      parts.push_back(*old_text);
      std::size_t total = 0;
      for (const auto& p : parts) total += p.size() + 1;
      std::size_t first = 0;
      while (total - 1 > max_revision_history_chars && first + 1 < parts.size()) total -= parts[first++].size() + 1;
      if (total - 1 <= max_revision_history_chars) {
        std::string joined;
        for (std::size_t i = first; i < parts.size(); ++i) joined += (joined.empty() ? "" : ",") + parts[i];
        rs.set_annotation(revision_history_annotation, joined);
      }
    }
  }
  if (!exists && set_replicas_annotations(rs, spec_replicas(d), spec_replicas(d) + max_surge(d))) changed = true;
  return changed;
}

std::optional<std::int32_t> desired_replicas_annotation_of(const core::object& rs) {
  auto a = rs.annotation(desired_replicas_annotation);
  if (!a) return std::nullopt;
  auto v = parse_int(*a);
  if (!v || *v < std::numeric_limits<std::int32_t>::min() || *v > max_int32) return std::nullopt;
  return static_cast<std::int32_t>(*v);
}

std::optional<std::int32_t> max_replicas_annotation_of(const core::object& rs) {
  auto a = rs.annotation(max_replicas_annotation);
  if (!a) return std::nullopt;
  auto v = parse_int(*a);
  if (!v || *v < std::numeric_limits<std::int32_t>::min() || *v > max_int32) return std::nullopt;
  return static_cast<std::int32_t>(*v);
}

const core::json* find_condition(const core::json& status, std::string_view type) {
  if (!status.is_object()) return nullptr;
  auto conds = status.find("conditions");
  if (conds == status.end() || !conds->is_array()) return nullptr;
  for (const auto& c : *conds) {
    if (str_field(c, "type") == type) return &c;
  }
  return nullptr;
}

core::json new_condition(std::string_view type, std::string_view status, std::string_view reason,
                         std::string_view message, core::clock::time_point now) {
  std::string t = core::format_rfc3339(now);
  return core::json{{"type", type},           {"status", status},          {"reason", reason},
                    {"message", message},     {"lastUpdateTime", t},       {"lastTransitionTime", t}};
}

void set_condition(core::json& status, core::json cond) {
  if (!status.is_object()) status = core::json::object();
  std::string_view type = str_field(cond, "type");
  if (const core::json* cur = find_condition(status, type)) {
    if (str_field(*cur, "status") == str_field(cond, "status")) {
      if (str_field(*cur, "reason") == str_field(cond, "reason")) return;
      if (auto it = cur->find("lastTransitionTime"); it != cur->end()) cond["lastTransitionTime"] = *it;
    }
  }
  remove_condition(status, type);
  status["conditions"].push_back(std::move(cond));
}

void remove_condition(core::json& status, std::string_view type) {
  if (!status.is_object()) return;
  auto conds = status.find("conditions");
  if (conds == status.end() || !conds->is_array()) {
    status["conditions"] = core::json::array();
    return;
  }
  core::json kept = core::json::array();
  for (auto& c : *conds) {
    if (str_field(c, "type") != type) kept.push_back(std::move(c));
  }
  *conds = std::move(kept);
}

}  // namespace ktk::sim::deployment_detail
