#include "shard_list.hpp"

#include <algorithm>
#include <map>

namespace ktk::apiserver::storage::detail {
namespace {

// The object a key held at a past revision; null when it did not exist.
using override_map = std::map<object_key, object_ptr>;

// The first entry of `m` in the listed range: after start_after, and not before the
// namespace when one is given.
template <class Map>
typename Map::const_iterator first_in_range(const Map& m, const list_options& o) {
  auto it = o.start_after ? m.upper_bound(*o.start_after) : m.begin();
  if (!o.namespace_.empty() && it != m.end() && it->first.namespace_ < o.namespace_) {
    it = m.lower_bound(object_key{o.namespace_, ""});
  }
  return it;
}

const object_ptr& value_of(const object_map::value_type& v) { return v.second.obj; }
const object_ptr& value_of(const override_map::value_type& v) { return v.second; }

}  // namespace

list_result list_locked(const shard& sh, const list_options& o, revision at) {
  override_map past;
  // Walking newest to oldest leaves each key with its state before the first event
  // after `at`.
  auto first_newer = sh.after(at);
  for (auto it = sh.ring.end(); it != first_newer;) {
    --it;
    past[it->key] = it->ev->prev;
  }

  list_result out;
  out.rev = at;
  const auto limit = o.limit > 0 ? static_cast<std::size_t>(o.limit) : 0;
  auto cur = first_in_range(sh.objects, o);
  auto old = first_in_range(past, o);
  while (cur != sh.objects.end() || old != past.end()) {
    const object_key* key;
    const object_ptr* value;
    if (old == past.end() || (cur != sh.objects.end() && cur->first < old->first)) {
      key = &cur->first;
      value = &value_of(*cur++);
    } else {
      if (cur != sh.objects.end() && cur->first == old->first) ++cur;
      key = &old->first;
      value = &value_of(*old++);
    }
    if (!o.namespace_.empty() && key->namespace_ != o.namespace_) break;
    if (!*value) continue;
    if (o.predicate && !o.predicate(**value)) continue;
    if (limit == 0 || out.items.size() < limit) {
      out.items.push_back(*value);
      if (limit != 0 && out.items.size() == limit) out.continue_after = *key;
      continue;
    }
    // The page is full and something follows. Paging through N items must stay
    // O(N) in all, not O(N) per page: count the rest only when nothing told us.
    if (o.predicate) {
      out.remaining = -1;
      break;
    }
    if (o.remaining_after_start) {
      out.remaining = std::max<std::int64_t>(*o.remaining_after_start - static_cast<std::int64_t>(limit), 1);
      break;
    }
    ++out.remaining;
  }
  if (out.remaining == 0) out.continue_after.reset();
  return out;
}

}  // namespace ktk::apiserver::storage::detail
