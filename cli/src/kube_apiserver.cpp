// kube_apiserver.cpp — `ktk kube-apiserver`: ktk's server taking kube-apiserver's
// command line, so that the envtest binaries mode (and anything else that launches a
// kube-apiserver) can run against it where no real one is installed. A symlink named
// `kube-apiserver` to `ktk` runs this too.
//
// Used: --etcd-servers, --etcd-prefix, --secure-port, --bind-address, --tls-cert-file,
// --tls-private-key-file (or a certificate generated into --cert-dir), --client-ca-file
// (client certificates are then the way in), --token-auth-file, --authorization-mode
// (RBAC enforced when the list names it; Node and Webhook are not modelled, so
// "Node,RBAC" is RBAC alone), --service-account-signing-key-file and
// --service-account-issuer (serviceaccounts/NAME/token; the public half,
// --service-account-key-file, is derived from the private). Every other flag of kube-apiserver is
// accepted and has no effect; that is said once on stderr.
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "ktk/apiserver/certs.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/apiserver/storage/etcd.hpp"

namespace ktk::cli {

namespace {

namespace fs = std::filesystem;

const std::set<std::string> used = {"etcd-servers",  "etcd-prefix",          "secure-port", "bind-address",
                                    "tls-cert-file", "tls-private-key-file", "cert-dir",    "client-ca-file",
                                    "authorization-mode", "token-auth-file", "service-account-signing-key-file",
                                    "service-account-issuer"};

std::string read_text(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw usage_error("--" + flag + ": cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// pflag's forms: --name=value, --name value, and --name alone for booleans.
std::map<std::string, std::string> parse_flags(const std::vector<std::string>& argv, std::vector<std::string>& ignored) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0 && a.rfind("-", 0) != 0) throw usage_error("unexpected argument \"" + a + "\"");
    std::string body = a.substr(a.find_first_not_of('-'));
    std::string name = body, value;
    if (auto eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
    } else if (used.count(name)) {
      if (i + 1 >= argv.size()) throw usage_error("flag needs an argument: --" + name);
      value = argv[++i];
    } else {
      value = "true";
    }
    if (used.count(name)) {
      out[name] = value;
    } else {
      ignored.push_back(name);
    }
  }
  return out;
}

}  // namespace

int kube_apiserver(const std::vector<std::string>& argv) {
  if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
    std::cout << "usage: ktk kube-apiserver --etcd-servers=URL[,URL] [--secure-port=6443] [--bind-address=A]\n"
                 "         [--tls-cert-file=F --tls-private-key-file=F | --cert-dir=D] [--client-ca-file=F]\n"
                 "         [any other kube-apiserver flag, accepted and ignored]\n";
    return 0;
  }
  std::vector<std::string> ignored;
  auto f = parse_flags(argv, ignored);
  if (!f.count("etcd-servers")) throw usage_error("--etcd-servers must be given");
  if (!ignored.empty()) {
    std::string names;
    for (const auto& n : ignored) names += (names.empty() ? "--" : ", --") + n;
    std::cerr << "ktk kube-apiserver: accepted without effect: " << names << "\n";
  }

  apiserver::server_options sopts;
  sopts.address = f.count("bind-address") ? f["bind-address"] : "0.0.0.0";
  try {
    sopts.port = static_cast<std::uint16_t>(std::stoul(f.count("secure-port") ? f["secure-port"] : "6443"));
  } catch (const std::exception&) {
    throw usage_error("--secure-port: \"" + f["secure-port"] + "\" is not a port");
  }
  apiserver::tls_config tls;
  if (f.count("tls-cert-file") || f.count("tls-private-key-file")) {
    tls.certificate_pem = read_text("tls-cert-file", f["tls-cert-file"]);
    tls.private_key_pem = read_text("tls-private-key-file", f["tls-private-key-file"]);
  } else {
    // kube-apiserver generates a self-signed serving certificate into --cert-dir.
    auto pki = apiserver::generate_certs({"127.0.0.1", "localhost"});
    tls.certificate_pem = pki.server_cert + pki.ca_cert;
    tls.private_key_pem = pki.server_key;
    if (f.count("cert-dir")) {
      fs::create_directories(f["cert-dir"]);
      std::ofstream(fs::path(f["cert-dir"]) / "apiserver.crt") << tls.certificate_pem;
      std::ofstream(fs::path(f["cert-dir"]) / "apiserver.key") << tls.private_key_pem;
    }
  }
  if (f.count("client-ca-file")) {
    tls.client_ca_pem = read_text("client-ca-file", f["client-ca-file"]);
    sopts.auth.client_certificates = true;
  }
  sopts.tls = tls;
  if (f.count("token-auth-file")) {
    try {
      sopts.auth.users = apiserver::read_token_file(f["token-auth-file"]);
    } catch (const std::exception& e) {
      throw usage_error(std::string("--token-auth-file: ") + e.what());
    }
  }
  if (f.count("authorization-mode")) {
    auto mode = apiserver::authorization_mode_from_flag(f["authorization-mode"]);
    if (!mode) throw usage_error("--authorization-mode: \"" + f["authorization-mode"] + "\": ktk has AlwaysAllow and RBAC");
    sopts.authorization = *mode;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  apiserver::registry_options ropts;
  try {
    ropts.storage = apiserver::storage::make_etcd_storage(
        {.endpoints = apiserver::storage::split_endpoints(f["etcd-servers"]),
         .prefix = f.count("etcd-prefix") ? f["etcd-prefix"] : "/registry"});
  } catch (const std::invalid_argument& e) {
    throw usage_error(std::string("--etcd-servers: ") + e.what());
  }
  if (f.count("service-account-signing-key-file")) {
    ropts.service_account_signing_key_pem =
        read_text("service-account-signing-key-file", f["service-account-signing-key-file"]);
  }
  if (f.count("service-account-issuer") && !f["service-account-issuer"].empty()) {
    ropts.service_account_issuer = f["service-account-issuer"];
  }
  std::optional<apiserver::registry> reg_storage;
  try {
    reg_storage.emplace(ropts);
  } catch (const std::invalid_argument& e) {
    throw usage_error(std::string("--service-account-signing-key-file: ") + e.what());
  }
  apiserver::registry& reg = *reg_storage;
  apiserver::server srv(reg, sopts);
  try {
    srv.start();
  } catch (const std::exception& e) {
    // "address already in use" stays in the message: launchers retry on another port.
    std::cerr << "ktk kube-apiserver: failed to listen on " << sopts.address << ":" << sopts.port << ": " << e.what()
              << "\n";
    return 1;
  }
  std::cerr << "ktk kube-apiserver: serving securely on " << srv.url() << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  srv.stop();
  return 0;
}

}  // namespace ktk::cli
