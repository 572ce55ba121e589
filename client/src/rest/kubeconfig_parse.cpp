// kubeconfig_parse.cpp — one kubeconfig document (YAML) → the `kubeconfig` model, with
// errors that carry the line yaml-cpp saw the offending node on.
#include <yaml-cpp/yaml.h>

#include <array>
#include <functional>
#include <set>
#include <utility>

#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/core/base64.hpp"

namespace ktk::client::rest {

namespace {

std::string describe(const std::string& source, int line, const std::string& message) {
  if (source.empty()) return message;
  if (line > 0) return source + ":" + std::to_string(line) + ": " + message;
  return source + ": " + message;
}

int line_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

// Walks the parsed document; every error names `source` and the node's line.
class parser {
 public:
  parser(std::string source, std::filesystem::path base_dir)
      : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

  kubeconfig parse_root(const YAML::Node& root) {
    kubeconfig kc;
    if (!root.IsDefined() || root.IsNull()) return kc;
    if (!root.IsMap())
      fail(root, "a kubeconfig is a mapping (apiVersion, kind, clusters, users, contexts, current-context)");
    for (const auto& kv : root) {
      const std::string key = key_of(kv.first);
      const YAML::Node& v = kv.second;
      if (key == "apiVersion") {
        auto s = str(v, key);
        if (!s.empty() && s != "v1") fail(v, "apiVersion \"" + s + "\" is not a kubeconfig's (v1)");
      } else if (key == "kind") {
        auto s = str(v, key);
        if (!s.empty() && s != "Config") fail(v, "kind \"" + s + "\" is not a kubeconfig (kind: Config)");
      } else if (key == "clusters") {
        named_list(v, "clusters", "cluster", kc.clusters,
                   [this](const YAML::Node& n, kubeconfig_cluster& c) { parse_cluster(n, c); });
      } else if (key == "users") {
        named_list(v, "users", "user", kc.users, [this](const YAML::Node& n, kubeconfig_user& u) { parse_user(n, u); });
      } else if (key == "contexts") {
        named_list(v, "contexts", "context", kc.contexts,
                   [this](const YAML::Node& n, kubeconfig_context& c) { parse_context(n, c); });
      } else if (key == "current-context") {
        kc.current_context = str(v, key);
      }
      // preferences, extensions and unknown keys: ignored, as client-go ignores them.
    }
    return kc;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const {
    throw config_error(source_, line_of(n), message);
  }

  std::string key_of(const YAML::Node& k) const {
    if (!k.IsScalar()) fail(k, "a mapping key must be a string");
    return k.Scalar();
  }

  // A scalar's text; null is "". Any scalar is accepted (an unquoted number is its text).
  std::string str(const YAML::Node& n, const std::string& what) const {
    if (n.IsNull()) return {};
    if (!n.IsScalar()) fail(n, what + " must be a string");
    return n.Scalar();
  }

  // YAML 1.1 booleans, as sigs.k8s.io/yaml (go-yaml v2) reads them.
  bool boolean(const YAML::Node& n, const std::string& what) const {
    static const std::set<std::string> yes{"true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON"};
    static const std::set<std::string> no{"false", "False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF"};
    if (n.IsNull()) return false;
    if (n.IsScalar() && yes.contains(n.Scalar())) return true;
    if (n.IsScalar() && no.contains(n.Scalar())) return false;
    fail(n, what + " must be true or false");
  }

  // A file reference; relative ones are joined to the kubeconfig's directory.
  std::string path(const YAML::Node& n, const std::string& what) const {
    std::string p = str(n, what);
    if (p.empty() || base_dir_.empty()) return p;
    std::filesystem::path fp(p);
    if (fp.is_absolute()) return p;
    return (base_dir_ / fp).lexically_normal().string();
  }

  // `*-data` fields: base64 (line breaks allowed, as Go's decoder allows them) → bytes.
  std::string data(const YAML::Node& n, const std::string& what) const {
    std::string b64 = str(n, what);
    std::erase_if(b64, [](char c) { return c == '\n' || c == '\r'; });
    if (b64.empty()) return {};
    auto decoded = core::base64_decode(b64);
    if (!decoded) fail(n, what + " is not valid base64");
    return std::move(*decoded);
  }

  // Entries of the form {name: N, <body_key>: {...}}, kept by name.
  template <class T, class F>
  void named_list(const YAML::Node& list, const std::string& what, const std::string& body_key,
                  std::map<std::string, T>& out, F parse_body) {
    if (list.IsNull()) return;
    if (!list.IsSequence()) fail(list, what + " must be a list of {name, " + body_key + "} entries");
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      const std::string where = what + "[" + std::to_string(i++) + "]";
      if (!item.IsMap()) fail(item, where + " must be a mapping with name and " + body_key);
      std::string name;
      std::optional<YAML::Node> body;
      for (const auto& kv : item) {
        const std::string key = key_of(kv.first);
        if (key == "name") name = str(kv.second, where + ".name");
        if (key == body_key) body = kv.second;
      }
      if (name.empty()) fail(item, where + " has no name");
      if (out.contains(name)) fail(item, what + ": duplicate name \"" + name + "\"");
      T entry;
      entry.origin = source_;
      entry.line = line_of(item);
      if (body && !body->IsNull()) {
        if (!body->IsMap()) fail(*body, body_key + " \"" + name + "\" must be a mapping");
        parse_body(*body, entry);
      }
      out.emplace(std::move(name), std::move(entry));
    }
  }

  void parse_cluster(const YAML::Node& n, kubeconfig_cluster& c) const {
    for (const auto& kv : n) {
      const std::string key = key_of(kv.first);
      const YAML::Node& v = kv.second;
      if (key == "server")
        c.server = str(v, key);
      else if (key == "certificate-authority")
        c.certificate_authority = path(v, key);
      else if (key == "certificate-authority-data")
        c.certificate_authority_data = data(v, key);
      else if (key == "insecure-skip-tls-verify")
        c.insecure_skip_tls_verify = boolean(v, key);
      else if (key == "tls-server-name")
        c.tls_server_name = str(v, key);
      else if (key == "proxy-url")
        c.proxy_url = str(v, key);
      else if (key == "disable-compression")
        c.disable_compression = boolean(v, key);
    }
  }

  void parse_user(const YAML::Node& n, kubeconfig_user& u) const {
    for (const auto& kv : n) {
      const std::string key = key_of(kv.first);
      const YAML::Node& v = kv.second;
      if (key == "token")
        u.token = str(v, key);
      else if (key == "tokenFile")
        u.token_file = path(v, key);
      else if (key == "client-certificate")
        u.client_certificate = path(v, key);
      else if (key == "client-certificate-data")
        u.client_certificate_data = data(v, key);
      else if (key == "client-key")
        u.client_key = path(v, key);
      else if (key == "client-key-data")
        u.client_key_data = data(v, key);
      else if (key == "username")
        u.username = str(v, key);
      else if (key == "password")
        u.password = str(v, key);
      else if (key == "as" || key == "as-uid" || key == "as-groups" || key == "as-user-extra") {
        // client-go impersonates when any of them is set; rest_config cannot.
        if (v.IsScalar() ? !v.Scalar().empty() : (!v.IsNull() && v.size() > 0)) u.has_impersonation = true;
      } else if (key == "exec") {
        if (v.IsNull()) continue;
        if (!v.IsMap()) fail(v, "exec must be a mapping");
        u.has_exec = true;
        if (const YAML::Node cmd = v["command"]; cmd.IsDefined()) u.exec_command = str(cmd, "exec.command");
      } else if (key == "auth-provider") {
        if (v.IsNull()) continue;
        if (!v.IsMap()) fail(v, "auth-provider must be a mapping");
        u.has_auth_provider = true;
        if (const YAML::Node name = v["name"]; name.IsDefined()) u.auth_provider_name = str(name, "auth-provider.name");
      }
    }
  }

  void parse_context(const YAML::Node& n, kubeconfig_context& c) const {
    for (const auto& kv : n) {
      const std::string key = key_of(kv.first);
      const YAML::Node& v = kv.second;
      if (key == "cluster")
        c.cluster = str(v, key);
      else if (key == "user")
        c.user = str(v, key);
      else if (key == "namespace")
        c.namespace_ = str(v, key);
    }
  }

  std::string source_;
  std::filesystem::path base_dir_;
};

}  // namespace

config_error::config_error(std::string source, int line, std::string message)
    : std::runtime_error(describe(source, line, message)),
      source_(std::move(source)),
      line_(line),
      message_(std::move(message)) {}

kubeconfig parse_kubeconfig(std::string_view yaml, std::string_view source, const std::filesystem::path& base_dir) {
  const std::string src(source);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // ParserException and DeepRecursion carry the mark; e.msg is the bare message.
    throw config_error(src, e.mark.is_null() ? 0 : e.mark.line + 1, "malformed YAML: " + e.msg);
  }
  return parser(src, base_dir).parse_root(root);
}

}  // namespace ktk::client::rest
