// ktk/client/rest/kubeconfig.hpp — kubeconfig files → rest_config, as client-go's
// tools/clientcmd loads them and controller-runtime's config.GetConfig() picks them.
//
// Main types: `kubeconfig` (the parsed file: clusters, users, contexts, current-context),
// `config_options` (what kubectl's --kubeconfig/--context/--cluster/--user/--namespace
// say), `resolved_config` (a rest_config plus the namespace and the context it came from),
// `config_error` (every failure; what() names the file and, when known, the line).
//
//   auto r = ktk::client::rest::load_default_config({.context = "kind-dev"});
//   ktk::client::rest::rest_client c(r.config);      // r.namespace_ is the context's
//   auto kc = ktk::client::rest::load_kubeconfig_file("/tmp/kubeconfig");  // the model
//
// Errors are exceptions: a broken or missing configuration is a misuse (STYLE.md §4), and
// a program cannot do anything useful without one. Every function here throws
// `config_error` (or its subclass `not_in_cluster_error`, see in_cluster.hpp) and nothing
// else but std::bad_alloc.
//
// Deliberate differences from client-go, each with a clear error instead of a silent
// surprise: `exec` and `auth-provider` plugins are not run (an error naming the user,
// unless the user also has a token, which is then used); `proxy-url` and impersonation
// (`as`, `as-groups`, `as-uid`, `as-user-extra`) are rejected, rest_config has no place
// for them; a context naming a user that does not exist is an error (client-go goes on
// anonymously); a list entry without a name is an error.
//
// Thread-safety: every function is reentrant. The ones that read the process environment
// (no `env` given) must not race with setenv/putenv.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/client/rest/rest_config.hpp"

namespace ktk::client::rest {

// Broken configuration. what() is "<source>:<line>: <message>", "<source>: <message>"
// when the line is unknown, or "<message>" when there is no file (source empty).
class config_error : public std::runtime_error {
 public:
  config_error(std::string source, int line, std::string message);
  const std::string& source() const noexcept { return source_; }  // a file path, or ""
  int line() const noexcept { return line_; }                     // 1-based; 0 = unknown
  const std::string& message() const noexcept { return message_; }

 private:
  std::string source_;
  int line_;
  std::string message_;
};

// ---- the model ---------------------------------------------------------------------
// Field names follow the kubeconfig keys. `*_data` fields hold the decoded bytes (PEM),
// not base64. Paths loaded from a file are absolute (resolved against the directory of
// the file that defined the entry); parsed from a string without a base, as written.
// `origin` is the file an entry came from ("" when parsed from a string).

struct kubeconfig_cluster {
  std::string server{};
  std::string certificate_authority{};     // path to a PEM bundle
  std::string certificate_authority_data{};  // PEM
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name{};
  std::string proxy_url{};           // recorded; resolving a config that uses it fails
  bool disable_compression = false;  // recorded, no effect
  std::string origin{};
  int line = 0;  // where the entry starts in `origin`; 0 = unknown
};

struct kubeconfig_user {
  std::string token{};
  std::string token_file{};  // `tokenFile`
  std::string client_certificate{};
  std::string client_certificate_data{};  // PEM
  std::string client_key{};
  std::string client_key_data{};  // PEM
  std::string username{};
  std::string password{};
  bool has_impersonation = false;  // any of as, as-uid, as-groups, as-user-extra
  bool has_exec = false;           // an `exec` credential plugin
  std::string exec_command{};
  bool has_auth_provider = false;  // an `auth-provider` (gcp, oidc, azure …)
  std::string auth_provider_name{};
  std::string origin{};
  int line = 0;
};

struct kubeconfig_context {
  std::string cluster{};
  std::string user{};
  std::string namespace_{};
  std::string origin{};
  int line = 0;
};

struct kubeconfig {
  std::map<std::string, kubeconfig_cluster> clusters{};
  std::map<std::string, kubeconfig_user> users{};  // `users` / client-go's AuthInfos
  std::map<std::string, kubeconfig_context> contexts{};
  std::string current_context{};
  // The files merged into this one, in precedence order (empty when parsed from a string).
  std::vector<std::string> files{};
};

// ---- parsing and loading files -------------------------------------------------------

// Parses one kubeconfig document (`apiVersion: v1`, `kind: Config`; both optional, other
// values rejected). Unknown keys and `preferences`/`extensions` are ignored; an empty
// text gives an empty kubeconfig. Relative paths are resolved against `base_dir` when it
// is not empty. `source` names the text in errors and becomes each entry's `origin`.
// Throws config_error (source, line) for malformed YAML, wrong types, bad base64,
// duplicate or missing names.
kubeconfig parse_kubeconfig(std::string_view yaml, std::string_view source = "",
                            const std::filesystem::path& base_dir = {});

// Reads and parses a file; relative paths inside resolve against the file's directory.
// Throws config_error naming the path when it cannot be read or parsed.
kubeconfig load_kubeconfig_file(const std::filesystem::path& path);

// client-go's merge: an entry (cluster, user or context, by name) already in `into`
// stays as it is — even fields it leaves empty are not taken from `next`; current-context
// is taken from `next` only when `into` has none. `next.files` are appended.
void merge_kubeconfig(kubeconfig& into, const kubeconfig& next);

// ---- choosing a context --------------------------------------------------------------

// Environment for tests: when set, these variables are the whole environment (nothing is
// read from the process); when not, getenv.
using environment = std::optional<std::map<std::string, std::string>>;

struct config_options {
  // --kubeconfig: the only file read when set; it must exist.
  std::string kubeconfig_path{};
  // --context: instead of current-context; must exist.
  std::string context{};
  // --cluster / --user: instead of the context's; must exist.
  std::string cluster{};
  std::string user{};
  // --namespace: instead of the context's (which defaults to "default").
  std::string namespace_{};

  // KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/_PORT, POD_NAMESPACE come from here.
  environment env{};
  // The in-cluster service account directory (load_default_config only).
  std::filesystem::path service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
};

struct resolved_config {
  rest_config config{};
  std::string namespace_ = "default";
  std::string context_name{};      // "" when in-cluster or chosen by --cluster/--user alone
  std::vector<std::string> files{};  // the kubeconfig files read; empty when in-cluster
  bool in_cluster = false;
};

// The files the loading rules would read, in precedence order: {kubeconfig_path} when
// set; else KUBECONFIG split on ':' (empty entries and repeats dropped); else
// $HOME/.kube/config (the passwd entry's home when HOME is unset and env not given).
std::vector<std::string> kubeconfig_precedence(const config_options& opts);

// client-go's ClientConfigLoadingRules.Load: the explicit file alone (it must exist),
// or every existing file of the precedence merged (missing ones skipped, first to set an
// entry wins). Nothing found gives an empty kubeconfig with `files` empty.
kubeconfig load_kubeconfig_files(const config_options& opts);

// The rest_config of the chosen context: opts.context, else current-context; opts.cluster
// and opts.user replace the context's. CA, client certificate and key files are read
// here; a token file is read once into bearer_token (and kept in bearer_token_file).
// As client-go does, credentials and TLS settings are applied only to an https server; a
// server without a scheme is taken as http. Throws config_error when no context is set,
// the context/cluster/user does not exist, the cluster has no server, a file cannot be
// read, the user combines token and basic auth, has a certificate without a key (or a
// file and inline data for the same thing), or needs an unsupported plugin or feature.
resolved_config resolve_config(const kubeconfig& kc, const config_options& opts = {});

// resolve_config(load_kubeconfig_files(opts), opts), with an error listing the files
// tried when there was nothing to load — what kubectl does.
resolved_config load_kubeconfig(const config_options& opts = {});

// controller-runtime's config.GetConfig(): opts.kubeconfig_path when set; else the
// KUBECONFIG files when KUBECONFIG is set (in-cluster if they hold nothing); else the
// in-cluster config when running in a pod; else $HOME/.kube/config. As controller-runtime
// does, client-side rate limiting is turned off (qps = -1); set qps to bring it back.
resolved_config load_default_config(const config_options& opts = {});

}  // namespace ktk::client::rest
