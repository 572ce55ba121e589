// rest/detail/url.hpp — the server URL of a rest_config, and request targets built on it.
//
//   auto u = parse_server_url("https://10.0.0.1:6443/prefix");   // tls, host, port 6443, "/prefix"
//   query q; q.add("labelSelector", "app in (a,b)");
//   std::string target = u->prefix + "/api/v1/pods" + q.str();   // "?labelSelector=app%20in%20%28a%2Cb%29"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktk::client::rest::detail {

struct server_url {
  bool tls = false;
  std::string host;       // without brackets for IPv6 literals
  std::uint16_t port = 0;  // 443 / 80 when the URL gives none
  std::string prefix;     // path prefix without a trailing slash ("" for none)

  // "host:port" (brackets around IPv6), for the Host header and messages.
  std::string authority() const;
  // "https://host:port" + prefix.
  std::string str() const;
};

// "https://host[:port][/prefix]" or "http://..."; a bare "host[:port]" is https when
// `default_tls` (client-go: when a CA, a client certificate or insecure is configured),
// http otherwise. nullopt for anything else (another scheme, a bad port, userinfo).
std::optional<server_url> parse_server_url(std::string_view url, bool default_tls = true);

// Whether s is an IPv4 or IPv6 literal (certificates check those as IP SANs).
bool is_ip_literal(std::string_view s);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string escape_component(std::string_view s);

// A query string in insertion order.
class query {
 public:
  // Adds name=value (both escaped).
  query& add(std::string_view name, std::string_view value);
  // Adds name=value when value is not empty.
  query& add_if(std::string_view name, std::string_view value);
  bool empty() const { return s_.empty(); }
  // "" or "?a=b&c=d".
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

}  // namespace ktk::client::rest::detail
