#include "continue_token.hpp"

#include <variant>

#include <nlohmann/json.hpp>

#include "ktk/core/base64.hpp"

namespace ktk::apiserver::detail {
namespace {

// Continue tokens are base64.RawURLEncoding, as kube-apiserver writes them.
std::string raw_url_encode(std::string_view in) {
  std::string s = core::base64_encode(in);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

bool raw_url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// The decoded bytes, or the offset of the first illegal input byte (as Go reports it).
std::variant<std::string, std::size_t> raw_url_decode(std::string_view in) {
  std::string s(in);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!raw_url_char(s[i])) return i;
    s[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
  }
  if (s.size() % 4 == 1) return s.size() - 1;
  while (s.size() % 4 != 0) s += '=';
  auto out = core::base64_decode(s);
  if (!out) return std::size_t{0};
  return std::move(*out);
}

}  // namespace

std::string encode_continue(const continue_position& p) {
  std::string start = p.after.namespace_.empty() ? p.after.name : p.after.namespace_ + "/" + p.after.name;
  nlohmann::json j = {{"v", "meta.k8s.io/v1"}, {"rv", p.rev}, {"start", start + std::string(1, '\0')}};
  if (p.remaining) j["remaining"] = *p.remaining;
  return raw_url_encode(j.dump());
}

core::result<continue_position> decode_continue(std::string_view token) {
  auto bad = [](const std::string& why) {
    return core::api_error::bad_request("invalid continue token: continue key is not valid: " + why);
  };
  auto raw = raw_url_decode(token);
  if (auto* at = std::get_if<std::size_t>(&raw)) return bad("illegal base64 data at input byte " + std::to_string(*at));
  auto j = nlohmann::json::parse(std::get<std::string>(raw), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("invalid character in continue key");
  if (j.value("v", "") != "meta.k8s.io/v1") {
    return bad("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  auto rv = j.find("rv");
  // rv -1: continue at the newest revision (the token a 410 for an expired one carries).
  if (rv == j.end() || !rv->is_number_integer() || rv->get<std::int64_t>() == 0 || rv->get<std::int64_t>() < -1) {
    return bad("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  std::string start = j.value("start", "");
  if (!start.empty() && start.back() == '\0') start.pop_back();
  if (start.empty()) return bad("encoded start key is empty");
  continue_position p;
  p.rev = rv->get<std::int64_t>();
  if (auto rem = j.find("remaining"); rem != j.end() && rem->is_number_integer() && rem->get<std::int64_t>() > 0) {
    p.remaining = rem->get<std::int64_t>();
  }
  if (auto slash = start.find('/'); slash != std::string::npos) {
    p.after = {start.substr(0, slash), start.substr(slash + 1)};
  } else {
    p.after = {"", start};
  }
  return p;
}

}  // namespace ktk::apiserver::detail
