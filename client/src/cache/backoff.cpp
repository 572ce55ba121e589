// backoff.cpp — exponential backoff with jitter and reset (client-go's
// wait.Backoff.DelayWithReset).
#include "ktk/client/cache/backoff.hpp"

#include <algorithm>

namespace ktk::client::cache {

backoff::backoff(backoff_options opts)
    : opts_(opts),
      clock_(opts.clock ? opts.clock : &core::real_clock::instance()),
      rng_(opts.seed ? opts.seed : std::random_device{}()) {}

std::chrono::nanoseconds backoff::next() {
  using std::chrono::nanoseconds;
  auto now = clock_->now();
  if (step_ == nanoseconds{0} || now - last_ >= opts_.reset_after) {
    step_ = opts_.initial;
  } else {
    auto grown = nanoseconds(static_cast<nanoseconds::rep>(static_cast<double>(step_.count()) * opts_.factor));
    step_ = std::min<nanoseconds>(grown, opts_.max);
  }
  last_ = now;
  auto d = step_;
  if (opts_.jitter > 0) {
    std::uniform_real_distribution<double> u(0.0, opts_.jitter);
    d += nanoseconds(static_cast<nanoseconds::rep>(static_cast<double>(step_.count()) * u(rng_)));
  }
  return d;
}

bool backoff::wait(std::stop_token stop) {
  auto d = next();
  return clock_->sleep_until(clock_->now() + std::chrono::duration_cast<core::clock::duration>(d), stop);
}

}  // namespace ktk::client::cache
