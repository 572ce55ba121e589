// kubeconfig_writer.cpp — kubeconfig text and atomic write.
#include "kubeconfig_writer.hpp"

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace ktk::cli {

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
  y += s.token.empty() ? std::string(" {}\n") : "\n    token: " + s.token + "\n";
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

}  // namespace ktk::cli
