#include "ktk/core/api_error.hpp"

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
  if (details_.retry_after_seconds) d["retryAfterSeconds"] = *details_.retry_after_seconds;
  if (!d.empty()) s["details"] = std::move(d);
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
  return api_error(code, s.value("reason", ""), s.value("message", ""), std::move(d));
}

api_error api_error::not_found(const group_resource& gr, const std::string& name) {
  std::string msg = name.empty() ? gr.str() + " not found" : gr.str() + " " + quote(name) + " not found";
  return {404, reason::not_found, msg, {.name = name, .group = gr.group, .kind = gr.resource}};
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
  // apimachinery's NewInvalid: "Kind \"name\" is invalid: <aggregate>", where an
  // aggregate of one error is that error and of several is "[e1, e2]".
  std::string agg;
  if (errors.size() == 1) {
    agg = errors[0].str();
  } else {
    agg = "[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
      if (i) agg += ", ";
      agg += errors[i].str();
    }
    agg += "]";
  }
  std::string kind = gk.group.empty() ? gk.kind : gk.kind + "." + gk.group;
  return {422, reason::invalid, kind + " " + quote(name) + " is invalid: " + agg, std::move(d)};
}

api_error api_error::bad_request(const std::string& message) { return {400, reason::bad_request, message}; }

api_error api_error::forbidden(const group_resource& gr, const std::string& name, const std::string& detail) {
  std::string msg = name.empty() ? gr.str() + " is forbidden: " + detail
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
  return {504, reason::timeout, message, {.retry_after_seconds = retry_after_seconds}};
}

bool is_not_found(const api_error& e) { return e.reason() == reason::not_found; }
bool is_already_exists(const api_error& e) { return e.reason() == reason::already_exists; }
bool is_conflict(const api_error& e) { return e.reason() == reason::conflict; }
bool is_invalid(const api_error& e) { return e.reason() == reason::invalid; }
bool is_bad_request(const api_error& e) { return e.reason() == reason::bad_request; }
bool is_gone(const api_error& e) { return e.code() == 410; }
bool is_resource_expired(const api_error& e) { return e.reason() == reason::expired; }
bool is_forbidden(const api_error& e) { return e.reason() == reason::forbidden; }
bool is_method_not_supported(const api_error& e) { return e.reason() == reason::method_not_allowed; }
bool is_too_many_requests(const api_error& e) { return e.reason() == reason::too_many_requests; }
bool is_internal_error(const api_error& e) { return e.reason() == reason::internal_error; }

}  // namespace ktk::core
