// review_handler.cpp — one AdmissionReview in, one out; controller-runtime's
// webhook.ServeHTTP, with HTTP status codes for what is not a decision
// (a body that is not a review, a handler that failed).
#include "webhook/review_handler.hpp"

#include <cctype>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "ktk/core/json_depth.hpp"

namespace ktk::client::webhook::detail {
namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

const char* reason_for(unsigned status) {
  switch (status) {
    case 400: return core::reason::bad_request;
    case 404: return core::reason::not_found;
    case 405: return core::reason::method_not_allowed;
    case 413: return core::reason::request_entity_too_large;
    default: return core::reason::internal_error;
  }
}

// The media type without parameters, lower case ("Application/JSON; charset=utf-8"
// → "application/json").
std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto t = content_type.substr(0, semi);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  std::string out(t);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

http_answer error_answer(unsigned status, const std::string& message, const std::string& uid) {
  admission_response res{.uid = uid,
                         .allowed = false,
                         .code = static_cast<int>(status),
                         .message = message,
                         .reason = reason_for(status)};
  return {status, dump(res.to_review())};
}

http_answer serve_review(const handler& h, std::string_view content_type, const std::string& body) {
  if (auto t = media_type(content_type); t != "application/json") {
    return error_answer(400, "contentType=" + std::string(content_type) + ", expected application/json");
  }
  if (body.empty()) return error_answer(400, "request body is empty");
  if (core::json_nests_deeper_than(body, max_json_depth)) {
    return error_answer(400, "couldn't decode AdmissionReview: JSON nested deeper than " +
                                 std::to_string(max_json_depth) + " levels");
  }
  json review;
  try {
    review = json::parse(body);
  } catch (const json::exception& e) {
    return error_answer(400, std::string("couldn't decode AdmissionReview: ") + e.what());
  }
  auto req = admission_request::from_review(review);
  if (!req) return error_answer(400, req.error().message());

  try {
    admission_response res = h(*req);
    res.uid = req->uid;  // the API server rejects a response for another request
    return {200, dump(res.to_review())};
  } catch (const std::exception& e) {
    return error_answer(500, std::string("webhook handler failed: ") + e.what(), req->uid);
  } catch (...) {
    return error_answer(500, "webhook handler failed: unknown exception", req->uid);
  }
}

handler defaulter_handler(defaulter_func f) {
  return [f = std::move(f)](const admission_request& req) -> admission_response {
    // controller-runtime's defaulter skips deletes: there is no object to default.
    if (req.operation == "DELETE" || req.object.is_null()) return allowed(req);
    json object = req.object;
    auto r = f(object, req);
    if (!r) return denied(req, r.error().message(), r.error().code(), r.error().reason());
    return patched(req, object);
  };
}

handler validator_handler(validator_func f) {
  return [f = std::move(f)](const admission_request& req) -> admission_response {
    auto r = f(req);
    if (!r) return denied(req, r.error().message(), r.error().code(), r.error().reason());
    admission_response res = allowed(req);
    res.warnings = std::move(*r);
    return res;
  };
}

}  // namespace ktk::client::webhook::detail
