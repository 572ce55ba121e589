// admission.cpp — AdmissionReview (admission.k8s.io/v1) to and from JSON, with the
// field names and omitempty rules of k8s.io/api/admission/v1.
#include "ktk/client/webhook/admission.hpp"

#include <utility>

#include "ktk/core/base64.hpp"
#include "ktk/core/patch.hpp"

namespace ktk::client::webhook {
namespace {

constexpr const char* review_api_version = "admission.k8s.io/v1";
constexpr const char* review_kind = "AdmissionReview";
constexpr const char* json_patch_type = "JSONPatch";

api_error bad_review(const std::string& what) {
  return api_error::bad_request("couldn't decode AdmissionReview: " + what);
}

json review_envelope() { return json{{"apiVersion", review_api_version}, {"kind", review_kind}}; }

// The `request` or `response` member of an AdmissionReview, checked.
result<const json*> review_part(const json& review, const char* part) {
  if (!review.is_object()) return bad_review("not a JSON object");
  auto av = review.find("apiVersion");
  auto kind = review.find("kind");
  if (av == review.end() || kind == review.end() || *av != review_api_version || *kind != review_kind) {
    return bad_review(std::string("expected apiVersion ") + review_api_version + " and kind " + review_kind +
                      ", got " + (av == review.end() ? json("") : *av).dump() + " / " +
                      (kind == review.end() ? json("") : *kind).dump());
  }
  auto it = review.find(part);
  if (it == review.end() || !it->is_object()) return bad_review(std::string("no ") + part);
  return &*it;
}

// Readers that turn a missing member into its zero value and a member of the wrong
// type into an error (as Go's decoder does).
result<std::string> str(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return std::string();
  if (!it->is_string()) return bad_review(std::string(name) + " is not a string");
  return it->get<std::string>();
}

result<bool> boolean(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return false;
  if (!it->is_boolean()) return bad_review(std::string(name) + " is not a boolean");
  return it->get<bool>();
}

json member(const json& o, const char* name) {
  auto it = o.find(name);
  return it == o.end() ? json() : *it;
}

template <class T>
result<std::optional<T>> triple(const json& o, const char* name, const char* third) {
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return std::optional<T>();
  if (!it->is_object()) return bad_review(std::string(name) + " is not an object");
  auto g = str(*it, "group");
  auto v = str(*it, "version");
  auto k = str(*it, third);
  if (!g) return g.error();
  if (!v) return v.error();
  if (!k) return k.error();
  return std::optional<T>(T{*g, *v, *k});
}

json to_json(const core::gvk& k) { return json{{"group", k.group}, {"version", k.version}, {"kind", k.kind}}; }
json to_json(const core::gvr& r) { return json{{"group", r.group}, {"version", r.version}, {"resource", r.resource}}; }

}  // namespace

result<admission_request> admission_request::from_review(const json& review) {
  auto part = review_part(review, "request");
  if (!part) return part.error();
  const json& r = **part;
  admission_request req;
  auto uid = str(r, "uid");
  if (!uid) return uid.error();
  if (uid->empty()) return bad_review("request.uid is empty");
  req.uid = std::move(*uid);

  auto kind = triple<core::gvk>(r, "kind", "kind");
  auto resource = triple<core::gvr>(r, "resource", "resource");
  auto request_kind = triple<core::gvk>(r, "requestKind", "kind");
  auto request_resource = triple<core::gvr>(r, "requestResource", "resource");
  if (!kind) return kind.error();
  if (!resource) return resource.error();
  if (!request_kind) return request_kind.error();
  if (!request_resource) return request_resource.error();
  if (*kind) req.kind = **kind;
  if (*resource) req.resource = **resource;
  req.request_kind = *request_kind;
  req.request_resource = *request_resource;

  for (auto [field, name] : {std::pair{&req.sub_resource, "subResource"}, std::pair{&req.name, "name"},
                             std::pair{&req.namespace_, "namespace"}, std::pair{&req.operation, "operation"}}) {
    auto v = str(r, name);
    if (!v) return v.error();
    *field = std::move(*v);
  }
  auto dry = boolean(r, "dryRun");
  if (!dry) return dry.error();
  req.dry_run = *dry;

  json user = member(r, "userInfo");
  if (!user.is_null() && !user.is_object()) return bad_review("userInfo is not an object");
  req.user_info = user.is_null() ? json::object() : std::move(user);
  req.object = member(r, "object");
  req.old_object = member(r, "oldObject");
  req.options = member(r, "options");
  return req;
}

json admission_request::to_review() const {
  json r{{"uid", uid}, {"kind", to_json(kind)}, {"resource", to_json(resource)}, {"operation", operation},
         {"userInfo", user_info}};
  if (!sub_resource.empty()) r["subResource"] = sub_resource;
  if (request_kind) r["requestKind"] = to_json(*request_kind);
  if (request_resource) r["requestResource"] = to_json(*request_resource);
  if (!name.empty()) r["name"] = name;
  if (!namespace_.empty()) r["namespace"] = namespace_;
  if (!object.is_null()) r["object"] = object;
  if (!old_object.is_null()) r["oldObject"] = old_object;
  if (dry_run) r["dryRun"] = true;
  if (!options.is_null()) r["options"] = options;
  json review = review_envelope();
  review["request"] = std::move(r);
  return review;
}

json admission_response::to_review() const {
  json r{{"uid", uid}, {"allowed", allowed}};
  if (!allowed || code != 0 || !message.empty() || !reason.empty()) {
    // metav1.Status: code, message and reason are omitempty; metadata is not.
    json status{{"metadata", json::object()}};
    if (code != 0) status["code"] = code;
    if (!message.empty()) status["message"] = message;
    if (!reason.empty()) status["reason"] = reason;
    r["status"] = std::move(status);
  }
  if (!patch.is_null() && !patch.is_array()) {
    throw std::invalid_argument("admission_response.patch must be a JSON array of operations, got " + patch.dump());
  }
  if (patch.is_array() && !patch.empty()) {
    r["patch"] = core::base64_encode(patch.dump());
    r["patchType"] = json_patch_type;
  }
  if (!warnings.empty()) r["warnings"] = warnings;
  if (!audit_annotations.empty()) r["auditAnnotations"] = audit_annotations;
  json review = review_envelope();
  review["response"] = std::move(r);
  return review;
}

result<admission_response> admission_response::from_review(const json& review) {
  auto part = review_part(review, "response");
  if (!part) return part.error();
  const json& r = **part;
  admission_response res;
  auto uid = str(r, "uid");
  auto allowed = boolean(r, "allowed");
  if (!uid) return uid.error();
  if (!allowed) return allowed.error();
  res.uid = std::move(*uid);
  res.allowed = *allowed;

  json status = member(r, "status");
  if (!status.is_null()) {
    if (!status.is_object()) return bad_review("response.status is not an object");
    auto code = status.find("code");
    if (code != status.end() && !code->is_null()) {
      if (!code->is_number_integer()) return bad_review("response.status.code is not an integer");
      res.code = code->get<int>();
    }
    auto message = str(status, "message");
    auto why = str(status, "reason");
    if (!message) return message.error();
    if (!why) return why.error();
    res.message = std::move(*message);
    res.reason = std::move(*why);
  }

  auto patch = str(r, "patch");
  auto patch_type = str(r, "patchType");
  if (!patch) return patch.error();
  if (!patch_type) return patch_type.error();
  if (!patch_type->empty() && *patch_type != json_patch_type) {
    return bad_review("unsupported patchType \"" + *patch_type + "\" (only JSONPatch is)");
  }
  if (!patch->empty()) {
    if (patch_type->empty()) return bad_review("a patch without patchType");
    auto raw = core::base64_decode(*patch);
    if (!raw) return bad_review("response.patch is not base64");
    json ops = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
    if (!ops.is_array()) return bad_review("response.patch is not a JSON array of operations");
    res.patch = std::move(ops);
  }

  json warnings = member(r, "warnings");
  if (!warnings.is_null()) {
    if (!warnings.is_array()) return bad_review("response.warnings is not an array");
    for (const auto& w : warnings) {
      if (!w.is_string()) return bad_review("response.warnings holds a non-string");
      res.warnings.push_back(w.get<std::string>());
    }
  }
  json audit = member(r, "auditAnnotations");
  if (!audit.is_null()) {
    if (!audit.is_object()) return bad_review("response.auditAnnotations is not an object");
    for (auto it = audit.begin(); it != audit.end(); ++it) {
      if (!it->is_string()) return bad_review("response.auditAnnotations holds a non-string");
      res.audit_annotations[it.key()] = it->get<std::string>();
    }
  }
  return res;
}

admission_response allowed(const admission_request& req, std::string message) {
  // As controller-runtime's Allowed(): status code 200 with the message.
  return admission_response{.uid = req.uid, .allowed = true, .code = 200, .message = std::move(message)};
}

admission_response denied(const admission_request& req, std::string message, int code, std::string reason) {
  return admission_response{
      .uid = req.uid, .allowed = false, .code = code, .message = std::move(message), .reason = std::move(reason)};
}

admission_response patched(const admission_request& req, const json& modified) {
  admission_response res{.uid = req.uid, .allowed = true};
  // A DELETE carries no object: nothing to patch.
  if (!req.object.is_null()) res.patch = core::create_json_patch(req.object, modified);
  return res;
}

}  // namespace ktk::client::webhook
