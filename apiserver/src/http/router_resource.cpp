// router_resource.cpp — API resource paths: the verbs, their parameters, the registry
// call and the encoded answer.
#include <nlohmann/json.hpp>

#include "auth/reviews.hpp"
#include "http/encode.hpp"
#include "http/negotiate.hpp"
#include "http/params.hpp"
#include "http/route.hpp"
#include "http/router.hpp"
#include "ktk/core/patch.hpp"

namespace ktk::apiserver::http {

using core::api_error;
using core::json;

namespace {

const core::gvr crd_resource{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};

// kube-apiserver returns the deleted object for these (ReturnDeletedObject), a Status
// naming it for the other built-ins.
bool returns_deleted_object(const core::resource_info& info, bool custom) {
  if (custom) return true;
  const auto& r = info.resource;
  return r.group.empty() && (r.resource == "pods" || r.resource == "services" || r.resource == "namespaces");
}

class resource_request {
 public:
  resource_request(registry& reg, const request& req, const user_info& user, resource_path rp,
                   core::resource_info_ptr info, std::chrono::seconds max_watch, const write_policy* policy)
      : reg_(reg),
        req_(req),
        user_(user),
        rp_(std::move(rp)),
        info_(std::move(info)),
        max_watch_(max_watch),
        policy_(policy) {}

  routed run() {
    auto out = negotiate(req_.accept, req_.param("includeObject").value_or(""));
    if (!out) return error_response(out.error());
    enc_.out = *out;
    enc_.pretty = pretty_param(req_);
    enc_.info = info_;
    enc_.now = reg_.clock().now();
    crd_ = crd_of_resource();
    if (enc_.out.form == output_form::table && crd_) enc_.printer_columns = printer_columns();

    const bool collection = rp_.name.empty();
    if (collection && !rp_.subresource.empty()) return not_found_page();
    const bool token = rp_.subresource == "token" && info_->resource == core::gvr{"", "v1", "serviceaccounts"};
    if (!rp_.subresource.empty() && rp_.subresource != "status" && rp_.subresource != "scale" &&
        rp_.subresource != "binding" && !token) {
      return not_found_page();
    }
    // A namespaced resource's objects live under /namespaces/{ns}/; only list and
    // watch span all namespaces.
    if (info_->namespaced && !rp_.has_namespace && !collection) return not_found_page();
    const std::string ns = info_->namespaced ? rp_.namespace_ : std::string();
    const core::object_key key{ns, rp_.name};
    const auto& m = req_.method;

    if (m == "GET" || m == "HEAD") {
      if (token) return method_not_allowed();
      if (watch_param(req_) || rp_.legacy_watch) return watch(ns);
      if (collection) return list(ns);
      auto o = get_options_of(req_);
      if (!o) return error_response(o.error());
      return object_or_error(reg_.get(info_->resource, key, *o, rp_.subresource));
    }
    if (rp_.legacy_watch) return method_not_allowed();
    if (m == "POST") {
      if (collection) return info_->namespaced && !rp_.has_namespace ? method_not_allowed() : create(ns);
      if (rp_.subresource == "binding") return bind(key);
      if (token) return request_token(key);
      return method_not_allowed();
    }
    // binding and token take a POST only.
    const bool create_only = rp_.subresource == "binding" || token;
    if (m == "PUT") return collection || create_only ? method_not_allowed() : update(key);
    if (m == "PATCH") return collection || create_only ? method_not_allowed() : patch(key);
    if (m == "DELETE") {
      if (!rp_.subresource.empty()) return method_not_allowed();
      if (collection) return info_->namespaced && !rp_.has_namespace ? method_not_allowed() : delete_collection(ns);
      return remove(key);
    }
    return method_not_allowed();
  }

 private:
  // The CRD that defines this resource; null for built-ins.
  object_ptr crd_of_resource() const {
    const auto& g = info_->resource.group;
    if (g.find('.') == std::string::npos) return nullptr;  // a CRD's group always has a dot
    auto crd = reg_.get(crd_resource, {"", info_->resource.resource + "." + g});
    return crd ? *crd : nullptr;
  }

  json printer_columns() const {
    const json* versions = crd_->at_path("spec.versions");
    if (!versions || !versions->is_array()) return nullptr;
    for (const auto& v : *versions) {
      if (v.value("name", "") == info_->resource.version) {
        auto it = v.find("additionalPrinterColumns");
        return it == v.end() ? json(nullptr) : *it;
      }
    }
    return nullptr;
  }

  response object_or_error(const core::result<object_ptr>& r, unsigned status = 200) {
    if (!r) return error_response(r.error());
    auto resp = enc_.object(*r, status);
    resp.warnings = std::move(warnings_);
    return resp;
  }

  routed list(const std::string& ns) {
    auto o = list_options_of(req_);
    if (!o) return error_response(o.error());
    auto l = reg_.list(info_->resource, ns, *o);
    if (!l) return error_response(l.error());
    return enc_.list(*l);
  }

  routed watch(const std::string& ns) {
    auto o = watch_options_of(req_);
    if (!o) return error_response(o.error());
    if (!rp_.name.empty()) {
      o->field_selector = "metadata.name=" + rp_.name + (o->field_selector.empty() ? "" : "," + o->field_selector);
    }
    auto t = timeout_of(req_);
    if (!t) return error_response(t.error());
    auto w = reg_.watch(info_->resource, ns, *o);
    if (!w) return error_response(w.error());
    return watch_start{.stream = std::move(*w),
                       .timeout = t->value_or(max_watch_),
                       .content_type = enc_.watch_content_type(),
                       .encode = enc_.watch_lines()};
  }

  core::result<object> body_object() {
    auto b = decode_body(req_.content_type, req_.body);
    if (!b) return b.error();
    if (!b->is_object()) {
      return api_error::bad_request("Object 'Kind' is missing in '" + b->dump() + "'");
    }
    return object(std::move(*b));
  }

  // kube-apiserver's managerOrUserAgent: without fieldManager, a write (not an apply)
  // is recorded under the User-Agent's product ("kubectl" for "kubectl/v1.31 (...)").
  std::string default_manager() const {
    std::string ua = req_.user_agent.substr(0, req_.user_agent.find('/'));
    if (ua.size() > 128) ua.resize(128);
    for (char c : ua) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return {};
    }
    return ua;
  }

  core::result<write_options> write_opts() {
    auto o = write_options_of(req_);
    if (!o) return o.error();
    o->user = &user_;
    o->policy = policy_;
    if (o->field_manager.empty() && media_type(req_.content_type) != "application/apply-patch+yaml") {
      o->field_manager = default_manager();
    }
    o->subresource = rp_.subresource;
    o->warnings = &warnings_;
    return o;
  }

  routed create(const std::string& ns) {
    auto w = write_opts();
    if (!w) return error_response(w.error());
    if (w->force) return error_response(api_error::bad_request("force: Forbidden: may not be specified for non-apply patch"));
    auto obj = body_object();
    if (!obj) return error_response(obj.error());
    return object_or_error(reg_.create(info_->resource, ns, std::move(*obj), *w), 201);
  }

  routed bind(const core::object_key& key) {
    auto w = write_opts();
    if (!w) return error_response(w.error());
    w->subresource.clear();
    auto obj = body_object();
    if (!obj) return error_response(obj.error());
    auto r = reg_.bind(key, std::move(*obj), *w);
    if (!r) return error_response(r.error());
    // kube-apiserver answers a binding with a Status Success.
    json st = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"}, {"code", 201}};
    return response{.status = 201, .body = st.dump()};
  }

  // serviceaccounts/{name}/token: the TokenRequest with its token, 201 as kube answers.
  routed request_token(const core::object_key& key) {
    auto w = write_opts();
    if (!w) return error_response(w.error());
    auto obj = body_object();
    if (!obj) return error_response(obj.error());
    return object_or_error(reg_.request_token(key, std::move(*obj), *w), 201);
  }

  routed update(const core::object_key& key) {
    auto w = write_opts();
    if (!w) return error_response(w.error());
    auto obj = body_object();
    if (!obj) return error_response(obj.error());
    return object_or_error(reg_.update(info_->resource, key, std::move(*obj), *w));
  }

  routed patch(const core::object_key& key) {
    auto w = write_opts();
    if (!w) return error_response(w.error());
    auto type = core::patch_type_from_content_type(media_type(req_.content_type));
    if (!type || *type == core::patch_type::apply_cbor) {
      return error_response(api_error::unsupported_media_type(
          "the body of the request was in an unknown format - accepted media types include: "
          "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml" +
          std::string(core::supports_strategic_merge(info_->gk()) ? ", application/strategic-merge-patch+json" : "")));
    }
    const bool apply = *type == core::patch_type::apply_yaml;
    if (w->force && !apply) {
      return error_response(api_error::bad_request("force: Forbidden: may not be specified for non-apply patch"));
    }
    core::result<json> body = apply ? decode_body("application/yaml", req_.body) : parse_json(req_.body);
    if (!body) return error_response(body.error());
    bool existed = true;
    if (apply) existed = reg_.get(info_->resource, key, {}, rp_.subresource).ok();
    return object_or_error(reg_.patch(info_->resource, key, *type, *body, *w), existed ? 200 : 201);
  }

  routed remove(const core::object_key& key) {
    auto o = delete_options_of(req_);
    if (o) o->user = &user_;
    if (!o) return error_response(o.error());
    o->warnings = &warnings_;
    auto r = reg_.remove(info_->resource, key, *o);
    if (!r) return error_response(r.error());
    if (!r->deleted || returns_deleted_object(*info_, crd_ != nullptr)) return object_or_error(r->object);
    json details = {{"name", key.name}, {"group", info_->resource.group}, {"kind", info_->resource.resource}};
    if (r->object && !r->object->uid().empty()) details["uid"] = r->object->uid();
    json st = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"},
               {"details", details}};
    return response{.body = st.dump(), .warnings = std::move(warnings_)};
  }

  routed delete_collection(const std::string& ns) {
    auto o = delete_options_of(req_);
    if (o) o->user = &user_;
    if (!o) return error_response(o.error());
    auto sel = list_options_of(req_);
    if (!sel) return error_response(sel.error());
    auto r = reg_.delete_collection(info_->resource, ns, *o, *sel);
    if (!r) return error_response(r.error());
    return enc_.list(*r);
  }

  registry& reg_;
  const request& req_;
  const user_info& user_;
  resource_path rp_;
  core::resource_info_ptr info_;
  std::chrono::seconds max_watch_;
  const write_policy* policy_;  // may be null
  encoder enc_;
  object_ptr crd_;  // the CRD defining the resource, for custom resources
  std::vector<std::string> warnings_;
};

}  // namespace

routed router::handle_resource(const request& req, const user_info& user) const {
  auto rp = parse_resource_path(req.path);
  if (!rp) return not_found_page();
  if (auto r = auth::answer_review(req, *rp, {.user = user, .rbac = opts_.rbac, .authn = opts_.authn})) return std::move(*r);
  auto info = reg_.mapper().by_resource({rp->gv.group, rp->gv.version, rp->resource});
  if (!info) return not_found_page();
  if (rp->has_namespace && !info->namespaced) return not_found_page();
  return resource_request(reg_, req, user, std::move(*rp), std::move(info), opts_.max_watch_timeout, opts_.policy).run();
}

}  // namespace ktk::apiserver::http
