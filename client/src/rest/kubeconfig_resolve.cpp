// kubeconfig_resolve.cpp — the chosen context of a kubeconfig → rest_config, with
// client-go's DirectClientConfig.ClientConfig/ConfirmUsable checks.
#include "ktk/client/rest/kubeconfig.hpp"
#include "kubeconfig_detail.hpp"

namespace ktk::client::rest {

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

std::string in_files(const kubeconfig& kc) {
  if (kc.files.empty()) return {};
  std::string out = " in ";
  for (std::size_t i = 0; i < kc.files.size(); ++i) out += (i ? ", " : "") + kc.files[i];
  return out;
}

// A scheme-less server is http, as client-go's DefaultServerURL makes it; with a path,
// the query and fragment go (client-go keeps only scheme, host and path then).
std::string normalise_server(std::string s) {
  auto sep = s.find("://");
  if (sep == std::string::npos) {
    s = "http://" + s;
    sep = 4;
  }
  for (std::size_t i = 0; i < sep; ++i) {
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = static_cast<char>(s[i] - 'A' + 'a');
  }
  const auto path = s.find_first_of("/?#", sep + 3);
  if (path != std::string::npos && s[path] == '/') {
    const auto tail = s.find_first_of("?#", path);
    if (tail != std::string::npos && tail - path > 1) s.erase(tail);
  }
  return s;
}

void apply_cluster(const std::string& name, const kubeconfig_cluster& c, rest_config& cfg) {
  auto fail = [&](const std::string& msg) { throw config_error(c.origin, c.line, "cluster " + q(name) + ": " + msg); };
  if (c.server.empty()) fail("no server is set");
  if (!c.proxy_url.empty())
    fail("proxy-url " + q(c.proxy_url) + " is not supported (rest_config has no proxy); reach the server directly");
  if (!c.certificate_authority.empty() && !c.certificate_authority_data.empty())
    fail("both certificate-authority and certificate-authority-data are set; keep one");
  cfg.server = normalise_server(c.server);
  cfg.certificate_authority_pem =
      !c.certificate_authority_data.empty() ? c.certificate_authority_data
      : !c.certificate_authority.empty()
          ? detail::read_file(c.certificate_authority, "the certificate-authority of cluster " + q(name))
          : std::string();
  cfg.insecure_skip_tls_verify = c.insecure_skip_tls_verify;
  cfg.tls_server_name = c.tls_server_name;
}

void apply_user(const std::string& name, const kubeconfig_user& u, rest_config& cfg) {
  auto fail = [&](const std::string& msg) { throw config_error(u.origin, u.line, "user " + q(name) + ": " + msg); };
  const bool has_token = !u.token.empty() || !u.token_file.empty();
  if (u.has_exec && !has_token)
    fail("the exec credential plugin" + (u.exec_command.empty() ? std::string() : " (" + u.exec_command + ")") +
         " is not supported; give the user a token or tokenFile");
  if (u.has_auth_provider && !has_token)
    fail("the auth-provider" + (u.auth_provider_name.empty() ? std::string() : " " + q(u.auth_provider_name)) +
         " is not supported; give the user a token or tokenFile");
  if (u.has_impersonation) fail("impersonation (as, as-uid, as-groups, as-user-extra) is not supported");
  if (!u.token.empty() && (!u.username.empty() || !u.password.empty()))
    fail("more than one authentication method (token and basic auth); keep one");
  const bool has_cert = !u.client_certificate.empty() || !u.client_certificate_data.empty();
  if (has_cert) {
    if (!u.client_certificate.empty() && !u.client_certificate_data.empty())
      fail("both client-certificate and client-certificate-data are set; keep one");
    if (!u.client_key.empty() && !u.client_key_data.empty())
      fail("both client-key and client-key-data are set; keep one");
    if (u.client_key.empty() && u.client_key_data.empty())
      fail("a client certificate needs client-key or client-key-data");
  }

  if (!u.token.empty()) {
    cfg.bearer_token = u.token;
    cfg.bearer_token_file = u.token_file;
  } else if (!u.token_file.empty()) {
    cfg.bearer_token = detail::trim(detail::read_file(u.token_file, "the tokenFile of user " + q(name)));
    cfg.bearer_token_file = u.token_file;
  }
  if (has_cert) {
    cfg.client_certificate_pem =
        !u.client_certificate_data.empty()
            ? u.client_certificate_data
            : detail::read_file(u.client_certificate, "the client-certificate of user " + q(name));
    cfg.client_key_pem = !u.client_key_data.empty()
                             ? u.client_key_data
                             : detail::read_file(u.client_key, "the client-key of user " + q(name));
  }
  cfg.username = u.username;
  cfg.password = u.password;
}

}  // namespace

resolved_config resolve_config(const kubeconfig& kc, const config_options& opts) {
  resolved_config r;
  r.files = kc.files;
  r.context_name = !opts.context.empty() ? opts.context : kc.current_context;

  const kubeconfig_context* ctx = nullptr;
  if (!r.context_name.empty()) {
    auto it = kc.contexts.find(r.context_name);
    if (it == kc.contexts.end()) {
      throw config_error("", 0,
                         (opts.context.empty() ? "current-context " : "context ") + q(r.context_name) +
                             " does not exist" + in_files(kc));
    }
    ctx = &it->second;
  } else if (opts.cluster.empty()) {
    throw config_error("", 0,
                       kc.clusters.empty() && kc.contexts.empty()
                           ? "the kubeconfig" + in_files(kc) + " is empty: no cluster and no context"
                           : "no context: current-context is not set" + in_files(kc) + " and none was given");
  }
  const std::string ctx_origin = ctx != nullptr ? ctx->origin : std::string();
  const int ctx_line = ctx != nullptr ? ctx->line : 0;
  const std::string of_context = ctx != nullptr ? " (context " + q(r.context_name) + ")" : std::string();

  const std::string cluster_name = !opts.cluster.empty() ? opts.cluster : ctx->cluster;
  if (cluster_name.empty())
    throw config_error(ctx_origin, ctx_line, "context " + q(r.context_name) + " names no cluster");
  auto cluster = kc.clusters.find(cluster_name);
  if (cluster == kc.clusters.end()) {
    if (!opts.cluster.empty())
      throw config_error("", 0, "cluster " + q(cluster_name) + " does not exist" + in_files(kc));
    throw config_error(ctx_origin, ctx_line,
                       "cluster " + q(cluster_name) + of_context + " does not exist" + in_files(kc));
  }

  // A context without a user is anonymous (client-go allows it); a named user must exist.
  const std::string user_name = !opts.user.empty() ? opts.user : ctx != nullptr ? ctx->user : std::string();
  const kubeconfig_user* user = nullptr;
  if (!user_name.empty()) {
    auto it = kc.users.find(user_name);
    if (it == kc.users.end()) {
      if (!opts.user.empty()) throw config_error("", 0, "user " + q(user_name) + " does not exist" + in_files(kc));
      throw config_error(ctx_origin, ctx_line, "user " + q(user_name) + of_context + " does not exist" + in_files(kc));
    }
    user = &it->second;
  }

  rest_config& cfg = r.config;
  apply_cluster(cluster_name, cluster->second, cfg);
  if (user != nullptr) apply_user(user_name, *user, cfg);
  // client-go hands TLS settings and credentials only to an https transport: a token in
  // a kubeconfig is never sent in clear text.
  if (!cfg.server.starts_with("https://")) {
    const rest_config plain;
    cfg.certificate_authority_pem = plain.certificate_authority_pem;
    cfg.insecure_skip_tls_verify = plain.insecure_skip_tls_verify;
    cfg.tls_server_name = plain.tls_server_name;
    cfg.bearer_token = plain.bearer_token;
    cfg.bearer_token_file = plain.bearer_token_file;
    cfg.client_certificate_pem = plain.client_certificate_pem;
    cfg.client_key_pem = plain.client_key_pem;
    cfg.username = plain.username;
    cfg.password = plain.password;
  }

  r.namespace_ = !opts.namespace_.empty()                     ? opts.namespace_
                 : ctx != nullptr && !ctx->namespace_.empty() ? ctx->namespace_
                                                              : std::string("default");
  return r;
}

}  // namespace ktk::client::rest
