#include "kubelet/kubelet_state.hpp"

#include <charconv>
#include <stdexcept>

namespace ktk::sim::detail {

kubelet_state::kubelet_state(kubelet_options opts, core::clock& clk)
    : opts_(std::move(opts)), clock_(clk), timings_(opts_.timings, opts_.default_timing) {
  auto net = parse_cidr(opts_.pod_cidr);
  if (!net) throw std::invalid_argument("kubelet pod_cidr " + opts_.pod_cidr + " is not an IPv4 CIDR");
  // Nodes past the CIDR's room go on past its end (10.244.0.0/16: the 257th Node gets
  // 10.245.0.0/24), so that a large simulation still has unique addresses; only the
  // end of the IPv4 space stops it.
  if (net->prefix > 24 || net->base / 256 + opts_.nodes.size() > (std::uint64_t{1} << 24))
    throw std::invalid_argument("kubelet pod_cidr " + opts_.pod_cidr + " has no room for " +
                                std::to_string(opts_.nodes.size()) + " /24 node subnets");
  for (std::size_t i = 0; i < opts_.nodes.size(); ++i) {
    const node_spec& spec = opts_.nodes[i];
    if (spec.name.empty() || !names_.insert(spec.name).second)
      throw std::invalid_argument("kubelet node names must be unique and not empty: \"" + spec.name + "\"");
    node_state n;
    n.spec = spec;
    n.index = i;
    std::uint32_t sub = node_subnet(*net, i);
    n.ip = format_ipv4(sub + 1);
    n.pod_cidr = format_ipv4(sub) + "/24";
    n.pool = ip_pool(sub);
    nodes_.emplace(spec.name, std::move(n));
  }
}

namespace {

std::uint64_t revision(std::string_view rv) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), v);
  return ec == std::errc() && p == rv.data() + rv.size() ? v : 0;
}

}  // namespace

pod_memory kubelet_state::recall_pod(const std::string& key, std::string_view uid, std::string_view cached_rv) {
  std::lock_guard lock(mu_);
  pod_memory& m = pods_[key];
  if (m.uid != uid) {
    if (!m.uid.empty()) {
      if (auto n = nodes_.find(m.node); n != nodes_.end()) n->second.pool.release(key);
      m = pod_memory{};
    }
    m.uid = std::string(uid);
  }
  if (m.written && revision(m.written->resource_version()) <= revision(cached_rv)) m.written.reset();
  return m;
}

void kubelet_state::forget_pod(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  if (it == pods_.end()) return;
  if (auto n = nodes_.find(it->second.node); n != nodes_.end()) n->second.pool.release(key);
  pods_.erase(it);
}

void kubelet_state::release_ip(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  if (it == pods_.end()) return;
  if (auto n = nodes_.find(it->second.node); n != nodes_.end()) n->second.pool.release(key);
}

std::string kubelet_state::acquire_ip(const std::string& node, const std::string& key,
                                      const std::function<std::vector<std::pair<std::string, std::string>>()>& held) {
  std::lock_guard lock(mu_);
  auto n = nodes_.find(node);
  if (n == nodes_.end()) return {};
  if (!n->second.pool_loaded) {
    for (const auto& [k, ip] : held()) {
      n->second.pool.hold(k, ip);
      pods_[k].node = node;  // so that forgetting it gives the address back
    }
    n->second.pool_loaded = true;
  }
  pods_[key].node = node;
  return n->second.pool.acquire(key);
}

}  // namespace ktk::sim::detail
