#include "detail/response_errors.hpp"

#include <nlohmann/json.hpp>

#include "ktk/core/json_reader.hpp"
#include "ktk/core/strings.hpp"

namespace ktk::client::rest::detail {

namespace {

constexpr std::size_t max_unstructured_text = 2048;  // client-go's maxUnstructuredResponseTextBytes

bool is_text(std::string_view content_type) {
  if (content_type.empty()) return true;
  return core::ascii_lower(content_type).starts_with("text/");
}

std::string_view trim_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The Status a body carries, when it is one that reports a failure.
std::optional<core::api_error> status_of(const answer& a) {
  if (a.body.empty() || a.body.front() != '{') return std::nullopt;
  auto j = core::read_json_or_discarded(a.body);
  if (!j.is_object()) return std::nullopt;
  if (auto k = j.find("kind"); k == j.end() || !k->is_string() || *k != "Status") return std::nullopt;
  if (auto s = j.find("status"); s != j.end() && s->is_string() && *s == "Success") return std::nullopt;
  if (auto c = j.find("code"); c == j.end() || !c->is_number_integer() || c->get<int>() == 0) {
    j["code"] = a.status;
  }
  try {
    return core::api_error::from_status(j);
  } catch (const core::json::exception&) {
    return std::nullopt;  // a field of the wrong type: not a Status after all
  }
}

}  // namespace

core::api_error error_of_response(const answer& a, const request_context& ctx) {
  if (auto st = status_of(a)) return *st;

  std::string server_message = "unknown";
  if (is_text(a.content_type)) server_message = std::string(trim_whitespace(a.body.substr(0, max_unstructured_text)));

  const int code = static_cast<int>(a.status);
  std::string reason = core::reason::unknown;
  std::string message =
      "the server responded with the status code " + std::to_string(code) + " but did not return more information";
  switch (code) {
    case 409:
      reason = ctx.method == "POST" ? core::reason::already_exists : core::reason::conflict;
      message = "the server reported a conflict";
      break;
    case 404:
      reason = core::reason::not_found;
      message = "the server could not find the requested resource";
      break;
    case 400:
      reason = core::reason::bad_request;
      message = "the server rejected our request for an unknown reason";
      break;
    case 401:
      reason = core::reason::unauthorized;
      message = "the server has asked for the client to provide credentials";
      break;
    case 403:
      reason = core::reason::forbidden;
      message = server_message;
      break;
    case 405:
      reason = core::reason::method_not_allowed;
      message = "the server does not allow this method on the requested resource";
      break;
    case 422:
      reason = core::reason::invalid;
      message = "the server rejected our request due to an error in our request";
      break;
    case 504:
      reason = core::reason::timeout;
      message = "the server was unable to return a response in the time allotted, but may still be processing the request";
      break;
    case 429:
      reason = core::reason::too_many_requests;
      message = "the server has received too many requests and has asked us to try again later";
      break;
    default:
      if (code >= 500) {
        reason = core::reason::internal_error;
        message = "an error on the server (" + core::quote(server_message) + ") has prevented the request from succeeding";
      }
  }
  if (!ctx.gr.resource.empty()) {
    message += " (" + core::ascii_lower(ctx.method) + " " + ctx.gr.str();
    if (!ctx.name.empty()) message += " " + std::string(ctx.name);
    message += ")";
  }
  core::status_details d{.name = std::string(ctx.name),
                         .group = ctx.gr.group,
                         .kind = ctx.gr.resource,
                         .causes = {{"UnexpectedServerResponse", server_message, ""}}};
  if (a.retry_after) d.retry_after_seconds = *a.retry_after;
  return core::api_error(code, std::move(reason), std::move(message), std::move(d));
}

std::string go_method(std::string_view method) {
  std::string m = core::ascii_lower(method);
  if (!m.empty() && m[0] >= 'a' && m[0] <= 'z') m[0] = static_cast<char>(m[0] - 'a' + 'A');
  return m;
}

core::api_error transport_error(std::string_view method, std::string_view url, std::string_view what) {
  return core::api_error(0, core::reason::unknown, go_method(method) + " \"" + std::string(url) + "\": " + std::string(what));
}

core::api_error timeout_error(std::string_view method, std::string_view url, std::string_view after) {
  return core::api_error::timeout(go_method(method) + " \"" + std::string(url) + "\": the request did not complete within " +
                                      std::string(after),
                                  0);
}

void append_warnings(std::string_view v, std::vector<std::string>& out) {
  auto skip_spaces = [&] {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  };
  // A quoted-string; nullopt when malformed.
  auto quoted = [&]() -> std::optional<std::string> {
    if (v.empty() || v.front() != '"') return std::nullopt;
    v.remove_prefix(1);
    std::string text;
    while (!v.empty()) {
      char c = v.front();
      v.remove_prefix(1);
      if (c == '"') return text;
      if (c == '\\') {
        if (v.empty()) return std::nullopt;
        c = v.front();
        v.remove_prefix(1);
      }
      text.push_back(c);
    }
    return std::nullopt;
  };
  while (true) {
    skip_spaces();
    if (v.empty()) return;
    // warn-code: three digits.
    if (v.size() < 4 || v[0] < '0' || v[0] > '9' || v[1] < '0' || v[1] > '9' || v[2] < '0' || v[2] > '9' ||
        v[3] != ' ') {
      return;
    }
    const bool code_299 = v.substr(0, 3) == "299";
    v.remove_prefix(4);
    // warn-agent: a token.
    auto sp = v.find(' ');
    if (sp == 0 || sp == std::string_view::npos) return;
    v.remove_prefix(sp + 1);
    auto text = quoted();
    if (!text) return;
    skip_spaces();
    if (!v.empty() && v.front() == '"' && !quoted()) return;  // warn-date
    if (code_299 && !text->empty()) out.push_back(std::move(*text));
    skip_spaces();
    if (v.empty()) return;
    if (v.front() != ',') return;
    v.remove_prefix(1);
  }
}

}  // namespace ktk::client::rest::detail
