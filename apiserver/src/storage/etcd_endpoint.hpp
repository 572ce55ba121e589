// etcd_endpoint.hpp — an etcd client URL, parsed ("http://127.0.0.1:2379").
#pragma once

#include <string>
#include <string_view>

namespace ktk::apiserver::storage::detail {

struct etcd_endpoint {
  std::string url;   // as given, without a trailing slash: for messages
  std::string host;  // without brackets for IPv6 literals
  std::string port;  // "2379" when the URL gives none
  // "host:port" (brackets around IPv6), for the Host header.
  std::string authority() const;
};

// "http://host[:port]" (a trailing "/" is allowed). Throws std::invalid_argument for
// anything else: another scheme (https is not supported), a path, a bad port.
etcd_endpoint parse_etcd_endpoint(std::string_view url);

}  // namespace ktk::apiserver::storage::detail
