// serve.cpp — `ktk serve`: the in-memory API server as a process.
//
// Contract (DESIGN.md): once it accepts requests it writes the kubeconfig (when
// asked) and prints exactly one line `ktk: serving on URL`; SIGTERM or SIGINT stop
// it cleanly with exit 0.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <sstream>


#include "args.hpp"
#include "commands.hpp"
#include "ktk/apiserver/certs.hpp"
#include "ktk/apiserver/crd_loader.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/apiserver/storage/etcd.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/envtest/kubeconfig_writer.hpp"

namespace ktk::cli {

namespace {

constexpr const char* serve_usage =
    "usage: ktk serve [--address A] [--port P] [--kubeconfig-out FILE] [--crds PATH]...\n"
    "                 [--etcd URL] [--tls] [--watch-history N] [--io-threads N]\n"
    "                 [--token-auth-file FILE] [--authorization-mode AlwaysAllow|RBAC]\n"
    "                 [--service-account-signing-key-file FILE] [--service-account-issuer URL]\n"
    "  --token-auth-file: kube-apiserver's CSV (token,user,uid,\"group1,group2\"); authentication on\n"
    "  --authorization-mode RBAC: Roles and bindings decide; the default ClusterRoles are created\n"
    "  --service-account-signing-key-file: PEM private key (EC P-256 or RSA) that signs the tokens of\n"
    "      serviceaccounts/NAME/token; tokens then outlive a restart (default: a key made at start)\n"
    "  --service-account-issuer: the tokens' iss and default audience\n"
    "      (default https://kubernetes.default.svc.cluster.local)\n";

std::size_t parse_count(const std::string& flag, const std::string& v, std::size_t max) {
  return static_cast<std::size_t>(parse_number(flag, v, 0, max));
}


}  // namespace

int serve(const std::vector<std::string>& argv) {
  args a(argv,
         {"address", "port", "kubeconfig-out", "crds", "etcd", "watch-history", "io-threads", "token-auth-file",
          "authorization-mode", "service-account-signing-key-file", "service-account-issuer"},
         {"tls", "help"});
  if (a.has("help")) {
    std::cout << serve_usage;
    return 0;
  }
  apiserver::registry_options ropts;
  if (auto h = a.value("watch-history")) ropts.history = std::max<std::size_t>(1, parse_count("watch-history", *h, 100000000));
  if (auto url = a.value("etcd")) {
    // Objects live in etcd under /registry; several servers on one etcd share them.
    try {
      ropts.storage = apiserver::storage::make_etcd_storage(
          {.endpoints = apiserver::storage::split_endpoints(*url), .history = ropts.history});
    } catch (const std::invalid_argument& e) {
      throw usage_error(std::string("--etcd: ") + e.what());
    } catch (const std::exception& e) {
      std::cerr << "ktk serve: --etcd: " << e.what() << "\n";
      return 1;
    }
  }
  apiserver::server_options sopts;
  if (auto addr = a.value("address")) sopts.address = *addr;
  if (auto p = a.value("port")) sopts.port = static_cast<std::uint16_t>(parse_count("port", *p, 65535));
  if (auto m = a.value("authorization-mode")) {
    auto mode = apiserver::authorization_mode_from_flag(*m);
    if (!mode) throw usage_error("--authorization-mode: \"" + *m + "\": ktk has AlwaysAllow and RBAC");
    sopts.authorization = *mode;
  }
  if (auto f = a.value("token-auth-file")) {
    try {
      sopts.auth.users = apiserver::read_token_file(*f);
    } catch (const std::exception& e) {
      std::cerr << "ktk serve: --token-auth-file: " << e.what() << "\n";
      return 1;
    }
  }
  if (a.has("token-auth-file") && !a.has("tls")) {
    std::cerr << "ktk serve: warning: --token-auth-file without --tls: every request needs a token from the file, "
                 "and the kubeconfig written has none (--tls writes one that authenticates)\n";
  }
  if (auto t = a.value("io-threads")) sopts.io_threads = static_cast<unsigned>(std::max<std::size_t>(1, parse_count("io-threads", *t, 64)));

  // Signals are taken synchronously by this thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (auto f = a.value("service-account-signing-key-file")) {
    std::ifstream in(*f);
    if (!in) {
      std::cerr << "ktk serve: --service-account-signing-key-file: cannot read " << *f << "\n";
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    ropts.service_account_signing_key_pem = ss.str();
  }
  if (auto iss = a.value("service-account-issuer")) {
    if (iss->empty()) throw usage_error("--service-account-issuer: must not be empty");
    ropts.service_account_issuer = *iss;
  }

  std::optional<apiserver::registry> reg_storage;
  try {
    reg_storage.emplace(ropts);
  } catch (const std::invalid_argument& e) {
    std::cerr << "ktk serve: --service-account-signing-key-file: " << e.what() << "\n";
    return 1;
  }
  apiserver::registry& reg = *reg_storage;
  std::vector<std::filesystem::path> crds;
  for (const auto& c : a.values("crds")) crds.emplace_back(c);
  if (!crds.empty()) {
    try {
      apiserver::install_crds(reg, crds);
    } catch (const apiserver::crd_install_error& e) {
      std::cerr << "ktk serve: --crds: " << e.what() << "\n";
      return 1;
    }
  }
  // --tls: a fresh CA and serving certificate, and authentication on: the bearer token
  // in the written kubeconfig, or a client certificate the CA signed.
  envtest::kubeconfig_spec kc;
  if (a.has("tls")) {
    auto pki = apiserver::generate_certs({sopts.address, "127.0.0.1", "localhost"});
    sopts.tls = apiserver::tls_config{pki.server_cert, pki.server_key, pki.ca_cert};
    kc.token = apiserver::random_token(32);
    sopts.auth.tokens = {kc.token};
    sopts.auth.client_certificates = true;
    kc.ca_data_base64 = core::base64_encode(pki.ca_cert);
  }
  apiserver::server srv(reg, sopts);
  try {
    srv.start();
  } catch (const std::exception& e) {
    std::cerr << "ktk serve: cannot listen on " << sopts.address << ":" << sopts.port << ": " << e.what() << "\n";
    return 1;
  }
  if (auto out = a.value("kubeconfig-out")) {
    try {
      kc.server = srv.url();
      envtest::write_kubeconfig(*out, kc);
    } catch (const std::exception& e) {
      std::cerr << "ktk serve: --kubeconfig-out: " << e.what() << "\n";
      return 1;
    }
  }
  std::cout << "ktk: serving on " << srv.url() << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  srv.stop();
  return 0;
}

}  // namespace ktk::cli
