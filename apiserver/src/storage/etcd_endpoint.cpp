#include "etcd_endpoint.hpp"

#include <algorithm>
#include <stdexcept>

namespace ktk::apiserver::storage::detail {
namespace {

[[noreturn]] void bad(std::string_view url, const char* why) {
  throw std::invalid_argument("etcd endpoint \"" + std::string(url) + "\": " + why);
}

}  // namespace

std::string etcd_endpoint::authority() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

etcd_endpoint parse_etcd_endpoint(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.starts_with("https://")) bad(url, "https is not supported; use http://");
  if (!url.starts_with(scheme)) bad(url, "want http://host:port");
  std::string_view rest = url.substr(scheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty()) bad(url, "no host");
  if (rest.find_first_of("/?#@") != std::string_view::npos) bad(url, "want http://host:port, with no path");
  etcd_endpoint ep;
  ep.url = std::string(scheme) + std::string(rest);
  std::string_view port;
  if (rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) bad(url, "unterminated [");
    ep.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad(url, "junk after ]");
      port = after.substr(1);
    }
  } else {
    auto colon = rest.find(':');
    ep.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (ep.host.empty()) bad(url, "no host");
  if (port.empty()) {
    ep.port = "2379";
  } else {
    bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) bad(url, "bad port");
    ep.port = std::string(port);
  }
  return ep;
}

}  // namespace ktk::apiserver::storage::detail
