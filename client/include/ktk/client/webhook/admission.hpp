// ktk/client/webhook/admission.hpp — admission.k8s.io/v1 AdmissionReview, as an
// admission webhook receives and answers it.
//
// An API server that has a MutatingWebhookConfiguration or ValidatingWebhookConfiguration
// naming your webhook POSTs an AdmissionReview with a `request` for each matching write;
// your handler answers with a `response`: allowed or not, and (mutating webhooks only)
// a JSON patch. The helpers build the usual answers:
//
//   admission_response r = allowed(req);                    // let it through
//   admission_response r = denied(req, "spec.cpu must be at least 1");  // 403 to the client
//   admission_response r = patched(req, modified_object);    // a mutating webhook's answer
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ktk/core/gvk.hpp"
#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::webhook {

using core::json;

// One request of an AdmissionReview (admission.k8s.io/v1 AdmissionRequest).
struct admission_request {
  std::string uid{};                // must be echoed in the response
  core::gvk kind{};                 // of the object (as the webhook's rules asked for it)
  core::gvr resource{};
  std::string sub_resource{};       // "", "status", "scale", ...
  std::optional<core::gvk> request_kind{};  // of the original request, when it differs
  std::optional<core::gvr> request_resource{};
  std::string name{};               // may be "" on CREATE with generateName
  std::string namespace_{};
  std::string operation{};          // CREATE, UPDATE, DELETE, CONNECT
  json user_info = json::object();  // {"username": ..., "groups": [...], ...}
  json object{};                    // null for DELETE
  json old_object{};                // null for CREATE
  bool dry_run = false;
  json options{};                   // CreateOptions / UpdateOptions / DeleteOptions, or null

  // From an AdmissionReview document; 400-style error (bad_request) when it is not one
  // (wrong apiVersion/kind, no request, no uid).
  static core::result<admission_request> from_review(const json& review);
  // The AdmissionReview (admission.k8s.io/v1) carrying this request.
  json to_review() const;
};

// One response of an AdmissionReview (admission.k8s.io/v1 AdmissionResponse).
struct admission_response {
  std::string uid{};
  bool allowed = true;
  // When denied: the Status the client gets (code defaults to 403 in denied(); the API
  // server turns anything below 400 into 400).
  int code = 0;
  std::string message{};
  std::string reason{};
  // RFC 6902 operations (mutating webhooks only); an empty array or null = no patch.
  json patch{};
  std::vector<std::string> warnings{};
  std::map<std::string, std::string> audit_annotations{};

  // The AdmissionReview (admission.k8s.io/v1) carrying this response; `patch` is
  // base64-encoded with patchType JSONPatch as the API expects.
  json to_review() const;
  // From an AdmissionReview document; an error when it is not one (no response, a
  // patch that is not base64 of a JSON array, an unknown patchType).
  static core::result<admission_response> from_review(const json& review);
};

admission_response allowed(const admission_request& req, std::string message = {});
admission_response denied(const admission_request& req, std::string message, int code = 403,
                          std::string reason = "Forbidden");
// The patch from req.object to `modified` (core::create_json_patch); allowed.
admission_response patched(const admission_request& req, const json& modified);

}  // namespace ktk::client::webhook
