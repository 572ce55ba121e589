// serve.cpp — `ktk serve`: the in-memory API server as a process.
//
// Contract (DESIGN.md): once it accepts requests it writes the kubeconfig (when
// asked) and prints exactly one line `ktk: serving on URL`; SIGTERM or SIGINT stop
// it cleanly with exit 0.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>

#include <random>

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
    "                 [--etcd URL] [--tls] [--watch-history N] [--io-threads N]\n";

std::size_t parse_count(const std::string& flag, const std::string& v, std::size_t max) {
  std::size_t pos = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(v, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos != v.size() || v.empty() || n > max) {
    throw usage_error("--" + flag + ": \"" + v + "\" is not a number between 0 and " + std::to_string(max));
  }
  return static_cast<std::size_t>(n);
}

// 32 random bytes as hex, from the kernel's generator.
std::string random_token() {
  std::random_device rd;
  std::string t;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    auto b = rd() & 0xff;
    t.push_back(hex[b >> 4]);
    t.push_back(hex[b & 15]);
  }
  return t;
}

}  // namespace

int serve(const std::vector<std::string>& argv) {
  args a(argv, {"address", "port", "kubeconfig-out", "crds", "etcd", "watch-history", "io-threads"}, {"tls", "help"});
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
  if (auto t = a.value("io-threads")) sopts.io_threads = static_cast<unsigned>(std::max<std::size_t>(1, parse_count("io-threads", *t, 64)));

  // Signals are taken synchronously by this thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  apiserver::registry reg(ropts);
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
    kc.token = random_token();
    sopts.auth = {.tokens = {kc.token}, .client_certificates = true};
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
