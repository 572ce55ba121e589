#include "detail/url.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace ktk::client::rest::detail {

std::string server_url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string server_url::str() const { return (tls ? "https://" : "http://") + authority() + prefix; }

std::optional<server_url> parse_server_url(std::string_view url, bool default_tls) {
  server_url u;
  if (url.starts_with("https://")) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.find("://") != std::string_view::npos) {
    return std::nullopt;
  } else {
    u.tls = default_tls;
  }
  auto slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  if (!path.empty() && path.front() != '/') return std::nullopt;  // a query or fragment
  if (path.find_first_of("?#") != std::string_view::npos) return std::nullopt;

  std::string_view port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':') != colon) return std::nullopt;  // an IPv6 literal needs brackets
      port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    u.host = std::string(authority);
  }
  if (u.host.empty()) return std::nullopt;
  if (port.empty()) {
    u.port = u.tls ? 443 : 80;
  } else {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) return std::nullopt;
    u.port = static_cast<std::uint16_t>(p);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  u.prefix = std::string(path);
  return u;
}

bool is_ip_literal(std::string_view s) {
  std::string z(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, z.c_str(), buf) == 1 || inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

std::string escape_component(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

query& query::add(std::string_view name, std::string_view value) {
  s_.push_back(s_.empty() ? '?' : '&');
  s_ += escape_component(name);
  s_.push_back('=');
  s_ += escape_component(value);
  return *this;
}

query& query::add_if(std::string_view name, std::string_view value) {
  if (!value.empty()) add(name, value);
  return *this;
}

}  // namespace ktk::client::rest::detail
