#include "replicaset/expectations.hpp"

namespace ktk::sim::detail {

void expectations::expect_creations(const std::string& key, std::string_view uid, int adds,
                                    core::clock::time_point now) {
  std::lock_guard lock(mu_);
  records_[key] = record{.uid = std::string(uid), .adds = adds, .dels = 0, .deleting = {}, .stamp = now};
}

void expectations::expect_deletions(const std::string& key, std::string_view uid,
                                    const std::vector<std::string>& pod_keys, core::clock::time_point now) {
  std::lock_guard lock(mu_);
  record r{.uid = std::string(uid), .adds = 0, .dels = 0, .deleting = {}, .stamp = now};
  r.deleting.insert(pod_keys.begin(), pod_keys.end());
  r.dels = static_cast<std::int64_t>(r.deleting.size());
  records_[key] = std::move(r);
}

void expectations::creation_observed(const std::string& key, std::string_view uid) {
  std::lock_guard lock(mu_);
  auto it = records_.find(key);
  if (it == records_.end() || it->second.uid != uid) return;
  --it->second.adds;
}

void expectations::deletion_observed(const std::string& key, std::string_view uid, std::string_view pod_key) {
  std::lock_guard lock(mu_);
  auto it = records_.find(key);
  if (it == records_.end() || it->second.uid != uid) return;
  auto d = it->second.deleting.find(std::string(pod_key));
  if (d == it->second.deleting.end()) return;
  it->second.deleting.erase(d);
  --it->second.dels;
}

expectations::state expectations::check(const std::string& key, std::string_view uid, core::clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = records_.find(key);
  if (it == records_.end()) return {};
  const record& r = it->second;
  if (r.uid != uid) {
    records_.erase(it);
    return {};
  }
  if (r.adds <= 0 && r.dels <= 0) return {};
  const auto expiry = r.stamp + expectations_timeout;
  if (now >= expiry) return {};
  return {.satisfied = false, .expires_in = expiry - now};
}

void expectations::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  records_.erase(key);
}

std::size_t expectations::size() const {
  std::lock_guard lock(mu_);
  return records_.size();
}

}  // namespace ktk::sim::detail
