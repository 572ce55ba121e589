// virtualmachine-operator — runs the VirtualMachine controller against a cluster.
//
//   virtualmachine-operator [--kubeconfig FILE] [--context NAME]
//
// The configuration is found as controller-runtime finds it (--kubeconfig, else
// KUBECONFIG, else in-cluster, else ~/.kube/config). SIGTERM or SIGINT stop it.
//
// The provider here is a STAND-IN: an in-memory fake_provider that logs each call
// ("create default/vm-1 (2 CPU, 4Gi)") and forgets everything when the process
// exits. A real operator passes its own provider (a cloud API, libvirt ...) to setup().
#include <signal.h>

#include <ctime>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include "fake_provider.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "virtualmachine_controller.hpp"

namespace {

constexpr std::string_view usage = "usage: virtualmachine-operator [--kubeconfig FILE] [--context NAME]\n";

// "--flag value" or "--flag=value"; advances i past what it used.
bool flag(int argc, char** argv, int& i, std::string_view name, std::string& out) {
  std::string_view a = argv[i];
  if (a.starts_with(name) && a.size() > name.size() && a[name.size()] == '=') {
    out = a.substr(name.size() + 1);
    return true;
  }
  if (a == name && i + 1 < argc) {
    out = argv[++i];
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  namespace vm = ktk::examples::virtualmachine;
  ktk::client::rest::config_options cfg_opts;
  for (int i = 1; i < argc; ++i) {
    if (flag(argc, argv, i, "--kubeconfig", cfg_opts.kubeconfig_path) || flag(argc, argv, i, "--context", cfg_opts.context)) {
      continue;
    }
    if (std::string_view(argv[i]) == "--help") {
      std::cout << usage;
      return 0;
    }
    std::cerr << "unknown argument: " << argv[i] << "\n" << usage;
    return 2;
  }

  // Signals are taken by a thread of ours (sigtimedwait), not by a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    auto cfg = ktk::client::rest::load_default_config(cfg_opts);
    ktk::client::rest::rest_client client(cfg.config);
    ktk::client::controller::manager mgr(client);
    vm::fake_provider provider([](const std::string& line) { std::cout << "provider: " << line << std::endl; });
    vm::setup(mgr, provider);

    std::stop_source stop;
    std::jthread waiter([&](std::stop_token st) {
      const timespec tick{0, 200'000'000};
      while (!st.stop_requested()) {
        if (sigtimedwait(&signals, nullptr, &tick) > 0) {
          stop.request_stop();
          return;
        }
      }
    });
    std::cout << "virtualmachine-operator: watching VirtualMachines on " << cfg.config.server << std::endl;
    auto r = mgr.start(stop.get_token());
    if (!r) {
      std::cerr << "virtualmachine-operator: " << r.error().message() << "\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {  // a broken kubeconfig, say
    std::cerr << "virtualmachine-operator: " << e.what() << "\n";
    return 1;
  }
}
