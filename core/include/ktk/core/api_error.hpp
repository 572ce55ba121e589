// ktk/core/api_error.hpp — Kubernetes `Status` failures as C++ values.
//
// Every API call in ktk returns a `result<T>`: the value, or an `api_error` that
// carries exactly the Status kube-apiserver would send (code, reason, message,
// details). Helpers mirror apimachinery's `errors` package:
//
//   auto r = client.get(pods, {"default", "web"});
//   if (ktk::is_not_found(r)) { ... }
//   auto e = ktk::core::api_error::not_found({"apps", "deployments"}, "web");
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ktk/core/field_error.hpp"
#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"

namespace ktk::core {

// StatusReason values kube-apiserver uses.
namespace reason {
inline constexpr const char* unknown = "";
inline constexpr const char* unauthorized = "Unauthorized";
inline constexpr const char* forbidden = "Forbidden";
inline constexpr const char* not_found = "NotFound";
inline constexpr const char* already_exists = "AlreadyExists";
inline constexpr const char* conflict = "Conflict";
inline constexpr const char* gone = "Gone";
inline constexpr const char* invalid = "Invalid";
inline constexpr const char* server_timeout = "ServerTimeout";
inline constexpr const char* timeout = "Timeout";
inline constexpr const char* too_many_requests = "TooManyRequests";
inline constexpr const char* bad_request = "BadRequest";
inline constexpr const char* method_not_allowed = "MethodNotAllowed";
inline constexpr const char* not_acceptable = "NotAcceptable";
inline constexpr const char* request_entity_too_large = "RequestEntityTooLarge";
inline constexpr const char* unsupported_media_type = "UnsupportedMediaType";
inline constexpr const char* internal_error = "InternalError";
inline constexpr const char* expired = "Expired";
inline constexpr const char* service_unavailable = "ServiceUnavailable";
}  // namespace reason

struct status_cause {
  std::string reason{};  // "FieldValueRequired"; omitted when empty
  std::string message{};
  std::string field{};  // omitted when empty
  auto operator<=>(const status_cause&) const = default;
};

struct status_details {
  std::string name{};
  std::string group{};
  std::string kind{};
  std::string uid{};
  std::vector<status_cause> causes{};
  std::optional<int> retry_after_seconds{};
};

// A failed API call. It is also an exception type, thrown only by result<T>::value()
// when a caller reads a value that is not there.
class api_error : public std::runtime_error {
 public:
  api_error(int code, std::string reason, std::string message, status_details details = {});

  int code() const noexcept { return code_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& message() const noexcept { return message_; }
  const status_details& details() const noexcept { return details_; }
  // Status.metadata.continue: on the 410 for a list whose continue token fell out of
  // the history, a token that continues the list at the newest revision.
  const std::string& continue_token() const noexcept { return continue_; }
  api_error& set_continue_token(std::string token) {
    continue_ = std::move(token);
    return *this;
  }

  // The Status object: {"kind":"Status","apiVersion":"v1","metadata":{},
  // "status":"Failure","message":...,"reason":...,"details":...,"code":...}
  json to_status() const;
  // Reads a Status object; anything that is not one becomes an InternalError.
  static api_error from_status(const json& status);

  // Constructors named after apimachinery's errors.NewXxx.
  static api_error not_found(const group_resource& gr, const std::string& name);
  static api_error already_exists(const group_resource& gr, const std::string& name);
  // "Operation cannot be fulfilled on pods \"x\": <detail>"
  static api_error conflict(const group_resource& gr, const std::string& name,
                            const std::string& detail);
  // The 409 for a stale resourceVersion, with kube-apiserver's exact message.
  static api_error stale_resource_version(const group_resource& gr, const std::string& name);
  static api_error invalid(const group_kind& gk, const std::string& name,
                           const field_errors& errors);
  static api_error bad_request(const std::string& message);
  static api_error forbidden(const group_resource& gr, const std::string& name,
                             const std::string& detail);
  static api_error method_not_supported(const group_resource& gr, const std::string& action);
  static api_error gone(const std::string& message);
  // 410 with reason Expired: a watch or continue token older than the history.
  static api_error resource_expired(const std::string& message);
  static api_error internal(const std::string& message);
  static api_error too_many_requests(const std::string& message, int retry_after_seconds);
  static api_error service_unavailable(const std::string& message);
  static api_error request_entity_too_large(const std::string& message);
  // 415; `message` names what is accepted.
  static api_error unsupported_media_type(const std::string& message);
  static api_error not_acceptable(const std::string& message);
  static api_error timeout(const std::string& message, int retry_after_seconds);

 private:
  int code_;
  std::string reason_;
  std::string message_;
  status_details details_;
  std::string continue_;
};

bool is_not_found(const api_error& e);
bool is_already_exists(const api_error& e);
bool is_conflict(const api_error& e);
bool is_invalid(const api_error& e);
bool is_bad_request(const api_error& e);
bool is_gone(const api_error& e);  // 410, reason Gone or Expired
bool is_resource_expired(const api_error& e);
bool is_forbidden(const api_error& e);
bool is_method_not_supported(const api_error& e);
bool is_too_many_requests(const api_error& e);
bool is_internal_error(const api_error& e);

}  // namespace ktk::core

namespace ktk {
using core::api_error;
using core::is_already_exists;
using core::is_bad_request;
using core::is_conflict;
using core::is_forbidden;
using core::is_gone;
using core::is_internal_error;
using core::is_invalid;
using core::is_method_not_supported;
using core::is_not_found;
using core::is_resource_expired;
using core::is_too_many_requests;
}  // namespace ktk
