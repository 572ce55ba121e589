// webhook_install.cpp — reading, rewriting and installing webhook configurations, and
// the local serving certificate.
#include "ktk/envtest/webhook_install.hpp"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/certs.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/core/yaml.hpp"
#include "net_util.hpp"
#include "poll.hpp"

namespace ktk::envtest {

namespace fs = std::filesystem;
using core::json;

namespace {

constexpr const char* group = "admissionregistration.k8s.io";

bool is_configuration(const json& doc) {
  if (!doc.is_object()) return false;
  const std::string av = doc.value("apiVersion", "");
  const std::string kind = doc.value("kind", "");
  return av.rfind(std::string(group) + "/", 0) == 0 &&
         (kind == "MutatingWebhookConfiguration" || kind == "ValidatingWebhookConfiguration");
}

std::string resource_of(const core::object& cfg) {
  return cfg.kind() == "MutatingWebhookConfiguration" ? "mutatingwebhookconfigurations"
                                                      : "validatingwebhookconfigurations";
}

void write_private(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("webhook serving certificate: cannot write " + p.string());
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

// The path part of an https URL ("/" when it has none).
std::string url_path(const std::string& url) {
  auto scheme = url.find("://");
  auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return start == std::string::npos ? "/" : url.substr(start);
}

}  // namespace

client::webhook::server_options webhook_serving::server_options() const {
  client::webhook::server_options o;
  o.host = host;
  o.port = port;
  o.cert_dir = cert_dir;
  return o;
}

std::vector<core::object> read_webhook_configurations(const webhook_install_options& opts) {
  std::vector<core::object> out;
  for (const auto& p : opts.paths) {
    if (!fs::exists(p)) {
      if (opts.error_if_path_missing) throw std::runtime_error("webhook path " + p.string() + " does not exist");
      continue;
    }
    std::vector<json> docs;
    try {
      docs = core::load_yaml_path(p);
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("webhook configurations: ") + e.what());
    }
    for (auto& d : docs) {
      if (is_configuration(d)) out.emplace_back(std::move(d));
    }
  }
  for (const auto* list : {&opts.mutating, &opts.validating}) {
    for (const auto& o : *list) {
      if (!is_configuration(o.data())) {
        throw std::runtime_error("webhook configuration " + std::string(o.name()) + " is a " +
                                 std::string(o.kind()) + ", not a Mutating/ValidatingWebhookConfiguration");
      }
      out.push_back(o);
    }
  }
  return out;
}

webhook_serving prepare_webhook_serving(const webhook_install_options& opts, const fs::path& work_dir) {
  webhook_serving s;
  s.host = opts.local_serving_host;
  s.port = opts.local_serving_port;
  if (s.port == 0) s.port = detail::pick_free_ports(s.host, 1).at(0);
  s.cert_dir = opts.local_serving_cert_dir.empty() ? work_dir / "webhook-serving-certs" : opts.local_serving_cert_dir;
  std::error_code ec;
  fs::create_directories(s.cert_dir, ec);
  if (ec) throw std::runtime_error("webhook serving cert dir " + s.cert_dir.string() + ": " + ec.message());
  std::vector<std::string> hosts{s.host};
  for (const char* h : {"localhost", "127.0.0.1"}) {
    if (s.host != h) hosts.emplace_back(h);
  }
  auto pki = apiserver::generate_certs(hosts);
  write_private(s.cert_dir / "tls.crt", pki.server_cert);
  write_private(s.cert_dir / "tls.key", pki.server_key);
  s.ca_pem = pki.ca_cert;
  return s;
}

core::object point_at_local_server(const core::object& cfg, const webhook_serving& serving) {
  core::object out = cfg;
  json& hooks = out.data()["webhooks"];
  if (!hooks.is_array()) return out;
  const bool ipv6 = serving.host.find(':') != std::string::npos;
  const std::string base =
      "https://" + (ipv6 ? "[" + serving.host + "]" : serving.host) + ":" + std::to_string(serving.port);
  for (auto& w : hooks) {
    if (!w.is_object()) continue;
    json cc = w.value("clientConfig", json::object());
    std::string path = "/";
    if (cc.contains("service") && cc["service"].is_object()) {
      path = cc["service"].value("path", "/");
    } else if (cc.contains("url") && cc["url"].is_string()) {
      path = url_path(cc["url"].get<std::string>());
    }
    if (path.empty() || path.front() != '/') path = "/" + path;
    w["clientConfig"] = {{"url", base + path}, {"caBundle", core::base64_encode(serving.ca_pem)}};
  }
  return out;
}

std::vector<std::string> install_webhook_configurations(client::client& c, const std::vector<core::object>& configs,
                                                        std::chrono::milliseconds timeout) {
  std::vector<std::string> installed;
  for (const auto& cfg : configs) {
    const std::string id = resource_of(cfg) + "/" + std::string(cfg.name());
    const core::gvk kind = core::gvk::from_api_version(cfg.api_version(), cfg.kind());
    core::object body = cfg;
    body.set_resource_version("");
    auto created = c.create(core::object(body));
    if (!created && core::is_already_exists(created.error())) {
      auto cur = c.get(kind, {"", std::string(cfg.name())});
      if (cur) {
        body.set_resource_version((*cur)->resource_version());
        created = c.update(std::move(body));
      }
    }
    if (!created) throw std::runtime_error("webhook configuration " + id + ": " + created.error().message());
    installed.push_back(id);
  }
  // A real kube-apiserver and ktk's server on etcd read their configurations through a
  // watch: wait until each reads back (what envtest's WaitForWebhooks checks).
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& cfg : configs) {
    const core::gvk kind = core::gvk::from_api_version(cfg.api_version(), cfg.kind());
    if (!detail::poll_until([&] { return c.get(kind, {"", std::string(cfg.name())}).ok(); }, deadline)) {
      throw std::runtime_error("webhook configuration " + std::string(cfg.name()) + " not readable after install");
    }
  }
  return installed;
}

void uninstall_webhook_configurations(client::client& c, const std::vector<std::string>& installed) {
  for (const auto& id : installed) {
    auto slash = id.find('/');
    const std::string resource = id.substr(0, slash);
    const std::string kind =
        resource == "mutatingwebhookconfigurations" ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
    (void)c.remove({group, "v1", kind}, {"", id.substr(slash + 1)});
  }
}

}  // namespace ktk::envtest
