#include "ktk/client/workqueue/rate_limiter.hpp"

#include <cstdint>
#include <limits>

namespace ktk::client::workqueue {

std::chrono::nanoseconds exponential_backoff(std::chrono::nanoseconds base, std::chrono::nanoseconds max,
                                             int failures) {
  if (base <= std::chrono::nanoseconds::zero() || failures <= 0) return std::min(base, max);
  // base << failures overflows int64 once it would pass INT64_MAX; client-go answers
  // max then, as it does when the result is merely larger than max.
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max();
  if (failures >= 63 || base.count() > (limit >> failures)) return max;
  return std::min(std::chrono::nanoseconds(base.count() << failures), max);
}

}  // namespace ktk::client::workqueue
