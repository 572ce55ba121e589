// dispatcher.cpp — matching webhooks to a request, the AdmissionReview exchange, and
// what their answers do to the request.
#include "dispatcher.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "auth/json_fields.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/core/label_selector.hpp"
#include "ktk/core/patch.hpp"
#include "registry/handler.hpp"
#include "webhook_client.hpp"

namespace ktk::apiserver::admission {

using core::json;
using core::object;

namespace {

using auth::strings_at;

// AdmissionRequest.userInfo: who made the request (system:admin when nobody said).
json user_info_json(const user_info* u) {
  if (!u) return {{"username", "system:admin"}, {"groups", {"system:masters", "system:authenticated"}}};
  json j = {{"username", u->name}};
  if (!u->uid.empty()) j["uid"] = u->uid;
  if (!u->groups.empty()) j["groups"] = u->groups;
  if (!u->extra.empty()) j["extra"] = u->extra;
  return j;
}

constexpr const char* group = "admissionregistration.k8s.io";

}  // namespace

// compiled_webhook holds these, so they are named, not in an anonymous namespace.
namespace webhook_detail {

struct rule {
  std::vector<std::string> operations, groups, versions, resources;
  std::string scope = "*";
};

}  // namespace webhook_detail

namespace {

using webhook_detail::rule;

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end() || std::find(v.begin(), v.end(), "*") != v.end();
}

// A rule's resources entry against "resource" and "subresource" (kube's
// admission/plugin/webhook/predicates/rules).
bool resource_matches(const std::vector<std::string>& patterns, const std::string& res, const std::string& sub) {
  const std::string combined = sub.empty() ? res : res + "/" + sub;
  for (const auto& p : patterns) {
    if (p == "*/*" || p == combined) return true;
    if (p == "*" && sub.empty()) return true;
    auto slash = p.find('/');
    if (slash == std::string::npos) continue;
    const std::string pr = p.substr(0, slash), ps = p.substr(slash + 1);
    if (pr == "*" && ps == sub && !sub.empty()) return true;
    if (ps == "*" && pr == res && !sub.empty()) return true;
  }
  return false;
}

std::string new_uid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a = rng(), b = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0x0fff),
                static_cast<unsigned>(((b >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

core::api_error internal(const std::string& hook, const std::string& why) {
  return core::api_error::internal("failed calling webhook \"" + hook + "\": " + why);
}

// kube's webhookerrors.ToStatusErr: a denial as the client sees it.
core::api_error denial(const std::string& hook, const json& status) {
  int code = status.is_object() ? status.value("code", 0) : 0;
  if (code < 400) code = 400;
  std::string message = status.is_object() ? status.value("message", "") : "";
  std::string reason = status.is_object() ? status.value("reason", "") : "";
  const std::string by = "admission webhook \"" + hook + "\" denied the request";
  if (!message.empty()) {
    message = by + ": " + message;
  } else if (!reason.empty()) {
    message = by + ": " + reason;
  } else {
    message = by + " without explanation";
  }
  core::status_details details;
  if (status.is_object() && status.contains("details") && status["details"].is_object()) {
    const json& d = status["details"];
    details.name = d.value("name", "");
    details.group = d.value("group", "");
    details.kind = d.value("kind", "");
  }
  return core::api_error(code, reason, message, details);
}

}  // namespace

struct compiled_webhook {
  std::string name;
  bool mutating = false;
  json client_config;
  std::vector<rule> rules;
  std::string failure_policy = "Fail";
  std::string match_policy = "Equivalent";
  std::string side_effects;
  std::string reinvocation = "Never";
  core::label_selector namespace_selector;
  core::label_selector object_selector;
  bool selectors_ok = true;  // false: a selector did not parse (treated as a failed call)
  int timeout_seconds = 10;
  std::string review_version = "v1";
};

struct dispatcher::snapshot {
  storage::revision rev = -1;
  std::vector<compiled_webhook> hooks;
};

namespace {

compiled_webhook compile(const json& w, bool mutating) {
  compiled_webhook c;
  c.mutating = mutating;
  c.name = w.value("name", "");
  c.client_config = w.value("clientConfig", json::object());
  for (const auto& r : w.value("rules", json::array())) {
    if (!r.is_object()) continue;
    c.rules.push_back({strings_at(r, "operations"), strings_at(r, "apiGroups"), strings_at(r, "apiVersions"),
                       strings_at(r, "resources"), r.value("scope", "*")});
  }
  c.failure_policy = w.value("failurePolicy", "Fail");
  c.match_policy = w.value("matchPolicy", "Equivalent");
  c.side_effects = w.value("sideEffects", "");
  c.reinvocation = w.value("reinvocationPolicy", "Never");
  c.timeout_seconds = w.value("timeoutSeconds", 10);
  auto versions = strings_at(w, "admissionReviewVersions");
  c.review_version = has(versions, "v1") || versions.empty() ? "v1" : "v1beta1";
  for (auto [key, target] : {std::pair{"namespaceSelector", &c.namespace_selector},
                             std::pair{"objectSelector", &c.object_selector}}) {
    auto it = w.find(key);
    if (it == w.end() || it->is_null()) continue;
    auto sel = core::label_selector::from_json(*it);
    if (sel) {
      *target = std::move(*sel);
    } else {
      c.selectors_ok = false;
    }
  }
  return c;
}

const json& labels_of(const object* o) {
  static const json none = json::object();
  if (!o) return none;
  const json& m = o->metadata();
  auto it = m.find("labels");
  return it == m.end() ? none : *it;
}

}  // namespace

dispatcher::dispatcher(storage::interface& store, const core::rest_mapper& mapper) : store_(store), mapper_(mapper) {}
dispatcher::~dispatcher() = default;

std::shared_ptr<const dispatcher::snapshot> dispatcher::current(bool mutating) const {
  const std::string shard =
      std::string(group) + (mutating ? "/mutatingwebhookconfigurations" : "/validatingwebhookconfigurations");
  const storage::revision rev = store_.shard_revision(shard);
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    const auto& cached = mutating ? mutating_ : validating_;
    if (cached && cached->rev == rev) return cached;
    generation = generation_;
  }
  auto snap = std::make_shared<snapshot>();
  snap->rev = rev;
  auto listed = store_.list(shard, {});
  if (listed) {
    std::vector<core::object_ptr> configs = listed->items;
    // kube-apiserver calls configurations in name order, webhooks in their order.
    std::sort(configs.begin(), configs.end(), [](const auto& a, const auto& b) { return a->name() < b->name(); });
    for (const auto& cfg : configs) {
      for (const auto& w : cfg->data().value("webhooks", json::array())) {
        if (w.is_object()) snap->hooks.push_back(compile(w, mutating));
      }
    }
  } else {
    snap->rev = -1;  // could not read: try again next time
  }
  std::lock_guard lock(mu_);
  // Not remembered when a configuration was written while it was read.
  if (generation == generation_) {
    (mutating ? mutating_ : validating_) = snap;
    // Only this registry writes a store that is not shared: invalidate() is then the
    // one way the configurations change.
    const bool empty = mutating_ && mutating_->hooks.empty() && mutating_->rev >= 0 && validating_ &&
                       validating_->hooks.empty() && validating_->rev >= 0;
    known_empty_.store(empty && !store_.shared(), std::memory_order_release);
  }
  return snap;
}

void dispatcher::invalidate() {
  std::lock_guard lock(mu_);
  ++generation_;
  known_empty_.store(false, std::memory_order_release);
  mutating_.reset();
  validating_.reset();
}

namespace {

bool rules_match(const compiled_webhook& w, const attributes& a, const core::gvr& r) {
  for (const auto& ru : w.rules) {
    if (!has(ru.operations, a.operation)) continue;
    if (!has(ru.groups, r.group) || !has(ru.versions, r.version)) continue;
    if (!resource_matches(ru.resources, r.resource, a.subresource)) continue;
    if (ru.scope == "Cluster" && a.info->namespaced) continue;
    if (ru.scope == "Namespaced" && !a.info->namespaced) continue;
    return true;
  }
  return false;
}

struct call_context {
  storage::interface& store;
  const core::rest_mapper& mapper;
  const attributes& a;
};

std::optional<core::resource_info_ptr> find_match(const compiled_webhook& w, const call_context& cx) {
  const core::resource_info& info = *cx.a.info;
  if (rules_match(w, cx.a, info.resource)) return core::resource_info_ptr();
  if (w.match_policy != "Equivalent") return std::nullopt;
  for (const auto& other : cx.mapper.all()) {
    if (other->resource.group != info.resource.group || other->resource.resource != info.resource.resource ||
        other->resource.version == info.resource.version) {
      continue;
    }
    if (rules_match(w, cx.a, other->resource)) return other;
  }
  return std::nullopt;
}

// The selectors: namespace labels (the object's own for Namespaces; not checked for
// other cluster-scoped resources) and the new or old object's labels.
bool selectors_match(const compiled_webhook& w, const call_context& cx, const object* obj, const object* old) {
  if (!w.namespace_selector.empty()) {
    const auto& r = cx.a.info->resource;
    if (r.group.empty() && r.resource == "namespaces") {
      if (!w.namespace_selector.matches(labels_of(obj ? obj : old))) return false;
    } else if (cx.a.info->namespaced) {
      auto ns = cx.store.get("namespaces", {"", cx.a.namespace_});
      if (!w.namespace_selector.matches(ns ? labels_of(ns->get()) : labels_of(nullptr))) return false;
    }
  }
  if (!w.object_selector.empty()) {
    bool any = (obj && w.object_selector.matches(labels_of(obj))) || (old && w.object_selector.matches(labels_of(old)));
    if (!any) return false;
  }
  return true;
}

json as_version(const object* o, const core::resource_info* as) {
  if (!o) return nullptr;
  json j = o->data();
  if (as) j["apiVersion"] = as->resource.gv().str();
  return j;
}

json gvk_json(const core::gvk& k) { return {{"group", k.group}, {"version", k.version}, {"kind", k.kind}}; }
json gvr_json(const core::gvr& r) { return {{"group", r.group}, {"version", r.version}, {"resource", r.resource}}; }

core::gvk kind_of(const core::resource_info& info, const std::string& sub) {
  if (sub == "scale") return {"autoscaling", "v1", "Scale"};
  return {info.resource.group, info.resource.version, info.kind};
}

struct call_outcome {
  bool failed = false;     // the call failed (failurePolicy decides)
  std::string failure;     // why
  std::optional<core::api_error> denied;
  json response;           // the AdmissionResponse when allowed
};

call_outcome call(const compiled_webhook& w, const call_context& cx, const core::resource_info* as, const json& obj,
                  const json& old) {
  call_outcome out;
  const attributes& a = cx.a;
  webhook_target target;
  const json& cc = w.client_config;
  if (cc.contains("url") && cc["url"].is_string()) {
    if (auto err = parse_webhook_url(cc["url"].get<std::string>(), target); !err.empty()) {
      out.failed = true;
      out.failure = "failed to call webhook: " + err;
      return out;
    }
  } else if (cc.contains("service") && cc["service"].is_object()) {
    const json& s = cc["service"];
    out.failed = true;
    out.failure = "failed to call webhook: ktk's API server cannot reach service " + s.value("namespace", "") + "/" +
                  s.value("name", "") +
                  " (it runs no cluster network): give the webhook a clientConfig.url instead (envtest's webhook "
                  "install does so)";
    return out;
  } else {
    out.failed = true;
    out.failure = "failed to call webhook: clientConfig has neither url nor service";
    return out;
  }
  if (cc.contains("caBundle") && cc["caBundle"].is_string() && !cc["caBundle"].get<std::string>().empty()) {
    auto pem = core::base64_decode(cc["caBundle"].get<std::string>());
    if (!pem) {
      out.failed = true;
      out.failure = "failed to call webhook: caBundle is not base64";
      return out;
    }
    target.ca_pem = std::move(*pem);
  }
  const std::string timeout = std::to_string(w.timeout_seconds) + "s";
  target.path += (target.path.find('?') == std::string::npos ? "?" : "&") + std::string("timeout=") + timeout;

  const core::resource_info& info = *a.info;
  const core::resource_info& seen = as ? *as : info;
  const std::string uid = new_uid();
  json req = {{"uid", uid},
              {"kind", gvk_json(kind_of(seen, a.subresource))},
              {"resource", gvr_json(seen.resource)},
              {"requestKind", gvk_json(kind_of(info, a.subresource))},
              {"requestResource", gvr_json(info.resource)},
              {"name", a.name},
              {"operation", a.operation},
              {"userInfo", user_info_json(a.user)},
              {"object", obj},
              {"oldObject", old},
              {"dryRun", a.dry_run},
              {"options", a.options}};
  if (!a.subresource.empty()) {
    req["subResource"] = a.subresource;
    req["requestSubResource"] = a.subresource;
  }
  if (!a.namespace_.empty()) req["namespace"] = a.namespace_;
  const std::string api_version = "admission.k8s.io/" + w.review_version;
  json review = {{"apiVersion", api_version}, {"kind", "AdmissionReview"}, {"request", std::move(req)}};

  const std::string shown = "Post \"" + target.url + (target.url.find('?') == std::string::npos ? "?" : "&") +
                            "timeout=" + timeout + "\"";
  auto reply = post_review(target, review.dump(), std::chrono::seconds(w.timeout_seconds));
  if (!reply.delivered) {
    out.failed = true;
    out.failure = "failed to call webhook: " + shown + ": " + reply.error;
    return out;
  }
  if (reply.status != 200) {
    out.failed = true;
    std::string body = reply.body.size() > 512 ? reply.body.substr(0, 512) + "..." : reply.body;
    out.failure = "failed to call webhook: an error on the server (\"" + body +
                  "\") has prevented the request from succeeding (HTTP " + std::to_string(reply.status) + ")";
    return out;
  }
  json answer = json::parse(reply.body, nullptr, false);
  auto invalid = [&](const std::string& why) {
    out.failed = true;
    out.failure = "received invalid webhook response: " + why;
    return out;
  };
  if (answer.is_discarded() || !answer.is_object()) return invalid("the body is not JSON");
  if (answer.value("kind", "") != "AdmissionReview" || answer.value("apiVersion", "") != api_version) {
    return invalid("expected webhook response of " + api_version + ", Kind=AdmissionReview, got " +
                   answer.value("apiVersion", "") + ", Kind=" + answer.value("kind", ""));
  }
  if (!answer.contains("response") || !answer["response"].is_object()) return invalid("response is missing");
  const json& resp = answer["response"];
  if (resp.value("uid", "") != uid) {
    return invalid("expected response.uid=\"" + uid + "\", got \"" + resp.value("uid", "") + "\"");
  }
  if (!resp.value("allowed", false)) {
    out.denied = denial(w.name, resp.value("status", json()));
    return out;
  }
  out.response = resp;
  return out;
}

void add_warnings(const json& resp, std::vector<std::string>* warnings) {
  if (!warnings) return;
  for (const auto& s : resp.value("warnings", json::array())) {
    if (s.is_string()) warnings->push_back(s.get<std::string>());
  }
}

// What a webhook that allowed the request answered, and the version it was asked in.
struct consulted {
  json response;
  const core::resource_info* as = nullptr;
};

// Asks one webhook: its answer when it allowed the request (its warnings added);
// nullopt when it does not match, or failed with failurePolicy Ignore; an error when it
// denied, or failed with failurePolicy Fail.
core::result<std::optional<consulted>> consult(const compiled_webhook& w, const call_context& cx, const object* obj,
                                               const object* old, std::vector<std::string>* warnings) {
  auto m = find_match(w, cx);
  if (!m || !selectors_match(w, cx, obj, old)) return std::optional<consulted>();
  if (!w.selectors_ok) {
    if (w.failure_policy == "Ignore") return std::optional<consulted>();
    return internal(w.name, "the webhook's namespaceSelector or objectSelector is invalid");
  }
  if (cx.a.dry_run && w.side_effects != "None" && w.side_effects != "NoneOnDryRun") {
    return core::api_error::bad_request("admission webhook \"" + w.name + "\" does not support dry run");
  }
  const core::resource_info* as = m->get();
  auto out = call(w, cx, as, as_version(obj, as), as_version(old, as));
  if (out.denied) return *out.denied;
  if (out.failed) {
    if (w.failure_policy == "Ignore") return std::optional<consulted>();
    return internal(w.name, out.failure);
  }
  add_warnings(out.response, warnings);
  return std::optional<consulted>(consulted{std::move(out.response), as});
}

bool exempt(const attributes& a) {
  // Webhooks are never asked about webhook configurations (and other admission
  // policy objects): a broken webhook could otherwise lock itself in.
  return a.info->resource.group == group;
}

}  // namespace

core::result<bool> dispatcher::mutate(const attributes& a, object* obj, const object* old,
                                      std::vector<std::string>* warnings) const {
  if (exempt(a)) return false;
  auto snap = current(true);
  if (snap->hooks.empty()) return false;
  call_context cx{store_, mapper_, a};
  bool changed = false;
  // Reinvocation: a webhook with reinvocationPolicy IfNeeded is called once more when a
  // later webhook changed the object after it.
  std::vector<const compiled_webhook*> called_if_needed;
  std::vector<const compiled_webhook*> reinvoke;
  auto run = [&](const compiled_webhook& w) -> core::result<bool> {
    auto asked = consult(w, cx, obj, old, warnings);
    if (!asked) return asked.error();
    if (!*asked) return false;
    const core::resource_info* as = (*asked)->as;
    const json& response = (*asked)->response;
    const json& patch = response.value("patch", json());
    if (patch.is_null() || !obj) return false;
    if (!patch.is_string()) return internal(w.name, "received invalid webhook response: patch is not a string");
    if (response.value("patchType", "") != "JSONPatch") {
      return internal(w.name, "received invalid webhook response: patchType must be JSONPatch, got \"" +
                                  response.value("patchType", "") + "\"");
    }
    auto raw = core::base64_decode(patch.get<std::string>());
    json ops = raw ? json::parse(*raw, nullptr, false) : json();
    if (!raw || ops.is_discarded() || !ops.is_array()) {
      return internal(w.name, "received invalid webhook response: the patch is not base64 of a JSON array");
    }
    if (ops.empty()) return false;
    json base = as_version(obj, as);
    auto patched = core::apply_json_patch(base, ops);
    if (!patched) return core::api_error::internal(patched.error().message());
    if (!patched->is_object()) return internal(w.name, "the patched object is not a JSON object");
    if (*patched == base) return false;
    if (as) (*patched)["apiVersion"] = a.info->resource.gv().str();
    obj->data() = std::move(*patched);
    return true;
  };
  for (const auto& w : snap->hooks) {
    auto r = run(w);
    if (!r) return r.error();
    if (*r) {
      changed = true;
      for (const auto* earlier : called_if_needed) {
        if (std::find(reinvoke.begin(), reinvoke.end(), earlier) == reinvoke.end()) reinvoke.push_back(earlier);
      }
    }
    if (w.reinvocation == "IfNeeded") called_if_needed.push_back(&w);
  }
  for (const auto* w : reinvoke) {
    auto r = run(*w);
    if (!r) return r.error();
    changed |= *r;
  }
  return changed;
}

core::result<void> dispatcher::validate(const attributes& a, const object* obj, const object* old,
                                        std::vector<std::string>* warnings) const {
  if (exempt(a)) return {};
  auto snap = current(false);
  if (snap->hooks.empty()) return {};
  call_context cx{store_, mapper_, a};
  for (const auto& w : snap->hooks) {
    // Validating webhooks only allow or deny: a response has nothing more to apply.
    if (auto asked = consult(w, cx, obj, old, warnings); !asked) return asked.error();
  }
  return {};
}

}  // namespace ktk::apiserver::admission
