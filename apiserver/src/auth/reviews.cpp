// reviews.cpp — SubjectAccessReview and friends, SelfSubjectReview, TokenReview.
#include "auth/reviews.hpp"

#include <nlohmann/json.hpp>

#include "auth/json_fields.hpp"
#include "http/encode.hpp"
#include "http/negotiate.hpp"
#include "http/params.hpp"
#include "http/router.hpp"

namespace ktk::apiserver::auth {
namespace {

using core::api_error;
using core::field_error;
using core::json;

json user_json(const user_info& u) {
  json j = {{"username", u.name}};
  if (!u.uid.empty()) j["uid"] = u.uid;
  if (!u.groups.empty()) j["groups"] = u.groups;
  if (!u.extra.empty()) j["extra"] = u.extra;
  return j;
}

json rule_json(const policy_rule& r, bool resource) {
  json j = {{"verbs", r.verbs}};
  if (resource) {
    if (!r.api_groups.empty()) j["apiGroups"] = r.api_groups;
    if (!r.resources.empty()) j["resources"] = r.resources;
    if (!r.resource_names.empty()) j["resourceNames"] = r.resource_names;
  } else {
    j["nonResourceURLs"] = r.non_resource_urls;
  }
  return j;
}

http::response created(const http::request& req, json obj) {
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  if (!obj["metadata"].contains("creationTimestamp")) obj["metadata"]["creationTimestamp"] = nullptr;
  return {.status = 201, .content_type = "application/json", .body = http::dump(obj, http::pretty_param(req))};
}

api_error invalid(const std::string& kind, const std::string& group, core::field_errors errs) {
  return api_error::invalid({group, kind}, "", errs);
}

// The spec of an access review → the attributes to authorize, or a 422.
core::result<attributes> spec_attributes(const json& spec, const std::string& kind, bool local) {
  auto ra = spec.find("resourceAttributes");
  auto na = spec.find("nonResourceAttributes");
  const bool has_ra = ra != spec.end() && ra->is_object();
  const bool has_na = na != spec.end() && na->is_object();
  if (has_ra && has_na) {
    return invalid(kind, "authorization.k8s.io",
                   {field_error::invalid("spec.nonResourceAttributes", na->dump(),
                                         "cannot be specified in combination with resourceAttributes")});
  }
  if (local && has_na) {
    return invalid(kind, "authorization.k8s.io",
                   {field_error::invalid("spec.nonResourceAttributes", na->dump(), "disallowed on this kind of request")});
  }
  if (!has_ra && !has_na) {
    return invalid(kind, "authorization.k8s.io",
                   {field_error::invalid("spec.resourceAttributes", "\"null\"",
                                         "exactly one of nonResourceAttributes or resourceAttributes must be specified")});
  }
  attributes a;
  if (has_ra) {
    a.resource_request = true;
    a.namespace_ = string_at(*ra, "namespace");
    a.verb = string_at(*ra, "verb");
    a.api_group = string_at(*ra, "group");
    a.api_version = string_at(*ra, "version");
    a.resource = string_at(*ra, "resource");
    a.subresource = string_at(*ra, "subresource");
    a.name = string_at(*ra, "name");
  } else {
    a.path = string_at(*na, "path");
    a.verb = string_at(*na, "verb");
  }
  return a;
}

json access_status(const attributes& a, const review_context& ctx) {
  decision d = ctx.rbac ? ctx.rbac->authorize(a) : decision{.allowed = true};
  json st = {{"allowed", d.allowed}};
  if (!d.reason.empty()) st["reason"] = d.reason;
  return st;
}

user_info spec_user(const json& spec) {
  user_info u{
      .name = string_at(spec, "user"), .uid = string_at(spec, "uid"), .groups = strings_at(spec, "groups")};
  if (auto e = spec.find("extra"); e != spec.end() && e->is_object()) {
    for (auto it = e->begin(); it != e->end(); ++it) u.extra[it.key()] = strings_at(*e, it.key().c_str());
  }
  return u;
}

core::result<json> answer(const std::string& resource, const std::string& ns, json obj, const review_context& ctx) {
  json spec = obj.value("spec", json::object());
  if (!spec.is_object()) spec = json::object();
  if (resource == "selfsubjectaccessreviews" || resource == "subjectaccessreviews" ||
      resource == "localsubjectaccessreviews") {
    const std::string kind = resource == "selfsubjectaccessreviews" ? "SelfSubjectAccessReview"
                             : resource == "subjectaccessreviews"   ? "SubjectAccessReview"
                                                                    : "LocalSubjectAccessReview";
    const bool local = resource == "localsubjectaccessreviews";
    auto a = spec_attributes(spec, kind, local);
    if (!a) return a.error();
    if (local && a->namespace_ != ns) {
      return api_error::bad_request("spec.resourceAttributes.namespace must match namespace: " + ns);
    }
    user_info subject;
    if (resource == "selfsubjectaccessreviews") {
      subject = ctx.user;
    } else {
      subject = spec_user(spec);
      if (subject.name.empty() && subject.groups.empty()) {
        return invalid(kind, "authorization.k8s.io",
                       {field_error::invalid("spec.user", "\"\"", "at least one of user or group must be specified")});
      }
    }
    a->user = &subject;
    obj["status"] = access_status(*a, ctx);
    return obj;
  }
  if (resource == "selfsubjectrulesreviews") {
    const std::string rns = string_at(spec, "namespace");
    json st = {{"resourceRules", json::array()}, {"nonResourceRules", json::array()}, {"incomplete", false}};
    if (!ctx.rbac) {
      st["resourceRules"].push_back({{"verbs", {"*"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}});
      st["nonResourceRules"].push_back({{"verbs", {"*"}}, {"nonResourceURLs", {"*"}}});
    } else {
      auto r = ctx.rbac->rules_for(ctx.user, rns);
      for (const auto& x : r.resource_rules) st["resourceRules"].push_back(rule_json(x, true));
      for (const auto& x : r.non_resource_rules) st["nonResourceRules"].push_back(rule_json(x, false));
      if (!r.evaluation_error.empty()) {
        st["incomplete"] = true;
        st["evaluationError"] = r.evaluation_error;
      }
    }
    obj["status"] = st;
    return obj;
  }
  if (resource == "selfsubjectreviews") {
    obj["status"] = {{"userInfo", user_json(ctx.user)}};
    return obj;
  }
  if (resource == "tokenreviews") {
    const std::string token = string_at(spec, "token");
    std::vector<std::string> audiences;
    if (auto aud = spec.find("audiences"); aud != spec.end() && aud->is_array()) {
      for (const auto& a : *aud) {
        if (a.is_string()) audiences.push_back(a.get<std::string>());
      }
    }
    auto answer = ctx.authn ? ctx.authn->review(token, audiences)
                            : authenticator::review_answer{.error = token.empty() ? "token is empty"
                                                                                  : "invalid bearer token"};
    const user_ptr& u = answer.user;
    json st = {{"authenticated", u != nullptr}, {"user", u ? user_json(*u) : json::object()}};
    if (u && !answer.audiences.empty()) st["audiences"] = answer.audiences;
    if (!u && !answer.error.empty()) st["error"] = answer.error;
    obj["status"] = st;
    return obj;
  }
  return api_error::internal("unknown review resource " + resource);
}

}  // namespace

std::optional<http::response> answer_review(const http::request& req, const http::resource_path& rp,
                                            const review_context& ctx) {
  static const std::vector<std::pair<std::string, std::string>> reviews = {
      {"authorization.k8s.io", "selfsubjectaccessreviews"}, {"authorization.k8s.io", "subjectaccessreviews"},
      {"authorization.k8s.io", "localsubjectaccessreviews"}, {"authorization.k8s.io", "selfsubjectrulesreviews"},
      {"authentication.k8s.io", "selfsubjectreviews"},        {"authentication.k8s.io", "tokenreviews"}};
  bool known = false;
  for (const auto& [g, r] : reviews) known = known || (rp.gv.group == g && rp.resource == r);
  if (!known || rp.gv.version != "v1") return std::nullopt;
  const bool namespaced = rp.resource == "localsubjectaccessreviews";
  if (!rp.name.empty() || !rp.subresource.empty() || rp.has_namespace != namespaced) return http::not_found_page();
  if (req.method != "POST") return http::method_not_allowed();
  auto body = http::decode_body(req.content_type, req.body);
  if (!body) return http::error_response(body.error());
  if (!body->is_object()) return http::error_response(api_error::bad_request("the request body is not an object"));
  auto out = answer(rp.resource, rp.namespace_, std::move(*body), ctx);
  if (!out) return http::error_response(out.error());
  return created(req, std::move(*out));
}

}  // namespace ktk::apiserver::auth
