#include "kubelet/timing.hpp"

#include <stdexcept>

namespace ktk::sim::detail {

std::uint64_t stable_hash(std::uint64_t seed, std::initializer_list<std::string_view> parts) {
  std::uint64_t h = 1469598103934665603ULL ^ seed;
  for (std::string_view p : parts) {
    for (unsigned char c : p) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // a separator, so ("ab","c") and ("a","bc") differ
    h *= 1099511628211ULL;
  }
  h += 0x9e3779b97f4a7c15ULL;  // splitmix64's finish spreads the low bits
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::string hex64(std::uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 15];
  return out;
}

timing_table::timing_table(const std::vector<pod_timing>& timings, pod_timing fallback)
    : fallback_(std::move(fallback)) {
  for (const auto& t : timings) {
    auto sel = core::label_selector::parse(t.selector);
    if (!sel) throw std::invalid_argument("kubelet timing selector " + t.selector + ": " + sel.error().message());
    entries_.emplace_back(std::move(*sel), t);
  }
}

const pod_timing& timing_table::for_labels(const core::json& labels) const {
  for (const auto& [sel, t] : entries_)
    if (sel.matches(labels)) return t;
  return fallback_;
}

std::chrono::milliseconds jitter(const pod_timing& t, std::uint64_t seed, const core::object& pod, std::string_view what,
                                 std::int64_t restart) {
  if (t.jitter.count() <= 0) return std::chrono::milliseconds(0);
  std::string r = std::to_string(restart);
  std::uint64_t h = stable_hash(seed, {pod.namespace_(), pod.name(), what, r});
  return std::chrono::milliseconds(static_cast<std::int64_t>(h % static_cast<std::uint64_t>(t.jitter.count())));
}

}  // namespace ktk::sim::detail
