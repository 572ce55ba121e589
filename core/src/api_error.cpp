#include "ktk/core/api_error.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ktk::core {

api_error::api_error(int code, std::string reason, std::string message, status_details details)
    : std::runtime_error(message),
      code_(code),
      reason_(std::move(reason)),
      message_(std::move(message)),
      details_(std::move(details)) {}

json api_error::to_status() const {
  json s = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message_}, {"code", code_}};
  if (!reason_.empty()) s["reason"] = reason_;
  if (!continue_.empty()) s["metadata"]["continue"] = continue_;
  json d = json::object();
  if (!details_.name.empty()) d["name"] = details_.name;
  if (!details_.group.empty()) d["group"] = details_.group;
  if (!details_.kind.empty()) d["kind"] = details_.kind;
  if (!details_.uid.empty()) d["uid"] = details_.uid;
  if (!details_.causes.empty()) {
    json causes = json::array();
    for (const auto& c : details_.causes) {
      json jc = json::object();
      if (!c.reason.empty()) jc["reason"] = c.reason;
      if (!c.message.empty()) jc["message"] = c.message;
      if (!c.field.empty()) jc["field"] = c.field;
      causes.push_back(std::move(jc));
    }
    d["causes"] = std::move(causes);
  }
  // A set retry_after_seconds means the Status has details, as NewTooManyRequests'
  // does even for 0; Go's omitempty then drops a zero retryAfterSeconds.
  if (details_.retry_after_seconds && *details_.retry_after_seconds != 0) {
    d["retryAfterSeconds"] = *details_.retry_after_seconds;
  }
  if (!d.empty() || details_.retry_after_seconds) s["details"] = std::move(d);
  return s;
}

api_error api_error::from_status(const json& s) {
  if (!s.is_object() || s.value("kind", "") != "Status") {
    return internal("unexpected response: not a Status object");
  }
  status_details d;
  if (auto it = s.find("details"); it != s.end() && it->is_object()) {
    d.name = it->value("name", "");
    d.group = it->value("group", "");
    d.kind = it->value("kind", "");
    d.uid = it->value("uid", "");
    if (auto c = it->find("causes"); c != it->end() && c->is_array()) {
      for (const auto& jc : *c) {
        if (!jc.is_object()) continue;
        d.causes.push_back({jc.value("reason", ""), jc.value("message", ""), jc.value("field", "")});
      }
    }
    if (auto r = it->find("retryAfterSeconds"); r != it->end() && r->is_number_integer()) {
      d.retry_after_seconds = r->get<int>();
    }
  }
  int code = 500;
  if (auto c = s.find("code"); c != s.end() && c->is_number_integer()) code = c->get<int>();
  api_error e(code, s.value("reason", ""), s.value("message", ""), std::move(d));
  if (auto m = s.find("metadata"); m != s.end() && m->is_object()) e.set_continue_token(m->value("continue", ""));
  return e;
}

api_error api_error::not_found(const group_resource& gr, const std::string& name) {
  return {404, reason::not_found, gr.str() + " " + quote(name) + " not found", {.name = name, .group = gr.group, .kind = gr.resource}};
}

api_error api_error::already_exists(const group_resource& gr, const std::string& name) {
  return {409, reason::already_exists, gr.str() + " " + quote(name) + " already exists",
          {.name = name, .group = gr.group, .kind = gr.resource}};
}

api_error api_error::conflict(const group_resource& gr, const std::string& name, const std::string& detail) {
  return {409, reason::conflict,
          "Operation cannot be fulfilled on " + gr.str() + " " + quote(name) + ": " + detail,
          {.name = name, .group = gr.group, .kind = gr.resource}};
}

api_error api_error::stale_resource_version(const group_resource& gr, const std::string& name) {
  return conflict(gr, name,
                  "the object has been modified; please apply your changes to the latest version and try again");
}

api_error api_error::invalid(const group_kind& gk, const std::string& name, const field_errors& errors) {
  status_details d{.name = name, .group = gk.group, .kind = gk.kind};
  for (const auto& e : errors) d.causes.push_back({e.reason(), e.message(), e.field});
  // apimachinery's NewInvalid: "Kind \"name\" is invalid: <aggregate>". The
  // aggregate drops repeated messages; of one error it is that error, of several
  // "[e1, e2]"; with none the message ends at "is invalid".
  std::vector<std::string> msgs;
  for (const auto& e : errors) {
    auto m = e.str();
    if (std::find(msgs.begin(), msgs.end(), m) == msgs.end()) msgs.push_back(std::move(m));
  }
  std::string kind = gk.group.empty() ? gk.kind : gk.kind + "." + gk.group;
  std::string msg = kind + " " + quote(name) + " is invalid";
  if (msgs.size() == 1) {
    msg += ": " + msgs[0];
  } else if (!msgs.empty()) {
    msg += ": [";
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      if (i) msg += ", ";
      msg += msgs[i];
    }
    msg += "]";
  }
  return {422, reason::invalid, std::move(msg), std::move(d)};
}

api_error api_error::bad_request(const std::string& message) { return {400, reason::bad_request, message}; }

api_error api_error::forbidden(const group_resource& gr, const std::string& name, const std::string& detail) {
  std::string msg = gr.resource.empty() && gr.group.empty() ? "forbidden: " + detail
                    : name.empty()                           ? gr.str() + " is forbidden: " + detail
                                                             : gr.str() + " " + quote(name) + " is forbidden: " + detail;
  return {403, reason::forbidden, msg, {.name = name, .group = gr.group, .kind = gr.resource}};
}

api_error api_error::method_not_supported(const group_resource& gr, const std::string& action) {
  return {405, reason::method_not_allowed, action + " is not supported on resources of kind " + quote(gr.str()),
          {.group = gr.group, .kind = gr.resource}};
}

api_error api_error::gone(const std::string& message) { return {410, reason::gone, message}; }

api_error api_error::resource_expired(const std::string& message) { return {410, reason::expired, message}; }

api_error api_error::internal(const std::string& message) {
  return {500, reason::internal_error, "Internal error occurred: " + message,
          {.causes = {{"", message, ""}}}};
}

api_error api_error::too_many_requests(const std::string& message, int retry_after_seconds) {
  return {429, reason::too_many_requests, message, {.retry_after_seconds = retry_after_seconds}};
}

api_error api_error::service_unavailable(const std::string& message) {
  return {503, reason::service_unavailable, message};
}

api_error api_error::request_entity_too_large(const std::string& message) {
  return {413, reason::request_entity_too_large, "Request entity too large: " + message};
}

api_error api_error::unsupported_media_type(const std::string& message) {
  return {415, reason::unsupported_media_type, message};
}

api_error api_error::not_acceptable(const std::string& message) { return {406, reason::not_acceptable, message}; }

api_error api_error::timeout(const std::string& message, int retry_after_seconds) {
  return {504, reason::timeout, "Timeout: " + message, {.retry_after_seconds = retry_after_seconds}};
}

namespace {
// As apimachinery's IsXxx: the reason decides, and the HTTP code does when the reason
// is not one apimachinery knows (a Status from an older or foreign server).
bool known_reason(const std::string& r) {
  static const char* const known[] = {
      reason::unauthorized, reason::forbidden, reason::not_found, reason::already_exists,
      reason::conflict, reason::gone, reason::invalid, reason::server_timeout, reason::timeout,
      reason::too_many_requests, reason::bad_request, reason::method_not_allowed,
      reason::not_acceptable, reason::request_entity_too_large, reason::unsupported_media_type,
      reason::internal_error, reason::expired, reason::service_unavailable};
  return std::any_of(std::begin(known), std::end(known), [&](const char* k) { return r == k; });
}
bool reason_or_code(const api_error& e, const char* r, int code) {
  return e.reason() == r || (!known_reason(e.reason()) && e.code() == code);
}
}  // namespace

bool is_not_found(const api_error& e) { return reason_or_code(e, reason::not_found, 404); }
bool is_already_exists(const api_error& e) { return e.reason() == reason::already_exists; }
bool is_conflict(const api_error& e) { return reason_or_code(e, reason::conflict, 409); }
bool is_invalid(const api_error& e) { return reason_or_code(e, reason::invalid, 422); }
bool is_bad_request(const api_error& e) { return reason_or_code(e, reason::bad_request, 400); }
bool is_gone(const api_error& e) { return e.code() == 410; }
bool is_resource_expired(const api_error& e) { return e.reason() == reason::expired; }
bool is_forbidden(const api_error& e) { return reason_or_code(e, reason::forbidden, 403); }
bool is_method_not_supported(const api_error& e) { return reason_or_code(e, reason::method_not_allowed, 405); }
bool is_too_many_requests(const api_error& e) {
  return e.reason() == reason::too_many_requests || e.code() == 429;
}
bool is_internal_error(const api_error& e) { return reason_or_code(e, reason::internal_error, 500); }

}  // namespace ktk::core
