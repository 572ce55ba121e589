#include "ktk/client/flowcontrol/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace ktk::client::flowcontrol {

token_bucket::token_bucket(token_bucket_options opts)
    : qps_(opts.qps),
      burst_(std::max(1, opts.burst)),
      clock_(opts.clock ? *opts.clock : core::real_clock::instance()),
      tokens_(burst_),
      last_(clock_.now()) {}

void token_bucket::refill(core::clock::time_point now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

bool token_bucket::try_accept() {
  if (qps_ <= 0) return true;
  std::lock_guard lock(mu_);
  refill(clock_.now());
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

std::chrono::nanoseconds token_bucket::reserve() {
  if (qps_ <= 0) return std::chrono::nanoseconds{0};
  std::lock_guard lock(mu_);
  refill(clock_.now());
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(-tokens_ / qps_ * 1e9)));
}

bool token_bucket::accept(std::stop_token stop) {
  auto wait = reserve();
  if (wait <= std::chrono::nanoseconds{0}) return !stop.stop_requested();
  return clock_.sleep_until(clock_.now() + std::chrono::duration_cast<core::clock::duration>(wait), stop);
}

}  // namespace ktk::client::flowcontrol
