// registry_tokens.cpp — serviceaccounts/{name}/token (TokenRequest) and the check of the
// tokens it issues: kube-apiserver's TokenREST and its service account JWT authenticator.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "go_decode.hpp"
#include "impl.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/core/field_error.hpp"

namespace ktk::apiserver {

using core::json;

namespace {

constexpr std::string_view token_api_version = "authentication.k8s.io/v1";
constexpr std::int64_t default_expiration_seconds = 3600;
constexpr std::int64_t min_expiration_seconds = 600;
constexpr std::int64_t max_expiration_seconds = std::int64_t{1} << 32;
// What the kubelet asks for its projected volumes: such a pod-bound token for the
// server's own audience is issued for a year and only warned about after the hour
// (--service-account-extend-token-expiration, on by default).
constexpr std::int64_t warn_only_expiration_seconds = 3600 + 7;
constexpr std::int64_t extended_expiration_seconds = 365LL * 24 * 3600;
// go-jose's jwt.DefaultLeeway: clocks a minute apart still agree on a token.
constexpr std::int64_t leeway_seconds = 60;

constexpr const char* extra_pod_name = "authentication.kubernetes.io/pod-name";
constexpr const char* extra_pod_uid = "authentication.kubernetes.io/pod-uid";
constexpr const char* extra_node_name = "authentication.kubernetes.io/node-name";
constexpr const char* extra_node_uid = "authentication.kubernetes.io/node-uid";
constexpr const char* extra_credential_id = "authentication.kubernetes.io/credential-id";

std::int64_t unix_seconds(core::clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string string_at(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json ref_of(const object& o) { return {{"name", o.name()}, {"uid", o.uid()}}; }

api_error unauthorized(const std::string& why) { return api_error(401, core::reason::unauthorized, why); }

// A claim's {name, uid}, or nullptr when the token has none (or a malformed one).
const json* ref_claim(const json& k8s, const char* key) {
  auto it = k8s.find(key);
  if (it == k8s.end() || !it->is_object()) return nullptr;
  return &*it;
}

// Deleted before now minus the leeway: the object no longer vouches for a token.
bool deleted_before(const object& o, std::int64_t cutoff) {
  const auto& ts = o.deletion_timestamp();
  if (ts.empty()) return false;
  auto t = core::parse_rfc3339(ts);
  return t && unix_seconds(*t) < cutoff;
}

}  // namespace

result<object_ptr> registry::impl::request_token(const object_key& sa_key, object&& req, const write_options& o) {
  const core::group_kind gk{"authentication.k8s.io", "TokenRequest"};
  if (req.api_version().empty()) {
    req.set_api_version(std::string(token_api_version));
  } else if (req.api_version() != token_api_version) {
    return api_error::bad_request("the API version in the data (" + std::string(req.api_version()) +
                                  ") does not match the expected API version (" + std::string(token_api_version) + ")");
  }
  if (req.kind().empty()) {
    req.set_kind("TokenRequest");
  } else if (req.kind() != "TokenRequest") {
    return api_error::bad_request("the kind in the data (" + std::string(req.kind()) +
                                  ") does not match the expected kind (TokenRequest)");
  }
  if (auto e = detail::go_decode_error(req.data(), token_api_version, "TokenRequest")) {
    return api_error::bad_request("TokenRequest in version \"v1\" cannot be handled as a TokenRequest: " + *e);
  }
  if (!req.namespace_().empty() && req.namespace_() != sa_key.namespace_) {
    return api_error::bad_request("the namespace of the provided object does not match the namespace sent on the request");
  }
  req.set_namespace(sa_key.namespace_);

  json& spec = req.data()["spec"];
  if (!spec.is_object()) spec = json::object();
  json& exp_field = spec["expirationSeconds"];
  if (exp_field.is_null()) exp_field = default_expiration_seconds;
  const std::int64_t expiration = exp_field.get<std::int64_t>();
  core::field_errors errs;
  if (expiration < min_expiration_seconds) {
    errs.push_back(core::field_error::invalid("spec.expirationSeconds", std::to_string(expiration),
                                              "may not specify a duration less than 10 minutes"));
  }
  if (expiration > max_expiration_seconds) {
    errs.push_back(core::field_error::invalid("spec.expirationSeconds", std::to_string(expiration),
                                              "may not specify a duration larger than 2^32 seconds"));
  }
  if (!errs.empty()) return api_error::invalid(gk, "", errs);

  auto sa_h = handler({"", "v1", "serviceaccounts"});
  if (!sa_h) return sa_h.error();
  auto sa = store->get((*sa_h)->shard, sa_key);
  if (!sa) return rename_error(**sa_h, sa.error(), sa_key.name);

  json k8s = {{"namespace", sa_key.namespace_}, {"serviceaccount", ref_of(**sa)}};
  bool pod_bound = false;
  json& bound_ref = spec["boundObjectRef"];
  if (bound_ref.is_object()) {
    const std::string api_version = string_at(bound_ref, "apiVersion");
    const std::string kind = string_at(bound_ref, "kind");
    const std::string name = string_at(bound_ref, "name");
    const std::string want_uid = string_at(bound_ref, "uid");
    const auto slash = api_version.find('/');
    const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    const std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
    const char* resource = nullptr;
    if (group.empty() && kind == "Pod") resource = "pods";
    if (group.empty() && kind == "Secret") resource = "secrets";
    if (group.empty() && kind == "Node") resource = "nodes";
    if (resource == nullptr) {
      return api_error::bad_request("cannot bind token to object of type " + group + "/" + version + ", Kind=" + kind);
    }
    auto h = handler({"", "v1", resource});
    if (!h) return h.error();
    const object_key key{kind == "Node" ? "" : sa_key.namespace_, name};
    auto bound = store->get((*h)->shard, key);
    if (!bound) return rename_error(**h, bound.error(), name);
    const object& b = **bound;
    if (kind == "Pod") {
      const json* sa_name = b.at_path("spec.serviceAccountName");
      if (!sa_name || !sa_name->is_string() || *sa_name != sa_key.name) {
        return api_error::bad_request("cannot bind token for serviceaccount " + core::quote(sa_key.name) +
                                      " to pod running with different serviceaccount name.");
      }
    }
    if (!want_uid.empty() && want_uid != b.uid()) {
      return api_error::conflict({group, kind}, name,
                                 "the UID in the bound object reference (" + want_uid +
                                     ") does not match the UID in record. The object might have been deleted and "
                                     "then recreated");
    }
    if (kind == "Pod") {
      pod_bound = true;
      k8s["pod"] = ref_of(b);
      // The node the pod runs on goes into the token too (ServiceAccountTokenPodNodeInfo);
      // its uid only when the Node is there.
      const json* node_name = b.at_path("spec.nodeName");
      if (node_name && node_name->is_string() && !node_name->get_ref<const std::string&>().empty()) {
        json node = {{"name", *node_name}};
        if (auto nh = handler({"", "v1", "nodes"})) {
          if (auto n = store->get((*nh)->shard, {"", node_name->get<std::string>()})) node["uid"] = (*n)->uid();
        }
        k8s["node"] = std::move(node);
      }
    } else if (kind == "Secret") {
      k8s["secret"] = ref_of(b);
    } else {
      k8s["node"] = ref_of(b);
    }
  }

  json& audiences = spec["audiences"];
  if (!audiences.is_array() || audiences.empty()) audiences = json::array({opts.service_account_issuer});
  const std::int64_t now = unix_seconds(opts.clock->now());
  std::int64_t expires = now + expiration;
  if (pod_bound && expiration == warn_only_expiration_seconds && audiences.size() == 1 &&
      audiences[0] == opts.service_account_issuer) {
    k8s["warnafter"] = expires;
    expires = now + extended_expiration_seconds;
  }
  const std::string jti = new_uid("serviceaccounts/token/" + sa_key.namespace_ + "/" + sa_key.name);
  json claims = {{"aud", audiences},
                 {"exp", expires},
                 {"iat", now},
                 {"iss", opts.service_account_issuer},
                 {"jti", jti},
                 {"kubernetes.io", std::move(k8s)},
                 {"nbf", now},
                 {"sub", "system:serviceaccount:" + sa_key.namespace_ + ":" + sa_key.name}};
  (void)o;  // nothing is stored: a dry run is answered as any other request
  req.data()["status"] = {
      {"token", signer->sign(claims)},
      {"expirationTimestamp", core::format_rfc3339(opts.clock->now() + std::chrono::seconds(expiration))}};
  return std::make_shared<const object>(std::move(req));
}

result<token_review> registry::impl::review_token(std::string_view token,
                                                  const std::vector<std::string>& audiences) const {
  auto claims = signer->verify(token);
  if (!claims || string_at(*claims, "iss") != opts.service_account_issuer) {
    return unauthorized("invalid bearer token");
  }
  const std::int64_t now = unix_seconds(opts.clock->now());
  // A NumericDate: seconds, possibly fractional; nullopt when absent, not a number, or
  // beyond int64 (a forged claim must not make the conversion undefined).
  auto number = [&](const char* k) -> std::optional<std::int64_t> {
    auto it = claims->find(k);
    if (it == claims->end() || !it->is_number()) return std::nullopt;
    if (it->is_number_float()) {
      const double d = it->get<double>();
      if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
      return static_cast<std::int64_t>(d);
    }
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return std::nullopt;
    }
    return it->get<std::int64_t>();
  };
  if (auto nbf = number("nbf"); nbf && now + leeway_seconds < *nbf) return unauthorized("Token could not be validated.");
  if (auto exp = number("exp"); !exp || now - leeway_seconds > *exp) return unauthorized("Token has expired.");

  // The audiences asked about that the token is for (kube: "token audiences ... is
  // invalid for the target audiences ...").
  const std::vector<std::string> wanted = audiences.empty() ? std::vector<std::string>{opts.service_account_issuer}
                                                            : audiences;
  std::vector<std::string> token_auds;
  if (auto it = claims->find("aud"); it != claims->end()) {
    if (it->is_string()) token_auds.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const auto& a : *it) {
        if (a.is_string()) token_auds.push_back(a.get<std::string>());
      }
    }
  }
  token_review out;
  for (const auto& w : wanted) {
    if (std::find(token_auds.begin(), token_auds.end(), w) != token_auds.end()) out.audiences.push_back(w);
  }
  if (out.audiences.empty()) {
    auto quoted = [](const std::vector<std::string>& v) {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + core::quote(v[i]);
      return s + "]";
    };
    return unauthorized("token audiences " + quoted(token_auds) + " is invalid for the target audiences " +
                        quoted(wanted));
  }

  auto k8s_it = claims->find("kubernetes.io");
  if (k8s_it == claims->end() || !k8s_it->is_object()) return unauthorized("Token could not be validated.");
  const json& k8s = *k8s_it;
  const std::string ns = string_at(k8s, "namespace");
  const json* sa_ref = ref_claim(k8s, "serviceaccount");
  if (ns.empty() || !sa_ref) return unauthorized("Token could not be validated.");
  const std::string sa_name = string_at(*sa_ref, "name");
  const std::string sa_uid = string_at(*sa_ref, "uid");
  const std::int64_t cutoff = now - leeway_seconds;

  auto lookup = [&](const char* resource, const object_key& key) -> result<object_ptr> {
    auto h = handler({"", "v1", resource});
    if (!h) return h.error();
    auto got = store->get((*h)->shard, key);
    if (!got) return rename_error(**h, got.error(), key.name);
    return got;
  };
  auto sa = lookup("serviceaccounts", {ns, sa_name});
  if (!sa) return unauthorized(sa.error().message());
  if (deleted_before(**sa, cutoff)) return unauthorized("ServiceAccount " + ns + "/" + sa_name + " has been deleted");
  if ((*sa)->uid() != sa_uid) {
    return unauthorized("ServiceAccount UID (" + std::string((*sa)->uid()) + ") does not match claim (" + sa_uid + ")");
  }

  user_info& u = out.user;
  u.name = "system:serviceaccount:" + ns + ":" + sa_name;
  u.uid = sa_uid;
  u.groups = {"system:serviceaccounts", "system:serviceaccounts:" + ns};

  // A bound Secret, Pod or Node must still be there, with the uid the token names.
  auto check_bound = [&](const char* resource, const char* kind, const json& ref,
                         const std::string& object_ns) -> result<object_ptr> {
    const std::string name = string_at(ref, "name");
    auto b = lookup(resource, {object_ns, name});
    if (!b || deleted_before(**b, cutoff)) return unauthorized("Token has been invalidated");
    if ((*b)->uid() != string_at(ref, "uid")) {
      return unauthorized(std::string(kind) + " UID (" + std::string((*b)->uid()) + ") does not match claim (" +
                          string_at(ref, "uid") + ")");
    }
    return b;
  };
  if (const json* ref = ref_claim(k8s, "secret")) {
    if (auto b = check_bound("secrets", "Secret", *ref, ns); !b) return b.error();
  }
  const json* pod_ref = ref_claim(k8s, "pod");
  if (pod_ref) {
    if (auto b = check_bound("pods", "Pod", *pod_ref, ns); !b) return b.error();
    u.extra[extra_pod_name] = {string_at(*pod_ref, "name")};
    u.extra[extra_pod_uid] = {string_at(*pod_ref, "uid")};
  }
  if (const json* ref = ref_claim(k8s, "node")) {
    // A pod-bound token only records the node; a node-bound one needs the Node.
    if (!pod_ref) {
      if (auto b = check_bound("nodes", "Node", *ref, ""); !b) return b.error();
    }
    u.extra[extra_node_name] = {string_at(*ref, "name")};
    if (!string_at(*ref, "uid").empty()) u.extra[extra_node_uid] = {string_at(*ref, "uid")};
  }
  if (auto jti = string_at(*claims, "jti"); !jti.empty()) u.extra[extra_credential_id] = {"JTI=" + jti};
  return out;
}

result<object_ptr> registry::request_token(const object_key& service_account, object&& request,
                                           const write_options& opts) {
  return impl_->request_token(service_account, std::move(request), opts);
}

result<token_review> registry::review_token(std::string_view token, const std::vector<std::string>& audiences) const {
  return impl_->review_token(token, audiences);
}

json registry::service_account_jwks() const { return impl_->signer->jwks(); }

const std::string& registry::service_account_issuer() const { return impl_->opts.service_account_issuer; }

}  // namespace ktk::apiserver
