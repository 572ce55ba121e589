#include "continue_token.hpp"

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

std::optional<std::string> raw_url_decode(std::string_view in) {
  std::string s(in);
  for (auto& c : s) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (s.size() % 4 != 0) s += '=';
  return core::base64_decode(s);
}

}  // namespace

std::string encode_continue(const continue_position& p) {
  std::string start = p.after.namespace_.empty() ? p.after.name : p.after.namespace_ + "/" + p.after.name;
  nlohmann::json j = {{"v", "meta.k8s.io/v1"}, {"rv", p.rev}, {"start", start + std::string(1, '\0')}};
  return raw_url_encode(j.dump());
}

core::result<continue_position> decode_continue(std::string_view token) {
  auto bad = [](const std::string& why) { return core::api_error::bad_request("continue key is not valid: " + why); };
  auto raw = raw_url_decode(token);
  if (!raw) return bad("illegal base64 data");
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("invalid character in continue key");
  if (j.value("v", "") != "meta.k8s.io/v1") {
    return bad("incorrect encoded start resourceVersion (version meta.k8s.io/v1 required)");
  }
  auto rv = j.find("rv");
  if (rv == j.end() || !rv->is_number_integer() || rv->get<std::int64_t>() <= 0) {
    return bad("incorrect encoded start resourceVersion (version meta.k8s.io/v1 required)");
  }
  std::string start = j.value("start", "");
  if (!start.empty() && start.back() == '\0') start.pop_back();
  if (start.empty()) return bad("encoded start key is empty");
  continue_position p;
  p.rev = rv->get<std::int64_t>();
  if (auto slash = start.find('/'); slash != std::string::npos) {
    p.after = {start.substr(0, slash), start.substr(slash + 1)};
  } else {
    p.after = {"", start};
  }
  return p;
}

}  // namespace ktk::apiserver::detail
