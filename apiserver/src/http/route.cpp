// route.cpp — API path and URL parsing.
#include "http/route.hpp"

namespace ktk::apiserver::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::optional<resource_path> parse_resource_path(std::string_view path) {
  auto seg = split_path(path);
  resource_path rp;
  std::size_t i = 0;
  if (seg.size() >= 2 && seg[0] == "api") {
    if (seg[1] != "v1") return std::nullopt;
    rp.gv = {"", "v1"};
    i = 2;
  } else if (seg.size() >= 3 && seg[0] == "apis") {
    rp.gv = {std::string(seg[1]), std::string(seg[2])};
    i = 3;
  } else {
    return std::nullopt;
  }
  if (i < seg.size() && seg[i] == "watch") {
    rp.legacy_watch = true;
    ++i;
  }
  std::vector<std::string_view> rest(seg.begin() + static_cast<std::ptrdiff_t>(i), seg.end());
  if (rest.empty()) return std::nullopt;
  // /namespaces/{ns}/{resource}... unless it is the namespace's own subresource
  // (/namespaces/{name}/status, /namespaces/{name}/finalize).
  if (rest[0] == "namespaces" && rest.size() >= 3 &&
      !(rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize"))) {
    rp.has_namespace = true;
    rp.namespace_ = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.size() > 3) return std::nullopt;
  rp.resource = rest[0];
  if (rest.size() > 1) rp.name = rest[1];
  if (rest.size() > 2) rp.subresource = rest[2];
  return rp;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<split_target> parse_target(std::string_view target) {
  split_target t;
  auto q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) return std::nullopt;
  t.path = std::move(*path);
  if (q == std::string_view::npos) return t;
  std::string_view query = target.substr(q + 1);
  std::size_t i = 0;
  while (i <= query.size()) {
    auto j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    auto part = query.substr(i, j - i);
    if (!part.empty()) {
      auto eq = part.find('=');
      auto k = percent_decode(part.substr(0, eq), true);
      auto v = eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(part.substr(eq + 1), true);
      if (!k || !v) return std::nullopt;
      t.query.emplace_back(std::move(*k), std::move(*v));
    }
    i = j + 1;
  }
  return t;
}

}  // namespace ktk::apiserver::http
