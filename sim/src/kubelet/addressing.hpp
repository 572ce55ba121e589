// addressing.hpp — the kubelet simulator's IPv4 plan: each Node a /24 of pod_cidr, in
// order; the Node's InternalIP is .1 of it, its Pods get .2 to .254.
//
//   auto net = ktk::sim::detail::parse_cidr("10.244.0.0/16");      // nullopt when malformed
//   std::uint32_t sub = node_subnet(*net, 3);                       // 10.244.3.0
//   ip_pool pool(sub);  pool.acquire("default/web-0");              // "10.244.3.2"
//
// Plain values; ip_pool is not thread-safe (the kubelet state guards it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ktk::sim::detail {

struct ipv4_net {
  std::uint32_t base = 0;
  int prefix = 0;
  // How many /24 subnets it holds (0 when the prefix is longer than 24).
  std::uint64_t subnets() const { return prefix > 24 ? 0 : std::uint64_t{1} << (24 - prefix); }
};

// "a.b.c.d/p"; the host bits are cleared.
std::optional<ipv4_net> parse_cidr(std::string_view s);
std::optional<std::uint32_t> parse_ipv4(std::string_view s);
std::string format_ipv4(std::uint32_t ip);
// The index-th /24 from net's start (past net's end when index >= net.subnets()).
std::uint32_t node_subnet(const ipv4_net& net, std::size_t index);

// The Pod addresses of one Node's /24.
class ip_pool {
 public:
  explicit ip_pool(std::uint32_t subnet = 0) : subnet_(subnet), used_(256, false) {}

  // key's address: the one it holds, else the lowest free; "" when all 253 are taken.
  std::string acquire(const std::string& key);
  // Marks ip (if it is one of this pool's) as key's: an address a Pod already reports.
  void hold(const std::string& key, std::string_view ip);
  void release(const std::string& key);
  std::size_t in_use() const { return owner_.size(); }

 private:
  std::uint32_t subnet_;
  std::vector<bool> used_;                           // by host offset
  std::unordered_map<std::string, int> owner_;       // key → host offset
};

}  // namespace ktk::sim::detail
