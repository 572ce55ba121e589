#include "kubelet/addressing.hpp"

#include <charconv>

namespace ktk::sim::detail {
namespace {

constexpr int first_host = 2;  // .1 is the Node
constexpr int last_host = 254;

}  // namespace

std::optional<std::uint32_t> parse_ipv4(std::string_view s) {
  std::uint32_t ip = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (s.empty() || s.front() != '.') return std::nullopt;
      s.remove_prefix(1);
    }
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p == s.data() || v > 255) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    ip = (ip << 8) | v;
  }
  if (!s.empty()) return std::nullopt;
  return ip;
}

std::optional<ipv4_net> parse_cidr(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ipv4(s.substr(0, slash));
  std::string_view p = s.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (!ip || ec != std::errc() || end != p.data() + p.size() || prefix < 0 || prefix > 32) return std::nullopt;
  std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return ipv4_net{*ip & mask, prefix};
}

std::string format_ipv4(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) +
         "." + std::to_string(ip & 255);
}

std::uint32_t node_subnet(const ipv4_net& net, std::size_t index) {
  return net.base + static_cast<std::uint32_t>(index) * 256;
}

std::string ip_pool::acquire(const std::string& key) {
  if (auto it = owner_.find(key); it != owner_.end()) return format_ipv4(subnet_ + static_cast<std::uint32_t>(it->second));
  for (int h = first_host; h <= last_host; ++h) {
    if (used_[static_cast<std::size_t>(h)]) continue;
    used_[static_cast<std::size_t>(h)] = true;
    owner_.emplace(key, h);
    return format_ipv4(subnet_ + static_cast<std::uint32_t>(h));
  }
  return {};
}

void ip_pool::hold(const std::string& key, std::string_view ip) {
  auto v = parse_ipv4(ip);
  if (!v || (*v & ~std::uint32_t{255}) != subnet_) return;
  int h = static_cast<int>(*v & 255);
  if (h < first_host || h > last_host || used_[static_cast<std::size_t>(h)] || owner_.contains(key)) return;
  used_[static_cast<std::size_t>(h)] = true;
  owner_.emplace(key, h);
}

void ip_pool::release(const std::string& key) {
  auto it = owner_.find(key);
  if (it == owner_.end()) return;
  used_[static_cast<std::size_t>(it->second)] = false;
  owner_.erase(it);
}

}  // namespace ktk::sim::detail
