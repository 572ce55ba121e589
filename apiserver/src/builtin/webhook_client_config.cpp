// Webhook clientConfig validation, with Go's net/url.Parse reproduced as far as its
// errors and the parts the checks read (scheme, host, user info, fragment, query).
#include "webhook_client_config.hpp"

#include <cctype>
#include <optional>

#include "checks.hpp"

namespace ktk::apiserver::detail {
namespace {

struct parsed_url {
  std::string scheme, host, raw_query, fragment;
  std::optional<std::string> user;  // User.String(): "name" or "name:password"
};

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// The characters a host may hold unescaped (net/url shouldEscape in encodeHost mode).
bool host_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80) return true;
  return std::string_view("-_.~!$&'()*+,;=:[]<>\"").find(c) != std::string_view::npos;
}

// net/url unescape: percent-decodes `s`, or the error it reports.
std::optional<std::string> unescape(std::string_view s, bool host, std::string& err) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) {
        std::string_view bad = s.substr(i, 3);
        err = "invalid URL escape " + core::quote(std::string(bad));
        return std::nullopt;
      }
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (host && !host_char(s[i])) {
      err = "invalid character " + core::quote(std::string(1, s[i])) + " in host name";
      return std::nullopt;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool valid_optional_port(std::string_view p) {
  if (p.empty()) return true;
  if (p[0] != ':') return false;
  for (char c : p.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

// url.Parse; nullopt with `err` set to the *url.Error text on failure.
std::optional<parsed_url> parse_url(const std::string& raw, std::string& err) {
  std::string_view all = raw;
  auto hash = all.find('#');
  std::string_view rest = all.substr(0, hash);
  const std::string before_fragment(rest);
  auto fail = [&](const std::string& url, const std::string& why) {
    err = "parse " + core::quote(url) + ": " + why;
    return std::nullopt;
  };
  for (char c : rest)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return fail(before_fragment, "net/url: invalid control character in URL");
  parsed_url u;
  if (rest == "*") return u;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (std::isalpha(static_cast<unsigned char>(c)) != 0) continue;
    if ((std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.') && i > 0) continue;
    if (c == ':') {
      if (i == 0) return fail(before_fragment, "missing protocol scheme");
      u.scheme = std::string(rest.substr(0, i));
      for (auto& ch : u.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      rest.remove_prefix(i + 1);
    }
    break;
  }
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    if (q + 1 != rest.size() || rest.find('?', q + 1) != std::string_view::npos) u.raw_query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!rest.starts_with('/')) {
    if (!u.scheme.empty()) return u;  // opaque: no host
    if (rest.substr(0, rest.find('/')).find(':') != std::string_view::npos)
      return fail(before_fragment, "first path segment in URL cannot contain colon");
  }
  if ((!u.scheme.empty() || !rest.starts_with("///")) && rest.starts_with("//")) {
    std::string_view authority = rest.substr(2);
    auto slash = authority.find('/');
    std::string_view path = slash == std::string_view::npos ? std::string_view() : authority.substr(slash);
    authority = authority.substr(0, slash);
    auto at = authority.rfind('@');
    std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    if (host.starts_with('[')) {
      auto close = host.rfind(']');
      if (close == std::string_view::npos) return fail(before_fragment, "missing ']' in host");
      if (!valid_optional_port(host.substr(close + 1)))
        return fail(before_fragment, "invalid port " + core::quote(std::string(host.substr(close + 1))) + " after host");
    } else if (auto colon = host.rfind(':'); colon != std::string_view::npos && !valid_optional_port(host.substr(colon))) {
      return fail(before_fragment, "invalid port " + core::quote(std::string(host.substr(colon))) + " after host");
    }
    std::string why;
    auto h = unescape(host, true, why);
    if (!h) return fail(before_fragment, why);
    u.host = *h;
    if (at != std::string_view::npos) {
      std::string_view info = authority.substr(0, at);
      for (char c : info)
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
            std::string_view("-._:~!$&'()*+,;=%@").find(c) == std::string_view::npos)
          return fail(before_fragment, "net/url: invalid userinfo");
      auto user = unescape(info, false, why);
      if (!user) return fail(before_fragment, why);
      u.user = *user;
    }
    rest = path;
  }
  std::string why;
  if (!unescape(rest, false, why)) return fail(before_fragment, why);
  if (hash != std::string_view::npos) {
    auto frag = unescape(all.substr(hash + 1), false, why);
    if (!frag) return fail(raw, why);
    u.fragment = *frag;
  }
  return u;
}

void validate_url(field_errors& errs, const std::string& url, const std::string& path) {
  constexpr std::string_view form = "; desired format: https://host[/path]";
  std::string err;
  auto u = parse_url(url, err);
  if (!u) {
    errs.push_back(field_error::required(path, "url must be a valid URL: " + err + std::string(form)));
    return;
  }
  if (u->scheme != "https")
    errs.push_back(field_error::invalid(path, core::quote(u->scheme), "'https' is the only allowed URL scheme" + std::string(form)));
  if (u->host.empty())
    errs.push_back(field_error::invalid(path, core::quote(u->host), "host must be provided" + std::string(form)));
  if (u->user)
    errs.push_back(field_error::invalid(path, core::quote(*u->user), "user information is not permitted in the URL"));
  if (!u->fragment.empty())
    errs.push_back(field_error::invalid(path, core::quote(u->fragment), "fragments are not permitted in the URL"));
  if (!u->raw_query.empty())
    errs.push_back(field_error::invalid(path, core::quote(u->raw_query), "query parameters are not permitted in the URL"));
}

void validate_service(field_errors& errs, const json& svc, const std::string& path) {
  if (get_string(svc, "name").empty()) errs.push_back(field_error::required(path + ".name", "service name is required"));
  if (get_string(svc, "namespace").empty())
    errs.push_back(field_error::required(path + ".namespace", "service namespace is required"));
  long long port = get_int(svc, "port").value_or(443);  // SetDefaults_ServiceReference
  if (auto msgs = port_number(port); !msgs.empty()) {
    std::string joined;
    for (const auto& m : msgs) joined += (joined.empty() ? "" : ", ") + m;
    errs.push_back(field_error::invalid(path + ".port", std::to_string(port), "port is not valid: " + joined));
  }
  const json* p = get(svc, "path");
  if (!p || !p->is_string()) return;
  const std::string url_path = p->get<std::string>();
  const std::string pp = path + ".path";
  if (url_path.empty() || url_path == "/") return;
  if (url_path == "//") {
    errs.push_back(field_error::invalid(pp, core::quote(url_path), "segment[0] may not be empty"));
    return;
  }
  if (!url_path.starts_with('/')) errs.push_back(field_error::invalid(pp, core::quote(url_path), "must start with a '/'"));
  std::string_view check = std::string_view(url_path).substr(1);
  if (check.ends_with('/')) check.remove_suffix(1);
  std::size_t i = 0;
  for (std::size_t start = 0;; ++i) {
    auto slash = check.find('/', start);
    std::string_view step = check.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (step.empty()) {
      errs.push_back(field_error::invalid(pp, core::quote(url_path), "segment[" + std::to_string(i) + "] may not be empty"));
    } else {
      for (const auto& m : dns1123_subdomain(step))
        errs.push_back(field_error::invalid(pp, core::quote(url_path), "segment[" + std::to_string(i) + "]: " + m));
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

}  // namespace

field_errors validate_webhook_client_config(const json& client_config, const std::string& path) {
  field_errors errs;
  const json* url = get(client_config, "url");
  const json* service = get(client_config, "service");
  if ((url == nullptr) == (service == nullptr)) {
    errs.push_back(field_error::required(path, "exactly one of url or service is required"));
  } else if (url) {
    validate_url(errs, url->is_string() ? url->get<std::string>() : url->dump(), path + ".url");
  } else {
    validate_service(errs, *service, path + ".service");
  }
  return errs;
}

}  // namespace ktk::apiserver::detail
