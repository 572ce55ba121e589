#include "continue_token.hpp"

#include <nlohmann/json.hpp>

namespace ktk::apiserver::detail {

namespace {
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value_of(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6) return std::nullopt;
  return out;
}

std::string encode_continue(const continue_position& p) {
  std::string start = p.after.namespace_.empty() ? p.after.name : p.after.namespace_ + "/" + p.after.name;
  nlohmann::json j = {{"v", "meta.k8s.io/v1"}, {"rv", p.rev}, {"start", start + std::string(1, '\0')}};
  return base64_encode(j.dump());
}

core::result<continue_position> decode_continue(std::string_view token) {
  auto bad = [](const std::string& why) { return core::api_error::bad_request("continue key is not valid: " + why); };
  auto raw = base64_decode(token);
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
