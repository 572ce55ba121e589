// kubeconfig_writer.cpp — kubeconfig text and atomic write.
#include "ktk/envtest/kubeconfig_writer.hpp"

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace ktk::envtest {

std::string kubeconfig_yaml(const kubeconfig_spec& s) {
  std::string y;
  y += "apiVersion: v1\nkind: Config\n";
  y += "clusters:\n- name: " + s.context + "\n  cluster:\n    server: " + s.server + "\n";
  if (!s.ca_data_base64.empty()) y += "    certificate-authority-data: " + s.ca_data_base64 + "\n";
  y += "contexts:\n- name: " + s.context + "\n  context:\n    cluster: " + s.context + "\n    user: " + s.context +
       "\n    namespace: " + s.namespace_ + "\n";
  y += "current-context: " + s.context + "\n";
  y += "preferences: {}\n";
  y += "users:\n- name: " + s.context + "\n  user:";
  std::string user;
  if (!s.token.empty()) user += "\n    token: " + s.token;
  if (!s.client_certificate_base64.empty()) user += "\n    client-certificate-data: " + s.client_certificate_base64;
  if (!s.client_key_base64.empty()) user += "\n    client-key-data: " + s.client_key_base64;
  y += user.empty() ? std::string(" {}\n") : user + "\n";
  return y;
}

void write_kubeconfig(const std::filesystem::path& path, const kubeconfig_spec& s) {
  namespace fs = std::filesystem;
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write the kubeconfig");
    out << kubeconfig_yaml(s);
    if (!out.flush()) throw std::runtime_error(tmp.string() + ": cannot write the kubeconfig");
  }
  std::error_code ec;
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error(path.string() + ": " + ec.message());
}

}  // namespace ktk::envtest
